/**
 * Issue 8, credentials and rotation: kubeconfig content, service-account tokens, the built kubeconfigs and TLS keys
 * are Pulumi secrets on every path and never appear in the render; rotation makes new tokens and kubeconfigs and
 * rolls the external istiod, with no delete-before-replace.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { parse, stringify } from "yaml";
import { ControlPlaneGateway } from "../component/components/controlPlaneGateway";
import { IstiodPluginCa } from "../component/components/istiodPluginCa";
import { RemoteSecret } from "../component/components/remoteSecret";
import { CONFIG_NAMESPACE } from "../infra/config/load";
import { program } from "../infra/program";
import { evaluate, type Evaluation } from "../render/evaluate";
import { SECRET, toRendered } from "../render/model";
import { SECURE_PLACEHOLDER } from "../render/stackFile";
import { topologyConfig } from "../render/topology";
import { evaluateLive, fakeToken, liveMocks } from "./support/liveMocks";
import { reveal } from "./support/objects";
import { at, expectRendered, named, renderText } from "./support/render";

const KUBECONFIG_CONTENT = "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: SUPER-SECRET-ADMIN-TOKEN\n";
const TLS_KEY = "-----BEGIN PRIVATE KEY-----\nSECRET-TLS-KEY\n-----END PRIVATE KEY-----\n";

/** A hostname-mode topology that also creates the TLS Secret and takes kubeconfig content from config. */
function configWithSecrets(rotation: string): Record<string, unknown> {
  const base = topologyConfig({ remoteClusters: 3, samples: true });
  return {
    ...base,
    "istio-mesh:exposure": { mode: "hostname", hostname: "istiod.mesh.example.com", tls: { secretName: "istiod-tls", create: true } },
    "istio-mesh:remoteSecretRotation": rotation,
  };
}

/** Runs the whole program with `pulumi up` semantics and secret config as the CLI would hand it over (decrypted). */
async function liveRun(rotation: string): Promise<Evaluation> {
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(configWithSecrets(rotation))) config[k] = typeof v === "string" ? v : JSON.stringify(v);
  const secrets = { kubeconfig: KUBECONFIG_CONTENT, tlsCertificate: "-----BEGIN CERTIFICATE-----\ncert\n-----END CERTIFICATE-----\n", tlsKey: TLS_KEY };
  for (const [k, v] of Object.entries(secrets)) config[`${CONFIG_NAMESPACE}:${k}`] = v;
  return evaluate({
    project: "istio-mesh",
    stack: "test",
    config,
    secretKeys: Object.keys(secrets).map((k) => `${CONFIG_NAMESPACE}:${k}`),
    program: () => program({ source: "Pulumi.test.yaml" }),
    mocks: liveMocks(),
    preview: false,
  });
}

test("the render shows [secret] for every credential and never its value", async () => {
  const stackFile = stringify({
    config: {
      ...configWithSecrets("r1"),
      "istio-mesh:kubeconfig": { secure: "v1:AAAA-ciphertext-kubeconfig" },
      "istio-mesh:tlsCertificate": { secure: "v1:AAAA-ciphertext-cert" },
      "istio-mesh:tlsKey": { secure: "v1:AAAA-ciphertext-key" },
    },
  });
  const { rendered } = expectRendered(await renderText(stackFile));
  const text = JSON.stringify(rendered);
  assert.ok(!text.includes("ciphertext"), "no ciphertext in the render");
  assert.ok(!text.includes(SECURE_PLACEHOLDER), "no placeholder leaks as a value");
  for (const p of rendered.resources.filter((r) => r.type === "pulumi:providers:kubernetes")) {
    assert.equal(p.inputs.kubeconfig, SECRET, `${p.name}: kubeconfig content from config is secret`);
  }
  assert.equal(named(rendered, "kubernetes:core/v1:Secret", "external-tls").inputs.stringData, SECRET);
  for (const r of rendered.resources.filter((x) => x.name.endsWith("-secret") && x.type === "kubernetes:core/v1:Secret")) {
    assert.equal(r.inputs.stringData, SECRET, `${r.name}: kubeconfig Secret data`);
  }
});

test("after deploy: no token, kubeconfig or key in clear anywhere the engine sees", async () => {
  const ev = await liveRun("r1");
  const rendered = toRendered(ev);
  const text = JSON.stringify(rendered);
  for (const needle of ["SUPER-SECRET-ADMIN-TOKEN", "token-for-", "SECRET-TLS-KEY", "BEGIN PRIVATE KEY"]) {
    assert.ok(!text.includes(needle), `"${needle}" must not appear in clear`);
  }
  // The values are there, behind secret markers: the kubeconfigs really hold the tokens.
  const kubeconfigSecret = ev.registrations.find((r) => r.name === "external-config-secret")!;
  const data = reveal(kubeconfigSecret.inputs.stringData) as { config: string };
  const kubeconfig = parse(data.config) as { users: { user: { token: string } }[] };
  assert.match(kubeconfig.users[0]!.user.token, /^token-for-istiod-istio-remote-secret-token-[0-9a-f]{8}$/);
});

test("pulumi.isSecret on every credential path of a RemoteSecret", async () => {
  const captured: { rs?: RemoteSecret } = {};
  await evaluateLive(() => {
    const remote = new k8s.Provider("remote", { kubeconfig: pulumi.secret("content"), context: "r", clusterIdentifier: "r" });
    const external = new k8s.Provider("external", { kubeconfig: pulumi.secret("content"), context: "e", clusterIdentifier: "e" });
    const account = new k8s.core.v1.ServiceAccount("sa", { metadata: { name: "istio-reader-service-account" } }, { provider: remote });
    captured.rs = new RemoteSecret("r2", {
      type: "remote",
      clusterName: "r2",
      apiServer: "https://r2.example.com:6443",
      namespace: "external-istiod",
      externalNamespace: "external-istiod",
      remoteProvider: remote,
      externalProvider: external,
      serviceAccountRelease: account,
      rotation: "initial",
    });
  });
  const rs = captured.rs!;
  assert.equal(await pulumi.isSecret(rs.kubeconfig), true, "the kubeconfig");
  assert.equal(await pulumi.isSecret(rs.secret.stringData), true, "the external Secret's data");
  assert.equal(await pulumi.isSecret(rs.kubeconfigDigest), false, "the digest is not a credential (istiod values stay readable)");
  const kubeconfig = await new Promise<string>((resolve) => rs.kubeconfig.apply((k) => (resolve(k), k)));
  assert.match(kubeconfig, /token: token-for-istio-reader-service-account-istio-remote-secret-token-/);
  assert.match(kubeconfig, /server: https:\/\/r2\.example\.com:6443/);
});

test("pulumi.isSecret on the TLS key and the plug-in CA key", async () => {
  const captured: { gateway?: ControlPlaneGateway; ca?: IstiodPluginCa } = {};
  await evaluateLive(() => {
    const provider = new k8s.Provider("external", { kubeconfig: pulumi.secret("content"), context: "e", clusterIdentifier: "e" });
    captured.gateway = new ControlPlaneGateway(
      "external",
      {
        chart: { version: "1.28.10", repository: "https://charts.example.com" },
        exposure: { mode: "hostname", hostname: "istiod.example.com", tls: { secretName: "tls", certificate: "CERT", privateKey: pulumi.secret(TLS_KEY) } },
        istioSystem: "create",
        protect: false,
      },
      { provider },
    );
    captured.ca = new IstiodPluginCa("ca", { namespace: "external-istiod", gatewayNamespace: "istio-system", trustSecretName: "trust", protect: false }, { provider });
  });
  const tlsSecret = captured.gateway?.tlsSecret;
  assert.ok(tlsSecret, "the TLS Secret is created from the stack secrets");
  assert.equal(await pulumi.isSecret(tlsSecret.stringData), true, "the TLS Secret's data");
  assert.equal(await pulumi.isSecret(captured.ca!.cacerts.stringData), true, "cacerts, with the CA key");
  assert.equal(await pulumi.isSecret(captured.ca!.rootCertificate), false, "the root certificate is public");
});

test("rotation: new token Secrets and kubeconfigs, a rolled external istiod, create-before-delete", async () => {
  const before = await liveRun("2026-01");
  const after = await liveRun("2026-02");
  const tokenNames = (ev: Evaluation) =>
    ev.registrations
      .filter((r) => r.type === "kubernetes:core/v1:Secret" && at(reveal(r.inputs), "type") === "kubernetes.io/service-account-token")
      .map((r) => String(at(reveal(r.inputs), "metadata.name")))
      .sort();
  const b = tokenNames(before);
  const a = tokenNames(after);
  assert.equal(b.length, 3, "one token per remote cluster");
  assert.equal(a.length, 3);
  for (const name of a) assert.ok(!b.includes(name), `${name} is a new Secret`);

  const kubeconfigs = (ev: Evaluation) =>
    ev.registrations.filter((r) => r.name.endsWith("-secret") && r.type === "kubernetes:core/v1:Secret").map((r) => JSON.stringify(reveal(r.inputs.stringData)));
  const kb = kubeconfigs(before);
  for (const k of kubeconfigs(after)) assert.ok(!kb.includes(k), "every kubeconfig changes");
  for (const k of kubeconfigs(after)) assert.ok(a.some((n) => k.includes(fakeToken(n))), "each kubeconfig holds a new token");

  const digest = (ev: Evaluation) => {
    const istiod = ev.registrations.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.urn.includes("ExternalIstiod$"))!;
    return at(reveal(istiod.inputs), "values.podAnnotations")!;
  };
  assert.notDeepEqual(digest(before), digest(after), "the external istiod's pod annotation changes, so it restarts with the new kubeconfig");
  for (const ev of [before, after]) {
    assert.deepEqual(ev.registrations.filter((r) => r.deleteBeforeReplace).map((r) => r.urn), [], "no delete-before-replace");
  }
});

test("least privilege: reader account for further remotes, no RBAC objects of our own", async () => {
  const ev = await liveRun("r1");
  const tokens = ev.registrations.filter((r) => at(reveal(r.inputs), "type") === "kubernetes.io/service-account-token");
  const accounts = tokens.map((r) => at(reveal(r.inputs), "metadata.annotations")).map((a) => (a as Record<string, string>)["kubernetes.io/service-account.name"]);
  assert.deepEqual(accounts.sort(), ["istio-reader-service-account", "istio-reader-service-account", "istiod"]);
  assert.deepEqual(ev.registrations.filter((r) => r.type.includes("rbac.authorization.k8s.io")).map((r) => r.urn), [], "nothing is granted cluster-admin (or anything)");
});
