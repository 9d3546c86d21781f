/**
 * Issue 20: `npm run verify` notices a further remote the external istiod has lost, from istiod's own metrics.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkRemoteClusters, parseMetrics } from "../../verify/checks/remoteClusters";
import { startFakeMesh } from "./fake/mesh";

const expected = { pod: "istiod-7d9c", remotes: ["apps-us-east", "apps-ap-south"], namespace: "external-istiod", context: "cp-eu-west" };

const metrics129 = (states: Record<string, string>) =>
  [
    "# HELP istiod_remote_cluster_sync_status Current synchronization state of remote clusters managed by istiod.",
    "# TYPE istiod_remote_cluster_sync_status gauge",
    ...Object.entries(states).flatMap(([cluster, state]) =>
      ["synced", "syncing", "timeout", "closed"].map((s) => `istiod_remote_cluster_sync_status{cluster="${cluster}",state="${s}"} ${s === state ? 1 : 0}`),
    ),
    'istiod_managed_clusters{cluster_type="remote"} 2',
  ].join("\n");

test("parseMetrics reads names, labels and values, and skips comments", () => {
  assert.deepEqual(parseMetrics('# HELP x\nistiod_managed_clusters{cluster_type="local"} 1\nup 1\n'), [
    { name: "istiod_managed_clusters", labels: { cluster_type: "local" }, value: 1 },
    { name: "up", labels: {}, value: 1 },
  ]);
});

test("every further remote synced passes (1.29 and later: per-cluster state)", () => {
  assert.deepEqual(checkRemoteClusters(metrics129({ "apps-us-east": "synced", "apps-ap-south": "synced" }), expected), { ok: true, detail: "2 remote clusters synced" });
});

test("a remote istiod lost or cannot sync fails, naming it, its state, istio/istio#61043 and the restart", () => {
  const result = checkRemoteClusters(metrics129({ "apps-us-east": "timeout" }), expected);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.match(result.reason, /istiod pod istiod-7d9c reports remote cluster apps-us-east timeout; istiod pod istiod-7d9c does not read remote cluster apps-ap-south: its endpoints are missing from the mesh/);
  assert.match(result.reason, /istio\/istio#61043: kubectl --context cp-eu-west -n external-istiod rollout restart deployment\/istiod$/);
});

test("1.28 reports only how many remote clusters istiod reads", () => {
  assert.deepEqual(checkRemoteClusters('istiod_managed_clusters{cluster_type="remote"} 2\n', expected), { ok: true, detail: "2 remote clusters" });
  const lost = checkRemoteClusters('istiod_managed_clusters{cluster_type="local"} 1\nistiod_managed_clusters{cluster_type="remote"} 1\n', expected);
  assert.equal(lost.ok, false);
  if (!lost.ok) assert.match(lost.reason, /reads 1 remote clusters, the stack has 2 \(apps-us-east, apps-ap-south\)/);
  assert.equal(checkRemoteClusters("", expected).ok, false, "no metric at all is not a pass");
});

test("verify against the fake mesh: the external istiod's metrics, read through the pod proxy, show cluster2 lost", async () => {
  const mesh = await startFakeMesh();
  try {
    const external = mesh.clusters.get("external")!;
    const key = Object.keys(external.podProxy).find((k) => k.endsWith(":15014/metrics"))!;
    const healthy = await mesh.run(["--json"]);
    const check = (out: string) => (JSON.parse(out) as { checks: { name: string; ok: boolean; reason?: string }[] }).checks.find((c) => c.name === "the external istiod reads cluster2");
    assert.equal(check(healthy.stdout)?.ok, true, "synced");
    external.podProxy[key] = 'istiod_remote_cluster_sync_status{cluster="cluster2",state="closed"} 1\n';
    const lost = check((await mesh.run(["--json"])).stdout);
    assert.equal(lost?.ok, false);
    assert.match(lost?.reason ?? "", /reports remote cluster cluster2 closed: its endpoints are missing from the mesh/);
    assert.deepEqual([...new Set(mesh.api.requests.map((r) => r.method))], ["GET"], "reads only");
  } finally {
    await mesh.close();
  }
});
