/**
 * `npm run verify` end to end against a mesh running two revisions (issue 24): the fake API server over real HTTP
 * (namespaces listed too), the stable `default` at 1.29.6 beside the canary `1-30-3` at 1.30.3 with the tag
 * `prod-stable`, in hostname and in loadBalancer mode (`fake/revisionMesh.ts`).
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import type { JsonReport } from "../../verify/report";
import { CONTROL_PLANE_LB, NS, startFakeMeshFrom, type FakeMesh } from "./fake/mesh";
import { appPod, CANARY_HOST, CANARY_REV, CANARY_SVC, revisionClusters, revisionOutputs, revisionStackFile, TAG, type Mode } from "./fake/revisionMesh";

let mesh: FakeMesh | undefined;
afterEach(async () => {
  assert.deepEqual([...new Set(mesh!.api.requests.map((r) => r.method))], ["GET"], "only reads");
  await mesh!.close();
  mesh = undefined;
});

/** The mesh of `mode`, its canary's address answering from here as it should. */
async function start(mode: Mode): Promise<FakeMesh> {
  mesh = await startFakeMeshFrom({ clusters: revisionClusters(mode), stackFile: revisionStackFile(mode), outputs: (url) => revisionOutputs(mode, url) });
  if (mode === "hostname") {
    mesh.address.dns.set(CANARY_HOST, [CONTROL_PLANE_LB]);
    mesh.address.serveFor(CANARY_HOST, "revision");
  } else {
    mesh.address.serveFor(CANARY_SVC, "revision");
  }
  return mesh;
}

async function run(m: FakeMesh): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const result = await m.run(["--json"]);
  return { code: result.code, report: JSON.parse(result.stdout) as JsonReport, stderr: result.stderr };
}

const failed = (r: JsonReport) => r.checks.filter((c) => !c.ok).map((c) => `${c.cluster}: ${c.name}: ${c.reason}`);

for (const mode of ["hostname", "loadBalancer"] as const) {
  describe(`verify, two revisions, ${mode} mode`, () => {
    test("healthy: exit 0, with every revision's, tag's and namespace's check", async () => {
      const { code, report, stderr } = await run(await start(mode));
      assert.deepEqual(failed(report), []);
      assert.equal(code, 0, stderr);
      const names = report.checks.map((c) => `${c.cluster}: ${c.name}`);
      for (const expected of [
        `external: revision ${CANARY_REV} (canary): istiod-${CANARY_REV} pods ready in ${NS}, at 1.30.3`,
        `cluster2: revision ${CANARY_REV} (canary): injection webhook istio-sidecar-injector-${CANARY_REV}-${NS}`,
        `cluster1: revision tag ${TAG} -> ${CANARY_REV}: webhook istio-revision-tag-${TAG}-${NS}`,
        "cluster2: injected namespaces: revision and proxy versions",
        mode === "hostname"
          ? `external: TLS on ${CANARY_HOST}:15017 from here (revision ${CANARY_REV})`
          : `external: TLS on ${CONTROL_PLANE_LB}:15017 for SNI ${CANARY_SVC} from here (revision ${CANARY_REV})`,
      ]) {
        assert.ok(names.includes(expected), `missing "${expected}" in:\n${names.join("\n")}`);
      }
      assert.equal(
        report.checks.find((c) => c.cluster === "cluster1" && c.name === "injected namespaces: revision and proxy versions")?.detail,
        "sample: revision default (istio-injection=enabled), proxies 1.29.6; shop: revision 1-30-3 (istio.io/rev=prod-stable, a revision tag), proxies 1.30.3",
      );
    });

    test("proxies left on the stable after the tag moved, and a missing canary webhook: exit 1, each its own failure", async () => {
      const m = await start(mode);
      const cluster1 = m.clusters.get("cluster1")!;
      cluster1.pods = cluster1.pods.map((pod) => (pod.metadata.namespace === "shop" ? appPod("shop", pod.metadata.name, "1.29.6") : pod));
      const cluster2 = m.clusters.get("cluster2")!;
      cluster2.mutatingWebhookConfigurations = cluster2.mutatingWebhookConfigurations.filter((w) => w.metadata.name !== `istio-sidecar-injector-${CANARY_REV}-${NS}`);
      const { code, report } = await run(m);
      assert.equal(code, 1);
      assert.deepEqual(
        report.checks.filter((c) => !c.ok).map((c) => `${c.cluster}: ${c.name}`),
        [`cluster1: injected namespaces: revision and proxy versions`, `cluster2: revision ${CANARY_REV} (canary): injection webhook istio-sidecar-injector-${CANARY_REV}-${NS}`],
      );
      assert.match(failed(report)[0]!, /shop\/cart-5d8f6c7b9-x2v4n, shop\/orders-7f6d5c4b3-k8m2p run proxy 1\.29\.6 \(revision default's version: they still use its istiod\): restart them/);
    });
  });
}
