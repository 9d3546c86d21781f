/**
 * The render's JSON contract, built from an evaluation: secret values become "[secret]", values unknown before
 * deploy "[unknown]"; each resource names the cluster (from stack config) whose provider it is bound to.
 */
import type { Evaluation, Registration, Wire } from "./evaluate";

export const SECRET = "[secret]";
export const UNKNOWN = "[unknown]";

export interface RenderedResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  cluster: string | null;
  dependsOn: string[];
  options: { protect: boolean; retainOnDelete: boolean; ignoreChanges: string[] };
  inputs: Record<string, unknown>;
}

export interface Rendered {
  project: string;
  stack: string;
  resources: RenderedResource[];
  outputs: Record<string, unknown>;
}

// Pulumi's wire markers (sdk/nodejs/runtime/rpc.ts).
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

export const K8S_PROVIDER_TYPE = "pulumi:providers:kubernetes";

/** Turns a serialised value into what people read: markers replaced, everything else as it is. */
export function display(v: Wire): unknown {
  if (v === UNKNOWN_SENTINEL) return UNKNOWN;
  if (Array.isArray(v)) return v.map(display);
  if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    switch (o[SIG_KEY]) {
      case SECRET_SIG:
        return SECRET;
      case RESOURCE_SIG:
        return o.urn;
      case OUTPUT_SIG:
        return o.secret === true ? SECRET : "value" in o ? display(o.value) : UNKNOWN;
      default:
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, display(x)]));
    }
  }
  return v;
}

/** `<urn>::<id>` -> `<urn>` (the id is whatever follows the last `::`). */
export const providerUrn = (ref: string): string => ref.slice(0, ref.lastIndexOf("::"));

/** Maps each Kubernetes provider's URN to the cluster it serves (its `clusterIdentifier`). */
function clustersByProvider(registrations: readonly Registration[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of registrations) {
    const id = r.inputs.clusterIdentifier;
    if (r.type === K8S_PROVIDER_TYPE && typeof id === "string") out.set(r.urn, id);
  }
  return out;
}

export function toRendered(ev: Evaluation): Rendered {
  const clusters = clustersByProvider(ev.registrations);
  const clusterOf = (r: Registration): string | null => {
    if (r.type === K8S_PROVIDER_TYPE) return clusters.get(r.urn) ?? null;
    const ref = r.custom ? r.provider : r.providers.kubernetes;
    return ref ? (clusters.get(providerUrn(ref)) ?? null) : null;
  };
  return {
    project: ev.project,
    stack: ev.stack,
    // Sorted by URN: registration order depends on when each resource's inputs resolve, and renders must not vary.
    resources: [...ev.registrations]
      .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))
      .map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      cluster: clusterOf(r),
      dependsOn: r.dependencies,
      options: { protect: r.protect, retainOnDelete: r.retainOnDelete, ignoreChanges: r.ignoreChanges },
      inputs: display(r.inputs) as Record<string, unknown>,
    })),
    outputs: display(ev.outputs) as Record<string, unknown>,
  };
}
