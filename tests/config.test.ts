/**
 * Stack config validation (pure): the shipped stacks are valid and normalised as documented; every problem is
 * reported at once; providers get a kubeconfig path when config gives no content.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { formatProblems, namespaceEntries, validateMeshConfig } from "../infra/config/validate";
import { defaultKubeconfigPath, providerArgs } from "../component/providers";
import { parseStackConfig } from "../render/stackFile";

const ROOT = path.resolve(__dirname, "..");

function entriesOf(text: string) {
  const { config, secretKeys } = parseStackConfig(text, "istio-mesh", "Pulumi.test.yaml");
  return namespaceEntries(config, secretKeys, "istio-mesh");
}

test("the shipped stacks are valid", () => {
  for (const stack of ["dev", "prod"]) {
    const { entries, secretKeys } = entriesOf(readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
    const result = validateMeshConfig(entries, secretKeys, `Pulumi.${stack}.yaml`);
    assert.ok(result.ok, stack);
  }
});

test("prod is normalised: defaults applied, east-west on for two networks", () => {
  const { entries, secretKeys } = entriesOf(readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8"));
  const result = validateMeshConfig(entries, secretKeys, "Pulumi.prod.yaml");
  assert.ok(result.ok);
  const cfg = result.config;
  assert.equal(cfg.namespace, "external-istiod");
  assert.equal(cfg.eastWestGateways, true);
  assert.equal(cfg.protect, true);
  assert.deepEqual(cfg.exposure, { mode: "hostname", hostname: "istiod.mesh.acme.example", tls: { secretName: "istiod-mesh-acme-example-tls", create: false } });
  assert.equal(cfg.kubeconfigInConfig, false);
  assert.deepEqual(cfg.chart, { version: "1.28.10", repository: "https://istio-release.storage.googleapis.com/charts" });
});

test("every problem is reported at once, each with the stack file and key path", () => {
  const text = `config:
  istio-mesh:istio: {version: "1.28.10"}
  istio-mesh:clusters:
    external: {name: ext, context: a}
    config: {name: one, context: b, apiServer: "https://api.example.com", network: n1}
    remotes:
      - {name: two, context: b, apiServer: "https://api2.example.com", network: n2}
  istio-mesh:exposure: {mode: hostname}
  istio-mesh:eastWestGateways: false
  istio-mesh:protect: maybe
`;
  const { entries, secretKeys } = entriesOf(text);
  const result = validateMeshConfig(entries, secretKeys, "Pulumi.x.yaml");
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(formatProblems("Pulumi.x.yaml", result.problems).sort(), [
    'Pulumi.x.yaml: clusters.remotes[0].context: "b" is already the context of clusters.config; each cluster needs its own context',
    "Pulumi.x.yaml: eastWestGateways: is false, but the remote clusters span 2 networks (n1, n2); traffic between networks needs east-west gateways",
    "Pulumi.x.yaml: exposure.hostname: is required in hostname mode (the DNS name remotes use to reach istiod)",
    "Pulumi.x.yaml: exposure.tls: is required in hostname mode (the Secret with the hostname's publicly trusted certificate)",
    "Pulumi.x.yaml: protect: must be a boolean, got a string",
  ]);
});

test("secure: values are opaque and secret; keys without a namespace get the project's", () => {
  const { config, secretKeys } = parseStackConfig("config:\n  kubeconfig:\n    secure: v1:abc\n  istio-mesh:samples: true\n", "istio-mesh", "f");
  assert.deepEqual(secretKeys, ["istio-mesh:kubeconfig"]);
  assert.ok(!config["istio-mesh:kubeconfig"]!.includes("v1:abc"));
  assert.equal(config["istio-mesh:samples"], "true");
});

test("without kubeconfig content, providers use the user's kubeconfig file and the named context", () => {
  assert.equal(defaultKubeconfigPath({ KUBECONFIG: "/a/first:/b/second" }, "/home/u"), "/a/first");
  assert.equal(defaultKubeconfigPath({}, "/home/u"), "/home/u/.kube/config");
  assert.deepEqual(providerArgs({ name: "east", context: "gke-east" }, "/home/u/.kube/config"), {
    kubeconfig: "/home/u/.kube/config",
    context: "gke-east",
    clusterIdentifier: "east",
    enableSecretMutable: true,
  });
});
