/**
 * Whether the external istiod still serves every further remote (issue 20): a remote whose secret update went wrong
 * (istio/istio#61043 on 1.30.0 to 1.30.3, a token istiod cannot use) is gone from the mesh's endpoints while every
 * object in every cluster looks right. istiod says which clusters it reads in its own metrics, which its monitoring
 * port (15014) serves without authentication, read through the API server's pod proxy (a GET):
 * - from 1.29, `istiod_remote_cluster_sync_status{cluster="<id>",state="<state>"} 1` per remote cluster
 *   (`pkg/kube/multicluster/secretcontroller.go`, states synced, syncing, timeout, closed);
 * - on 1.28 only `istiod_managed_clusters{cluster_type="remote"}`, the number of remote clusters.
 * (Its `/debug/clusterz` lists them too, but debug endpoints answer only localhost or an authenticated proxy:
 * `pilot/pkg/xds/debug.go`, `allowAuthenticatedOrLocalhost`.) Pure: the text in, the verdict out.
 */
import { ENDPOINTS_WIPED_ISSUE } from "../../component/config/knownIssues";
import { fail, pass, type CheckResult } from "../result";

export const ISTIOD_MONITORING_PORT = 15014;
const SYNC_STATUS = "istiod_remote_cluster_sync_status";
const MANAGED = "istiod_managed_clusters";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments and malformed lines skipped). */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const raw of text.split("\n")) {
    if (raw.startsWith("#")) continue;
    const m = line.exec(raw.trim());
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(label)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

export interface RemoteClustersExpectation {
  /** The istiod pod whose metrics these are, for messages. */
  pod: string;
  /** The further remotes' names (their cluster IDs), which istiod reads from remote secrets. */
  remotes: readonly string[];
  namespace: string;
  /** The external cluster's kubeconfig context, for the fix. */
  context: string;
}

/** Every further remote synced in this istiod's view; else which ones it lost, in what state, and what to do. */
export function checkRemoteClusters(metrics: string, expected: RemoteClustersExpectation): CheckResult {
  const samples = parseMetrics(metrics);
  const restart = `kubectl --context ${expected.context} -n ${expected.namespace} rollout restart deployment/istiod`;
  const advice = `check its remote secret and the remote's API server from the external cluster; after a secret update on 1.30.0 to 1.30.3 this is ${ENDPOINTS_WIPED_ISSUE}: ${restart}`;
  const status = samples.filter((s) => s.name === SYNC_STATUS && s.value === 1);
  if (status.length > 0) {
    const states = new Map(status.map((s) => [s.labels.cluster ?? "", s.labels.state ?? "?"]));
    const problems = expected.remotes.flatMap((remote) => {
      const state = states.get(remote);
      if (state === "synced") return [];
      return [state === undefined ? `istiod pod ${expected.pod} does not read remote cluster ${remote}` : `istiod pod ${expected.pod} reports remote cluster ${remote} ${state}`];
    });
    return problems.length === 0 ? pass(`${expected.remotes.length} remote clusters synced`) : fail(`${problems.join("; ")}: its endpoints are missing from the mesh; ${advice}`);
  }
  const managed = samples.find((s) => s.name === MANAGED && s.labels.cluster_type === "remote");
  if (!managed) return fail(`istiod pod ${expected.pod} reports neither ${SYNC_STATUS} nor ${MANAGED} on port ${ISTIOD_MONITORING_PORT}`);
  if (managed.value >= expected.remotes.length) return pass(`${managed.value} remote clusters`);
  return fail(`istiod pod ${expected.pod} reads ${managed.value} remote clusters, the stack has ${expected.remotes.length} (${expected.remotes.join(", ")}): the missing ones' endpoints are gone from the mesh; ${advice}`);
}
