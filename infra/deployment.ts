/**
 * What this stack's last successful `pulumi up` left, read through a StackReference to the stack itself: the record
 * the program compares the stack file with (`config/deployed.ts`), or, for a stack deployed before the record
 * existed, what its other outputs tell (`config/inferred.ts`).
 */
import * as pulumi from "@pulumi/pulumi";
import { DEPLOYED_CONFIG_OUTPUT, parseDeployedConfig, type DeployedAdminConfig, type DeployedConfig } from "./config/deployed";
import { inferDeployment, type InferredDeployment } from "./config/inferred";
import { ConfigError } from "./config/load";
import { stackReferenceName } from "./stackNames";

/** What the stack's last `pulumi up` left: nothing yet, outputs without our record (an older program), or the record. */
export type PreviousDeployment =
  | { kind: "none" }
  | { kind: "unrecorded"; inferred: InferredDeployment }
  | { kind: "recorded"; config: DeployedConfig }
  | { kind: "recordedAdmin"; config: DeployedAdminConfig };

/** The outputs read: the record, and those every earlier version of this program exported. */
const READ_OUTPUTS = [DEPLOYED_CONFIG_OUTPUT, "EXTERNAL_ISTIOD_ADDR", "remotes"] as const;

/**
 * The last successful `pulumi up`, read through a StackReference to this same stack. The read happens before
 * anything else is registered and changes nothing; at that point the backend still holds the previous
 * deployment's outputs (this run's are registered when the program's outputs resolve, at its end).
 *
 * A record that is there but cannot be read stops the run (issue 20, F5): every check against the deployed stack
 * depends on it, and ignoring it would switch them all off without a word.
 */
export async function previousDeployment(source: string): Promise<PreviousDeployment> {
  const self = new pulumi.StackReference("deployed-config", { name: stackReferenceName(pulumi.getStack()) });
  const [record, address, remotes] = await Promise.all(READ_OUTPUTS.map((name) => self.getOutputDetails(name)));
  const value = (d: pulumi.StackReferenceOutputDetails | undefined): unknown => d?.value ?? d?.secretValue;
  const parsed = parseDeployedConfig(value(record));
  if (parsed.kind === "unreadable") throw new ConfigError([`${source}: ${DEPLOYED_CONFIG_OUTPUT}: ${parsed.message}`]);
  if (parsed.kind === "admin") return { kind: "recordedAdmin", config: parsed.config };
  if (parsed.kind === "recorded") return { kind: "recorded", config: parsed.config };
  // Every deployment of this program, before the record too, exported the control plane address.
  if (value(address) === undefined) return { kind: "none" };
  return { kind: "unrecorded", inferred: inferDeployment(value(address), value(remotes)) };
}

/**
 * Whether this run changes the control plane's version on a deployed mesh: then the remotes' charts wait for the
 * control plane (docs/upgrades.md). Unknown for a stack deployed before the record existed: assumed. The
 * recorded version is the lowest its releases reported, so a run that left some behind counts as an upgrade.
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
