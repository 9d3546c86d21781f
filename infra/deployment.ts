/**
 * What this stack's last successful `pulumi up` left, read through a StackReference to the stack itself: the record
 * the program compares the stack file with (`config/deployed.ts`).
 */
import * as pulumi from "@pulumi/pulumi";
import { DEPLOYED_CONFIG_OUTPUT, parseDeployedConfig, type DeployedAdminConfig, type DeployedConfig } from "./config/deployed";
import { stackReferenceName } from "./stackNames";


/** What the stack's last `pulumi up` left: nothing yet, outputs without our record (an older program), or the record. */
export type PreviousDeployment =
  | { kind: "none" }
  | { kind: "unrecorded" }
  | { kind: "recorded"; config: DeployedConfig }
  | { kind: "recordedAdmin"; config: DeployedAdminConfig };

/**
 * The last successful `pulumi up`, read through a StackReference to this same stack. The read happens before
 * anything else is registered and changes nothing; at that point the backend still holds the previous
 * deployment's outputs (this run's are registered when the program's outputs resolve, at its end).
 */
export async function previousDeployment(): Promise<PreviousDeployment> {
  const self = new pulumi.StackReference("deployed-config", { name: stackReferenceName(pulumi.getStack()) });
  const [record, address] = await Promise.all([
    self.getOutputDetails(DEPLOYED_CONFIG_OUTPUT),
    // Every deployment of this program, before the record too, exported the control plane address.
    self.getOutputDetails("EXTERNAL_ISTIOD_ADDR"),
  ]);
  const config = parseDeployedConfig(record.value ?? record.secretValue);
  if (config?.stackKind === "admin") return { kind: "recordedAdmin", config };
  if (config) return { kind: "recorded", config };
  return (address.value ?? address.secretValue) !== undefined ? { kind: "unrecorded" } : { kind: "none" };
}

/**
 * Whether this run changes the control plane's version on a deployed mesh: then the remotes' charts wait for the
 * control plane (docs/upgrades.md). Unknown for a stack deployed before the record existed: assumed.
 */
export function upgradesControlPlane(previous: PreviousDeployment, version: string): boolean {
  if (previous.kind === "none" || previous.kind === "recordedAdmin") return false;
  return previous.kind === "unrecorded" || previous.config.istioVersion !== version;
}

/** The recorded kind of the deployed stack; an unrecorded deployment was a whole mesh. */
export function deployedKind(previous: PreviousDeployment): { stackKind: string } | undefined {
  if (previous.kind === "none") return undefined;
  return previous.kind === "unrecorded" ? { stackKind: "mesh" } : previous.config;
}

