/**
 * The external istiods a stack runs (issue 24, docs/canary.md), from its `revisions` and `revisionTags` outputs. A
 * stack deployed before revisions existed has neither: then it runs the one revision `default` at istio.version, the
 * default revision, at EXTERNAL_ISTIOD_ADDR, and verify plans exactly the checks it planned before (`declared` false).
 */
import type { StackMeshConfig } from "../infra/config/validate";
import { DEFAULT_REVISION } from "./names";
import type { MeshOutputs, OperatorOutputs } from "./stackOutputs";

export interface Revision {
  name: string;
  version: string;
  role: "stable" | "canary";
  /** Injects `istio-injection=enabled` namespaces, `istio.io/rev=default`, and every gateway; validates config. */
  isDefault: boolean;
  /** Where its proxies dial 15012 and its webhooks 15017 (hostname: its DNS name; loadBalancer: the IP or `istiod-<rev>.<ns>.svc`). */
  address: string;
}

export interface RevisionTag {
  tag: string;
  revision: Revision;
}

export interface Revisions {
  /** Whether the outputs list them; false: the implicit single revision of an older deployment. */
  declared: boolean;
  /** The stable revision first, then the canary. */
  all: Revision[];
  /** The default revision. */
  defaultRevision: Revision;
  tags: RevisionTag[];
}

const ROLE_ORDER = { stable: 0, canary: 1 } as const;

/** @throws Error on outputs `parseStackOutputs` would have refused (no default revision, a tag naming none). */
export function revisionsOf(cfg: StackMeshConfig, outputs: MeshOutputs | OperatorOutputs): Revisions {
  // An undefined Output is printed as null (or left out).
  if (outputs.revisions === undefined || outputs.revisions === null) {
    const only: Revision = { name: DEFAULT_REVISION, version: cfg.chart.version, role: "stable", isDefault: true, address: outputs.EXTERNAL_ISTIOD_ADDR };
    return { declared: false, all: [only], defaultRevision: only, tags: [] };
  }
  const all = Object.entries(outputs.revisions)
    .map(([name, r]): Revision => ({ ...r, name }))
    .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.name.localeCompare(b.name));
  const defaultRevision = all.find((r) => r.isDefault);
  if (defaultRevision === undefined) throw new Error("the revisions output has no default revision");
  const tags = Object.entries(outputs.revisionTags ?? {}).map(([tag, name]): RevisionTag => {
    const revision = all.find((r) => r.name === name);
    if (revision === undefined) throw new Error(`revision tag ${tag} names revision ${name}, which the revisions output does not list`);
    return { tag, revision };
  });
  return { declared: true, all, defaultRevision, tags };
}

/** How the report names a revision: `revision 1-30-3 (canary, default)`. */
export function revisionText(r: Revision): string {
  return `revision ${r.name} (${r.role}${r.isDefault ? ", default" : ""})`;
}
