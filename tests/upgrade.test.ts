/**
 * Issue 16, upgrades: each release at its cluster's version in a mixed-version mesh (the control plane at 1.29.6,
 * one remote pinned at 1.28.10).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import type { Rendered } from "../render/model";
import { renderStack } from "../render/run";
import { crdVersionsByCluster, unknownValuePaths } from "./support/checks";
import { evaluationOf, helmReleases } from "./support/objects";
import { expectRendered, ofType, RELEASE, renderText } from "./support/render";

const MIXED_FILE = path.join(__dirname, "fixtures", "stacks", "mixed-versions.yaml");
const MIXED = readFileSync(MIXED_FILE, "utf8");

/** `<cluster> <namespace>/<release> <version>` of every Helm release, sorted. */
const releaseVersions = (r: Rendered): string[] =>
  ofType(r, RELEASE)
    .map((x) => `${x.cluster} ${String(x.inputs.namespace)}/${String(x.inputs.name)} ${String(x.inputs.version)}`)
    .sort();

test("mixed versions: the control plane and the clusters that follow it at 1.29.6, the pinned remote at 1.28.10", async () => {
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
    "cluster2 external-istiod/istiod 1.28.10",
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

test("a pinned config cluster: its istiod and gateways at the pin, its CRDs (base) at the control plane's version", async () => {
  const text = MIXED.replace("      network: network1\n", '      network: network1\n      istioVersion: "1.28.10"\n');
  const { rendered: r } = expectRendered(await renderText(text));
  assert.deepEqual(
    releaseVersions(r).filter((l) => l.startsWith("cluster1 ")),
    [
      "cluster1 external-istiod/istio-base 1.29.6",
      "cluster1 external-istiod/istio-eastwestgateway 1.28.10",
      "cluster1 external-istiod/istio-egressgateway 1.28.10",
      "cluster1 external-istiod/istio-ingressgateway 1.28.10",
      "cluster1 external-istiod/istiod 1.28.10",
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
