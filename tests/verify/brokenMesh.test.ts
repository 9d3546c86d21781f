/**
 * Issue 21: `npm run verify` on a mesh that is broken the ways operators of this topology report upstream. Outputs
 * of a render or a preview are refused before any cluster is read; an unreachable API server is one failure, its
 * cluster's checks skipped and the others run; the control plane address is checked from here even when no cluster
 * answers (DNS, istio/istio#39759; TLS trust and name, #39780); pods the injection webhook kept from being created
 * are reported with the ReplicaSet's FailedCreate and the port to open (#39905). `--json` keeps its shape.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { JsonReport } from "../../verify/report";
import { ADDR, CONTROL_PLANE_LB, NS, startFakeMesh, type FakeMesh, type RunResult } from "./fake/mesh";
import type { KubeObject } from "./fake/kubeApi";

let mesh: FakeMesh;
beforeEach(async () => {
  mesh = await startFakeMesh();
});
afterEach(async () => {
  assert.deepEqual([...new Set(mesh.api.requests.map((r) => r.method))].filter((m) => m !== "GET"), [], "only reads");
  await mesh.close();
});

const report = (result: RunResult): JsonReport => JSON.parse(result.stdout) as JsonReport;
const failed = (r: JsonReport) => r.checks.filter((c) => !c.ok);

/** A port on 127.0.0.1 nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Points the kubeconfig's contexts of `clusters` at an API server that refuses connections. */
async function unreachable(...clusters: string[]): Promise<string> {
  const port = await closedPort();
  const kubeconfig = JSON.parse(readFileSync(mesh.files.kubeconfig, "utf8")) as { clusters: { name: string; cluster: { server: string } }[] };
  for (const c of kubeconfig.clusters) if (clusters.includes(c.name)) c.cluster.server = `http://127.0.0.1:${port}`;
  writeFileSync(mesh.files.kubeconfig, JSON.stringify(kubeconfig));
  return `127.0.0.1:${port}`;
}

const addressCheckNames = [`DNS ${ADDR} -> controlPlaneLoadBalancer from here`, `TLS on ${ADDR}:15012 from here`, `TLS on ${ADDR}:15017 from here`];

describe("outputs a render or a preview printed", () => {
  test("outputs still holding [unknown] are refused before any cluster is read, naming them and where real ones come from", async () => {
    const outputs = JSON.parse(readFileSync(mesh.files.outputs, "utf8")) as { controlPlaneLoadBalancer: string; remotes: { cluster1: { ingressGatewayAddress: string } } };
    outputs.controlPlaneLoadBalancer = "[unknown]";
    outputs.remotes.cluster1.ingressGatewayAddress = "[unknown]";
    writeFileSync(mesh.files.outputs, JSON.stringify(outputs));
    const result = await mesh.run(["--json"]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /still hold \[unknown\] \(a render's or a preview's, not a deployment's\): controlPlaneLoadBalancer, remotes\.cluster1\.ingressGatewayAddress\./);
    assert.match(result.stderr, /run `pulumi up`, then pipe `pulumi stack output --json --show-secrets --stack <name>` into this command/);
    assert.deepEqual(mesh.api.requests, [], "no cluster was read");
    assert.deepEqual(mesh.helloworld.requests, []);
  });
});

describe("clusters whose API server cannot be reached", () => {
  test("one failure for the cluster, naming its context and the cause; the other clusters are still checked", async () => {
    const server = await unreachable("cluster2");
    const result = await mesh.run(["--json"]);
    assert.equal(result.code, 1);
    const r = report(result);
    assert.deepEqual(
      failed(r).map((c) => `${c.cluster}: ${c.name}`),
      ["cluster2: API server (context ctx-cluster2)"],
    );
    const reason = failed(r)[0]!.reason!;
    assert.match(reason, new RegExp(`reaching the API server http://${server} in context ctx-cluster2: .*ECONNREFUSED`));
    assert.match(reason, /its \d+ checks did not run$/);
    // Every check of the reachable clusters ran, and passed.
    for (const cluster of ["external", "cluster1"]) assert.ok(r.checks.filter((c) => c.cluster === cluster && c.ok).length >= 5, cluster);
    assert.equal(r.checks.filter((c) => c.cluster === "cluster2").length, 1);
    // --json keeps its shape: cluster, name, ok, reason.
    for (const c of r.checks) assert.deepEqual(Object.keys(c).filter((k) => !["detail"].includes(k)), c.ok ? ["cluster", "name", "ok"] : ["cluster", "name", "ok", "reason"]);
  });

  test("no cluster answers: one failure per cluster, and the control plane address is still checked", async () => {
    await unreachable("external", "cluster1", "cluster2");
    const r = report(await mesh.run(["--json"]));
    assert.deepEqual(
      failed(r).map((c) => `${c.cluster}: ${c.name}`),
      ["external: API server (context ctx-external)", "cluster1: API server (context ctx-cluster1)", "cluster2: API server (context ctx-cluster2)"],
    );
    assert.deepEqual(
      r.checks.filter((c) => c.ok).map((c) => c.name),
      addressCheckNames,
    );
    assert.deepEqual(mesh.api.requests, []);
  });
});

describe("the control plane address, from here", () => {
  const addressFailures = async () => {
    const result = await mesh.run(["--json"]);
    assert.equal(result.code, 1, result.stderr);
    return failed(report(result)).map((c) => ({ name: c.name, reason: c.reason ?? "" }));
  };

  test("a healthy address passes: the name resolves to the load balancer, both ports serve a trusted certificate for it", async () => {
    const r = report(await mesh.run(["--json"]));
    for (const name of addressCheckNames) assert.equal(r.checks.find((c) => c.name === name)?.ok, true, name);
  });

  test("a name that does not resolve here (a hosts-file entry, #39759): its DNS record is missing; TLS is checked on the load balancer", async () => {
    mesh.address.dns.delete(ADDR);
    const failures = await addressFailures();
    assert.deepEqual(failures.map((f) => f.name), [addressCheckNames[0]]);
    assert.match(
      failures[0]!.reason,
      new RegExp(`^${ADDR.replace(/\./g, "\\.")} does not resolve from here \\(ENOTFOUND\\): create a public DNS record for it pointing at ${CONTROL_PLANE_LB} .*istio/istio#39759`),
    );
  });

  test("a name pointing elsewhere names both addresses", async () => {
    mesh.address.dns.set(ADDR, ["198.51.100.77"]);
    const failures = await addressFailures();
    assert.equal(failures[0]!.name, addressCheckNames[0]);
    assert.match(failures[0]!.reason, new RegExp(`resolves to 198\\.51\\.100\\.77, not to the control plane load balancer ${CONTROL_PLANE_LB.replace(/\./g, "\\.")}`));
  });

  test("a self-signed certificate (#39780) fails both ports, naming address, port and the fix", async () => {
    mesh.address.serve("self-signed");
    const failures = await addressFailures();
    assert.deepEqual(failures.map((f) => f.name), addressCheckNames.slice(1));
    for (const [i, port] of [15012, 15017].entries()) {
      assert.match(failures[i]!.reason, new RegExp(`^the certificate on ${ADDR.replace(/\./g, "\\.")}:${port} is not trusted by the system roots \\(DEPTH_ZERO_SELF_SIGNED_CERT\\)`));
      assert.match(failures[i]!.reason, /serve a publicly trusted certificate for .* in Secret istio-system\/istiod-tls \(istio\/istio#39780\)/);
    }
  });

  test("a certificate with the name only in its CN (#39780) is not valid for the name", async () => {
    mesh.address.serve("cn-only");
    const failures = await addressFailures();
    assert.deepEqual(failures.map((f) => f.name), addressCheckNames.slice(1));
    assert.match(failures[1]!.reason, new RegExp(`the certificate on ${ADDR.replace(/\./g, "\\.")}:15017 is not valid for ${ADDR.replace(/\./g, "\\.")} .*reissue it with DNS:${ADDR.replace(/\./g, "\\.")} in its subjectAltName`));
  });

  test("a port nothing accepts TLS on: the port to open and the Service to check", async () => {
    mesh.address.openPorts.delete(15017);
    const failures = await addressFailures();
    assert.deepEqual(failures.map((f) => f.name), [addressCheckNames[2]]);
    assert.match(failures[0]!.reason, new RegExp(`^nothing accepts TLS on ${ADDR.replace(/\./g, "\\.")}:15017 from here \\(ECONNREFUSED\\); the remote clusters' API servers call the injection and validation webhooks on it: open TCP 15017`));
    assert.match(failures[0]!.reason, /check that Service istio-system\/istio-ingressgateway lists port 15017$/);
  });
});

describe("pods the API server could not create", () => {
  test("a webhook timeout (#39905) is reported with the ReplicaSet's FailedCreate and the port to open", async () => {
    const message =
      'Internal error occurred: failed calling webhook "namespace.sidecar-injector.istio.io": failed to call webhook: ' +
      `Post "https://${ADDR}:15017/inject/cluster/cluster2/net/network2?timeout=10s": context deadline exceeded`;
    const replicaSet: KubeObject = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "helloworld-v2-776f57d5f6", namespace: "sample", labels: { app: "helloworld", version: "v2" } },
      spec: { replicas: 1 },
      status: { replicas: 0, conditions: [{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message }] },
    };
    mesh.clusters.get("cluster2")!.replicaSets.push(replicaSet);
    const r = report(await mesh.run(["--json"]));
    const failures = failed(r);
    assert.deepEqual(failures.map((c) => `${c.cluster}: ${c.name}`), [`cluster2: pods can be created in ${NS}, sample`]);
    assert.equal(
      failures[0]!.reason,
      `ReplicaSet sample/helloworld-v2-776f57d5f6 cannot create pods: FailedCreate: ${message}. cluster2's API server cannot reach the injection webhook on ${ADDR}:15017 ` +
        "(failurePolicy Fail): open TCP 15017 from cluster2's API server (its control plane's outbound addresses) to the control plane load balancer (istio/istio#39905)",
    );
  });
});

describe("images from istio.hub", () => {
  const HUB = "registry.example.com/istio";
  test("with a hub, pods still pulling from elsewhere are named, per cluster; once every image is the hub's, it passes", async () => {
    writeFileSync(mesh.files.stack, readFileSync(mesh.files.stack, "utf8").replace(/version: "1\.28\.10"/, `version: "1.28.10"\n    hub: ${HUB}`));
    const first = report(await mesh.run(["--json"]));
    assert.deepEqual(
      failed(first).map((c) => `${c.cluster}: ${c.name}`),
      [`external: images from ${HUB} in istio-system, ${NS}`, `cluster1: images from ${HUB} in ${NS}, sample`, `cluster2: images from ${HUB} in ${NS}, sample`],
    );
    assert.match(failed(first)[0]!.reason!, new RegExp(`^not from istio\\.hub ${HUB.replace(/\./g, "\\.")}: istio-system/istiod-68488cd797-mq8dn discovery: docker\\.io/istio/pilot:1\\.28\\.10;`));
    assert.match(failed(first)[2]!.reason!, /sample\/helloworld-v2-776f57d5f6-s7zfc istio-init: docker\.io\/istio\/proxyv2:1\.28\.10/);

    for (const cluster of mesh.clusters.values()) {
      for (const pod of cluster.pods) {
        const spec = pod.spec as { containers: { image: string }[]; initContainers?: { image: string }[] };
        for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) c.image = `${HUB}/${c.image.slice(c.image.lastIndexOf("/") + 1)}`;
      }
    }
    const second = await mesh.run(["--json"]);
    assert.equal(second.code, 0, second.stdout);
  });
});
