/**
 * Issue 5, further remote clusters and east-west gateways, for 0, 1 and several further remotes on one and on
 * several networks; no remote depends on another.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Rendered, RenderedResource } from "../render/model";
import { at, expectRendered, named, RELEASE, renderTopology, transitiveDependencies, valuesOf, waitsFor } from "./support/render";

const HOST = "istiod.mesh.example.com";
const SECRET = "kubernetes:core/v1:Secret";
const EW_GATEWAY = "istio-eastwestgateway";

const remoteNames = (n: number) => Array.from({ length: n }, (_, i) => `remote-${String(i + 1).padStart(3, "0")}`);

function assertFurtherRemote(r: Rendered, name: string, network: string) {
  const ns = named(r, "kubernetes:core/v1:Namespace", `${name}-external-istiod`);
  assert.equal(ns.cluster, name);
  assert.deepEqual(at(ns.inputs, "metadata"), {
    name: "external-istiod",
    labels: { "topology.istio.io/network": network },
    annotations: { "topology.istio.io/controlPlaneClusters": "config" },
  });
  const base = named(r, RELEASE, `${name}-istio-base`);
  assert.equal(base.cluster, name);
  assert.deepEqual(valuesOf(base), { profile: "remote", defaultRevision: "", global: { istioNamespace: "external-istiod" } });
  const istiod = named(r, RELEASE, `${name}-istiod`);
  assert.deepEqual(valuesOf(istiod), {
    profile: "remote",
    global: { istioNamespace: "external-istiod" },
    istiodRemote: { injectionURL: `https://${HOST}:15017/inject/cluster/${name}/net/${network}` },
  });

  const token = named(r, SECRET, `${name}-remote-token`);
  assert.equal(token.cluster, name);
  assert.equal(token.inputs.type, "kubernetes.io/service-account-token");
  assert.equal(at(token.inputs, "metadata.annotations")?.["kubernetes.io/service-account.name" as never], "istio-reader-service-account");
  assert.ok(token.dependsOn.includes(base.urn), "the reader token waits for base, which creates the account");

  const secret = named(r, SECRET, `${name}-remote-secret`);
  assert.equal(secret.cluster, "external", "remote secrets live in the external cluster (LOCAL_CLUSTER_SECRET_WATCHER)");
  assert.deepEqual(at(secret.inputs, "metadata"), {
    name: `istio-remote-secret-${name}`,
    namespace: "external-istiod",
    labels: { "istio/multiCluster": "true" },
    annotations: { "networking.istio.io/cluster": name },
  });
  assert.equal(secret.inputs.stringData, "[secret]", "the kubeconfig with the token is secret");
  assert.ok(secret.dependsOn.includes(ns.urn), "the secret waits for the annotated namespace");

  const outputs = at(r.outputs, `remotes.${name}`) as Record<string, unknown>;
  assert.equal(outputs.injectionUrl, `https://${HOST}:15017/inject/cluster/${name}/net/${network}`);
  assert.equal(outputs.network, network);
  assert.equal(outputs.remoteSecretName, `istio-remote-secret-${name}`);
}

/** The resources that belong to one further remote (its component's subtree). */
function ownedBy(r: Rendered, name: string): RenderedResource[] {
  return r.resources.filter((x) => x.urn.includes(`::${name}-`) || x.urn.endsWith(`::${name}`));
}

test("0 further remotes: config cluster only, one network, no east-west gateways", async () => {
  const { rendered: r } = expectRendered(await renderTopology({ remoteClusters: 1 }));
  assert.equal(r.resources.filter((x) => x.type === "istio-mesh:index:AdditionalRemote").length, 0);
  assert.equal(r.resources.filter((x) => x.type === RELEASE && x.inputs.name === EW_GATEWAY).length, 0);
  assert.deepEqual(Object.keys(r.outputs.remotes as object), ["config"]);
});

test("1 further remote on the same network: no east-west gateways (auto)", async () => {
  const { rendered: r } = expectRendered(await renderTopology({ remoteClusters: 2, networks: 1 }));
  assertFurtherRemote(r, "remote-001", "network1");
  assert.equal(r.resources.filter((x) => x.type === RELEASE && x.inputs.name === EW_GATEWAY).length, 0);
});

test("several further remotes on one network: registered, no east-west gateways", async () => {
  const { rendered: r } = expectRendered(await renderTopology({ remoteClusters: 4, networks: 1 }));
  for (const name of remoteNames(3)) assertFurtherRemote(r, name, "network1");
  assert.equal(r.resources.filter((x) => x.type === RELEASE && x.inputs.name === EW_GATEWAY).length, 0);
  assert.equal(r.resources.filter((x) => at(x.inputs, "metadata.name") === "cross-network-gateway").length, 0);
});

test("several further remotes on several networks: east-west gateways everywhere, cross-network Gateway once", async () => {
  const { rendered: r } = expectRendered(await renderTopology({ remoteClusters: 4, networks: 2 }));
  const names = remoteNames(3);
  names.forEach((name, i) => assertFurtherRemote(r, name, `network${((i + 1) % 2) + 1}`));

  const ew = r.resources.filter((x) => x.type === RELEASE && x.inputs.name === EW_GATEWAY);
  assert.deepEqual(ew.map((x) => x.cluster).sort(), ["config", ...names].sort(), "one per remote cluster");
  for (const g of ew) {
    const network = g.cluster === "config" ? "network1" : String(at(r.outputs, `remotes.${g.cluster}.network`));
    assert.deepEqual(valuesOf(g), { networkGateway: network }, "networkGateway only (no duplicate network label)");
    assert.equal(g.inputs.namespace, "external-istiod");
    assert.ok(waitsFor(r, g, named(r, RELEASE, `${g.cluster}-istiod`)), "after its cluster's istiod (webhook)");
    const ext = r.resources.find((x) => x.type === RELEASE && x.urn.includes("ExternalIstiod$"))!;
    assert.ok(waitsFor(r, g, ext), "after the external istiod (injection)");
    if (g.cluster !== "config") assert.ok(waitsFor(r, g, named(r, SECRET, `${g.cluster}-remote-secret`)));
  }
  const cross = r.resources.filter((x) => x.type === "kubernetes:networking.istio.io/v1:Gateway" && at(x.inputs, "metadata.name") === "cross-network-gateway");
  assert.equal(cross.length, 1, "once");
  assert.equal(cross[0]!.cluster, "config", "in the config cluster, where istiod reads configuration");
  assert.deepEqual(at(cross[0]!.inputs, "spec"), {
    selector: { istio: "eastwestgateway" },
    servers: [{ port: { number: 15443, name: "tls", protocol: "TLS" }, tls: { mode: "AUTO_PASSTHROUGH" }, hosts: ["*.local"] }],
  });
});

test("no remote depends on another", async () => {
  const { rendered: r } = expectRendered(await renderTopology({ remoteClusters: 6, networks: 3, samples: true }));
  const names = remoteNames(5);
  for (const name of names) {
    const mine = ownedBy(r, name);
    assert.ok(mine.length >= 8, `${name} has its resources`);
    const others = new Set(names.filter((n) => n !== name).flatMap((n) => ownedBy(r, n).map((x) => x.urn)));
    for (const res of mine) {
      const deps = [...transitiveDependencies(r, res)].filter((u) => others.has(u));
      assert.deepEqual(deps, [], `${res.urn} waits for nothing of another remote`);
    }
  }
});

test("loadBalancer mode: further remotes use injectionPath and remotePilotAddress", async () => {
  const { rendered: r } = expectRendered(await renderTopology({ remoteClusters: 2, mode: "loadBalancer" }));
  assert.deepEqual(valuesOf(named(r, RELEASE, "remote-001-istiod")), {
    profile: "remote",
    global: { istioNamespace: "external-istiod", remotePilotAddress: "[unknown]" },
    istiodRemote: { injectionPath: "/inject/cluster/remote-001/net/network2" },
  });
});
