/**
 * Issue 16, upgrades: each release at its cluster's version in a mixed-version mesh (the control plane at 1.29.6,
 * one remote pinned at 1.28.10), and the order one `pulumi up` gives when `istio.version` changes: the config
 * cluster's CRDs, then the external control plane, then the remotes, with the first install's order kept.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { criticalPath } from "../bench/criticalPath";
import type { Rendered, RenderedResource } from "../render/model";
import { renderStack } from "../render/run";
import { crdVersionsByCluster, unknownValuePaths } from "./support/checks";
import { evaluationOf, helmReleases } from "./support/objects";
import { expectRendered, named, ofType, RELEASE, renderText, transitiveDependencies, waitsFor } from "./support/render";

const MIXED_FILE = path.join(__dirname, "fixtures", "stacks", "mixed-versions.yaml");
const MIXED = readFileSync(MIXED_FILE, "utf8");

/** `<cluster> <namespace>/<release> <version>` of every Helm release, sorted. */
const releaseVersions = (r: Rendered): string[] =>
  ofType(r, RELEASE)
    .map((x) => `${x.cluster} ${String(x.inputs.namespace)}/${String(x.inputs.name)} ${String(x.inputs.version)}`)
    .sort();

test("mixed versions: the control plane and the clusters that follow it at 1.29.6, the pinned remote at 1.28.10 but for its istiod, which follows the control plane", async () => {
  const { rendered: r } = expectRendered(await renderStack({ stack: "test", configFile: MIXED_FILE }));
  assert.deepEqual(releaseVersions(r), [
    "cluster1 external-istiod/istio-base 1.29.6",
    "cluster1 external-istiod/istio-eastwestgateway 1.29.6",
    "cluster1 external-istiod/istio-egressgateway 1.29.6",
    "cluster1 external-istiod/istio-ingressgateway 1.29.6",
    "cluster1 external-istiod/istiod 1.29.6",
    "cluster2 external-istiod/istio-base 1.28.10",
    "cluster2 external-istiod/istio-eastwestgateway 1.28.10",
    "cluster2 external-istiod/istio-ingressgateway 1.28.10",
    // The reader ClusterRole the 1.29 external istiod authenticates with on cluster2 is its own version's (issue 20).
    "cluster2 external-istiod/istiod 1.29.6",
    "cluster3 external-istiod/istio-base 1.29.6",
    "cluster3 external-istiod/istio-eastwestgateway 1.29.6",
    "cluster3 external-istiod/istiod 1.29.6",
    "external external-istiod/istiod 1.29.6",
    "external istio-system/istio-base 1.29.6",
    "external istio-system/istio-ingressgateway 1.29.6",
    "external istio-system/istiod 1.29.6",
  ]);
  assert.deepEqual(Object.fromEntries(crdVersionsByCluster(r)), { external: "1.29.6", cluster1: "1.29.6", cluster2: "1.28.10", cluster3: "1.29.6" });
});

test("a pinned config cluster: its gateways at the pin; its CRDs (base) and istiod (the external istiod's RBAC, webhooks and mesh config) at the control plane's version", async () => {
  const text = MIXED.replace("      network: network1\n", '      network: network1\n      istioVersion: "1.28.10"\n');
  const { rendered: r } = expectRendered(await renderText(text));
  assert.deepEqual(
    releaseVersions(r).filter((l) => l.startsWith("cluster1 ")),
    [
      "cluster1 external-istiod/istio-base 1.29.6",
      "cluster1 external-istiod/istio-eastwestgateway 1.28.10",
      "cluster1 external-istiod/istio-egressgateway 1.28.10",
      "cluster1 external-istiod/istio-ingressgateway 1.28.10",
      "cluster1 external-istiod/istiod 1.29.6",
    ],
  );
});

test("chart keys are checked against the release's own version: a 1.30-only value on a 1.28 release is caught", async () => {
  const ev = evaluationOf(await renderStack({ stack: "test", configFile: MIXED_FILE }));
  const base = helmReleases(ev).find((x) => x.urn.endsWith("::cluster2-istio-base"));
  assert.ok(base);
  assert.equal(base.version, "1.28.10");
  const global = base.values.global as Record<string, unknown>;
  const withReaderRbac = { ...base, values: { ...base.values, global: { ...global, enableReaderRBAC: true } } };
  assert.deepEqual(unknownValuePaths(withReaderRbac, "1.30.3"), [], "the key exists in 1.30");
  assert.deepEqual(unknownValuePaths(withReaderRbac, withReaderRbac.version), [`${base.urn}: base 1.28.10 has no value "global.enableReaderRBAC"`]);
});

/** The ordering rules of an upgrade, which must also leave the first install's order intact. */
function assertUpgradeOrder(r: Rendered, external: string, config: string, furtherRemotes: readonly string[]) {
  const release = (name: string) => named(r, RELEASE, name);
  const externalIstiod = r.resources.find((x) => x.type === RELEASE && x.urn.includes("ExternalIstiod$") && x.name === `${external}-istiod`)!;
  assert.ok(externalIstiod, "the external istiod release");
  const controlPlaneGateway = release(`${external}-istio-ingressgateway`);

  // 1. The config cluster's CRDs (and its istiod, which holds the service account) before the external istiod.
  assert.ok(waitsFor(r, externalIstiod, release(`${config}-istio-base`)), "external istiod after the config cluster's CRDs");
  assert.ok(waitsFor(r, externalIstiod, release(`${config}-istiod`)), "external istiod after the istiod service account (first install)");
  assert.ok(!waitsFor(r, release(`${config}-istiod`), externalIstiod), "no cycle: the config cluster's istiod never waits for the external istiod");

  // 2. Then the remotes: every further remote's charts and every gateway after the external control plane.
  for (const name of furtherRemotes) {
    for (const chart of [`${name}-istio-base`, `${name}-istiod`]) {
      assert.ok(waitsFor(r, release(chart), externalIstiod), `${chart} after the external istiod`);
      assert.ok(waitsFor(r, release(chart), controlPlaneGateway), `${chart} after the control plane gateway`);
    }
  }
  const gateways = ofType(r, RELEASE).filter((x) => x.cluster !== external && String(x.inputs.chart).endsWith("gateway"));
  assert.ok(gateways.length > 0);
  for (const g of gateways) assert.ok(waitsFor(r, g, externalIstiod), `${g.name} after the external istiod`);

  // Nothing of the control plane waits for a further remote, so adding or upgrading one never holds it up.
  const further = new Set(r.resources.filter((x) => x.cluster !== null && furtherRemotes.includes(x.cluster)).map((x) => x.urn));
  const controlPlane: RenderedResource[] = [externalIstiod, controlPlaneGateway, release(`${config}-istio-base`), release(`${config}-istiod`)];
  for (const x of controlPlane) assert.deepEqual([...transitiveDependencies(r, x)].filter((u) => further.has(u)), [], `${x.name} waits for no further remote`);

  // And the graph the engine walks has no cycle (criticalPath throws on one).
  assert.ok(criticalPath(r.resources.map((x) => ({ urn: x.urn, dependsOn: x.dependsOn }))).length > 0);
}

/** The outputs `pulumi up` recorded for this stack file, as if its last deployment ran `istio.version` `previous`. */
async function deployedAt(stack: { stack: string; configFile?: string }, previous: string): Promise<Record<string, unknown>> {
  const { rendered } = expectRendered(await renderStack(stack));
  const record = rendered.outputs.deployedConfig as Record<string, unknown>;
  return { ...rendered.outputs, deployedConfig: { ...record, istioVersion: previous } };
}

test("order within one pulumi up: config cluster CRDs, then the external control plane, then the remotes (mixed versions)", async () => {
  const stack = { stack: "test", configFile: MIXED_FILE };
  const deployedOutputs = await deployedAt(stack, "1.28.10");
  const { rendered: r } = expectRendered(await renderStack({ ...stack, deployedOutputs }));
  assertUpgradeOrder(r, "external", "cluster1", ["cluster2", "cluster3"]);
});

test("order within one pulumi up: the same in the shipped prod stack", async () => {
  const deployedOutputs = await deployedAt({ stack: "prod" }, "1.27.3");
  const { rendered: r } = expectRendered(await renderStack({ stack: "prod", deployedOutputs }));
  assertUpgradeOrder(r, "cp-eu-west", "apps-eu-west", ["apps-us-east"]);
});

test("a stack deployed before the record existed is upgraded in that order too (its previous version is unknown)", async () => {
  const { rendered: r } = expectRendered(await renderStack({ stack: "prod", deployedOutputs: { EXTERNAL_ISTIOD_ADDR: "istiod.mesh.acme.example" } }));
  assertUpgradeOrder(r, "cp-eu-west", "apps-eu-west", ["apps-us-east"]);
});

test("the first install, and a run that keeps the version, do not hold the further remotes' charts back", async () => {
  const unchanged = await deployedAt({ stack: "prod" }, "1.28.10");
  for (const deployedOutputs of [undefined, unchanged]) {
    const { rendered: r } = expectRendered(await renderStack({ stack: "prod", ...(deployedOutputs ? { deployedOutputs } : {}) }));
    const externalIstiod = r.resources.find((x) => x.type === RELEASE && x.urn.includes("ExternalIstiod$"))!;
    for (const chart of ["apps-us-east-istio-base", "apps-us-east-istiod"]) {
      assert.ok(!waitsFor(r, named(r, RELEASE, chart), externalIstiod), `${chart} installs alongside the control plane`);
    }
    // What the first install always ordered stays: injected gateways after the control plane.
    assert.ok(waitsFor(r, named(r, RELEASE, "apps-us-east-istio-ingressgateway"), externalIstiod));
  }
});
