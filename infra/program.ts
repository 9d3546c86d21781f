/**
 * The Pulumi program: validate the stack config (before anything is registered), then build the mesh.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, loadMeshConfig } from "./config/load";
import { buildMesh, type MeshOutputs } from "./mesh";
import { withoutPromiseStackTraces } from "./promiseStackTraces";
import { createProviders } from "./providers";

export interface ProgramOptions {
  /** The stack file's name in messages (the render passes `--config-file`). */
  source?: string;
}

export function program(options: ProgramOptions = {}): MeshOutputs {
  const cfg = loadMeshConfig(options.source);
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const providers = createProviders(cfg, cfg.kubeconfigInConfig ? config.requireSecret("kubeconfig") : undefined);
  const createTls = cfg.exposure.mode === "hostname" && cfg.exposure.tls.create;
  const secrets = createTls ? { tlsCertificate: config.requireSecret("tlsCertificate"), tlsKey: config.requireSecret("tlsKey") } : {};
  return withoutPromiseStackTraces(() => buildMesh(cfg, providers, secrets));
}
