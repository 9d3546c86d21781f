/**
 * Istio releases with a known defect that this topology meets, said on every render, preview and `pulumi up` of a
 * mesh that runs one (issue 20). Pure.
 *
 * istio/istio#61043: when a remote secret is updated (new credentials or a new API server), istiod 1.30 swaps the
 * cluster's registry for a new one and, in 1.30.0 to 1.30.3, the old registry's close removes the endpoint shard the
 * new one shares ("leaving cross-cluster endpoints permanently empty until istiod is restarted"). Fixed by
 * istio/istio#61044, cherry-picked to release-1.30 on 2026-08-06 (#61159; 1.30.3 was tagged on 2026-07-13, so the
 * fix is in the next 1.30 patch) and to release-1.31 (#61160, in 1.31.0 from 1.31.0-alpha.2 on).
 * Only further remotes are affected: they are the clusters istiod reads from remote secrets
 * (`pkg/kube/multicluster/secretcontroller.go`); the config cluster's kubeconfig is a file read at start-up.
 */
import { parseIstioVersion } from "./versions";

export const ENDPOINTS_WIPED_ISSUE = "istio/istio#61043";

/** The warnings for a mesh's control plane versions (the stable one and a canary), each naming the upstream issue, where it is fixed and what to do. */
export function knownIssueWarnings(cfg: {
  chart: { version: string };
  remotes: readonly unknown[];
  namespace: string;
  external: { context: string };
  revisions?: readonly { name: string; role: string; chart: { version: string } }[];
}): string[] {
  if (cfg.remotes.length === 0) return [];
  const revisions = cfg.revisions ?? [{ name: "default", role: "stable", chart: cfg.chart }];
  return revisions.flatMap((r) => {
    const v = parseIstioVersion(r.chart.version);
    if (!v || v.major !== 1 || v.minor !== 30 || v.patch > 3) return [];
    const key = r.role === "canary" ? "istio.canary.version" : "istio.version";
    const deployment = r.name === "default" ? "istiod" : `istiod-${r.name}`;
    return [
      `${key}: "${r.chart.version}": istiod 1.30.0 to 1.30.3 loses a further remote's endpoints until it restarts when that remote's secret is updated ` +
        `(remoteSecretRotation, a rotated token, or a changed apiServer): ${ENDPOINTS_WIPED_ISSUE}. The fix (istio/istio#61044) is on release-1.30 after 1.30.3, ` +
        `so in the next 1.30 patch, and in 1.31.0: upgrade to it. Until then, after such a change restart the external istiod ` +
        `(kubectl --context ${cfg.external.context} -n ${cfg.namespace} rollout restart deployment/${deployment}) (docs/rotation.md)`,
    ];
  });
}
