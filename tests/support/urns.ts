/**
 * URNs as the engine makes and matches them, for tests that check a refactor keeps every resource's identity.
 *
 * A URN is `urn:pulumi:<stack>::<project>::<qualified type>::<name>`, the type qualified by the types of every
 * ancestor but the stack. The engine matches a registration against the stack's state by its URN or one of its
 * aliases; a child also inherits one alias for each alias of its parent (its own type and name under the parent's
 * prior URN), as the Node SDK spells out for engines without alias specs (`allAliases` / `inheritedChildAlias`,
 * `sdk/nodejs/resource.ts`).
 */
import type { AliasRecord, Registration } from "../../render/evaluate";
import { topologyConfig } from "../../render/topology";

/** The URN of a resource of `type` named `name` under `parent` (`null`: the stack's root). */
export function urnOf(stack: string, project: string, parent: string | null, type: string, name: string): string {
  const qualified = parent === null ? type : `${parent.split("::")[2]}$${type}`;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Every prior URN each registration answers to: its own aliases and those inherited from its ancestors'. */
export function aliasUrns(registrations: readonly Registration[], stack: string, project: string): Map<string, Set<string>> {
  const byUrn = new Map(registrations.map((r) => [r.urn, r]));
  const memo = new Map<string, Set<string>>();
  const of = (r: Registration): Set<string> => {
    const known = memo.get(r.urn);
    if (known) return known;
    const out = new Set<string>();
    const specs = r.aliases.filter((a): a is Exclude<AliasRecord, { urn: string }> => !("urn" in a));
    for (const a of r.aliases) if ("urn" in a) out.add(a.urn);
    for (const spec of specs) {
      const parent = spec.parent === undefined ? (r.parent ?? null) : spec.parent;
      out.add(urnOf(spec.stack ?? stack, spec.project ?? project, parent, spec.type ?? r.type, spec.name ?? r.name));
    }
    const parent = r.parent === undefined ? undefined : byUrn.get(r.parent);
    for (const priorParent of parent ? of(parent) : []) {
      out.add(urnOf(stack, project, priorParent, r.type, r.name));
      for (const spec of specs.filter((s) => s.parent === undefined)) out.add(urnOf(stack, project, priorParent, spec.type ?? r.type, spec.name ?? r.name));
    }
    memo.set(r.urn, out);
    return out;
  };
  return new Map(registrations.map((r) => [r.urn, of(r)]));
}

/**
 * A stack that has every kind of resource the shipped stacks lack: the TLS Secret created from stack secrets,
 * kubeconfig content from config, samples on further remotes, east-west gateways across networks.
 */
export function everyResourceKindConfig(): Record<string, unknown> {
  const config = topologyConfig({ remoteClusters: 3, samples: true, protect: true });
  return {
    ...config,
    "istio-mesh:exposure": { mode: "hostname", hostname: "istiod.mesh.example.com", tls: { secretName: "istiod-tls", create: true } },
    "istio-mesh:kubeconfig": { secure: "v1:kubeconfig" },
    "istio-mesh:tlsCertificate": { secure: "v1:certificate" },
    "istio-mesh:tlsKey": { secure: "v1:key" },
  };
}

/** `everyResourceKindConfig` with a promoted canary, its own TLS Secret and a revision tag (issue 24). */
export function canaryConfig(): Record<string, unknown> {
  const config = everyResourceKindConfig();
  const istio = config["istio-mesh:istio"] as Record<string, unknown>;
  config["istio-mesh:istio"] = {
    ...istio,
    canary: { version: "1.29.6", hostname: "istiod-1-29-6.mesh.example.com", tls: { secretName: "istiod-1-29-6-tls" } },
    defaultRevision: "1-29-6",
    revisionTags: { "prod-stable": "1-29-6" },
  };
  return config;
}
