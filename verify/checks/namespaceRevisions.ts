/**
 * Per remote cluster, each namespace labelled for injection (issue 24, docs/verify.md "Revisions"): the revision its
 * label selects, as the webhooks' namespace selectors decide it, and the proxy versions its pods run. Pure.
 *
 * - `istio-injection=enabled`: the default revision (the unrevisioned `namespace.` webhook), even with an
 *   `istio.io/rev` label too: every revision's and tag's `rev.namespace` webhook requires `istio-injection` to be
 *   absent, so `istio-injection` wins. Any other `istio-injection` value: not injected.
 * - `istio.io/rev=default`: the default revision (the unrevisioned `rev.namespace` webhook calls it);
 *   `istio.io/rev=<tag>`: the tag's revision; `istio.io/rev=<rev>`: that revision. Anything else selects no
 *   webhook: pods created there get no proxy.
 *
 * A proxy is injected once, when its pod is created, from the revision that injected it, and keeps dialling that
 * revision's istiod. A pod whose proxy is not at its namespace's revision's version was created before the
 * namespace (or its tag, or the default revision) moved: it needs a restart before the old revision can go.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { DEFAULT_REVISION, INJECTION_LABEL, PROXY_CONTAINER, REVISION_LABEL } from "../names";
import type { Revision, Revisions } from "../revisions";
import { fail, pass, type CheckResult } from "../result";
import { imageVersion } from "./versions";

export interface NamespaceState {
  name: string;
  labels: Readonly<Record<string, string>>;
  pods: readonly V1Pod[];
}

/** The revision a namespace's labels select, how (for the report), or why none does. */
export type NamespaceRevision =
  | { injected: false }
  | { injected: true; revision: Revision; via: string; note?: string }
  | { injected: true; revision: undefined; label: string };

export function namespaceRevision(labels: Readonly<Record<string, string>>, revisions: Pick<Revisions, "all" | "defaultRevision" | "tags">): NamespaceRevision {
  const injection = labels[INJECTION_LABEL];
  const rev = labels[REVISION_LABEL];
  if (injection === "enabled") {
    return {
      injected: true,
      revision: revisions.defaultRevision,
      via: `${INJECTION_LABEL}=enabled`,
      ...(rev !== undefined ? { note: `${INJECTION_LABEL}=enabled wins over ${REVISION_LABEL}=${rev}` } : {}),
    };
  }
  if (injection !== undefined || rev === undefined) return { injected: false };
  if (rev === DEFAULT_REVISION) return { injected: true, revision: revisions.defaultRevision, via: `${REVISION_LABEL}=${rev}` };
  const tag = revisions.tags.find((t) => t.tag === rev);
  if (tag !== undefined) return { injected: true, revision: tag.revision, via: `${REVISION_LABEL}=${rev}, a revision tag` };
  const revision = revisions.all.find((r) => r.name === rev);
  if (revision !== undefined) return { injected: true, revision, via: `${REVISION_LABEL}=${rev}` };
  return { injected: true, revision: undefined, label: rev };
}

const podRef = (pod: V1Pod): string => `${pod.metadata?.namespace ?? "?"}/${pod.metadata?.name ?? "?"}`;

const isLive = (pod: V1Pod): boolean =>
  pod.metadata?.deletionTimestamp === undefined && pod.status?.phase !== "Succeeded" && pod.status?.phase !== "Failed";

/** The injected proxy's image: a container, or an init container when injected as a native sidecar. */
function proxyImage(pod: V1Pod): string | undefined {
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === PROXY_CONTAINER)?.image;
}

/** "1.29.6", or "1.29.6 and 1.30.3" in the middle of a restart. */
const versionsText = (versions: Iterable<string>): string => [...new Set(versions)].sort().join(" and ");

/** At most this many pods are named in a reason; the rest are counted. */
const MAX_NAMED_PODS = 5;

function podList(pods: readonly V1Pod[]): string {
  const named = pods.slice(0, MAX_NAMED_PODS).map(podRef).join(", ");
  return pods.length > MAX_NAMED_PODS ? `${named} and ${pods.length - MAX_NAMED_PODS} more` : named;
}

function judgeNamespace(ns: NamespaceState, selected: Extract<NamespaceRevision, { revision: Revision }>, revisions: readonly Revision[]): { problem?: string; found: string } {
  const { revision, via, note } = selected;
  const proxies = ns.pods.filter(isLive).flatMap((pod) => {
    const image = proxyImage(pod);
    return image === undefined ? [] : [{ pod, version: imageVersion(image) }];
  });
  const known = proxies.flatMap((p) => (p.version !== undefined ? [p.version] : []));
  const found =
    `${ns.name}: revision ${revision.name} (${via}${note ? `; ${note}` : ""}), ` +
    (proxies.length === 0 ? "no injected pods" : `proxies ${known.length > 0 ? versionsText(known) : "of unknown version"}`);
  // Pods by the version they run, when it is not their revision's.
  const stale = new Map<string, V1Pod[]>();
  for (const { pod, version } of proxies) {
    if (version === undefined || version === revision.version) continue;
    stale.set(version, [...(stale.get(version) ?? []), pod]);
  }
  if (stale.size === 0) return { found };
  const parts = [...stale].map(([version, pods]) => {
    const injectedBy = revisions.find((r) => r.version === version);
    const owner = injectedBy ? `revision ${injectedBy.name}'s version: they still use its istiod` : "no running revision's version";
    return `${podList(pods)} run proxy ${version} (${owner})`;
  });
  return {
    found,
    problem:
      `namespace ${ns.name} is labelled for revision ${revision.name} at ${revision.version} (${via}${note ? `; ${note}` : ""}), but ${parts.join("; ")}: ` +
      `restart them to have revision ${revision.name} inject them (kubectl rollout restart deployment -n ${ns.name})`,
  };
}

/**
 * Passes when every injection-labelled namespace selects a running revision or tag and each of its proxies runs
 * that revision's version; the detail says, per namespace, which revision and which proxy versions.
 */
export function checkNamespaceRevisions(namespaces: readonly NamespaceState[], revisions: Pick<Revisions, "all" | "defaultRevision" | "tags">): CheckResult {
  const problems: string[] = [];
  const found: string[] = [];
  for (const ns of [...namespaces].sort((a, b) => a.name.localeCompare(b.name))) {
    const selected = namespaceRevision(ns.labels, revisions);
    if (!selected.injected) continue;
    if (selected.revision === undefined) {
      const tags = revisions.tags.map((t) => t.tag);
      problems.push(
        `namespace ${ns.name} is labelled ${REVISION_LABEL}=${selected.label}, which names no running revision (${revisions.all.map((r) => r.name).join(", ")}) ` +
          `nor revision tag (${tags.length > 0 ? tags.join(", ") : "none"}): no webhook injects it, pods created there get no proxy; label it for one of them`,
      );
      continue;
    }
    const judged = judgeNamespace(ns, selected, revisions.all);
    found.push(judged.found);
    if (judged.problem !== undefined) problems.push(judged.problem);
  }
  if (problems.length > 0) return fail(problems.join("; "));
  return pass(found.length > 0 ? found.join("; ") : "no namespace labelled for injection");
}
