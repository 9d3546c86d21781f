/**
 * A whole mesh's stack config split as a platform team would split it (docs/operator-admin-stacks.md): one
 * operator stack and one admin stack per team, and the comparison of their renders with the whole mesh's.
 */
import type { Rendered, RenderedResource } from "../../render/model";

type Config = Record<string, unknown>;
interface ClusterEntry {
  name: string;
  context: string;
  gateways?: unknown;
  [key: string]: unknown;
}

export const OPERATOR_STACK = "mesh-operator";

/**
 * The operator's stack config and one admin stack config per team (each a list of cluster names), describing the
 * same mesh as `whole`.
 */
export function splitStackConfig(
  whole: Config,
  teams: readonly (readonly string[])[],
  operatorStack = OPERATOR_STACK,
): { operator: Config; admins: Config[] } {
  const clusters = whole["istio-mesh:clusters"] as { external: ClusterEntry; config: ClusterEntry; remotes?: ClusterEntry[] };
  const withoutGateways = ({ gateways: _gateways, ...rest }: ClusterEntry) => rest;
  const { "istio-mesh:samples": samples, ...shared } = whole;
  const operator: Config = {
    ...shared,
    "istio-mesh:stackKind": "operator",
    "istio-mesh:clusters": { external: clusters.external, config: withoutGateways(clusters.config), remotes: (clusters.remotes ?? []).map(withoutGateways) },
  };
  const istio = whole["istio-mesh:istio"] as { chartRepository?: string };
  const adminEntry = (c: ClusterEntry) => ({ name: c.name, context: c.context, ...(c.gateways !== undefined ? { gateways: c.gateways } : {}) });
  const admins = teams.map((team) => ({
    ...(whole["kubernetes:strictMode"] !== undefined ? { "kubernetes:strictMode": whole["kubernetes:strictMode"] } : {}),
    "istio-mesh:stackKind": "admin",
    "istio-mesh:operatorStack": operatorStack,
    ...(istio.chartRepository !== undefined ? { "istio-mesh:istio": { chartRepository: istio.chartRepository } } : {}),
    "istio-mesh:clusters": {
      ...(team.includes(clusters.config.name) ? { config: adminEntry(clusters.config) } : {}),
      remotes: (clusters.remotes ?? []).filter((r) => team.includes(r.name)).map(adminEntry),
    },
    ...(samples !== undefined ? { "istio-mesh:samples": samples } : {}),
  }));
  return { operator, admins };
}

/** The public components and the stack references differ by stack; everything else must not. */
const STACK_SHAPED = new Set([
  "pulumi:pulumi:StackReference",
  "istio-mesh:index:ExternalControlPlaneMesh",
  "istio-mesh:index:ExternalControlPlane",
  "istio-mesh:index:MeshWorkloads",
]);

/** A resource as the comparison sees it: where it is, what it is, and what the engine receives; not its URN. */
export const resourceKey = (r: RenderedResource) => `${r.cluster ?? "-"} ${r.type} ${r.name}`;
const comparable = (r: RenderedResource) => JSON.stringify({ inputs: r.inputs, options: r.options });

/** Every resource but the stack-shaped ones, by key. */
export function resourcesByKey(rendered: Rendered): Map<string, RenderedResource> {
  return new Map(rendered.resources.filter((r) => !STACK_SHAPED.has(r.type)).map((r) => [resourceKey(r), r]));
}

export interface SplitDifference {
  /** In the whole mesh, in no split stack. */
  missing: string[];
  /** In a split stack, not in the whole mesh. */
  extra: string[];
  /** In both, with other inputs or options. */
  changed: string[];
  /** In more than one split stack, other than a cluster's provider (which each stack reaching it has). */
  duplicated: string[];
}

/** How the split stacks' resources, together, differ from the whole mesh's. */
export function splitDifference(whole: Rendered, parts: readonly Rendered[]): SplitDifference {
  const expected = resourcesByKey(whole);
  const seen = new Map<string, RenderedResource>();
  const out: SplitDifference = { missing: [], extra: [], changed: [], duplicated: [] };
  for (const part of parts) {
    for (const [key, r] of resourcesByKey(part)) {
      const before = seen.get(key);
      if (before && (r.type !== "pulumi:providers:kubernetes" || comparable(before) !== comparable(r))) out.duplicated.push(key);
      seen.set(key, r);
    }
  }
  for (const [key, r] of expected) {
    const got = seen.get(key);
    if (!got) out.missing.push(key);
    else if (comparable(got) !== comparable(r)) out.changed.push(key);
  }
  for (const key of seen.keys()) if (!expected.has(key)) out.extra.push(key);
  return out;
}
