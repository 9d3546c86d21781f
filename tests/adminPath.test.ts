/**
 * Issue 4, the mesh admin's path: gateways and the sample application on the remote clusters, after the control
 * plane; turning samples off removes every sample resource and nothing else.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Rendered } from "../render/model";
import { at, expectRendered, named, RELEASE, renderShipped, renderTopology, valuesOf, waitsFor } from "./support/render";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

/** Resources injected on a cluster must wait for the external istiod, its routing and the cluster's own istiod. */
function assertWaitsForControlPlane(r: Rendered, resource: { urn: string; dependsOn: string[]; name: string }, ownIstiod: string) {
  const extIstiod = r.resources.find((x) => x.type === RELEASE && x.urn.includes("ExternalIstiod$"))!;
  const routing = r.resources.filter((x) => x.urn.includes("ExternalIstiod$kubernetes:networking.istio.io"));
  const full = r.resources.find((x) => x.urn === resource.urn)!;
  assert.ok(waitsFor(r, full, extIstiod), `${resource.name} waits for the external istiod`);
  for (const o of routing) assert.ok(waitsFor(r, full, o), `${resource.name} waits for ${o.name}`);
  assert.ok(waitsFor(r, full, named(r, RELEASE, ownIstiod)), `${resource.name} waits for ${ownIstiod}`);
}

test("dev: ingress gateway and samples on the config cluster", async (t) => {
  const { rendered: r } = await renderShipped("dev");

  await t.test("MeshGateways: istio-ingressgateway in external-istiod of the config cluster, after the control plane", () => {
    const gw = named(r, RELEASE, "cluster1-istio-ingressgateway");
    assert.equal(gw.cluster, "cluster1");
    assert.equal(gw.inputs.name, "istio-ingressgateway");
    assert.equal(gw.inputs.chart, "gateway");
    assert.equal(gw.inputs.namespace, "external-istiod");
    assert.deepEqual(valuesOf(gw), {}, "chart defaults: a LoadBalancer, injected with the gateway template");
    assertWaitsForControlPlane(r, gw, "cluster1-istiod");
    assert.equal(r.resources.filter((x) => x.type === RELEASE && x.inputs.name === "istio-egressgateway").length, 0, "egress is off in dev");
  });

  await t.test("SampleApps: namespace labelled for injection, helloworld v1, sleep, Gateway and VirtualService", () => {
    const ns = named(r, "kubernetes:core/v1:Namespace", "cluster1-sample");
    assert.deepEqual(at(ns.inputs, "metadata"), { name: "sample", labels: { "istio-injection": "enabled" } });
    const hello = named(r, DEPLOYMENT, "cluster1-helloworld-v1");
    assert.equal(hello.cluster, "cluster1");
    assert.deepEqual(at(hello.inputs, "spec.template.metadata.labels"), { app: "helloworld", version: "v1" });
    assert.equal(at(hello.inputs, "spec.template.spec.containers.0.image"), "docker.io/istio/examples-helloworld-v1:1.0", "the 1.28 sample's image");
    assert.deepEqual(at(hello.inputs, "spec.template.spec.containers.0.ports"), [{ containerPort: 5000 }]);
    const svc = named(r, "kubernetes:core/v1:Service", "cluster1-helloworld");
    assert.deepEqual(at(svc.inputs, "spec"), { ports: [{ port: 5000, name: "http" }], selector: { app: "helloworld" } });
    const sleep = named(r, DEPLOYMENT, "cluster1-sleep");
    assert.equal(at(sleep.inputs, "spec.template.spec.serviceAccountName"), "sleep");
    assert.deepEqual(at(sleep.inputs, "spec.template.spec.containers.0.command"), ["/bin/sleep", "infinity"]);
    for (const d of [hello, sleep]) assertWaitsForControlPlane(r, d, "cluster1-istiod");
    const gw = named(r, "kubernetes:networking.istio.io/v1:Gateway", "cluster1-helloworld-gateway");
    assert.deepEqual(at(gw.inputs, "spec"), { selector: { istio: "ingressgateway" }, servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] }] });
    const vs = named(r, "kubernetes:networking.istio.io/v1:VirtualService", "cluster1-helloworld-virtualservice");
    assert.deepEqual(at(vs.inputs, "spec.http"), [{ match: [{ uri: { exact: "/hello" } }], route: [{ destination: { host: "helloworld", port: { number: 5000 } } }] }]);
    assert.ok(waitsFor(r, gw, named(r, RELEASE, "cluster1-istio-base")), "after the config cluster's CRDs");
  });

  await t.test("outputs: the ingress address and the URL the guide curls, unknown before deploy", () => {
    assert.equal(r.outputs.helloworldUrl, "[unknown]");
    assert.equal(at(r.outputs, "remotes.cluster1.ingressGatewayAddress"), "[unknown]");
  });
});

test("further remotes: helloworld v2, egress gateways, no Gateway/VirtualService off the config cluster", async () => {
  const { rendered: r } = expectRendered(await renderTopology({ remoteClusters: 3, samples: true, istioVersion: "1.30.3" }));
  for (const name of ["remote-001", "remote-002"]) {
    const hello = named(r, DEPLOYMENT, `${name}-helloworld-v2`);
    assert.equal(hello.cluster, name);
    assert.equal(at(hello.inputs, "spec.template.spec.containers.0.image"), "registry.istio.io/release/examples-helloworld-v2:1.0", "the 1.30 sample's image");
    assertWaitsForControlPlane(r, hello, `${name}-istiod`);
    const remoteSecret = r.resources.find((x) => x.name === `${name}-remote-secret` && x.type === "kubernetes:core/v1:Secret")!;
    assert.ok(waitsFor(r, hello, remoteSecret), "after the remote secret (istio-ca-root-cert comes from the leading istiod)");
    assert.equal(r.resources.filter((x) => x.cluster === name && x.type.startsWith("kubernetes:networking.istio.io") && x.name.includes("helloworld")).length, 0);
  }
  assert.equal(r.resources.filter((x) => x.name.includes("helloworld-v1")).length, 1, "v1 only on the config cluster");
});

test("prod: egress gateway with service type ClusterIP on every remote that asks for it", async () => {
  const { rendered: r } = await renderShipped("prod");
  for (const cluster of ["apps-eu-west", "apps-us-east"]) {
    const egress = named(r, RELEASE, `${cluster}-istio-egressgateway`);
    assert.equal(egress.cluster, cluster);
    assert.equal(egress.inputs.name, "istio-egressgateway");
    assert.equal(egress.inputs.namespace, "external-istiod");
    assert.deepEqual(valuesOf(egress), { service: { type: "ClusterIP" } });
    assertWaitsForControlPlane(r, egress, `${cluster}-istiod`);
  }
});

test("turning samples off removes every sample resource and nothing else", async () => {
  const on = expectRendered(await renderTopology({ remoteClusters: 2, samples: true })).rendered;
  const off = expectRendered(await renderTopology({ remoteClusters: 2, samples: false })).rendered;
  const urns = (x: Rendered) => new Set(x.resources.map((r) => r.urn));
  const removed = [...urns(on)].filter((u) => !urns(off).has(u));
  const added = [...urns(off)].filter((u) => !urns(on).has(u));
  assert.deepEqual(added, []);
  assert.ok(removed.length >= 10);
  for (const urn of removed) assert.match(urn, /istio-mesh:index:SampleApps/, `${urn} is a sample resource`);
  const common = [...urns(off)];
  const byUrn = (x: Rendered) => new Map(x.resources.map((r) => [r.urn, r]));
  for (const urn of common) {
    if (urn.includes("pulumi:providers")) continue;
    assert.deepEqual(byUrn(off).get(urn)?.inputs, byUrn(on).get(urn)?.inputs, `${urn} is unchanged`);
  }
});
