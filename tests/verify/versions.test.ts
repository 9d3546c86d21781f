/** The version checks as pure functions: where a version is read, what passes between two upgrade steps. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { V1MutatingWebhookConfiguration, V1Pod } from "@kubernetes/client-node";
import { SKEW_POLICY_URL } from "../../component/config/versions";
import { checkControlPlaneVersions, checkRemoteVersions, imageVersion, VERSION_LABEL, type ControlPlaneWorkload } from "../../verify/checks/versions";
import type { CheckResult } from "../../verify/result";

const NS = "external-istiod";

interface PodOptions {
  namespace?: string;
  app: string;
  container: string;
  image: string;
  chart?: string;
  terminating?: boolean;
}

function pod(name: string, o: PodOptions): V1Pod {
  return {
    metadata: {
      name,
      namespace: o.namespace ?? NS,
      labels: { app: o.app, ...(o.chart ? { [VERSION_LABEL]: o.chart } : {}) },
      ...(o.terminating ? { deletionTimestamp: new Date("2026-03-02T10:00:00Z") } : {}),
    },
    spec: { containers: [{ name: o.container, image: o.image }] },
    status: { phase: "Running" },
  };
}

const istiod = (name: string, version: string, extra: Partial<PodOptions> = {}) =>
  pod(name, { app: "istiod", container: "discovery", image: `docker.io/istio/pilot:${version}`, chart: version, ...extra });
const gateway = (name: string, app: string, chart: string, proxy: string, extra: Partial<PodOptions> = {}) =>
  pod(name, { app, container: "istio-proxy", image: `docker.io/istio/proxyv2:${proxy}`, chart, ...extra });
const injector = (version?: string): V1MutatingWebhookConfiguration => ({
  metadata: { name: `istio-sidecar-injector-${NS}`, labels: version ? { [VERSION_LABEL]: version } : {} },
});

const EXTERNAL_ISTIOD: ControlPlaneWorkload[] = [{ label: `${NS}/istiod`, namespace: NS, app: "istiod", container: "discovery" }];
const text = (r: CheckResult) => (r.ok ? `ok: ${r.detail ?? ""}` : r.reason);

describe("imageVersion", () => {
  test("reads the tag, without Istio's image variants, registry ports and digests aside", () => {
    assert.equal(imageVersion("docker.io/istio/pilot:1.29.6"), "1.29.6");
    assert.equal(imageVersion("gcr.io/istio-release/proxyv2:1.28.10-distroless"), "1.28.10");
    assert.equal(imageVersion("registry.example.com:5000/istio/pilot:1.30.3-debug"), "1.30.3");
    assert.equal(imageVersion("docker.io/istio/pilot:1.29.6@sha256:0f3c"), "1.29.6");
    assert.equal(imageVersion("docker.io/istio/pilot:1.29.0-beta.1"), "1.29.0-beta.1");
  });

  test("is undefined where the image says no version", () => {
    for (const image of ["docker.io/istio/pilot@sha256:0f3c", "localhost:5000/istio/pilot", "auto", "example/istio-proxy:1.0", "pilot:latest"]) {
      assert.equal(imageVersion(image), undefined, image);
    }
  });
});

describe("control plane versions (external cluster)", () => {
  test("passes when every pod runs istio.version, and reports it", () => {
    assert.equal(text(checkControlPlaneVersions([istiod("istiod-a", "1.29.6"), istiod("istiod-b", "1.29.6")], EXTERNAL_ISTIOD, "1.29.6")), `ok: ${NS}/istiod 1.29.6`);
  });

  test("fails a pod left at the previous version, naming both versions and its image", () => {
    const pods = [istiod("istiod-new", "1.29.6"), istiod("istiod-old", "1.28.10")];
    assert.equal(
      text(checkControlPlaneVersions(pods, EXTERNAL_ISTIOD, "1.29.6")),
      `${NS}/istiod pod ${NS}/istiod-old runs 1.28.10 (image docker.io/istio/pilot:1.28.10), expected 1.29.6 (istio.version)`,
    );
  });

  test("ignores pods on their way out: a finished rollout", () => {
    const pods = [istiod("istiod-new", "1.29.6"), istiod("istiod-old", "1.28.10", { terminating: true })];
    assert.equal(checkControlPlaneVersions(pods, EXTERNAL_ISTIOD, "1.29.6").ok, true);
  });

  test("falls back to the chart label for an image pinned by digest, and fails when neither tells", () => {
    const byDigest = istiod("istiod-a", "1.29.6", { image: "docker.io/istio/pilot@sha256:0f3c" });
    assert.equal(text(checkControlPlaneVersions([byDigest], EXTERNAL_ISTIOD, "1.29.6")), `ok: ${NS}/istiod 1.29.6`);
    const unknown = istiod("istiod-a", "1.29.6", { image: "docker.io/istio/pilot@sha256:0f3c", chart: undefined });
    assert.match(text(checkControlPlaneVersions([{ ...unknown, metadata: { ...unknown.metadata, labels: { app: "istiod" } } }], EXTERNAL_ISTIOD, "1.29.6")), /cannot tell the version of pod/);
  });

  test("fails when there is no pod to read a version from", () => {
    assert.equal(text(checkControlPlaneVersions([], EXTERNAL_ISTIOD, "1.29.6")), `no istiod pod in ${NS} to read a version from`);
  });
});

describe("remote cluster versions", () => {
  const expectation = { charts: "1.28.10", controlPlane: "1.29.6", namespace: NS, gateways: ["istio-ingressgateway"] };

  test("a remote pinned one minor behind passes: its gateway charts at the pin, its istiod at the control plane's, proxies older or at the control plane's", () => {
    const pods = [
      gateway("gw-a", "istio-ingressgateway", "1.28.10", "1.28.10"),
      // Restarted after the control plane moved: the external istiod injected its own proxy version.
      gateway("gw-b", "istio-ingressgateway", "1.28.10", "1.29.6"),
    ];
    assert.equal(
      text(checkRemoteVersions({ injector: injector("1.29.6"), pods }, expectation)),
      "ok: istiod 1.29.6, istio-ingressgateway 1.28.10 (proxy 1.28.10 and 1.29.6)",
    );
  });

  test("fails charts at another version than expected: an istiod release behind the control plane, an unfinished gateway rollout", () => {
    const pods = [gateway("gw-a", "istio-ingressgateway", "1.27.9", "1.28.10")];
    assert.equal(
      text(checkRemoteVersions({ injector: injector("1.28.10"), pods }, expectation)),
      "istiod from the 1.28.10 chart, expected 1.29.6 (istio.version: a remote's istiod follows the control plane); " +
        `istio-ingressgateway pod ${NS}/gw-a comes from the 1.27.9 chart, expected 1.28.10 (the cluster's version; is its rollout finished?)`,
    );
  });

  test("fails a proxy ahead of the control plane (after a rollback) or two minors behind it, with the rule and the fix", () => {
    const ahead = [gateway("gw-a", "istio-ingressgateway", "1.28.10", "1.30.3")];
    assert.equal(
      text(checkRemoteVersions({ injector: injector("1.29.6"), pods: ahead }, expectation)),
      `istio-ingressgateway pod ${NS}/gw-a runs proxy 1.30.3, newer than the control plane's 1.29.6; Istio does not support a data plane ahead of ` +
        `its control plane (${SKEW_POLICY_URL}): restart it (kubectl rollout restart deployment/istio-ingressgateway -n ${NS}) to have the control plane inject its proxy`,
    );
    const behind = [gateway("gw-a", "istio-ingressgateway", "1.28.10", "1.27.9")];
    assert.match(text(checkRemoteVersions({ injector: injector("1.29.6"), pods: behind }, expectation)), /runs proxy 1\.27\.9, 2 minor versions behind the control plane's 1\.29\.6/);
  });

  test("the config cluster's CRDs must be at the control plane's version, whatever the cluster's pin", () => {
    const crdsValidator = (version: string) => ({ metadata: { name: "istiod-default-validator", labels: { [VERSION_LABEL]: version } } });
    const config = { ...expectation, gateways: [] };
    assert.equal(text(checkRemoteVersions({ injector: injector("1.29.6"), crdsValidator: crdsValidator("1.29.6"), pods: [] }, config)), "ok: istiod 1.29.6, CRDs 1.29.6");
    assert.equal(
      text(checkRemoteVersions({ injector: injector("1.29.6"), crdsValidator: crdsValidator("1.28.10"), pods: [] }, config)),
      "CRDs from the 1.28.10 chart, expected 1.29.6 (istio.version: the CRDs follow the control plane)",
    );
  });

  test("reports what it cannot read instead of failing: no version label, no gateway pods", () => {
    assert.equal(text(checkRemoteVersions({ injector: injector(), pods: [] }, expectation)), "ok: istiod not labelled");
  });
});
