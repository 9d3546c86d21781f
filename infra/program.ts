/**
 * The Pulumi program: validate the stack config (before anything is registered), refuse changes a deployed stack
 * cannot take, then create the mesh: one `ExternalControlPlaneMesh`, from the stack config as its arguments.
 */
import * as pulumi from "@pulumi/pulumi";
import { ExternalControlPlaneMesh } from "../package/externalControlPlaneMesh";
import type { RemoteClusterInfo } from "../package/meshArgs";
import {
  DEPLOYED_CONFIG_OUTPUT,
  deployedConfigOf,
  immutableKeyProblems,
  parseDeployedConfig,
  versionJumpProblems,
  type DeployedConfig,
} from "./config/deployed";
import { CONFIG_NAMESPACE, ConfigError, loadMeshConfig } from "./config/load";
import { formatProblems } from "./config/validate";
import { meshArgsFromStack, type StackSecrets } from "./meshArgs";

/** The mesh component's name in the stack. */
export const MESH_NAME = "mesh";

export interface ProgramOptions {
  /** The stack file's name in messages (the render passes `--config-file`). */
  source?: string;
}

/** The stack's outputs: the mesh's, under the names the guide and `npm run verify` use, and the record. */
export interface StackOutputs {
  EXTERNAL_ISTIOD_ADDR: pulumi.Output<string>;
  controlPlaneLoadBalancer: pulumi.Output<string>;
  remotes: Record<string, RemoteClusterInfo>;
  helloworldUrl?: pulumi.Output<string>;
  /** What the next `pulumi up` compares the stack file with (`infra/config/deployed.ts`). */
  [DEPLOYED_CONFIG_OUTPUT]: DeployedConfig;
}

/** This stack, as a StackReference names it. Older CLIs report no organization: the bare name means this project. */
function thisStackName(): string {
  try {
    return `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
  } catch {
    return pulumi.getStack();
  }
}

/** What the stack's last `pulumi up` left: nothing yet, outputs without our record (an older program), or the record. */
export type PreviousDeployment = { kind: "none" } | { kind: "unrecorded" } | { kind: "recorded"; config: DeployedConfig };

/**
 * The last successful `pulumi up`, read through a StackReference to this same stack. The read happens before
 * anything else is registered and changes nothing; at that point the backend still holds the previous
 * deployment's outputs (this run's are registered when the program's outputs resolve, at its end).
 */
async function previousDeployment(): Promise<PreviousDeployment> {
  const self = new pulumi.StackReference("deployed-config", { name: thisStackName() });
  const [record, address] = await Promise.all([
    self.getOutputDetails(DEPLOYED_CONFIG_OUTPUT),
    // Every deployment of this program, before the record too, exported the control plane address.
    self.getOutputDetails("EXTERNAL_ISTIOD_ADDR"),
  ]);
  const config = parseDeployedConfig(record.value ?? record.secretValue);
  if (config) return { kind: "recorded", config };
  return (address.value ?? address.secretValue) !== undefined ? { kind: "unrecorded" } : { kind: "none" };
}

/**
 * Whether this run changes the control plane's version on a deployed mesh: then the remotes' charts wait for the
 * control plane (README "Upgrading Istio"). Unknown for a stack deployed before the record existed: assumed.
 */
export function upgradesControlPlane(previous: PreviousDeployment, version: string): boolean {
  if (previous.kind === "none") return false;
  return previous.kind === "unrecorded" || previous.config.istioVersion !== version;
}

export async function program(options: ProgramOptions = {}): Promise<StackOutputs> {
  const cfg = loadMeshConfig(options.source);
  const previous = await previousDeployment();
  const deployed = previous.kind === "recorded" ? previous.config : undefined;
  const refused = [...immutableKeyProblems(deployed, cfg), ...versionJumpProblems(deployed, cfg)];
  if (refused.length > 0) throw new ConfigError(formatProblems(cfg.source, refused));

  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const createTls = cfg.exposure.mode === "hostname" && cfg.exposure.tls.create;
  const secrets: StackSecrets = {
    ...(cfg.kubeconfigInConfig ? { kubeconfig: config.requireSecret("kubeconfig") } : {}),
    ...(createTls ? { tlsCertificate: config.requireSecret("tlsCertificate"), tlsKey: config.requireSecret("tlsKey") } : {}),
  };
  const run = { upgradingControlPlane: upgradesControlPlane(previous, cfg.chart.version) };
  const mesh = new ExternalControlPlaneMesh(MESH_NAME, meshArgsFromStack(cfg.document, secrets, run));
  return {
    EXTERNAL_ISTIOD_ADDR: mesh.externalIstiodAddress,
    controlPlaneLoadBalancer: mesh.controlPlaneLoadBalancer,
    remotes: mesh.remotes,
    ...(mesh.helloworldUrl ? { helloworldUrl: mesh.helloworldUrl } : {}),
    [DEPLOYED_CONFIG_OUTPUT]: deployedConfigOf(cfg),
  };
}
