/** Pods, gateways, remote secrets and helloworld answers: the pure checks. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { V1Deployment, V1Pod, V1Service } from "@kubernetes/client-node";
import { checkGateway } from "../../verify/checks/gateways";
import { checkHelloworldVersions, helloworldVersion } from "../../verify/checks/helloworld";
import { checkInjectedPodsReady, checkPodsReady, readyCounts } from "../../verify/checks/pods";
import { checkRemoteSecret } from "../../verify/checks/remoteSecrets";

const reason = (r: { ok: boolean; reason?: string }) => (r.ok ? "ok" : r.reason);

function pod(name: string, opts: { phase?: string; ready?: boolean; sidecar?: "container" | "native" | "none"; deleting?: boolean } = {}): V1Pod {
  const { phase = "Running", ready = true, sidecar = "container", deleting = false } = opts;
  const containers = [{ name: "helloworld" }, ...(sidecar === "container" ? [{ name: "istio-proxy" }] : [])];
  const initContainers = sidecar === "native" ? [{ name: "istio-proxy", restartPolicy: "Always" }] : [];
  const status = (n: string) => ({ name: n, ready, restartCount: 0, image: "", imageID: "" });
  return {
    metadata: { name, namespace: "sample", labels: { app: "helloworld", version: "v1" }, ...(deleting ? { deletionTimestamp: new Date() } : {}) },
    spec: { containers, initContainers },
    status: { phase, containerStatuses: containers.map((c) => status(c.name)), initContainerStatuses: initContainers.map((c) => status(c.name)) },
  };
}
const selector = { namespace: "sample", labels: { app: "helloworld", version: "v1" } };

describe("pods", () => {
  test("READY counts native sidecars like kubectl does", () => {
    assert.deepEqual(readyCounts(pod("a", { sidecar: "native" })), { ready: 2, total: 2 });
    assert.equal(reason(checkInjectedPodsReady([pod("a", { sidecar: "native" })], selector)), "ok");
  });

  test("a pod that is not ready yet, or no pod at all, fails", () => {
    assert.equal(reason(checkPodsReady([pod("a", { phase: "Pending", ready: false })], selector)), "pod sample/a is Pending with 0/2 containers ready");
    assert.equal(reason(checkPodsReady([], selector)), "no pod with labels app=helloworld,version=v1 in namespace sample");
  });

  test("a pod being deleted does not count against a healthy rollout", () => {
    assert.equal(reason(checkInjectedPodsReady([pod("old", { sidecar: "none", deleting: true }), pod("new")], selector)), "ok");
  });
});

describe("gateways", () => {
  const available: V1Deployment = { status: { conditions: [{ type: "Available", status: "True" }] } };
  const lb = (ip?: string): V1Service => ({ spec: { type: "LoadBalancer" }, status: { loadBalancer: ip ? { ingress: [{ ip }] } : {} } });

  test("the ClusterIP egress gateway needs no load-balancer address", () => {
    assert.equal(reason(checkGateway(available, undefined, { namespace: "external-istiod", name: "istio-egressgateway", loadBalancer: false })), "ok");
  });

  test("a Deployment that is not available fails", () => {
    const unavailable: V1Deployment = {
      spec: { replicas: 1, selector: {}, template: {} },
      status: { readyReplicas: 0, conditions: [{ type: "Available", status: "False", message: "Deployment does not have minimum availability." }] },
    };
    assert.equal(
      reason(checkGateway(unavailable, undefined, { namespace: "external-istiod", name: "istio-egressgateway", loadBalancer: false })),
      "Deployment external-istiod/istio-egressgateway is not available (0/1 replicas ready): Deployment does not have minimum availability.",
    );
  });

  test("a load-balancer address other than the recorded output fails", () => {
    const expected = {
      namespace: "istio-system",
      name: "istio-ingressgateway",
      loadBalancer: true,
      recordedAddress: { output: "controlPlaneLoadBalancer", address: "203.0.113.10" },
    };
    assert.equal(reason(checkGateway(available, lb("203.0.113.10"), expected)), "ok");
    assert.equal(
      reason(checkGateway(available, lb("203.0.113.99"), expected)),
      "Service istio-system/istio-ingressgateway has load-balancer address 203.0.113.99 but stack output controlPlaneLoadBalancer is 203.0.113.10 " +
        "(run pulumi refresh, then pulumi up)",
    );
  });
});

describe("remote secrets", () => {
  const remote = { namespace: "external-istiod", cluster: "cluster2", name: "istio-remote-secret-cluster2", multiCluster: true };
  const config = { namespace: "external-istiod", cluster: "cluster1", name: "istio-kubeconfig", multiCluster: false };
  const labelled = { "istio/multiCluster": "true" };
  test("a further remote's secret needs the multicluster label; istio-kubeconfig must not have it", () => {
    assert.equal(reason(checkRemoteSecret([{ name: "istio-remote-secret-cluster2", labels: labelled }], remote)), "ok");
    assert.equal(reason(checkRemoteSecret([{ name: "istio-kubeconfig" }], config)), "ok");
    assert.equal(
      reason(checkRemoteSecret([{ name: "istio-remote-secret-cluster2" }], remote)),
      "Secret external-istiod/istio-remote-secret-cluster2 lacks the label istio/multiCluster=true: the external istiod ignores it",
    );
    assert.match(
      reason(checkRemoteSecret([{ name: "istio-kubeconfig", labels: labelled }], config)) ?? "",
      /would register cluster cluster1 a second time/,
    );
    assert.equal(
      reason(checkRemoteSecret([], remote)),
      "Secret external-istiod/istio-remote-secret-cluster2 not found: the external istiod cannot read cluster cluster2",
    );
  });
});

describe("helloworld", () => {
  const url = "http://203.0.113.21/hello";
  const expected = [{ version: "v1", clusters: ["cluster1"] }];
  test("reads the version from the sample's answer", () => {
    assert.equal(helloworldVersion("Hello version: v2, instance: helloworld-v2-54df5f84b-9hxgw\n"), "v2");
    assert.equal(helloworldVersion("no healthy upstream"), undefined);
  });
  test("without any helloworld answer, says what came back instead", () => {
    assert.equal(
      reason(checkHelloworldVersions([{ status: 503, body: "no healthy upstream" }, { error: "fetch failed (connect ECONNREFUSED)" }], expected, url)),
      `no helloworld answer in 2 requests to ${url}: HTTP 503`,
    );
  });
});
