/**
 * `npm run verify` between two upgrade steps (docs/upgrades.md), against the fake API server: it reports the
 * versions each cluster runs and fails the clusters whose running version does not match the stack config.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { JsonReport } from "../../verify/report";
import type { FakeCluster, KubeObject } from "./fake/kubeApi";
import { ISTIO_VERSION, NS, pilotImage, proxyImage, STACK_FILE, startFakeMesh, VERSION_LABEL, type FakeMesh } from "./fake/mesh";

const NEXT = "1.29.6";

let mesh: FakeMesh;
beforeEach(async () => {
  mesh = await startFakeMesh();
});
afterEach(async () => {
  // Reads only, whatever the versions found.
  assert.deepEqual([...new Set(mesh.api.requests.map((r) => r.method))], ["GET"]);
  await mesh.close();
});

const cluster = (name: string): FakeCluster => mesh.clusters.get(name)!;

/** The stack file with the control plane at `controlPlane` and cluster2 pinned at `cluster2`, when given. */
function writeStack(controlPlane: string, cluster2?: string): void {
  let text = STACK_FILE.replace(`version: "${ISTIO_VERSION}"`, `version: "${controlPlane}"`);
  if (cluster2 !== undefined) text = text.replace("        network: network2\n", `        network: network2\n        istioVersion: "${cluster2}"\n`);
  writeFileSync(mesh.files.stack, text);
}

const labelled = (o: KubeObject, version: string) => {
  if (o.metadata.labels?.[VERSION_LABEL] !== undefined) o.metadata.labels[VERSION_LABEL] = version;
};

/** What `pulumi up` at these versions leaves in a cluster: charts (labels) at `charts`, pods' images at `images`. */
function deployed(c: FakeCluster, charts: string, images = charts): void {
  for (const o of [...c.mutatingWebhookConfigurations, ...c.validatingWebhookConfigurations]) labelled(o, charts);
  for (const pod of c.pods) {
    if (pod.metadata.namespace === "sample") continue;
    labelled(pod, charts);
    const containers = (pod.spec as { containers: { name: string; image: string }[] }).containers;
    for (const container of containers) {
      if (container.name === "discovery") container.image = pilotImage(images);
      if (container.name === "istio-proxy") container.image = proxyImage(images);
    }
  }
}

async function report(): Promise<{ code: number; checks: JsonReport["checks"] }> {
  const result = await mesh.run(["--json"]);
  return { code: result.code, checks: (JSON.parse(result.stdout) as JsonReport).checks.filter((c) => c.name.startsWith("Istio version")) };
}

describe("verify between upgrade steps", () => {
  test("before pulumi up: istio.version bumped, every cluster still runs the old version", async () => {
    writeStack(NEXT);
    const { code, checks } = await report();
    assert.equal(code, 1);
    assert.deepEqual(
      checks.map((c) => [c.cluster, c.name, c.ok]),
      [
        ["external", `Istio version ${NEXT}`, false],
        ["cluster1", `Istio version ${NEXT}, CRDs ${NEXT}`, false],
        ["cluster2", `Istio version ${NEXT}`, false],
      ],
    );
    const external = checks[0]!.reason!;
    for (const pod of ["istio-system/istiod-68488cd797-mq8dn", "istio-system/istio-ingressgateway-9d4c7f5c7-7qpzz", `${NS}/istiod-779bd6fdcf-bd6rg`]) {
      assert.match(external, new RegExp(`pod ${pod} runs ${ISTIO_VERSION} \\(image [^)]+\\), expected ${NEXT} \\(istio.version\\)`));
    }
    assert.match(checks[1]!.reason!, new RegExp(`CRDs from the ${ISTIO_VERSION} chart, expected ${NEXT} \\(istio.version: the CRDs follow the control plane\\)`));
  });

  test("after the control plane step: the control plane and the clusters that follow it moved, the pinned one did not but for its istiod", async () => {
    writeStack(NEXT, ISTIO_VERSION);
    deployed(cluster("external"), NEXT);
    deployed(cluster("cluster1"), NEXT);
    // The pinned cluster's istiod release follows the control plane (issue 20): its webhook is of the new chart.
    for (const o of cluster("cluster2").mutatingWebhookConfigurations) labelled(o, NEXT);
    const { code, checks } = await report();
    assert.equal(code, 0);
    assert.deepEqual(
      checks.map((c) => [c.cluster, c.ok, c.detail]),
      [
        ["external", true, `istio-system/istiod ${NEXT}, istio-system/istio-ingressgateway ${NEXT}, ${NS}/istiod ${NEXT}`],
        [
          "cluster1",
          true,
          `istiod ${NEXT}, CRDs ${NEXT}, istio-ingressgateway ${NEXT} (proxy ${NEXT}), istio-egressgateway ${NEXT} (proxy ${NEXT}), istio-eastwestgateway ${NEXT} (proxy ${NEXT})`,
        ],
        ["cluster2", true, `istiod ${NEXT}, istio-eastwestgateway ${ISTIO_VERSION} (proxy ${ISTIO_VERSION})`],
      ],
    );
  });

  test("a remote step not finished: cluster2's gateway still from the old chart fails cluster2 alone", async () => {
    writeStack(NEXT);
    deployed(cluster("external"), NEXT);
    deployed(cluster("cluster1"), NEXT);
    deployed(cluster("cluster2"), NEXT);
    const ew = cluster("cluster2").pods.find((p) => p.metadata.labels?.app === "istio-eastwestgateway")!;
    ew.metadata.labels![VERSION_LABEL] = ISTIO_VERSION;
    const { code, checks } = await report();
    assert.equal(code, 1);
    assert.deepEqual(
      checks.filter((c) => !c.ok),
      [
        {
          cluster: "cluster2",
          name: `Istio version ${NEXT}`,
          ok: false,
          reason: `istio-eastwestgateway pod ${NS}/${ew.metadata.name} comes from the ${ISTIO_VERSION} chart, expected ${NEXT} (the cluster's version; is its rollout finished?)`,
        },
      ],
    );
  });

  test("after rolling the control plane back: a gateway proxy injected by the newer one is ahead of it", async () => {
    deployed(cluster("cluster1"), ISTIO_VERSION, NEXT);
    const { code, checks } = await report();
    assert.equal(code, 1);
    const failed = checks.filter((c) => !c.ok);
    assert.deepEqual(
      failed.map((c) => c.cluster),
      ["cluster1"],
    );
    assert.match(failed[0]!.reason!, new RegExp(`istio-ingressgateway pod ${NS}/\\S+ runs proxy ${NEXT}, newer than the control plane's ${ISTIO_VERSION}; Istio does not support a data plane ahead`));
    assert.match(failed[0]!.reason!, /restart it \(kubectl rollout restart deployment\/istio-eastwestgateway -n external-istiod\)/);
  });
});
