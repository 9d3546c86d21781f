/**
 * `npm run verify` end to end against fake clusters (a fake Kubernetes API server and a fake helloworld over real
 * HTTP on 127.0.0.1): a healthy mesh passes; each broken piece fails its own check, with a reason that says what.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { JsonReport } from "../../verify/report";
import { ADDR, NS, startFakeMesh, type FakeMesh, type RunResult } from "./fake/mesh";
import { runningPod, service } from "./fake/objects";
import type { FakeCluster } from "./fake/kubeApi";

let mesh: FakeMesh;
beforeEach(async () => {
  mesh = await startFakeMesh();
});
afterEach(async () => {
  // Whatever the scenario, the command only ever read: no POST, PUT, PATCH or DELETE reached a cluster.
  assert.ok(mesh.api.requests.length > 0);
  assert.deepEqual([...new Set(mesh.api.requests.map((r) => r.method))], ["GET"]);
  assert.deepEqual([...new Set(mesh.helloworld.requests.map((r) => r.method))], ["GET"]);
  await mesh.close();
});

const cluster = (name: string): FakeCluster => mesh.clusters.get(name)!;

function report(result: RunResult): JsonReport {
  return JSON.parse(result.stdout) as JsonReport;
}

/** Runs with --json and returns the failed checks: the command must exit 1 and fail exactly these. */
async function failures(): Promise<{ cluster: string; name: string; reason?: string }[]> {
  const result = await mesh.run(["--json"]);
  const r = report(result);
  assert.equal(result.code, 1, result.stderr);
  assert.equal(r.ok, false);
  return r.checks.filter((c) => !c.ok);
}

describe("verify against a fake mesh", () => {
  test("a healthy mesh passes every check (exit 0, ok true)", async () => {
    const result = await mesh.run(["--json"]);
    const r = report(result);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.checks.filter((c) => !c.ok),
      [],
    );
    const names = r.checks.map((c) => `${c.cluster}: ${c.name}`);
    for (const expected of [
      "external: istiod pods ready in istio-system",
      "external: istio-ingressgateway pods ready in istio-system",
      `external: istiod pods ready in ${NS}`,
      "external: gateway istio-system/istio-ingressgateway",
      "external: remote secret istio-kubeconfig (cluster1)",
      "external: remote secret istio-remote-secret-cluster2 (cluster2)",
      "external: Istio version 1.28.10",
      `cluster1: injection webhook istio-sidecar-injector-${NS}`,
      `cluster1: validating webhooks istio-validator-${NS}, istiod-default-validator`,
      `cluster1: gateway ${NS}/istio-ingressgateway`,
      `cluster1: gateway ${NS}/istio-egressgateway`,
      `cluster1: gateway ${NS}/istio-eastwestgateway`,
      "cluster1: Istio version 1.28.10, CRDs 1.28.10",
      "cluster1: sample pods helloworld-v1 running with sidecar",
      "cluster1: sample pods sleep running with sidecar",
      `cluster2: injection webhook istio-sidecar-injector-${NS}`,
      "cluster2: no validating webhooks (not the config cluster)",
      `cluster2: gateway ${NS}/istio-eastwestgateway`,
      "cluster2: Istio version 1.28.10",
      "cluster2: sample pods helloworld-v2 running with sidecar",
      "cluster1: GET /hello through the ingress gateway answers v1, v2",
    ]) {
      assert.ok(names.includes(expected), `missing check "${expected}" in:\n${names.join("\n")}`);
    }
    // One progress line per check on stderr.
    assert.equal(result.stderr.split("\n").filter((l) => l.startsWith("✓ ")).length, r.checks.length);
  });

  test("the default output is a table with ✓ per check and a summary", async () => {
    const result = await mesh.run();
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\s*CLUSTER\s+CHECK\s+RESULT$/m);
    assert.match(result.stdout, /^✓\s+cluster2\s+injection webhook istio-sidecar-injector-external-istiod\s+ok$/m);
    assert.match(result.stdout, /checks: \d+ passed, 0 failed/);
    // A passing check that reports something shows it after "ok".
    assert.match(result.stdout, /^✓\s+cluster2\s+Istio version 1\.28\.10\s+ok: istiod 1\.28\.10, istio-eastwestgateway 1\.28\.10 \(proxy 1\.28\.10\)$/m);
  });

  test("a missing injection webhook configuration fails that cluster's webhook check", async () => {
    cluster("cluster2").mutatingWebhookConfigurations.length = 0;
    const failed = await failures();
    assert.deepEqual(failed, [
      {
        cluster: "cluster2",
        name: `injection webhook istio-sidecar-injector-${NS}`,
        ok: false,
        reason: `MutatingWebhookConfiguration istio-sidecar-injector-${NS} not found: pods in this cluster are not injected (is its istiod release installed?)`,
      },
    ]);
  });

  test("a webhook still pointing at an old address names both addresses", async () => {
    const mwc = cluster("cluster1").mutatingWebhookConfigurations[0]!;
    const webhooks = mwc.webhooks as { clientConfig: unknown }[];
    for (const w of webhooks) w.clientConfig = { url: "https://old-host.example.com:15017/inject/cluster/cluster1/net/network1" };
    const failed = await failures();
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.reason, `webhook clientConfig.url points at https://old-host.example.com:15017 but EXTERNAL_ISTIOD_ADDR is ${ADDR}`);
  });

  test("a sample pod without a sidecar (1/1) fails the sample pods check", async () => {
    const pods = cluster("cluster1").pods;
    const index = pods.findIndex((p) => p.metadata.labels?.app === "helloworld");
    pods[index] = runningPod({
      namespace: "sample",
      name: "helloworld-v1-776f57d5f6-x9k2p",
      labels: { app: "helloworld", version: "v1" },
      containers: ["helloworld"],
      sidecar: false,
    });
    const failed = await failures();
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.cluster, "cluster1");
    assert.equal(failed[0]!.name, "sample pods helloworld-v1 running with sidecar");
    assert.equal(
      failed[0]!.reason,
      "pod sample/helloworld-v1-776f57d5f6-x9k2p has 1/1 containers ready, expected 2/2: no istio-proxy sidecar was injected " +
        "(is namespace sample labelled istio-injection=enabled? delete the pod to have it recreated with one)",
    );
  });

  test("a gateway whose Service has no load-balancer address fails its gateway check", async () => {
    const services = cluster("cluster1").services;
    const index = services.findIndex((s) => s.metadata.name === "istio-ingressgateway");
    services[index] = service(NS, "istio-ingressgateway", "LoadBalancer");
    const failed = await failures();
    assert.deepEqual(
      failed.map((f) => [f.cluster, f.name]),
      [["cluster1", `gateway ${NS}/istio-ingressgateway`]],
    );
    assert.equal(
      failed[0]!.reason,
      `Service ${NS}/istio-ingressgateway has no load-balancer address (status.loadBalancer.ingress is empty): does the cluster have a LoadBalancer implementation?`,
    );
  });

  test("helloworld answering only v1 fails the cross-cluster check", async () => {
    mesh.helloworld.versions = ["v1"];
    const failed = await failures();
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.name, "GET /hello through the ingress gateway answers v1, v2");
    assert.equal(
      failed[0]!.reason,
      `only v1 answered in 10 requests to ${mesh.helloworld.url}, expected v1, v2 (v2 runs on cluster2: check its sample pods, east-west gateway and remote secret)`,
    );
  });

  test("the table shows ✗ and the reason of a failure", async () => {
    cluster("cluster2").mutatingWebhookConfigurations.length = 0;
    const result = await mesh.run();
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^✗\s+cluster2\s+injection webhook istio-sidecar-injector-external-istiod\s+MutatingWebhookConfiguration .* not found/m);
    assert.match(result.stdout, /1 failed$/m);
    assert.match(result.stderr, /^… cluster2: injection webhook .*\(retrying\)$/m);
  });
});
