/**
 * An operator stack's outputs as an admin stack reads them through its StackReference (issue 15): what the program
 * exports for `stackKind: operator` (`infra/program.ts`), checked before the admin stack registers anything.
 */
import { z } from "zod";
import { formatPath, type Problem } from "../../component/config/problems";
import { RemoteClusterRole } from "../../component/meshArgs";
import type { ServedClusters } from "../../component/config/workloads";

/** The outputs an admin stack reads; an operator stack exports them and, besides, what people read. */
export const OPERATOR_OUTPUT_NAMES = ["stackKind", "EXTERNAL_ISTIOD_ADDR", "externalCluster", "remotes"] as const;

const servedRemoteSchema = z.object({
  role: z.enum(RemoteClusterRole),
  network: z.string(),
  namespace: z.string(),
  istioVersion: z.string(),
  injectionUrl: z.string(),
  controlPlaneRevision: z.string(),
});

/**
 * Optional values are unknown in an offline render whose `--operator-outputs` come from a render (a load
 * balancer's address, and so the whole `remotes` in loadBalancer mode); a deployed operator stack has them all.
 */
const operatorOutputsSchema = z.object({
  stackKind: z.literal("operator"),
  EXTERNAL_ISTIOD_ADDR: z.string().optional(),
  externalCluster: z.string().optional(),
  remotes: z.record(z.string(), servedRemoteSchema).optional(),
});

export type OperatorOutputs = z.output<typeof operatorOutputsSchema>;

/**
 * What the operator stack's outputs say: none yet (never deployed, or destroyed), not an operator stack's, or the
 * outputs. Values the render shows as unknown are `undefined` here, which leaves them out of the check.
 */
export type OperatorStackState =
  | { kind: "none" }
  | { kind: "notOperator"; stackKind: unknown }
  | { kind: "malformed"; problems: Problem[] }
  | { kind: "outputs"; outputs: OperatorOutputs };

/** Reads an operator stack's outputs (`values` by output name, as the StackReference returns them). */
export function operatorStackState(values: Readonly<Record<string, unknown>>): OperatorStackState {
  if (OPERATOR_OUTPUT_NAMES.every((name) => values[name] === undefined)) return { kind: "none" };
  if (values.stackKind !== "operator") return { kind: "notOperator", stackKind: values.stackKind };
  const parsed = operatorOutputsSchema.safeParse(values);
  if (!parsed.success) {
    return { kind: "malformed", problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
  }
  return { kind: "outputs", outputs: parsed.data };
}

/** The served clusters, as the admin's settings are checked against them; undefined while unknown. */
export function servedClusters(outputs: OperatorOutputs): ServedClusters | undefined {
  const { externalCluster, remotes } = outputs;
  if (externalCluster === undefined || remotes === undefined) return undefined;
  return { externalCluster, roles: Object.fromEntries(Object.entries(remotes).map(([name, r]) => [name, r.role])) };
}
