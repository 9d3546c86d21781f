/**
 * `npm run verify` on a mesh operator's and a mesh admins' stack (docs/operator-admin-stacks.md), against the fake
 * API server: each reads only the clusters its stack owns, passes on the healthy mesh and fails what it checks.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { afterEach, describe, test } from "node:test";
import type { JsonReport } from "../../verify/report";
import { NS, startFakeMesh, stackOutputs, type FakeMesh, type FakeStackKind } from "./fake/mesh";
import { runningPod } from "./fake/objects";

let mesh: FakeMesh | undefined;
afterEach(async () => {
  await mesh?.close();
  mesh = undefined;
});

async function start(kind: FakeStackKind): Promise<FakeMesh> {
  mesh = await startFakeMesh(kind);
  return mesh;
}

async function run(m: FakeMesh): Promise<{ code: number; report: JsonReport; stderr: string }> {
  const result = await m.run(["--json"]);
  return { code: result.code, report: JSON.parse(result.stdout) as JsonReport, stderr: result.stderr };
}

/** The clusters the command sent requests to (the fake serves each under `/<cluster>/`). */
const clustersRead = (m: FakeMesh) => [...new Set(m.api.requests.map((r) => new URL(r.url, "http://x").pathname.split("/")[1]))].sort();
const failed = (r: JsonReport) => r.checks.filter((c) => !c.ok).map((c) => `${c.cluster}: ${c.name}: ${c.reason}`);

describe("verify an operator stack", () => {
  test("the healthy mesh passes; the mesh admins' gateways, samples and helloworld are not looked at", async () => {
    const m = await start("operator");
    const { code, report, stderr } = await run(m);
    assert.equal(code, 0, stderr);
    assert.deepEqual(failed(report), []);
    assert.match(stderr, /^verifying stack test: 21 checks of a mesh operator's stack on external, cluster1, cluster2, /m);
    assert.deepEqual(clustersRead(m), ["cluster1", "cluster2", "external"]);
    const paths = m.api.requests.map((r) => r.url);
    assert.deepEqual(
      paths.filter((p) => p.includes("/namespaces/sample/") || new RegExp(`/namespaces/${NS}/(deployments|services)/istio-(ingress|egress)gateway`).test(p)),
      [],
    );
    assert.deepEqual(m.helloworld.requests, []);
    assert.deepEqual([...new Set(m.api.requests.map((r) => r.method))], ["GET"]);
  });

  test("a missing east-west gateway (the operator's) fails its check", async () => {
    const m = await start("operator");
    const cluster2 = m.clusters.get("cluster2")!;
    cluster2.deployments = cluster2.deployments.filter((d) => d.metadata.name !== "istio-eastwestgateway");
    const { code, report } = await run(m);
    assert.equal(code, 1);
    assert.deepEqual(failed(report), [`cluster2: gateway ${NS}/istio-eastwestgateway: Deployment ${NS}/istio-eastwestgateway not found`]);
  });
});

describe("verify an admin stack", () => {
  test("the healthy mesh passes with a kubeconfig that has no context for the external cluster, which is never read", async () => {
    const m = await start("admin");
    assert.doesNotMatch(readFileSync(m.files.kubeconfig, "utf8"), /ctx-external/);
    const { code, report, stderr } = await run(m);
    assert.equal(code, 0, stderr);
    assert.deepEqual(failed(report), []);
    assert.match(stderr, /^verifying stack test: 11 checks of a mesh admins' stack on cluster1, cluster2, /m);
    assert.deepEqual(clustersRead(m), ["cluster1", "cluster2"]);
    assert.ok(report.checks.some((c) => c.name === "GET /hello through the ingress gateway answers v1, v2"));
    assert.deepEqual([...new Set(m.api.requests.map((r) => r.method))], ["GET"]);
  });

  test("a sample pod without its sidecar and helloworld without v2 fail their checks", async () => {
    const m = await start("admin");
    const pods = m.clusters.get("cluster2")!.pods;
    const index = pods.findIndex((p) => p.metadata.labels?.app === "helloworld");
    pods[index] = runningPod({ namespace: "sample", name: "helloworld-v2-54df5f84b-x9k2p", labels: { app: "helloworld", version: "v2" }, containers: ["helloworld"], sidecar: false });
    m.helloworld.versions = ["v1"];
    const { code, report } = await run(m);
    assert.equal(code, 1);
    assert.deepEqual(
      report.checks.filter((c) => !c.ok).map((c) => `${c.cluster}: ${c.name}`),
      ["cluster2: sample pods helloworld-v2 running with sidecar", "cluster1: GET /hello through the ingress gateway answers v1, v2"],
    );
  });

  test("a webhook that does not call the control plane fails the operator's webhook check", async () => {
    const m = await start("admin");
    const webhooks = m.clusters.get("cluster1")!.mutatingWebhookConfigurations[0]!.webhooks as { clientConfig: unknown }[];
    for (const w of webhooks) w.clientConfig = { url: "https://istiod.old.example.com:15017/inject/cluster/cluster1/net/network1" };
    const { code, report } = await run(m);
    assert.equal(code, 1);
    assert.deepEqual(failed(report), [
      `cluster1: operator's injection webhook istio-sidecar-injector-${NS}: webhook clientConfig.url points at https://istiod.old.example.com:15017 but EXTERNAL_ISTIOD_ADDR is istiod.mesh.example.com`,
    ]);
  });
});

describe("outputs of another kind of stack exit 2 before any cluster is read", () => {
  const KIND_TEXT = { mesh: "a whole mesh's stack", operator: "a mesh operator's stack", admin: "a mesh admins' stack" };
  for (const [kind, outputsOf] of [
    ["admin", "operator"],
    ["operator", "mesh"],
    ["mesh", "admin"],
  ] as const) {
    test(`stack file of kind ${kind}, outputs of kind ${outputsOf}`, async () => {
      const m = await start(kind);
      writeFileSync(m.files.outputs, JSON.stringify(stackOutputs(outputsOf, m.helloworld.url)));
      const result = await m.run();
      assert.equal(result.code, 2);
      assert.ok(result.stderr.includes(`Pulumi.test.yaml is ${KIND_TEXT[kind]} (stackKind: ${kind})`), result.stderr);
      assert.match(result.stderr, /are they the outputs of another stack\?/);
      assert.equal(result.stdout, "");
      assert.deepEqual(m.api.requests, []);
    });
  }
});
