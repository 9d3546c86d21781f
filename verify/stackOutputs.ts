/**
 * The stack's outputs (`StackOutputs` in infra/program.ts) as `pulumi stack output --json` prints them, checked
 * against the stack config: verifying a config that was never deployed would only report confusing failures.
 *
 * Each kind of stack has its own outputs, told apart by the output `stackKind`: none for a whole mesh, "operator"
 * (infra/program.ts `OperatorStackOutputs`) or "admin" (infra/adminProgram.ts `AdminStackOutputs`).
 */
import { z } from "zod";
import { allRemotes, type RemoteCluster } from "../component/config/model";
import { workloadClusters } from "../component/config/workloads";
import { formatPath, type StackMeshConfig, type StackSettings, type StackWorkloadsConfig } from "../infra/config/validate";
import { refuseUnknownOutputs } from "./unknownOutputs";
import { UsageError } from "./usageError";

const role = z.enum(["config", "remote"]);

const remoteOutputsSchema = z.object({
  role,
  network: z.string(),
  injectionUrl: z.string(),
  // An undefined Output is printed as null (or left out).
  validationUrl: z.string().nullish(),
  remoteSecretName: z.string().min(1),
  ingressGatewayAddress: z.string().nullish(),
});

/**
 * One external istiod (issue 24, docs/canary.md). `address` is the host its proxies dial on 15012 and its webhooks on
 * 15017: hostname mode its DNS name; loadBalancer mode the load balancer's IP for `default`, `istiod-<rev>.<ns>.svc`
 * for the others.
 */
const revisionOutputsSchema = z.object({
  version: z.string().min(1),
  role: z.enum(["stable", "canary"]),
  isDefault: z.boolean(),
  address: z.string().min(1),
});

/**
 * `revisions` and `revisionTags`: absent from the outputs of stacks deployed before revisions existed (then the one
 * revision `default` at istio.version, `verify/revisions.ts`). Checked for what every deployment of them holds.
 */
const revisionFields = {
  revisions: z
    .record(z.string().min(1), revisionOutputsSchema)
    .refine((r) => Object.values(r).filter((x) => x.isDefault).length === 1, "exactly one revision must have isDefault true")
    .refine((r) => Object.values(r).filter((x) => x.role === "stable").length === 1, 'exactly one revision must have role "stable"')
    .nullish(),
  revisionTags: z.record(z.string().min(1), z.string().min(1)).nullish(),
};

/** Every tag names a revision of the same outputs. */
function tagsNameRevisions(o: { revisions?: Record<string, unknown> | null | undefined; revisionTags?: Record<string, string> | null | undefined }, ctx: z.RefinementCtx): void {
  for (const [tag, revision] of Object.entries(o.revisionTags ?? {})) {
    if (!o.revisions || !(revision in o.revisions)) {
      ctx.addIssue({ code: "custom", path: ["revisionTags", tag], message: `names revision ${revision}, which revisions does not list` });
    }
  }
}

const meshOutputsSchema = z
  .object({
    EXTERNAL_ISTIOD_ADDR: z.string().min(1),
    controlPlaneLoadBalancer: z.string().nullish(),
    remotes: z.record(z.string(), remoteOutputsSchema),
    helloworldUrl: z.string().nullish(),
    ...revisionFields,
  })
  .superRefine(tagsNameRevisions);

/** A remote cluster as the operator serves it (`ServedRemoteCluster`): no gateways of the mesh admins. */
const servedRemoteOutputsSchema = z.object({
  role,
  network: z.string(),
  namespace: z.string().min(1),
  istioVersion: z.string(),
  injectionUrl: z.string(),
  validationUrl: z.string().nullish(),
  remoteSecretName: z.string().min(1),
});

const operatorOutputsSchema = z
  .object({
    stackKind: z.literal("operator"),
    EXTERNAL_ISTIOD_ADDR: z.string().min(1),
    controlPlaneLoadBalancer: z.string().nullish(),
    externalCluster: z.string().min(1),
    remotes: z.record(z.string(), servedRemoteOutputsSchema),
    ...revisionFields,
  })
  .superRefine(tagsNameRevisions);

/** One of a mesh admins' clusters (`WorkloadClusterInfo`): where its gateways run, from the operator stack. */
const workloadRemoteOutputsSchema = z.object({
  role,
  network: z.string(),
  namespace: z.string().min(1),
  istioVersion: z.string(),
  ingressGatewayAddress: z.string().nullish(),
});

const adminOutputsSchema = z.object({
  stackKind: z.literal("admin"),
  operatorStack: z.string().min(1),
  /** Copied from the operator stack when the admin stack was deployed. */
  EXTERNAL_ISTIOD_ADDR: z.string().min(1),
  remotes: z.record(z.string(), workloadRemoteOutputsSchema),
  helloworldUrl: z.string().nullish(),
});

export type MeshOutputs = z.output<typeof meshOutputsSchema> & { stackKind: "mesh" };
export type OperatorOutputs = z.output<typeof operatorOutputsSchema>;
export type AdminOutputs = z.output<typeof adminOutputsSchema>;
export type RemoteOutputs = z.output<typeof remoteOutputsSchema>;
export type RevisionOutputs = z.output<typeof revisionOutputsSchema>;
/** The outputs of any kind of stack, by their `stackKind` ("mesh" when the output is absent, as the program exports it). */
export type StackOutputs = MeshOutputs | OperatorOutputs | AdminOutputs;
export type StackKind = StackOutputs["stackKind"];

const KIND_TEXT: Record<StackKind, string> = { mesh: "a whole mesh's", operator: "a mesh operator's", admin: "a mesh admins'" };

/** @throws UsageError on anything but the outputs of this program */
export function parseStackOutputs(text: string, source: string): StackOutputs {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`stack outputs from ${source} are not JSON (${(err as Error).message}); expected the output of \`pulumi stack output --json\``);
  }
  // Before anything else: a render's or a preview's outputs would only send the checks after addresses that do not exist.
  refuseUnknownOutputs(json, source);
  const stackKind = typeof json === "object" && json !== null && "stackKind" in json ? json.stackKind : undefined;
  if (stackKind !== undefined && stackKind !== "operator" && stackKind !== "admin") {
    throw new UsageError(
      `stack outputs from ${source} are not those of this program: stackKind is ${JSON.stringify(stackKind)}, expected "operator", "admin" or none (a whole mesh)`,
    );
  }
  const schema = stackKind === "operator" ? operatorOutputsSchema : stackKind === "admin" ? adminOutputsSchema : meshOutputsSchema;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${formatPath(i.path) || "(root)"}: ${i.message}`);
    const kind = stackKind === undefined ? "" : ` (${KIND_TEXT[stackKind]} stack, by their stackKind)`;
    throw new UsageError(`stack outputs from ${source} are not those of this program${kind}:\n${problems.join("\n")}`);
  }
  return stackKind === undefined ? { ...(parsed.data as z.output<typeof meshOutputsSchema>), stackKind: "mesh" } : (parsed.data as StackOutputs);
}

/** What `npm run verify` checks: a stack's config with the outputs of its last `pulumi up`, of the same kind. */
export type VerifyTarget =
  | { kind: "mesh"; config: StackMeshConfig; outputs: MeshOutputs }
  | { kind: "operator"; config: StackMeshConfig; outputs: OperatorOutputs }
  | { kind: "admin"; config: StackWorkloadsConfig; outputs: AdminOutputs };

function addressProblems(cfg: StackMeshConfig, outputs: MeshOutputs | OperatorOutputs): string[] {
  return cfg.exposure.mode === "hostname" && outputs.EXTERNAL_ISTIOD_ADDR !== cfg.exposure.hostname
    ? [`EXTERNAL_ISTIOD_ADDR is ${outputs.EXTERNAL_ISTIOD_ADDR}, but the config's exposure.hostname is ${cfg.exposure.hostname}`]
    : [];
}

/**
 * The stable revision is the config's istio.version, served (hostname mode) on exposure.hostname: a stable revision
 * elsewhere is a config changed since `pulumi up`.
 */
function revisionProblems(cfg: StackMeshConfig, outputs: MeshOutputs | OperatorOutputs): string[] {
  const stable = Object.entries(outputs.revisions ?? {}).find(([, r]) => r.role === "stable");
  if (stable === undefined) return [];
  const [name, r] = stable;
  return [
    ...(r.version !== cfg.chart.version ? [`revisions.${name}.version is ${r.version} (the stable revision), but the config's istio.version is ${cfg.chart.version}`] : []),
    ...(cfg.exposure.mode === "hostname" && r.address !== cfg.exposure.hostname
      ? [`revisions.${name}.address is ${r.address} (the stable revision), but the config's exposure.hostname is ${cfg.exposure.hostname}`]
      : []),
  ];
}

/** Each remote of the config in the outputs, on its network; `more` adds what else one kind's outputs say of it. */
function remoteProblems<R extends { network: string }>(
  cfg: StackMeshConfig,
  remotes: Readonly<Record<string, R>>,
  more: (remote: RemoteCluster, out: R) => string[] = () => [],
): string[] {
  return allRemotes(cfg).flatMap((remote) => {
    const out = remotes[remote.name];
    if (out === undefined) return [`remotes has no cluster ${remote.name}`];
    return [...(out.network !== remote.network ? [`remotes.${remote.name}.network is ${out.network}, but the config says ${remote.network}`] : []), ...more(remote, out)];
  });
}

/** Clusters in the outputs that the config does not list: removed from the config since the last `pulumi up`. */
function extraClusters(outputs: { remotes: Record<string, unknown> }, listed: readonly string[]): string[] {
  return Object.keys(outputs.remotes)
    .filter((name) => !listed.includes(name))
    .map((name) => `remotes has cluster ${name}, which the config does not list`);
}

const ROLE_PLACE: Record<string, string> = { config: "clusters.config", remote: "clusters.remotes" };

/** A cluster deployed as the config cluster and now listed as a further remote, or the other way round. */
function roleProblem(name: string, actual: string, expected: string): string[] {
  return actual === expected ? [] : [`remotes.${name}.role is ${actual}, but the config lists ${name} under ${ROLE_PLACE[expected] ?? expected}`];
}

/** A whole mesh's outputs against its config (as before operator and admin stacks). */
function meshProblems(cfg: StackMeshConfig, outputs: MeshOutputs): string[] {
  return [...addressProblems(cfg, outputs), ...revisionProblems(cfg, outputs), ...remoteProblems(cfg, outputs.remotes)];
}

function operatorProblems(cfg: StackMeshConfig, outputs: OperatorOutputs): string[] {
  return [
    ...addressProblems(cfg, outputs),
    ...revisionProblems(cfg, outputs),
    ...(outputs.externalCluster !== cfg.external.name
      ? [`externalCluster is ${outputs.externalCluster}, but the config's clusters.external.name is ${cfg.external.name}`]
      : []),
    ...remoteProblems(cfg, outputs.remotes, (remote, out) => [
      ...roleProblem(remote.name, out.role, remote === cfg.configCluster ? "config" : "remote"),
      ...(out.namespace !== cfg.namespace
        ? [`remotes.${remote.name}.namespace is ${out.namespace}, but the config's mesh.controlPlaneNamespace is ${cfg.namespace}`]
        : []),
    ]),
    ...extraClusters(outputs, allRemotes(cfg).map((r) => r.name)),
  ];
}

function adminProblems(cfg: StackWorkloadsConfig, outputs: AdminOutputs): string[] {
  const problems: string[] = [];
  if (outputs.operatorStack !== cfg.operatorStack) {
    problems.push(`operatorStack is ${outputs.operatorStack}, but the config's operatorStack is ${cfg.operatorStack}`);
  }
  const placed = workloadClusters(cfg.document);
  for (const { cluster, role } of placed) {
    const out = outputs.remotes[cluster.name];
    if (out === undefined) problems.push(`remotes has no cluster ${cluster.name}`);
    else problems.push(...roleProblem(cluster.name, out.role, role));
  }
  problems.push(...extraClusters(outputs, placed.map((p) => p.cluster.name)));
  return problems;
}

/**
 * Pairs the config with outputs of the same kind of stack.
 * @throws UsageError when the outputs are another kind of stack's, or describe another deployment than the config
 * (config changed since `pulumi up`)
 */
export function matchOutputsToConfig(settings: StackSettings, outputs: StackOutputs, source: string): VerifyTarget {
  if (outputs.stackKind !== settings.kind) {
    const theirs = outputs.stackKind === "mesh" ? "have no stackKind output (a whole mesh's)" : `have stackKind ${outputs.stackKind} (${KIND_TEXT[outputs.stackKind]} stack)`;
    throw new UsageError(
      `the stack outputs (${source}) ${theirs}, but ${settings.source} is ${KIND_TEXT[settings.kind]} stack (stackKind: ${settings.kind}): ` +
        "are they the outputs of another stack? Pass this stack's outputs, or run `pulumi up` first",
    );
  }
  let target: VerifyTarget;
  let problems: string[];
  if (settings.kind === "admin") {
    target = { kind: "admin", config: settings, outputs: outputs as AdminOutputs };
    problems = adminProblems(settings, target.outputs);
  } else if (settings.kind === "operator") {
    target = { kind: "operator", config: settings, outputs: outputs as OperatorOutputs };
    problems = operatorProblems(settings, target.outputs);
  } else {
    target = { kind: "mesh", config: settings, outputs: outputs as MeshOutputs };
    problems = meshProblems(settings, target.outputs);
  }
  if (problems.length > 0) {
    throw new UsageError(
      `the stack outputs (${source}) do not match ${settings.source}; run \`pulumi up\` first:\n${problems.map((p) => `  ${p}`).join("\n")}`,
    );
  }
  return target;
}
