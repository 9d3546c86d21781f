/** Unit tests of the pure builders the components wire: URLs, kubeconfig, load-balancer address, chart source. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import { chartReleaseArgs } from "../component/components/common";
import { loadBalancerAddress, loadBalancerIp } from "../component/components/controlPlaneGateway";
import { buildKubeconfig, kubeconfigDigest, kubeconfigFromTokenSecret } from "../component/components/kubeconfig";
import { remoteSecretLayout } from "../component/components/remoteSecret";
import { injectionPath } from "../component/components/urls";

test("injection path carries cluster and network; a '/' is escaped as --slash--", () => {
  assert.equal(injectionPath("cluster1", "network1"), "/inject/cluster/cluster1/net/network1");
  assert.equal(injectionPath("a/b", "n"), "/inject/cluster/a--slash--b/net/n");
});

test("kubeconfig: ca.crt as the Secret holds it (base64), the token decoded once", () => {
  const ca = Buffer.from("-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n").toString("base64");
  const text = kubeconfigFromTokenSecret("cluster2", "https://api.example.com:6443", { "ca.crt": ca, token: Buffer.from("eyJhbGciOi.token").toString("base64") });
  const k = parse(text) as Record<string, never>;
  assert.deepEqual(k, parse(buildKubeconfig({ clusterName: "cluster2", server: "https://api.example.com:6443", certificateAuthorityData: ca, token: "eyJhbGciOi.token" })));
  assert.equal(k["current-context"], "cluster2");
  assert.deepEqual(k.clusters, [{ name: "cluster2", cluster: { "certificate-authority-data": ca, server: "https://api.example.com:6443" } }]);
  assert.deepEqual(k.users, [{ name: "cluster2", user: { token: "eyJhbGciOi.token" } }]);
  assert.deepEqual(k.contexts, [{ name: "cluster2", context: { cluster: "cluster2", user: "cluster2" } }]);
  assert.match(kubeconfigDigest(text), /^[0-9a-f]{64}$/);
  assert.notEqual(kubeconfigDigest(text), kubeconfigDigest(text.replace("token", "other")));
});

test("a token Secret the controller never filled is a clear error", () => {
  assert.throws(() => kubeconfigFromTokenSecret("c", "https://a", { "ca.crt": "x" }), /has no token; does its service account exist/);
  assert.throws(() => kubeconfigFromTokenSecret("c", "https://a", undefined), /has no ca\.crt/);
});

test("remote secret layout: istioctl's names, no multiCluster label on istio-kubeconfig", () => {
  assert.deepEqual(remoteSecretLayout("config", "cluster1"), {
    serviceAccount: "istiod",
    secretName: "istio-kubeconfig",
    key: "config",
    labels: {},
    annotations: { "networking.istio.io/cluster": "cluster1" },
  });
  assert.deepEqual(remoteSecretLayout("remote", "cluster2"), {
    serviceAccount: "istio-reader-service-account",
    secretName: "istio-remote-secret-cluster2",
    key: "cluster2",
    labels: { "istio/multiCluster": "true" },
    annotations: { "networking.istio.io/cluster": "cluster2" },
  });
});

test("load balancer address: IP or hostname for DNS; loadBalancer mode insists on an IP", () => {
  assert.equal(loadBalancerAddress([{ hostname: "a.elb.example.com" }], "ns/gw"), "a.elb.example.com");
  assert.equal(loadBalancerIp([{ ip: "203.0.113.7" }]), "203.0.113.7");
  assert.throws(() => loadBalancerIp([{ hostname: "a.elb.example.com" }]), /needs a load-balancer IP, but Service istio-system\/istio-ingressgateway only has the hostname "a.elb.example.com"/);
  assert.throws(() => loadBalancerIp([{ ip: "2001:db8::7" }]), /needs an IPv4 load-balancer address, but Service istio-system\/istio-ingressgateway has 2001:db8::7/);
  assert.throws(() => loadBalancerAddress([], "external-istiod/istio-ingressgateway"), /Service external-istiod\/istio-ingressgateway has no load-balancer address/);
});

test("charts from a Helm repository or an OCI registry", () => {
  const https = chartReleaseArgs({ chart: "istiod", source: { version: "1.28.10", repository: "https://mirror.example.com/istio" }, releaseName: "istiod", namespace: "ns", values: {} });
  assert.equal(https.chart, "istiod");
  assert.deepEqual(https.repositoryOpts, { repo: "https://mirror.example.com/istio" });
  const oci = chartReleaseArgs({ chart: "base", source: { version: "1.28.10", repository: "oci://registry.example.com/istio" }, releaseName: "istio-base", namespace: "ns", values: {} });
  assert.equal(oci.chart, "oci://registry.example.com/istio/base");
  assert.equal(oci.repositoryOpts, undefined);
  assert.equal(oci.version, "1.28.10");
});
