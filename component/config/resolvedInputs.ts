/**
 * The component's Inputs that are not plain yet (issue 22): the values a program may take from other resources
 * (`DeferrableField`: an API server, the hostname, the TLS Secret's name, the chart repository, the rotation value),
 * given as an Output or a Promise. They pass the up-front validation (`args.ts`) as they are, and are replaced by
 * Outputs of the same value that are checked with the plain value's rule and message when they resolve, before any
 * resource receives them.
 */
import * as pulumi from "@pulumi/pulumi";
import { clusterProblems, DEFERRABLE_FIELD_RULES, errorMap, isRecord, type DeferrableField } from "./document";
import { withoutTrailingSlash } from "./fields";
import type { Problem } from "./problems";

/** A value another resource gives, not yet resolved. */
export const isDeferred = (v: unknown): v is pulumi.Output<unknown> | Promise<unknown> => pulumi.Output.isInstance(v) || v instanceof Promise;

/** An Input of the arguments: where it is, and its field's rule. */
export interface InputAt {
  path: string;
  field: DeferrableField;
  value: unknown;
  /** Sets the (checked) value in the copy of the arguments. */
  set(value: unknown): void;
}

/** The Inputs of a copy of the mesh's arguments (its objects along the Inputs' paths are copies). */
export function meshInputs(args: Record<string, unknown>): InputAt[] {
  const out: InputAt[] = [];
  const at = (parent: Record<string, unknown>, key: string, path: string, field: DeferrableField) => {
    if (parent[key] !== undefined) out.push({ path, field, value: parent[key], set: (v) => void (parent[key] = v) });
  };
  const copy = (parent: Record<string, unknown>, key: string): Record<string, unknown> | undefined =>
    isRecord(parent[key]) && !isDeferred(parent[key]) ? (parent[key] = { ...parent[key] }) : undefined;
  const istio = copy(args, "istio");
  if (istio) at(istio, "chartRepository", "istio.chartRepository", "chartRepository");
  if (istio) at(istio, "hub", "istio.hub", "hub");
  const canary = istio && copy(istio, "canary");
  if (canary) at(canary, "hostname", "istio.canary.hostname", "hostname");
  const canaryTls = canary && copy(canary, "tls");
  if (canaryTls) at(canaryTls, "secretName", "istio.canary.tls.secretName", "secretName");
  const clusters = copy(args, "clusters");
  const config = clusters && copy(clusters, "config");
  if (config) at(config, "apiServer", "clusters.config.apiServer", "apiServer");
  if (clusters && Array.isArray(clusters.remotes)) {
    const remotes = (clusters.remotes = [...(clusters.remotes as unknown[])]);
    remotes.forEach((r, i) => {
      if (!isRecord(r) || isDeferred(r)) return;
      const remote = (remotes[i] = { ...r });
      at(remote, "apiServer", `clusters.remotes[${i}].apiServer`, "apiServer");
    });
  }
  const exposure = copy(args, "exposure");
  if (exposure) at(exposure, "hostname", "exposure.hostname", "hostname");
  const tls = exposure && copy(exposure, "tls");
  if (tls) at(tls, "secretName", "exposure.tls.secretName", "secretName");
  at(args, "remoteSecretRotation", "remoteSecretRotation", "remoteSecretRotation");
  return out;
}

/** The problems of a resolved Input, with the same rule and messages as a plain value's. */
function resolvedProblems(input: InputAt, value: unknown): Problem[] {
  const r = DEFERRABLE_FIELD_RULES[input.field].safeParse(value, { error: errorMap({}) });
  return r.success ? [] : r.error.issues.map((iss) => ({ path: input.path, message: iss.message }));
}

/**
 * The arguments with every Input that is not plain yet (an Output, a Promise) replaced by an Output of the same
 * value that is checked when it resolves: with its field's rule, and an API server also against the others (no two
 * clusters share one; every API server that is an Output fails on such a duplicate). A problem then fails what depends on the value, before it reaches any resource, with the
 * message a plain value gets. A chart repository resolves without its trailing slash, as a plain one is normalised.
 */
export function checkedInputs(args: unknown, inputsOf: (copy: Record<string, unknown>) => InputAt[], fail: (problems: Problem[]) => never): unknown {
  if (!isRecord(args)) return args;
  const copy = { ...args };
  const inputs = inputsOf(copy);
  if (!inputs.some((i) => isDeferred(i.value))) return args;
  const servers = inputs.filter((i) => i.field === "apiServer");
  const serverProblems = pulumi.all(servers.map((s) => s.value)).apply((values) => {
    const problems: Problem[] = [];
    const entries = servers.flatMap((s, k) => (typeof values[k] === "string" ? [{ path: s.path.replace(/\.apiServer$/, ""), name: s.path, context: s.path, apiServer: values[k] }] : []));
    // Duplicates between plain values stopped the component before anything was registered: these involve an Output.
    clusterProblems(entries, (path, message) => problems.push({ path, message }));
    return problems;
  });
  for (const input of inputs) {
    if (!isDeferred(input.value)) continue;
    // Typed as the rule expects; a value of another type is refused by the rule when it resolves.
    const own = pulumi.output(input.value as pulumi.Input<string>);
    const checked = (input.field === "apiServer" ? pulumi.all([own, serverProblems]) : pulumi.all([own, pulumi.output([] as Problem[])])).apply(
      ([value, others]) => {
        const problems = [...resolvedProblems(input, value), ...others];
        if (problems.length > 0) fail(problems);
        return input.field === "chartRepository" ? withoutTrailingSlash(value) : value;
      },
    );
    input.set(checked);
  }
  return copy;
}

/** The Inputs of `MeshWorkloads`' arguments: its chart repository. */
export function workloadsInputs(args: Record<string, unknown>): InputAt[] {
  const istio = isRecord(args.istio) && !isDeferred(args.istio) ? (args.istio = { ...args.istio }) : undefined;
  return istio && istio.chartRepository !== undefined
    ? [{ path: "istio.chartRepository", field: "chartRepository", value: istio.chartRepository, set: (v) => void (istio.chartRepository = v) }]
    : [];
}
