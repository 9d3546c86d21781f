/**
 * Issue 24: a canary of the external control plane. The stack file through a whole cycle (stable; stable and canary;
 * tags; promotion; removal of the old revision), what each state deploys in every cluster, the order of what depends
 * on a revision, URN stability across the cycle, and the refusals, in both exposure modes.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { topologyConfig, type TopologySpec } from "../render/topology";
import type { Rendered, RenderedResource } from "../render/model";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { certificateCovers } from "../component/components/certificateCoverage";
import { knownIssueWarnings } from "../component/config/knownIssues";
import { at, expectRendered, ofType, RELEASE, renderConfig, valuesOf, waitsFor } from "./support/render";

const NS = "external-istiod";
const SPEC: TopologySpec = { remoteClusters: 2, mode: "hostname", istioVersion: "1.28.10" };
const CANARY_HOST = "istiod-1-29-6.mesh.example.com";

type Istio = Record<string, unknown>;

/** A topology's config with `istio-mesh:istio` extended, and exposure changed when given. */
function stack(spec: TopologySpec, istio: Istio, exposure?: Record<string, unknown>): Record<string, unknown> {
  const config = topologyConfig(spec);
  config["istio-mesh:istio"] = { ...(config["istio-mesh:istio"] as Istio), ...istio };
  if (exposure) config["istio-mesh:exposure"] = { ...(config["istio-mesh:exposure"] as Istio), ...exposure };
  return config;
}

async function render(config: Record<string, unknown>, deployed?: Record<string, unknown>): Promise<Rendered> {
  return expectRendered(await renderConfig(config, "canary", deployed ? { deployedOutputs: deployed } : {})).rendered;
}

async function problems(config: Record<string, unknown>, deployed?: Record<string, unknown>): Promise<string> {
  const result = await renderConfig(config, "canary", deployed ? { deployedOutputs: deployed } : {});
  assert.equal(result.ok, false, "expected the stack to be refused");
  if (result.ok) return "";
  // A check against the record reads it first (the StackReference to the stack's own outputs), then registers nothing.
  assert.equal(result.registered, deployed ? 1 : 0, "nothing is registered");
  return result.problems.join("\n");
}

const release = (r: Rendered, cluster: string, name: string): RenderedResource => {
  const found = ofType(r, RELEASE).filter((x) => x.cluster === cluster && x.inputs.name === name && x.inputs.namespace !== "istio-system");
  assert.equal(found.length, 1, `one release ${name} in ${cluster}`);
  return found[0]!;
};
const maybeRelease = (r: Rendered, cluster: string, name: string) =>
  ofType(r, RELEASE).find((x) => x.cluster === cluster && x.inputs.name === name && x.inputs.namespace !== "istio-system");
const byName = (r: Rendered, type: string, name: string): RenderedResource => {
  const found = r.resources.filter((x) => x.type.endsWith(`:${type}`) && at(x.inputs, "metadata.name") === name);
  assert.equal(found.length, 1, `one ${type} ${name} (have ${found.length})`);
  return found[0]!;
};
const objectsNamed = (r: Rendered, type: string, cluster: string) =>
  r.resources.filter((x) => x.type.endsWith(`:${type}`) && x.cluster === cluster).map((x) => at(x.inputs, "metadata.name"));

const REMOTES = ["config", "remote-001"];

const B = { canary: { version: "1.29.6", hostname: CANARY_HOST }, revisionTags: { "prod-stable": "1-29-6" } };

test("hostname mode, stable 1.28.10 and canary 1.29.6: a second external istiod of revision 1-29-6, its own addresses, route, webhooks and RBAC bridge", async () => {
  const r = await render(stack(SPEC, B));
  const canary = release(r, "external", "istiod-1-29-6");
  assert.equal(canary.inputs.version, "1.29.6");
  const v = valuesOf(canary);
  assert.equal(at(v, "revision"), "1-29-6");
  assert.equal(at(v, "global.caAddress"), `${CANARY_HOST}:15012`);
  assert.equal(at(v, "meshConfig.defaultConfig.discoveryAddress"), `${CANARY_HOST}:15012`);
  assert.deepEqual(at(v, "volumes"), [
    { name: "config-volume", configMap: { name: "istio-1-29-6" } },
    { name: "inject-volume", configMap: { name: "istio-sidecar-injector-1-29-6" } },
  ]);
  // The stable istiod is untouched: unrevisioned, its own address.
  const stable = valuesOf(release(r, "external", "istiod"));
  assert.equal(at(stable, "revision"), undefined);
  assert.equal(at(stable, "global.caAddress"), "istiod.mesh.example.com:15012");

  for (const cluster of REMOTES) {
    const rev = release(r, cluster, "istiod-1-29-6");
    assert.equal(rev.inputs.version, "1.29.6");
    assert.equal(at(valuesOf(rev), "revision"), "1-29-6");
    assert.match(String(at(valuesOf(rev), "istiodRemote.injectionURL")), new RegExp(`^https://${CANARY_HOST}:15017/inject/cluster/${cluster}/net/`));
    // The default webhooks still call the stable revision.
    assert.match(String(at(valuesOf(release(r, cluster, "istiod")), "istiodRemote.injectionURL")), /^https:\/\/istiod\.mesh\.example\.com:15017\//);
    // CRDs first: base runs the newest revision's version.
    assert.equal(release(r, cluster, "istio-base").inputs.version, "1.29.6", `${cluster}: base at the canary's version`);
  }
  const configRev = valuesOf(release(r, "config", "istiod-1-29-6"));
  assert.equal(at(configRev, "configMap"), false, "the shared mesh config stays the unrevisioned release's");
  assert.equal(at(configRev, "global.configCluster"), true);
  assert.equal(at(configRev, "base.validationURL"), `https://${CANARY_HOST}:15017/validate`);
  assert.equal(at(valuesOf(release(r, "config", "istiod")), "configMap"), true);

  // The bridge binds the canary's roles to the account in istio-kubeconfig, and nothing else.
  const bindings = r.resources.filter((x) => x.type.includes("rbac.authorization.k8s.io"));
  assert.deepEqual(bindings.map((b) => [b.cluster, at(b.inputs, "roleRef.kind"), at(b.inputs, "roleRef.name")]).sort(), [
    ["config", "ClusterRole", "istiod-clusterrole-1-29-6-external-istiod"],
    ["config", "ClusterRole", "istiod-gateway-controller-1-29-6-external-istiod"],
    ["config", "Role", "istiod-1-29-6"],
  ]);
  for (const b of bindings) assert.deepEqual(at(b.inputs, "subjects"), [{ kind: "ServiceAccount", name: "istiod", namespace: NS }]);

  // Its route: its own Gateway server for its name on 15012 and 15017, re-encrypting to istiod-1-29-6.
  const gw = byName(r, "Gateway", "external-istiod-gw-1-29-6");
  const servers = at(gw.inputs, "spec.servers") as { port: { number: number }; hosts: string[] }[];
  assert.deepEqual(servers.map((s) => [s.port.number, s.hosts]), [[15012, [CANARY_HOST]], [15017, [CANARY_HOST]]]);
  const vs = byName(r, "VirtualService", "external-istiod-vs-1-29-6");
  const routes = at(vs.inputs, "spec.http") as { route: { destination: { host: string; port: { number: number } } }[] }[];
  assert.deepEqual(routes.map((h) => [h.route[0]!.destination.host, h.route[0]!.destination.port.number]), [
    [`istiod-1-29-6.${NS}.svc.cluster.local`, 15012],
    [`istiod-1-29-6.${NS}.svc.cluster.local`, 443],
  ]);
  const dr = byName(r, "DestinationRule", "external-istiod-dr-1-29-6");
  assert.equal(at(dr.inputs, "spec.trafficPolicy.portLevelSettings.0.tls.sni"), `istiod-1-29-6.${NS}.svc`);

  const outputs = r.outputs as { revisions: Record<string, { isDefault: boolean; role: string; address: string }>; revisionTags: Record<string, string> };
  assert.deepEqual(Object.keys(outputs.revisions).sort(), ["1-29-6", "default"]);
  assert.equal(outputs.revisions["1-29-6"]!.address, CANARY_HOST);
  assert.equal(outputs.revisions.default!.isDefault, true);
  assert.deepEqual(outputs.revisionTags, { "prod-stable": "1-29-6" });
  // The record the next run checks against: the canary with the version its releases report, its DNS name, the tags.
  const deployedConfig = (r.outputs as { deployedConfig: Record<string, unknown> }).deployedConfig;
  assert.deepEqual(deployedConfig.canary, { revision: "1-29-6", version: "1.29.6", hostname: CANARY_HOST, tlsSecretName: "istiod-tls" });
  assert.deepEqual(deployedConfig.revisionTags, { "prod-stable": "1-29-6" });
  assert.equal(deployedConfig.revision, undefined, "the stable revision is the unrevisioned one");
  assert.equal(deployedConfig.istioVersion, "1.28.10", "the stable version, not lowered or raised by the canary's releases");
});

test("revision tags: one webhook configuration per remote, selecting istio.io/rev=<tag> and calling the tag's revision", async () => {
  const r = await render(stack(SPEC, B));
  const tags = r.resources.filter((x) => x.type.endsWith("MutatingWebhookConfiguration"));
  assert.deepEqual(tags.map((t) => t.cluster).sort(), REMOTES);
  for (const t of tags) {
    assert.equal(at(t.inputs, "metadata.name"), "istio-revision-tag-prod-stable-external-istiod");
    const labels = at(t.inputs, "metadata.labels") as Record<string, string>;
    assert.equal(labels["istio.io/rev"], "1-29-6");
    assert.equal(labels["istio.io/tag"], "prod-stable");
    const hooks = at(t.inputs, "webhooks") as { name: string; clientConfig: { url: string }; namespaceSelector: unknown }[];
    assert.deepEqual(hooks.map((h) => h.name), ["rev.namespace.sidecar-injector.istio.io", "rev.object.sidecar-injector.istio.io"]);
    for (const h of hooks) assert.match(h.clientConfig.url, new RegExp(`^https://${CANARY_HOST}:15017/inject/cluster/${t.cluster}/net/`));
    assert.deepEqual(hooks[0]!.namespaceSelector, {
      matchExpressions: [
        { key: "istio.io/rev", operator: "In", values: ["prod-stable"] },
        { key: "istio-injection", operator: "DoesNotExist" },
      ],
    });
    // It waits for the canary's external istiod and its route.
    assert.ok(waitsFor(r, t, release(r, "external", "istiod-1-29-6")), `${t.cluster}: the tag waits for the canary`);
    assert.ok(waitsFor(r, t, byName(r, "VirtualService", "external-istiod-vs-1-29-6")));
  }
});

test("loadBalancer mode, stable 1.29.6 and canary 1.30.3: the canary is reached by its Service's name (SNI), never the IP", async () => {
  const spec: TopologySpec = { remoteClusters: 2, mode: "loadBalancer", istioVersion: "1.29.6" };
  const r = await render(stack(spec, { canary: { version: "1.30.3" }, revisionTags: { "dev-stable": "1-30-3" } }));
  const v = valuesOf(release(r, "external", "istiod-1-30-3"));
  assert.equal(at(v, "global.caAddress"), `istiod-1-30-3.${NS}.svc:15012`);
  assert.equal(at(v, "meshConfig.defaultConfig.discoveryAddress"), `istiod-1-30-3.${NS}.svc:15012`);
  assert.equal(at(v, "env.INJECTION_WEBHOOK_CONFIG_NAME"), `istio-sidecar-injector-1-30-3-${NS}`);
  assert.equal(at(v, "env.VALIDATION_WEBHOOK_CONFIG_NAME"), `istio-validator-1-30-3-${NS}`);
  for (const cluster of REMOTES) {
    const rv = valuesOf(release(r, cluster, "istiod-1-30-3"));
    assert.equal(at(rv, "revision"), "1-30-3");
    // remotePilotAddress renders Service istiod-1-30-3 with an EndpointSlice at the gateway's IP.
    assert.equal(at(rv, "global.remotePilotAddress"), at(valuesOf(release(r, cluster, "istiod")), "global.remotePilotAddress"));
    const tag = r.resources.find((x) => x.type.endsWith("MutatingWebhookConfiguration") && x.cluster === cluster)!;
    const hooks = at(tag.inputs, "webhooks") as { clientConfig: { service: { name: string; port: number; path: string } } }[];
    assert.equal(hooks[0]!.clientConfig.service.name, "istiod-1-30-3");
    assert.equal(hooks[0]!.clientConfig.service.port, 443);
    assert.ok(waitsFor(r, tag, release(r, cluster, "istiod-1-30-3")), "the tag waits for the Service its webhooks call");
  }
  const vs = byName(r, "VirtualService", "external-istiod-vs-1-30-3");
  assert.deepEqual(at(vs.inputs, "spec.gateways"), ["external-istiod-gw"]);
  const tls = at(vs.inputs, "spec.tls") as { match: { port: number; sniHosts: string[] }[] }[];
  for (const t of tls) assert.deepEqual(t.match[0]!.sniHosts, [`istiod-1-30-3.${NS}.svc`, `istiod-1-30-3.${NS}.svc.cluster.local`]);
  // The catch-all still sends IP clients (the stable revision's proxies) to the unrevisioned istiod.
  const catchAll = byName(r, "VirtualService", "external-istiod-vs");
  const catchRoutes = at(catchAll.inputs, "spec.tls") as { match: { sniHosts: string[] }[]; route: { destination: { host: string } }[] }[];
  assert.deepEqual(catchRoutes.map((t) => [t.match[0]!.sniHosts, t.route[0]!.destination.host]), [
    [["*"], `istiod.${NS}.svc.cluster.local`],
    [["*"], `istiod.${NS}.svc.cluster.local`],
  ]);
  assert.equal(objectsNamed(r, "Gateway", "external").length, 1, "one Gateway: the guide's passthrough on every name");
});

test("promotion (istio.defaultRevision): the default webhooks, base's defaultRevision and validation move to the canary; nothing is replaced", async () => {
  const before = await render(stack(SPEC, B));
  const after = await render(stack(SPEC, { ...B, defaultRevision: "1-29-6" }));
  assert.deepEqual(after.resources.map((x) => x.urn).sort(), before.resources.map((x) => x.urn).sort(), "the same resources");
  for (const cluster of REMOTES) {
    assert.match(String(at(valuesOf(release(after, cluster, "istiod")), "istiodRemote.injectionURL")), new RegExp(`^https://${CANARY_HOST}:15017/`));
  }
  const base = valuesOf(release(after, "config", "istio-base"));
  assert.equal(at(base, "defaultRevision"), "1-29-6");
  assert.equal(at(base, "base.validationURL"), `https://${CANARY_HOST}:15017/validate`);
  assert.equal(at(valuesOf(release(after, "config", "istiod")), "base.validationURL"), `https://${CANARY_HOST}:15017/validate`);
  // The stable istiod keeps its URN and values.
  assert.deepEqual(valuesOf(release(after, "external", "istiod")), valuesOf(release(before, "external", "istiod")));
  const outputs = after.outputs as { revisions: Record<string, { isDefault: boolean }>; remotes: Record<string, { injectionUrl: string }> };
  assert.equal(outputs.revisions["1-29-6"]!.isDefault, true);
  assert.match(outputs.remotes.config!.injectionUrl, new RegExp(`^https://${CANARY_HOST}:15017/`));
  // The gateways (default-injected) now wait for the canary.
  const ingress = ofType(after, RELEASE).find((x) => x.cluster === "config" && x.inputs.name === "istio-ingressgateway");
  assert.ok(ingress && waitsFor(after, ingress, release(after, "external", "istiod-1-29-6")));
});

test("loadBalancer promotion: the default webhooks' SNI (Service istiod) goes to the canary; IP clients stay on the unrevisioned istiod while it runs", async () => {
  const spec: TopologySpec = { remoteClusters: 1, mode: "loadBalancer", istioVersion: "1.29.6" };
  const r = await render(stack(spec, { canary: { version: "1.30.3" }, defaultRevision: "1-30-3" }));
  const catchAll = at(byName(r, "VirtualService", "external-istiod-vs").inputs, "spec.tls") as { match: { port: number; sniHosts: string[] }[]; route: { destination: { host: string; port: { number: number } } }[] }[];
  assert.deepEqual(
    catchAll.map((t) => [t.match[0]!.port, t.match[0]!.sniHosts, t.route[0]!.destination.host]),
    [
      [15017, [`istiod.${NS}.svc`, `istiod.${NS}.svc.cluster.local`], `istiod-1-30-3.${NS}.svc.cluster.local`],
      [15012, ["*"], `istiod.${NS}.svc.cluster.local`],
      [15017, ["*"], `istiod.${NS}.svc.cluster.local`],
    ],
  );
  // base's default validator calls Service istiod-1-30-3 (rendered by the canary's release there).
  assert.equal(at(valuesOf(release(r, "config", "istio-base")), "defaultRevision"), "1-30-3");
});

test("removal of the old revision: the canary becomes the stable revision and keeps every URN; the unrevisioned external istiod goes, the config cluster's stays", async () => {
  const promoted = await render(stack(SPEC, { ...B, defaultRevision: "1-29-6" }));
  const removed = await render(
    stack(SPEC, { version: "1.29.6", revision: "1-29-6", revisionTags: { "prod-stable": "1-29-6" } }, { hostname: CANARY_HOST }),
  );
  const urns = (r: Rendered) => new Set(r.resources.map((x) => x.urn));
  const gone = [...urns(promoted)].filter((u) => !urns(removed).has(u));
  const added = [...urns(removed)].filter((u) => !urns(promoted).has(u));
  assert.deepEqual(added, [], "nothing new: the canary's resources keep their URNs as the stable revision's");
  assert.deepEqual(
    gone.map((u) => u.split("::").at(-1)).sort(),
    ["external-destinationrule", "external-gateway", "external-istiod", "external-virtualservice"],
    "only the unrevisioned external istiod and its route",
  );
  assert.ok(maybeRelease(removed, "config", "istiod"), "the config cluster's unrevisioned release stays (istio-kubeconfig's account, the shared mesh config)");
  assert.equal(release(removed, "external", "istiod-1-29-6").inputs.version, "1.29.6");
  assert.equal(at(valuesOf(release(removed, "config", "istio-base")), "defaultRevision"), "1-29-6");
  const outputs = removed.outputs as { revisions: Record<string, { role: string; isDefault: boolean }> };
  assert.deepEqual(outputs.revisions, { "1-29-6": { version: "1.29.6", role: "stable", isDefault: true, address: CANARY_HOST } });
});

test("order: a revision's external istiod waits for its release and RBAC bridge on the config cluster; every remote's release of it waits for the istiod and its route", async () => {
  const r = await render(stack(SPEC, B));
  const external = release(r, "external", "istiod-1-29-6");
  assert.ok(waitsFor(r, external, release(r, "config", "istiod-1-29-6")));
  for (const b of r.resources.filter((x) => x.type.includes("rbac.authorization.k8s.io"))) {
    assert.ok(waitsFor(r, external, b), `the canary starts with its roles: ${b.name}`);
    assert.ok(waitsFor(r, b, release(r, "config", "istiod-1-29-6")), "a binding comes after the roles it binds");
  }
  const further = release(r, "remote-001", "istiod-1-29-6");
  assert.ok(waitsFor(r, further, external));
  assert.ok(waitsFor(r, further, byName(r, "Gateway", "external-istiod-gw-1-29-6")));
  assert.ok(waitsFor(r, further, release(r, "remote-001", "istio-base")), "after the CRDs");
  // The stable revision does not wait for the canary.
  assert.ok(!waitsFor(r, release(r, "external", "istiod"), external));
  const ingress = ofType(r, RELEASE).find((x) => x.cluster === "config" && x.inputs.name === "istio-ingressgateway");
  assert.ok(ingress && !waitsFor(r, ingress, external), "default-injected gateways do not wait for the canary");
});

test("the canary gets the stable istiod's registry, pull secrets and control plane values", async () => {
  const r = await render(
    stack(SPEC, {
      ...B,
      hub: "registry.example.com/istio",
      imagePullSecrets: ["regcred"],
      values: { controlPlane: { resources: { requests: { cpu: "750m" } } } },
    }),
  );
  for (const name of ["istiod", "istiod-1-29-6"]) {
    const v = valuesOf(release(r, "external", name));
    assert.equal(at(v, "global.hub"), "registry.example.com/istio", name);
    assert.deepEqual(at(v, "global.imagePullSecrets"), ["regcred"], name);
    assert.equal(at(v, "resources.requests.cpu"), "750m", name);
  }
});

// Refusals in the stack file alone.
const REFUSED: [string, Istio, RegExp, TopologySpec?][] = [
  ["a canary not newer than the stable", { canary: { version: "1.28.9", hostname: CANARY_HOST } }, /istio\.canary\.version: "1\.28\.9" is not newer than istio\.version "1\.28\.10"/],
  ["a canary two minors ahead", { canary: { version: "1.30.3", hostname: CANARY_HOST } }, /istio\.canary\.version: "1\.30\.3" is 2 minor versions ahead .*in-place/],
  ["hostname mode without the canary's hostname", { canary: { version: "1.29.6" } }, /istio\.canary\.hostname: is required in hostname mode/],
  ["the canary on the stable's hostname", { canary: { version: "1.29.6", hostname: "istiod.mesh.example.com" } }, /istio\.canary\.hostname: .*needs a DNS name of its own/],
  ["a tag named default", { ...B, revisionTags: { default: "1-29-6" } }, /istio\.revisionTags\.default: the tag "default" is not supported/],
  ["a tag named like a revision", { ...B, revisionTags: { "1-29-6": "default" } }, /istio\.revisionTags\.1-29-6: "1-29-6" is a revision's name/],
  ["a tag to no running revision", { revisionTags: { "prod-stable": "1-29-6" } }, /istio\.revisionTags\.prod-stable: "1-29-6" is not a running revision; the running revisions are "default"/],
  ["a default revision that does not run", { ...B, defaultRevision: "1-30-0" }, /istio\.defaultRevision: "1-30-0" is not a running revision/],
  ["istio.revision: default", { revision: "default" }, /istio\.revision: "default" is the unrevisioned control plane's revision/],
  ["a revision name with dots", { revision: "1.29.6" }, /istio\.revision: "1\.29\.6" is not a revision name/],
  ["a canary key misspelt", { canary: { version: "1.29.6", hostnmae: CANARY_HOST } }, /istio\.canary\.hostnmae: unknown key \(did you mean "hostname"\?\)/],
  ["the canary's hostname in loadBalancer mode", { canary: { version: "1.29.6", hostname: CANARY_HOST } }, /istio\.canary\.hostname: is only allowed in hostname mode/, { remoteClusters: 1, mode: "loadBalancer", istioVersion: "1.28.10" }],
];

for (const [what, istio, expected, spec] of REFUSED) {
  test(`refused, before anything registers: ${what}`, async () => {
    assert.match(await problems(stack(spec ?? SPEC, istio)), expected);
  });
}

test("a pinned remote must suit the canary once it is the default revision (the gateways follow it)", async () => {
  const config = stack({ ...SPEC, istioVersion: "1.29.6" }, { canary: { version: "1.30.3", hostname: "istiod-1-30-3.mesh.example.com" }, defaultRevision: "1-30-3" });
  const clusters = config["istio-mesh:clusters"] as { remotes: Record<string, unknown>[] };
  clusters.remotes[0]!.istioVersion = "1.28.10";
  assert.match(await problems(config), /clusters\.remotes\[0\]\.istioVersion: "1\.28\.10" is 2 minor versions behind istio\.canary\.version "1\.30\.3".*the canary is istio\.defaultRevision/);
});

// Refusals against the deployed record.
const record = (extra: Record<string, unknown>) => ({
  deployedConfig: {
    stackKind: "mesh",
    controlPlaneNamespace: NS,
    exposureMode: "hostname",
    istioSystem: "create",
    istioVersion: "1.28.10",
    external: { name: "external" },
    config: { name: "config", apiServer: "https://api.config.clusters.example.com:6443", istioVersion: "1.28.10" },
    remotes: [{ name: "remote-001", apiServer: "https://api.remote-001.clusters.example.com:6443", istioVersion: "1.28.10" }],
    ...extra,
  },
});

test("the record: removing the old revision before the canary is the default is refused, naming what still uses it", async () => {
  const deployed = record({ canary: { revision: "1-29-6", version: "1.29.6", hostname: CANARY_HOST }, revisionTags: { "prod-stable": "1-29-6" } });
  const text = await problems(stack(SPEC, { version: "1.29.6", revision: "1-29-6", revisionTags: { "prod-stable": "1-29-6" } }, { hostname: CANARY_HOST }), deployed);
  assert.match(text, /istio\.version: removes the revision "default" \(the deployed stable revision\), which the deployed stack still injects with through istio\.defaultRevision/);
  assert.match(text, /docs\/canary\.md: Removing the old revision/);
});

test("the record: after promotion the old revision is removed; rolling back a promoted canary is refused until the default moves back", async () => {
  const promoted = record({ canary: { revision: "1-29-6", version: "1.29.6", hostname: CANARY_HOST }, defaultRevision: "1-29-6" });
  await render(stack(SPEC, { version: "1.29.6", revision: "1-29-6" }, { hostname: CANARY_HOST }), promoted);
  assert.match(await problems(stack(SPEC, {}), promoted), /istio\.canary: removes the revision "1-29-6" \(the deployed canary\), which the deployed stack still injects with through istio\.defaultRevision/);
  // Moving the default back first is one up; then the canary goes.
  await render(stack(SPEC, { ...B, revisionTags: {} }), promoted);
});

test("the record: a tag still pointing at the canary stops its removal; the stable revision becomes only the deployed canary, with its version and DNS name", async () => {
  const tagged = record({ canary: { revision: "1-29-6", version: "1.29.6", hostname: CANARY_HOST }, revisionTags: { "prod-stable": "1-29-6" } });
  assert.match(await problems(stack(SPEC, {}), tagged), /removes the revision "1-29-6" \(the deployed canary\), which the deployed stack still injects with through the tag prod-stable/);
  const promoted = record({ canary: { revision: "1-29-6", version: "1.29.6", hostname: CANARY_HOST }, defaultRevision: "1-29-6" });
  assert.match(await problems(stack(SPEC, { version: "1.29.6", revision: "1-29-6" }), promoted), /exposure\.hostname: is "istiod\.mesh\.example\.com", but the canary "1-29-6" that becomes the stable revision is reached as "istiod-1-29-6\.mesh\.example\.com"/);
  // Its certificate's Secret goes with it: the old stable's need not cover its name.
  const ownTls = record({ canary: { revision: "1-29-6", version: "1.29.6", hostname: CANARY_HOST, tlsSecretName: "istiod-1-29-6-tls" }, defaultRevision: "1-29-6" });
  assert.match(
    await problems(stack(SPEC, { version: "1.29.6", revision: "1-29-6" }, { hostname: CANARY_HOST }), ownTls),
    /exposure\.tls\.secretName: is "istiod-tls", but the canary "1-29-6" that becomes the stable revision serves its name with the Secret "istiod-1-29-6-tls"/,
  );
  await render(stack(SPEC, { version: "1.29.6", revision: "1-29-6" }, { hostname: CANARY_HOST, tls: { secretName: "istiod-1-29-6-tls" } }), ownTls);
  // A new stack may start with a revisioned stable istiod.
  const fresh = await render(stack(SPEC, { version: "1.28.10", revision: "1-28-10" }));
  assert.equal(maybeRelease(fresh, "external", "istiod"), undefined, "no unrevisioned external istiod");
  assert.ok(maybeRelease(fresh, "config", "istiod"), "the config cluster's unrevisioned release (the account, the shared mesh config)");
});

test("the known-bad releases are named for the canary's version too (istio/istio#61043, with its own Deployment to restart)", () => {
  const cfg = (canary: string) => ({
    chart: { version: "1.29.6" },
    remotes: [{}],
    namespace: NS,
    external: { context: "kind-cp" },
    revisions: [
      { name: "default", role: "stable", chart: { version: "1.29.6" } },
      { name: canary.replaceAll(".", "-"), role: "canary", chart: { version: canary } },
    ],
  });
  const warnings = knownIssueWarnings(cfg("1.30.3"));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^istio\.canary\.version: "1\.30\.3": .*istio\/istio#61043.*rollout restart deployment\/istiod-1-30-3/);
  assert.deepEqual(knownIssueWarnings(cfg("1.30.4")), []);
});

test("the record: a canary is promoted only once it runs (the default webhooks fail closed); a new stack may start promoted", async () => {
  const stableOnly = record({});
  assert.match(
    await problems(stack(SPEC, { ...B, defaultRevision: "1-29-6" }), stableOnly),
    /istio\.defaultRevision: is "1-29-6", a revision the deployed stack does not run yet: .*docs\/canary\.md: Promote the canary/,
  );
  await render(stack(SPEC, { ...B, defaultRevision: "1-29-6" }), record({ canary: { revision: "1-29-6", version: "1.29.6", hostname: CANARY_HOST } }));
  await render(stack(SPEC, { ...B, defaultRevision: "1-29-6" }));
});

test("a certificate covers a revision's DNS name (what a canary sharing the stable hostname's Secret is checked with)", () => {
  const server = readFileSync(path.join(__dirname, "verify", "fake", "certs", "server.pem"), "utf8"); // istiod.mesh.example.com
  const revision = readFileSync(path.join(__dirname, "verify", "fake", "certs", "revision.pem"), "utf8"); // istiod-1-30-3.mesh.example.com
  assert.equal(certificateCovers(server, "istiod.mesh.example.com"), true);
  assert.equal(certificateCovers(server, "istiod-1-30-3.mesh.example.com"), false);
  assert.equal(certificateCovers(revision, "istiod-1-30-3.mesh.example.com"), true);
  assert.equal(certificateCovers("not a certificate", "x.example.com"), true, "material that does not parse is left to the gateway");
});

test("loadBalancer mode: a new mesh starts unrevisioned (only an istiod of revision default patches the default webhooks' CA bundle); a promoted canary becomes the stable revision", async () => {
  const spec: TopologySpec = { remoteClusters: 1, mode: "loadBalancer", istioVersion: "1.30.3" };
  assert.match(await problems(stack(spec, { revision: "1-30-3" }), {}), /istio\.revision: a new loadBalancer-mode mesh starts with the unrevisioned istiod/);
  const promoted = {
    deployedConfig: {
      ...record({}).deployedConfig,
      exposureMode: "loadBalancer",
      istioVersion: "1.29.6",
      config: { name: "config", apiServer: "https://api.config.clusters.example.com:6443", istioVersion: "1.29.6" },
      remotes: [],
      canary: { revision: "1-30-3", version: "1.30.3" },
      defaultRevision: "1-30-3",
    },
  };
  const removed = await render(stack(spec, { revision: "1-30-3" }), promoted);
  // The catch-all now sends IP clients and the default webhooks' SNI to the stable revision.
  const catchAll = at(byName(removed, "VirtualService", "external-istiod-vs").inputs, "spec.tls") as { match: { sniHosts: string[] }[]; route: { destination: { host: string } }[] }[];
  assert.deepEqual(catchAll.map((t) => [t.match[0]!.sniHosts, t.route[0]!.destination.host]), [
    [["*"], `istiod-1-30-3.${NS}.svc.cluster.local`],
    [["*"], `istiod-1-30-3.${NS}.svc.cluster.local`],
  ]);
  assert.equal(maybeRelease(removed, "external", "istiod"), undefined);
});

test("the next canary beside a revisioned stable: both revisions' releases and bridges everywhere, no unrevisioned external istiod, the stable's URNs kept", async () => {
  const stableHost = CANARY_HOST; // 1-29-6 became the stable revision on its own name
  const nextHost = "istiod-1-30-3.mesh.example.com";
  const D = stack(SPEC, { version: "1.29.6", revision: "1-29-6" }, { hostname: stableHost });
  const E = stack(SPEC, { version: "1.29.6", revision: "1-29-6", canary: { version: "1.30.3", hostname: nextHost } }, { hostname: stableHost });
  const [d, e] = [await render(D), await render(E)];
  const urnsOf = (r: Rendered) => new Set(r.resources.map((x) => x.urn));
  for (const urn of urnsOf(d)) assert.ok(urnsOf(e).has(urn), `kept: ${urn}`);
  assert.equal(maybeRelease(e, "external", "istiod"), undefined);
  for (const cluster of [...REMOTES, "external"]) {
    assert.equal(release(e, cluster, "istiod-1-29-6").inputs.version, "1.29.6");
    assert.equal(release(e, cluster, "istiod-1-30-3").inputs.version, "1.30.3");
  }
  const roles = e.resources.filter((x) => x.type.includes("rbac.authorization.k8s.io")).map((b) => at(b.inputs, "roleRef.name")).sort();
  assert.deepEqual(roles, [
    "istiod-1-29-6",
    "istiod-1-30-3",
    "istiod-clusterrole-1-29-6-external-istiod",
    "istiod-clusterrole-1-30-3-external-istiod",
    "istiod-gateway-controller-1-29-6-external-istiod",
    "istiod-gateway-controller-1-30-3-external-istiod",
  ]);
  // The default webhooks call the stable revision until the next promotion.
  assert.match(String(at(valuesOf(release(e, "remote-001", "istiod")), "istiodRemote.injectionURL")), new RegExp(`^https://${stableHost}:15017/`));
  const promoted = await render(stack(SPEC, { version: "1.29.6", revision: "1-29-6", canary: { version: "1.30.3", hostname: nextHost }, defaultRevision: "1-30-3" }, { hostname: stableHost }));
  assert.match(String(at(valuesOf(release(promoted, "remote-001", "istiod")), "istiodRemote.injectionURL")), new RegExp(`^https://${nextHost}:15017/`));
});
