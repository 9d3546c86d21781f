/**
 * Issue 16, the skew rules as pure functions: which remote versions Istio supports against the control plane's,
 * and which control plane changes it supports in place. The refusals through a stack file are in the bad-stacks
 * corpus; here are the boundaries and the supported pairs.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { validateMeshConfig } from "../infra/config/validate";
import {
  clusterVersionProblems,
  compareIstioVersions,
  controlPlaneUpgradeProblems,
  IN_PLACE_UPGRADE_URL,
  parseIstioVersion,
  SKEW_POLICY_URL,
  skewViolation,
  versionChangeProblems,
} from "../component/config/versions";

const v = (text: string) => {
  const parsed = parseIstioVersion(text);
  assert.ok(parsed, text);
  return parsed;
};

test("versions parse as Istio releases and pre-releases, nothing else", () => {
  assert.deepEqual(parseIstioVersion("1.28.10"), { major: 1, minor: 28, patch: 10 });
  assert.deepEqual(parseIstioVersion("1.29.0-beta.1"), { major: 1, minor: 29, patch: 0, prerelease: "beta.1" });
  for (const bad of ["1.28", "v1.28.10", "latest", "1.28.10-", " 1.28.10"]) assert.equal(parseIstioVersion(bad), undefined, bad);
});

test("versions order numerically, a pre-release before its release", () => {
  const ordered = ["1.24.0", "1.28.9", "1.28.10", "1.29.0-alpha.2", "1.29.0-alpha.10", "1.29.0-beta.1", "1.29.0", "1.30.3"];
  for (let i = 1; i < ordered.length; i++) {
    assert.ok(compareIstioVersions(v(ordered[i - 1]!), v(ordered[i]!)) < 0, `${ordered[i - 1]} < ${ordered[i]}`);
    assert.ok(compareIstioVersions(v(ordered[i]!), v(ordered[i - 1]!)) > 0);
  }
  assert.equal(compareIstioVersions(v("1.28.10"), v("1.28.10")), 0);
});

test("supported pairs: the same version, any patch behind, one minor behind", () => {
  for (const [cp, dp] of [
    ["1.29.6", "1.29.6"],
    ["1.29.6", "1.29.0"],
    ["1.29.6", "1.28.10"],
    ["1.29.6", "1.28.0"],
    ["1.29.0", "1.29.0-rc.1"],
  ] as const) {
    assert.equal(skewViolation(v(cp), v(dp)), undefined, `${dp} against ${cp}`);
  }
  assert.deepEqual(
    clusterVersionProblems("1.29.6", [
      { path: "clusters.config.istioVersion", version: "1.29.6" },
      { path: "clusters.remotes[0].istioVersion", version: "1.28.10" },
    ]),
    [],
  );
});

test("refused pairs: a data plane ahead (a patch too), two minors behind, another major", () => {
  assert.deepEqual(skewViolation(v("1.29.6"), v("1.29.7")), { kind: "ahead" });
  assert.deepEqual(skewViolation(v("1.29.6"), v("1.30.0")), { kind: "ahead" });
  assert.deepEqual(skewViolation(v("1.30.3"), v("1.28.10")), { kind: "behind", minors: 2 });
  assert.deepEqual(skewViolation(v("2.0.0"), v("1.30.3")), { kind: "behind", minors: undefined });
});

test("a refusal names the key, both versions, the rule and its source", () => {
  const [problem, ...rest] = clusterVersionProblems("1.30.3", [{ path: "clusters.remotes[2].istioVersion", version: "1.28.10" }]);
  assert.deepEqual(rest, []);
  assert.equal(problem?.path, "clusters.remotes[2].istioVersion");
  assert.equal(
    problem?.message,
    `"1.28.10" is 2 minor versions behind istio.version "1.30.3" (the control plane); Istio supports a control plane at most 1 minor version ` +
      `ahead of its data plane (${SKEW_POLICY_URL}): set it to 1.29 or newer (docs/upgrades.md)`,
  );
});

test("config validation reports every pinned cluster out of skew at once", () => {
  const clusters = {
    external: { name: "ext", context: "e" },
    config: { name: "one", context: "a", apiServer: "https://a.example.com", network: "n", istioVersion: "1.31.0" },
    remotes: [
      { name: "two", context: "b", apiServer: "https://b.example.com", network: "n", istioVersion: "1.28.10" },
      { name: "three", context: "c", apiServer: "https://c.example.com", network: "n" },
    ],
  };
  const result = validateMeshConfig(
    { istio: JSON.stringify({ version: "1.30.3" }), clusters: JSON.stringify(clusters), exposure: JSON.stringify({ mode: "loadBalancer" }) },
    new Set(),
    "Pulumi.x.yaml",
  );
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(
    result.problems.map((p) => p.path),
    ["clusters.config.istioVersion", "clusters.remotes[0].istioVersion"],
  );
});

test("pinned and unpinned clusters get their own chart version; the control plane keeps istio.version", () => {
  const clusters = {
    external: { name: "ext", context: "e" },
    config: { name: "one", context: "a", apiServer: "https://a.example.com", network: "n", istioVersion: "1.28.10" },
    remotes: [{ name: "two", context: "b", apiServer: "https://b.example.com", network: "n" }],
  };
  const result = validateMeshConfig(
    {
      istio: JSON.stringify({ version: "1.29.6", chartRepository: "oci://registry.example.com/istio/" }),
      clusters: JSON.stringify(clusters),
      exposure: JSON.stringify({ mode: "loadBalancer" }),
    },
    new Set(),
    "Pulumi.x.yaml",
  );
  assert.ok(result.ok);
  const repository = "oci://registry.example.com/istio";
  assert.deepEqual(result.config.chart, { version: "1.29.6", repository });
  assert.deepEqual(result.config.configCluster.chart, { version: "1.28.10", repository });
  assert.deepEqual(result.config.remotes[0]!.chart, { version: "1.29.6", repository });
  assert.equal("istioVersion" in result.config.configCluster, false, "the pin lives on as the chart version only");
});

test("control plane changes: unknown previous version, the same, one minor up or down pass", () => {
  for (const [previous, next] of [
    [undefined, "1.30.3"],
    ["1.29.6", "1.29.6"],
    ["1.28.10", "1.28.3"],
    ["1.28.10", "1.29.6"],
    ["1.28.10", "1.29.0-beta.1"],
    ["1.30.3", "1.29.6"],
    ["not a version", "1.30.3"],
  ] as const) {
    assert.deepEqual(controlPlaneUpgradeProblems(previous, next), [], `${previous} -> ${next}`);
  }
});

test("control plane changes of more than one minor version are refused, with the step to take", () => {
  assert.deepEqual(controlPlaneUpgradeProblems("1.28.10", "1.30.3"), [
    {
      path: "istio.version",
      message:
        `"1.30.3" would upgrade the control plane from the deployed 1.28.10 by 2 minor versions at once; Istio supports in-place ` +
        `upgrades of 1 minor version at a time (${IN_PLACE_UPGRADE_URL}): go to 1.29 first`,
    },
  ]);
  assert.deepEqual(controlPlaneUpgradeProblems("1.30.3", "1.27.2"), [
    {
      path: "istio.version",
      message:
        `"1.27.2" would downgrade the control plane from the deployed 1.30.3 by 3 minor versions at once; Istio supports in-place ` +
        `downgrades of 1 minor version at a time (${IN_PLACE_UPGRADE_URL}): go to 1.29 first`,
    },
  ]);
  assert.deepEqual(controlPlaneUpgradeProblems("1.30.3", "2.0.0"), [
    {
      path: "istio.version",
      message:
        `"2.0.0" would move the control plane from the deployed 1.30.3 to another major version; Istio supports in-place upgrades ` +
        `of 1 minor version at a time (${IN_PLACE_UPGRADE_URL})`,
    },
  ]);
});

test("a remote's own change is held to the same rule: an unpinned remote two minors behind cannot catch up in one step", () => {
  // Legal on each side (1.27 is one behind 1.28; 1.29 equals the control plane), yet a two-minor jump for cluster2.
  assert.deepEqual(versionChangeProblems("clusters.remotes[0].istioVersion", "cluster cluster2", "1.27.9", "1.29.6"), [
    {
      path: "clusters.remotes[0].istioVersion",
      message:
        `"1.29.6" would upgrade cluster cluster2 from the deployed 1.27.9 by 2 minor versions at once; Istio supports in-place ` +
        `upgrades of 1 minor version at a time (${IN_PLACE_UPGRADE_URL}): go to 1.28 first`,
    },
  ]);
  assert.deepEqual(versionChangeProblems("clusters.remotes[0].istioVersion", "cluster cluster2", "1.28.10", "1.29.6"), []);
});
