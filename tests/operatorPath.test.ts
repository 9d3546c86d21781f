/**
 * Issue 3, the mesh operator's path, on the rendered program for both exposure modes: every Helm value of
 * DESIGN §4-§5, namespaces, clusters, secret-ness, the missing label on istio-kubeconfig, and each ordering rule of
 * DESIGN §3.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Rendered } from "../render/model";
import { stringify } from "yaml";
import { topologyConfig } from "../render/topology";
import { at, expectRendered, named, ofType, RELEASE, renderShipped, renderText, renderTopology, valuesOf, waitsFor } from "./support/render";

const HOST = "istiod.mesh.example.com";
const SECRET = "kubernetes:core/v1:Secret";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const GATEWAY = "kubernetes:networking.istio.io/v1:Gateway";
const VIRTUAL_SERVICE = "kubernetes:networking.istio.io/v1:VirtualService";
const DESTINATION_RULE = "kubernetes:networking.istio.io/v1:DestinationRule";

const release = (r: Rendered, name: string) => named(r, RELEASE, name);

test("hostname mode", async (t) => {
  const { rendered } = expectRendered(await renderTopology({ remoteClusters: 2, mode: "hostname" }));
  const r = rendered;

  await t.test("ControlPlaneGateway: base, istiod and istio-ingressgateway in istio-system of the external cluster", () => {
    for (const name of ["external-istio-base", "external-istiod", "external-istio-ingressgateway"]) {
      const rel = r.resources.find((x) => x.type === RELEASE && x.name === name && x.urn.includes("ControlPlaneGateway"));
      assert.ok(rel, name);
      assert.equal(rel.cluster, "external");
      assert.equal(rel.inputs.namespace, "istio-system");
    }
    const gw = release(r, "external-istio-ingressgateway");
    assert.equal(gw.inputs.name, "istio-ingressgateway", "release name is exact: the chart derives Service and labels from it");
    assert.equal(gw.inputs.chart, "gateway");
    assert.deepEqual(at(valuesOf(gw), "service.ports"), [
      { name: "status-port", port: 15021, targetPort: 15021 },
      { name: "tls-xds", port: 15012, targetPort: 15012 },
      { name: "tls-webhook", port: 15017, targetPort: 15017 },
    ]);
    const cpIstiod = r.resources.find((x) => x.type === RELEASE && x.urn.includes("ControlPlaneGateway$") && x.inputs.name === "istiod");
    assert.ok(cpIstiod);
    assert.ok(waitsFor(r, gw, cpIstiod), "the gateway waits for the istio-system istiod (its pods need injection)");
    const svc = named(r, "kubernetes:core/v1:Service", "external-istio-ingressgateway-service");
    assert.ok(svc.dependsOn.includes(gw.urn), "the Service read has an explicit dependsOn on its release");
  });

  await t.test("EXTERNAL_ISTIOD_ADDR is the hostname, and the same value everywhere it is used", () => {
    assert.equal(r.outputs.EXTERNAL_ISTIOD_ADDR, HOST);
    assert.equal(at(valuesOf(release(r, "config-istiod")), "istiodRemote.injectionURL"), `https://${HOST}:15017/inject/cluster/config/net/network1`);
    assert.equal(at(valuesOf(release(r, "remote-001-istiod")), "istiodRemote.injectionURL"), `https://${HOST}:15017/inject/cluster/remote-001/net/network2`);
    const ext = valuesOf(r.resources.find((x) => x.type === RELEASE && x.urn.includes("ExternalIstiod$"))!);
    assert.equal(at(ext, "global.caAddress"), `${HOST}:15012`);
    assert.equal(at(ext, "meshConfig.defaultConfig.discoveryAddress"), `${HOST}:15012`);
    assert.deepEqual(at(named(r, GATEWAY, "external-gateway").inputs, "spec.servers.0.hosts"), [HOST]);
    assert.deepEqual(at(named(r, VIRTUAL_SERVICE, "external-virtualservice").inputs, "spec.hosts"), [HOST]);
  });

  await t.test("RemoteConfigCluster: base and istiod with profile remote, configCluster, configMap and both webhook URLs", () => {
    const ns = named(r, NAMESPACE, "config-external-istiod");
    assert.equal(ns.cluster, "config");
    assert.equal(at(ns.inputs, "metadata.name"), "external-istiod");
    const base = release(r, "config-istio-base");
    const istiod = release(r, "config-istiod");
    for (const rel of [base, istiod]) {
      assert.equal(rel.cluster, "config");
      assert.equal(rel.inputs.namespace, "external-istiod");
      assert.equal(at(valuesOf(rel), "profile"), "remote");
      assert.equal(at(valuesOf(rel), "global.istioNamespace"), "external-istiod");
      assert.equal(at(valuesOf(rel), "base.validationURL"), `https://${HOST}:15017/validate`, "validation URL on both releases (P8)");
    }
    assert.equal(at(valuesOf(istiod), "global.configCluster"), true);
    assert.equal(at(valuesOf(istiod), "configMap"), true);
    assert.equal(at(valuesOf(istiod), "istiodRemote.injectionPath"), undefined);
    assert.equal(at(valuesOf(istiod), "global.remotePilotAddress"), undefined);
    assert.ok(waitsFor(r, istiod, base), "istiod after base (CRDs)");
  });

  await t.test("RemoteSecret (config): token of the istiod account after its release; istio-kubeconfig without the multiCluster label", () => {
    const token = named(r, SECRET, "external-config-token");
    assert.equal(token.cluster, "config");
    assert.equal(token.inputs.type, "kubernetes.io/service-account-token");
    assert.deepEqual(at(token.inputs, "metadata.annotations"), { "kubernetes.io/service-account.name": "istiod" });
    assert.equal(at(token.inputs, "metadata.namespace"), "external-istiod");
    assert.ok(token.dependsOn.includes(release(r, "config-istiod").urn), "the token waits for the release that creates the account");

    const secret = named(r, SECRET, "external-config-secret");
    assert.equal(secret.cluster, "external");
    assert.equal(at(secret.inputs, "metadata.name"), "istio-kubeconfig");
    assert.equal(at(secret.inputs, "metadata.namespace"), "external-istiod");
    assert.deepEqual(at(secret.inputs, "metadata.labels"), {}, "no istio/multiCluster label");
    assert.equal(at(secret.inputs, "metadata.annotations")?.["networking.istio.io/cluster" as never], "config");
    assert.equal(secret.inputs.stringData, "[secret]");
    assert.ok(secret.dependsOn.includes(named(r, NAMESPACE, "external-external-istiod").urn), "after the external namespace");
    assert.ok(secret.dependsOn.includes(token.urn));
  });

  await t.test("ExternalIstiod: the external values of DESIGN §4, after istio-kubeconfig and the plug-in CA", () => {
    const istiod = r.resources.find((x) => x.type === RELEASE && x.urn.includes("ExternalIstiod$"));
    assert.ok(istiod);
    assert.equal(istiod.cluster, "external");
    assert.equal(istiod.inputs.name, "istiod");
    assert.equal(istiod.inputs.namespace, "external-istiod");
    const v = valuesOf(istiod);
    assert.deepEqual(v.global, {
      externalIstiod: true,
      caAddress: `${HOST}:15012`,
      istioNamespace: "external-istiod",
      operatorManageWebhooks: true,
      configValidation: false,
      meshID: "mesh1",
      multiCluster: { clusterName: "config" },
      network: "network1",
      resourceScope: "namespace",
    });
    assert.deepEqual(v.meshConfig, {
      rootNamespace: "external-istiod",
      defaultConfig: {
        discoveryAddress: `${HOST}:15012`,
        proxyMetadata: { XDS_ROOT_CA: "/etc/ssl/certs/ca-certificates.crt", CA_ROOT_CA: "/etc/ssl/certs/ca-certificates.crt" },
      },
    });
    assert.deepEqual(v.env, {
      INJECTION_WEBHOOK_CONFIG_NAME: "",
      VALIDATION_WEBHOOK_CONFIG_NAME: "",
      LOCAL_CLUSTER_SECRET_WATCHER: "true",
      SHARED_MESH_CONFIG: "istio",
    });
    assert.deepEqual(v.volumes, [
      { name: "config-volume", configMap: { name: "istio" } },
      { name: "inject-volume", configMap: { name: "istio-sidecar-injector" } },
    ]);
    assert.deepEqual(v.volumeMounts, [
      { name: "config-volume", mountPath: "/etc/istio/config" },
      { name: "inject-volume", mountPath: "/var/lib/istio/inject" },
    ]);
    assert.equal(v.revision, undefined, "no revision: the mounts name the unsuffixed ConfigMaps");
    assert.equal(v.profile, undefined);
    assert.ok(waitsFor(r, istiod, named(r, SECRET, "external-config-secret")), "istiod starts after istio-kubeconfig");
    const cacerts = named(r, SECRET, "external-ca-cacerts");
    assert.equal(cacerts.cluster, "external");
    assert.equal(at(cacerts.inputs, "metadata.name"), "cacerts");
    assert.equal(at(cacerts.inputs, "metadata.namespace"), "external-istiod");
    assert.equal(cacerts.inputs.stringData, "[secret]", "the CA key is secret");
    assert.ok(istiod.dependsOn.includes(cacerts.urn), "istiod starts with the plug-in CA");
  });

  await t.test("routing: SIMPLE TLS on the hostname; the DestinationRule verifies istiod with the plug-in CA root", () => {
    const gw = named(r, GATEWAY, "external-gateway");
    const vs = named(r, VIRTUAL_SERVICE, "external-virtualservice");
    const dr = named(r, DESTINATION_RULE, "external-destinationrule");
    for (const o of [gw, vs, dr]) {
      assert.equal(o.cluster, "external");
      assert.equal(at(o.inputs, "metadata.namespace"), "external-istiod");
      assert.ok(waitsFor(r, o, release(r, "external-istio-base")), "after the external cluster's CRDs");
    }
    assert.deepEqual(at(gw.inputs, "spec.selector"), { istio: "ingressgateway" });
    assert.deepEqual(at(gw.inputs, "spec.servers"), [
      { port: { number: 15012, protocol: "https", name: "https-XDS" }, tls: { mode: "SIMPLE", credentialName: "istiod-tls" }, hosts: [HOST] },
      { port: { number: 15017, protocol: "https", name: "https-WEBHOOK" }, tls: { mode: "SIMPLE", credentialName: "istiod-tls" }, hosts: [HOST] },
    ]);
    assert.deepEqual(at(vs.inputs, "spec.http"), [
      { match: [{ port: 15012 }], route: [{ destination: { host: "istiod.external-istiod.svc.cluster.local", port: { number: 15012 } } }] },
      { match: [{ port: 15017 }], route: [{ destination: { host: "istiod.external-istiod.svc.cluster.local", port: { number: 443 } } }] },
    ]);
    const tls = { mode: "SIMPLE", credentialName: "external-istiod-istiod-ca", sni: "istiod.external-istiod.svc", subjectAltNames: ["istiod.external-istiod.svc"] };
    assert.deepEqual(at(dr.inputs, "spec.trafficPolicy.portLevelSettings"), [
      { port: { number: 15012 }, tls, connectionPool: { http: { h2UpgradePolicy: "UPGRADE" } } },
      { port: { number: 443 }, tls },
    ]);
    assert.ok(!JSON.stringify(dr.inputs).includes("insecureSkipVerify"));
    const trust = named(r, SECRET, "external-ca-gateway-trust");
    assert.equal(at(trust.inputs, "metadata.namespace"), "istio-system", "credentialName is looked up in the gateway's namespace");
    assert.equal(at(trust.inputs, "metadata.name"), "external-istiod-istiod-ca");
    assert.ok(dr.dependsOn.includes(trust.urn));
  });

  await t.test("stack outputs: injection and validation URLs per remote, remote secret names", () => {
    const remotes = r.outputs.remotes as Record<string, Record<string, unknown>>;
    assert.equal(remotes.config?.injectionUrl, `https://${HOST}:15017/inject/cluster/config/net/network1`);
    assert.equal(remotes.config?.validationUrl, `https://${HOST}:15017/validate`);
    assert.equal(remotes.config?.remoteSecretName, "istio-kubeconfig");
    assert.equal(remotes["remote-001"]?.remoteSecretName, "istio-remote-secret-remote-001");
    assert.equal(r.outputs.controlPlaneLoadBalancer, "[unknown]", "the load balancer exists only after deploy");
  });
});

test("hostname mode: the TLS Secret created from stack secrets, before the gateway", async () => {
  const stackFile = stringify({
    config: {
      ...topologyConfig({ remoteClusters: 1 }),
      "istio-mesh:exposure": { mode: "hostname", hostname: HOST, tls: { secretName: "istiod-tls", create: true } },
      "istio-mesh:tlsCertificate": { secure: "v1:certificate" },
      "istio-mesh:tlsKey": { secure: "v1:key" },
    },
  });
  const { rendered: r } = expectRendered(await renderText(stackFile));
  const tls = named(r, SECRET, "external-tls");
  assert.equal(tls.cluster, "external");
  assert.equal(tls.inputs.type, "kubernetes.io/tls");
  assert.deepEqual(at(tls.inputs, "metadata"), { name: "istiod-tls", namespace: "istio-system" }, "in the gateway's namespace (credentialName)");
  assert.equal(tls.inputs.stringData, "[secret]");
  assert.ok(release(r, "external-istio-ingressgateway").dependsOn.includes(tls.urn), "the gateway starts with its certificate");
  assert.deepEqual(at(named(r, GATEWAY, "external-gateway").inputs, "spec.servers.0.tls"), { mode: "SIMPLE", credentialName: "istiod-tls" });
});

test("prod: EXTERNAL_ISTIOD_ADDR is visibly the same value in every resource that uses it", async () => {
  const { rendered: r } = await renderShipped("prod");
  const host = "istiod.mesh.acme.example";
  assert.equal(r.outputs.EXTERNAL_ISTIOD_ADDR, host);
  const users = r.resources.filter((x) => JSON.stringify(x.inputs).includes(host)).map((x) => x.name).sort();
  assert.deepEqual(users, [
    "apps-eu-west-istio-base",
    "apps-eu-west-istiod",
    "apps-us-east-istiod",
    "cp-eu-west-gateway",
    "cp-eu-west-istiod",
    "cp-eu-west-virtualservice",
  ]);
  const occurrences = (x: unknown): string[] =>
    typeof x === "string" ? (x.includes(host) ? [x] : []) : typeof x === "object" && x !== null ? Object.values(x).flatMap(occurrences) : [];
  const all = r.resources.flatMap((x) => occurrences(x.inputs));
  for (const value of all) {
    assert.match(value, /^(istiod\.mesh\.acme\.example|istiod\.mesh\.acme\.example:15012|https:\/\/istiod\.mesh\.acme\.example:15017\/(validate|inject\/cluster\/[a-z-]+\/net\/[a-z-]+))$/);
  }
  assert.equal(all.filter((v) => v === `${host}:15012`).length, 2, "caAddress and discoveryAddress");
});

test("loadBalancer mode (dev)", async (t) => {
  const { rendered: r } = await renderShipped("dev");

  await t.test("EXTERNAL_ISTIOD_ADDR is unknown before deploy, in every resource that uses it", () => {
    assert.equal(r.outputs.EXTERNAL_ISTIOD_ADDR, "[unknown]");
    const istiod = valuesOf(release(r, "cluster1-istiod"));
    assert.equal(at(istiod, "global.remotePilotAddress"), "[unknown]");
    const ext = valuesOf(r.resources.find((x) => x.type === RELEASE && x.urn.includes("ExternalIstiod$"))!);
    assert.equal(at(ext, "global.caAddress"), "[unknown]");
    assert.equal(at(ext, "meshConfig.defaultConfig.discoveryAddress"), "[unknown]");
    const lbRead = named(r, "kubernetes:core/v1:Service", "external-istio-ingressgateway-service");
    assert.ok(release(r, "cluster1-istiod").dependsOn.includes(lbRead.urn), "the address flows from the load balancer read");
  });

  await t.test("remotes use injectionPath + remotePilotAddress and no validation URL", () => {
    const base = valuesOf(release(r, "cluster1-istio-base"));
    const istiod = valuesOf(release(r, "cluster1-istiod"));
    assert.equal(at(istiod, "istiodRemote.injectionPath"), "/inject/cluster/cluster1/net/network1");
    assert.equal(at(istiod, "istiodRemote.injectionURL"), undefined);
    assert.equal(at(base, "base.validationURL"), undefined);
    assert.equal(at(istiod, "base.validationURL"), undefined);
    assert.equal(at(istiod, "global.configCluster"), true);
  });

  await t.test("external istiod: no proxyMetadata, webhook config names set for CA patching", () => {
    const v = valuesOf(r.resources.find((x) => x.type === RELEASE && x.urn.includes("ExternalIstiod$"))!);
    assert.equal(at(v, "meshConfig.defaultConfig.proxyMetadata"), undefined);
    assert.equal(at(v, "env.INJECTION_WEBHOOK_CONFIG_NAME"), "istio-sidecar-injector-external-istiod");
    assert.equal(at(v, "env.VALIDATION_WEBHOOK_CONFIG_NAME"), "istio-validator-external-istiod");
  });

  await t.test("routing: TLS passthrough on 15012/15017, no DestinationRule, no plug-in CA", () => {
    const gw = named(r, GATEWAY, "external-gateway");
    assert.deepEqual(at(gw.inputs, "spec.servers"), [
      { port: { number: 15012, protocol: "tls", name: "tls-XDS" }, tls: { mode: "PASSTHROUGH" }, hosts: ["*"] },
      { port: { number: 15017, protocol: "tls", name: "tls-WEBHOOK" }, tls: { mode: "PASSTHROUGH" }, hosts: ["*"] },
    ]);
    const vs = named(r, VIRTUAL_SERVICE, "external-virtualservice");
    assert.deepEqual(at(vs.inputs, "spec.hosts"), ["*"]);
    assert.deepEqual(at(vs.inputs, "spec.tls"), [
      { match: [{ port: 15012, sniHosts: ["*"] }], route: [{ destination: { host: "istiod.external-istiod.svc.cluster.local", port: { number: 15012 } } }] },
      { match: [{ port: 15017, sniHosts: ["*"] }], route: [{ destination: { host: "istiod.external-istiod.svc.cluster.local", port: { number: 443 } } }] },
    ]);
    assert.equal(ofType(r, DESTINATION_RULE).length, 0);
    assert.equal(r.resources.filter((x) => x.type.startsWith("tls:")).length, 0);
    assert.equal(r.resources.filter((x) => x.type === SECRET && String(at(x.inputs, "metadata.name")) === "cacerts").length, 0);
  });
});
