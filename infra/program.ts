/**
 * The Pulumi program: validate the stack config (before anything is registered), refuse changes a deployed stack
 * cannot take, then deploy what the stack's kind says (docs/operator-admin-stacks.md): the whole mesh (one
 * `ExternalControlPlaneMesh`), the mesh operator's part (`ExternalControlPlane`), or a mesh admins' part
 * (`MeshWorkloads`, `adminProgram.ts`).
 */
import * as pulumi from "@pulumi/pulumi";
import { ExternalControlPlane } from "../component/externalControlPlane";
import { ExternalControlPlaneMesh } from "../component/externalControlPlaneMesh";
import { deployedStateOf } from "../component/deployedState";
import type { ControlPlaneRevisionInfo, RemoteClusterInfo, ServedRemoteCluster } from "../component/meshArgs";
import { adminProgram, type AdminStackOutputs } from "./adminProgram";
import { deployedKind, previousDeployment, upgradesControlPlane } from "./deployment";
import {
  DEPLOYED_CONFIG_OUTPUT,
  deployedConfigOf,
  firstDeploymentProblems,
  immutableKeyProblems,
  revisionChangeProblems,
  stackKindProblems,
  versionJumpProblems,
  type DeployedConfig,
} from "./config/deployed";
import { inferredProblems, unrecordedWarning } from "./config/inferred";
import { CONFIG_NAMESPACE, ConfigError, loadStackSettings } from "./config/load";
import { formatProblems, type StackMeshConfig } from "./config/validate";
import { controlPlaneArgsFromStack, meshArgsFromStack, type StackSecrets } from "./meshArgs";

/** The mesh component's name in the stack (and the operator's control plane's, the admins' workloads'). */
export const MESH_NAME = "mesh";

export interface ProgramOptions {
  /** The stack file's name in messages (the render passes `--config-file`). */
  source?: string;
}

/** A whole mesh's outputs: the mesh's, under the names the guide and `npm run verify` use, and the record. */
export interface MeshStackOutputs {
  EXTERNAL_ISTIOD_ADDR: pulumi.Output<string>;
  controlPlaneLoadBalancer: pulumi.Output<string>;
  remotes: Record<string, RemoteClusterInfo>;
  helloworldUrl?: pulumi.Output<string>;
  /** The running external istiods by revision, and the revision tags (docs/canary.md). */
  revisions: Record<string, ControlPlaneRevisionInfo>;
  revisionTags: Record<string, string>;
  /** What the next `pulumi up` compares the stack file with (`infra/config/deployed.ts`). */
  [DEPLOYED_CONFIG_OUTPUT]: pulumi.Output<DeployedConfig>;
}

/**
 * An operator stack's outputs: what admin stacks read through their StackReference (`config/operatorOutputs.ts`),
 * none of it secret, and the record.
 */
export interface OperatorStackOutputs {
  stackKind: "operator";
  EXTERNAL_ISTIOD_ADDR: pulumi.Output<string>;
  controlPlaneLoadBalancer: pulumi.Output<string>;
  externalCluster: string;
  remotes: Record<string, ServedRemoteCluster>;
  revisions: Record<string, ControlPlaneRevisionInfo>;
  revisionTags: Record<string, string>;
  [DEPLOYED_CONFIG_OUTPUT]: pulumi.Output<DeployedConfig>;
}

export type StackOutputs = MeshStackOutputs | OperatorStackOutputs | AdminStackOutputs;

export { upgradesControlPlane, type PreviousDeployment } from "./deployment";

/** A whole mesh or an operator stack: the control plane's rules against the record, then the component. */
async function controlPlaneProgram(cfg: StackMeshConfig): Promise<MeshStackOutputs | OperatorStackOutputs> {
  const previous = await previousDeployment(cfg.source);
  const deployed = previous.kind === "recorded" ? previous.config : undefined;
  const kindChanged = stackKindProblems(deployedKind(previous), cfg.kind);
  // A record of the other kind is not compared key by key: the kind's problem says what matters.
  const refused =
    kindChanged.length > 0
      ? kindChanged
      : previous.kind === "unrecorded"
        ? // Deployed before records: the unrevisioned istiod alone.
          [...inferredProblems(previous.inferred, cfg), ...revisionChangeProblems({}, cfg)]
        : previous.kind === "none"
          ? firstDeploymentProblems(cfg)
          : [...immutableKeyProblems(deployed, cfg), ...versionJumpProblems(deployed, cfg), ...revisionChangeProblems(deployed, cfg)];
  if (refused.length > 0) throw new ConfigError(formatProblems(cfg.source, refused));
  if (previous.kind === "unrecorded") void pulumi.log.warn(unrecordedWarning(cfg.source, previous.inferred));

  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const createTls = cfg.exposure.mode === "hostname" && cfg.exposure.tls.create;
  const secrets: StackSecrets = {
    ...(cfg.kubeconfigInConfig ? { kubeconfig: config.requireSecret("kubeconfig") } : {}),
    ...(createTls ? { tlsCertificate: config.requireSecret("tlsCertificate"), tlsKey: config.requireSecret("tlsKey") } : {}),
    ...(cfg.registryCredentialsInConfig ? { registryCredentials: config.requireSecret("registryCredentials") } : {}),
  };
  const run = { upgradingControlPlane: upgradesControlPlane(previous, cfg.chart.version) };
  if (cfg.kind === "operator") {
    const controlPlane = new ExternalControlPlane(MESH_NAME, controlPlaneArgsFromStack(cfg.document, secrets, run));
    return {
      stackKind: "operator",
      EXTERNAL_ISTIOD_ADDR: controlPlane.externalIstiodAddress,
      controlPlaneLoadBalancer: controlPlane.controlPlaneLoadBalancer,
      externalCluster: controlPlane.externalCluster,
      remotes: controlPlane.remotes,
      revisions: controlPlane.revisions,
      revisionTags: controlPlane.revisionTags,
      [DEPLOYED_CONFIG_OUTPUT]: deployedStateOf(controlPlane).apply((versions) => deployedConfigOf(cfg, versions)),
    };
  }
  const mesh = new ExternalControlPlaneMesh(MESH_NAME, meshArgsFromStack(cfg.document, secrets, run));
  return {
    EXTERNAL_ISTIOD_ADDR: mesh.externalIstiodAddress,
    controlPlaneLoadBalancer: mesh.controlPlaneLoadBalancer,
    remotes: mesh.remotes,
    ...(mesh.helloworldUrl ? { helloworldUrl: mesh.helloworldUrl } : {}),
    revisions: mesh.revisions,
    revisionTags: mesh.revisionTags,
    [DEPLOYED_CONFIG_OUTPUT]: deployedStateOf(mesh).apply((versions) => deployedConfigOf(cfg, versions)),
  };
}

export async function program(options: ProgramOptions = {}): Promise<StackOutputs> {
  const settings = loadStackSettings(options.source);
  return settings.kind === "admin" ? adminProgram(MESH_NAME, settings, await previousDeployment(settings.source)) : controlPlaneProgram(settings);
}
