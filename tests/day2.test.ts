/**
 * Issue 12, day 2 on a real cluster (shared/reference/day2-review.md): what the provider and the charts decide from
 * our inputs, pinned by the inputs that decide it. Secrets update in place; an existing istio-system is used, not
 * created; the config cluster's validators have one failure policy across install and upgrade; the external istiod
 * gets namespaced RBAC; keys a deployed stack cannot change are refused against its recorded outputs.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { stringify } from "yaml";
import type { Rendered } from "../render/model";
import { K8S_PROVIDER_TYPE } from "../render/model";
import { renderStack, type RenderResult } from "../render/run";
import { topologyConfig, type TopologySpec } from "../render/topology";
import { at, expectRendered, named, ofType, RELEASE, renderShipped, renderText, renderTopology, valuesOf } from "./support/render";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const SECRET = "kubernetes:core/v1:Secret";
const STACK_REFERENCE = "pulumi:pulumi:StackReference";

/** The external istiod's release (the one in the control plane namespace of the external cluster). */
const externalIstiod = (r: Rendered) => r.resources.find((x) => x.type === RELEASE && x.urn.includes("ExternalIstiod$"))!;

test("every provider updates Secrets in place (enableSecretMutable), so rotation never deletes a remote secret", async () => {
  const stacks = [(await renderShipped("dev")).rendered, (await renderShipped("prod")).rendered];
  stacks.push(expectRendered(await renderTopology({ remoteClusters: 4, mode: "loadBalancer" })).rendered);
  for (const r of stacks) {
    const providers = ofType(r, K8S_PROVIDER_TYPE);
    assert.ok(providers.length >= 2, r.stack);
    // Provider config reaches the engine as strings.
    for (const p of providers) assert.equal(p.inputs.enableSecretMutable, "true", p.urn);
    // In-place updates need Secrets that are not immutable (an immutable Secret is replaced whatever the setting).
    for (const s of ofType(r, SECRET)) assert.equal(s.inputs.immutable, undefined, s.urn);
  }
});

test("prod uses the existing istio-system: read, never created, and every istio-system release waits for the read", async () => {
  const { rendered: r } = await renderShipped("prod");
  const external = r.resources.filter((x) => x.cluster === "cp-eu-west");
  const namespaces = external.filter((x) => x.type === NAMESPACE);
  assert.deepEqual(
    namespaces.filter((x) => x.inputs.metadata !== undefined).map((x) => at(x.inputs, "metadata.name")),
    ["external-istiod"],
    "the only namespace created in the external cluster is the control plane's",
  );
  const read = namespaces.find((x) => x.name === "cp-eu-west-istio-system");
  assert.ok(read, "istio-system is read");
  assert.deepEqual(read.inputs, {}, "a read: no desired state, so Pulumi never updates or deletes it");
  const inIstioSystem = external.filter((x) => x.type === RELEASE && x.inputs.namespace === "istio-system");
  assert.equal(inIstioSystem.length, 3, "base, istiod and the gateway");
  for (const rel of inIstioSystem) assert.ok(rel.dependsOn.includes(read.urn), `${rel.name} waits for istio-system`);
  const trust = external.find((x) => x.type === SECRET && at(x.inputs, "metadata.namespace") === "istio-system");
  assert.ok(trust?.dependsOn.includes(read.urn), "the CA trust Secret in istio-system waits for it too");
});

test("a fresh cluster (istioSystem defaults to create) still gets istio-system, with the TLS Secret created in it", async () => {
  const config = topologyConfig({ remoteClusters: 1 });
  config["istio-mesh:exposure"] = { mode: "hostname", hostname: "istiod.mesh.example.com", tls: { secretName: "istiod-tls", create: true } };
  config["istio-mesh:tlsCertificate"] = { secure: "v1:cert" };
  config["istio-mesh:tlsKey"] = { secure: "v1:key" };
  const { rendered: r } = expectRendered(await renderText(stringify({ config })));
  const ns = named(r, NAMESPACE, "external-istio-system");
  assert.equal(at(ns.inputs, "metadata.name"), "istio-system");
  const tls = r.resources.find((x) => x.type === SECRET && at(x.inputs, "metadata.name") === "istiod-tls")!;
  assert.ok(tls.dependsOn.includes(ns.urn), "the TLS Secret is created in the namespace the program creates");
  assert.equal(r.resources.filter((x) => x.name.endsWith("-istio-system-existing")).length, 0, "nothing is read");
});

test("hostname mode: both config-cluster validators are fail-closed from install on (charts >= 1.28 read the key)", async () => {
  for (const istioVersion of ["1.28.10", "1.30.3"]) {
    const { rendered: r } = expectRendered(await renderTopology({ remoteClusters: 2, mode: "hostname", istioVersion }));
    for (const name of ["config-istio-base", "config-istiod"]) {
      assert.equal(at(valuesOf(named(r, RELEASE, name)), "base.validationFailurePolicy"), "Fail", `${name} ${istioVersion}`);
    }
    // A further remote has no validator (defaultRevision "" and no configCluster), so nothing to set there.
    for (const name of ["remote-001-istio-base", "remote-001-istiod"]) {
      assert.equal(at(valuesOf(named(r, RELEASE, name)), "base"), undefined, name);
    }
  }
});

test("the failure policy is left to the chart where it is not read (< 1.28) and to istiod in loadBalancer mode", async () => {
  const older = expectRendered(await renderTopology({ remoteClusters: 1, mode: "hostname", istioVersion: "1.27.3" })).rendered;
  assert.equal(at(valuesOf(named(older, RELEASE, "config-istio-base")), "base.validationFailurePolicy"), undefined);
  assert.equal(at(valuesOf(named(older, RELEASE, "config-istio-base")), "base.validationURL"), "https://istiod.mesh.example.com:15017/validate");
  // loadBalancer mode: the external istiod's validation controller patches the CA bundle and sets Fail once ready.
  const lb = expectRendered(await renderTopology({ remoteClusters: 1, mode: "loadBalancer", istioVersion: "1.30.3" })).rendered;
  for (const name of ["config-istio-base", "config-istiod"]) assert.equal(at(valuesOf(named(lb, RELEASE, name)), "base"), undefined, name);
  assert.equal(at(valuesOf(externalIstiod(lb)), "env.VALIDATION_WEBHOOK_CONFIG_NAME"), "istio-validator-external-istiod");
});

test("the external istiod gets namespaced RBAC only (charts >= 1.28); no other istiod release is scoped", async () => {
  for (const spec of [
    { remoteClusters: 2, mode: "hostname", istioVersion: "1.28.10" },
    { remoteClusters: 2, mode: "loadBalancer", istioVersion: "1.30.3" },
  ] satisfies TopologySpec[]) {
    const { rendered: r } = expectRendered(await renderTopology(spec));
    const ext = externalIstiod(r);
    assert.equal(at(valuesOf(ext), "global.resourceScope"), "namespace", `${spec.mode} ${spec.istioVersion}`);
    for (const rel of ofType(r, RELEASE).filter((x) => x !== ext)) {
      assert.equal(at(valuesOf(rel), "global.resourceScope"), undefined, `${rel.urn} keeps the chart's default`);
    }
  }
  const older = expectRendered(await renderTopology({ remoteClusters: 1, istioVersion: "1.27.3" })).rendered;
  assert.equal(at(valuesOf(externalIstiod(older)), "global.resourceScope"), undefined, "1.27's chart has no resourceScope");
});

// ---- immutable keys, refused against the deployed stack's recorded outputs ----

const BASE: TopologySpec = { remoteClusters: 3, mode: "hostname" };

/** The outputs a `pulumi up` of `spec` records, as `pulumi stack output --json` would print them. */
async function deployedOutputsOf(spec: TopologySpec): Promise<Record<string, unknown>> {
  return expectRendered(await renderTopology(spec)).rendered.outputs;
}

const TMP = mkdtempSync(path.join(tmpdir(), "istio-mesh-day2-"));
let files = 0;

/** Renders `config` as the next `pulumi up` of a stack whose last one recorded `deployed`. */
async function renderAgainst(deployed: Record<string, unknown>, config: Record<string, unknown>): Promise<{ file: string; result: RenderResult }> {
  const file = path.join(TMP, `Pulumi.generated-${++files}.yaml`);
  writeFileSync(file, stringify({ config }));
  return { file, result: await renderStack({ stack: "generated", configFile: file, deployedOutputs: deployed }) };
}

/** The problems of a refused render, and that nothing but the read of the stack's own outputs was registered. */
function refusal(result: RenderResult): readonly string[] {
  assert.equal(result.ok, false, "the change is refused");
  if (result.ok) return [];
  assert.equal(result.registered, 1, "only the StackReference read, which changes nothing");
  return result.problems;
}

test("the deployed record is a stack output, read back through a StackReference to the stack itself", async () => {
  const { rendered: r } = await renderShipped("prod");
  assert.deepEqual(r.outputs.deployedConfig, {
    stackKind: "mesh",
    controlPlaneNamespace: "external-istiod",
    exposureMode: "hostname",
    istioSystem: "existing",
    istioVersion: "1.28.10",
    external: { name: "cp-eu-west" },
    config: { name: "apps-eu-west", apiServer: "https://34.76.10.21", istioVersion: "1.28.10" },
    remotes: [{ name: "apps-us-east", apiServer: "https://35.196.44.7", istioVersion: "1.28.10" }],
  });
  const [self] = ofType(r, STACK_REFERENCE);
  assert.equal(self?.inputs.name, "organization/istio-mesh/prod");
  assert.equal(r.resources.filter((x) => x.type.startsWith("kubernetes:")).every((x) => x.urn !== self?.urn), true);
});

test("unchanged keys, a new remote and a removed remote render against the deployed stack", async () => {
  const deployed = await deployedOutputsOf(BASE);
  assert.equal(expectRendered((await renderAgainst(deployed, topologyConfig(BASE))).result).rendered.stack, "generated");
  assert.ok((await renderAgainst(deployed, topologyConfig({ ...BASE, remoteClusters: 5 }))).result.ok, "remotes added");
  assert.ok((await renderAgainst(deployed, topologyConfig({ ...BASE, remoteClusters: 1 }))).result.ok, "remotes removed");
  const newVersion = topologyConfig(BASE);
  newVersion["istio-mesh:istio"] = { version: "1.29.6" };
  assert.ok((await renderAgainst(deployed, newVersion)).result.ok, "a one-minor upgrade is not an immutable-key change");
});

test("version moves larger than one in-place upgrade are refused against the recorded versions (issue 16)", async () => {
  const deployed = await deployedOutputsOf(BASE); // everything at 1.28.10
  const jump = topologyConfig(BASE);
  jump["istio-mesh:istio"] = { version: "1.30.3" };
  (jump["istio-mesh:clusters"] as { remotes: Record<string, unknown>[] }).remotes[0]!.istioVersion = "1.29.6";
  const { file, result } = await renderAgainst(deployed, jump);
  assert.deepEqual(refusal(result), [
    `${file}: istio.version: "1.30.3" would upgrade the control plane from the deployed 1.28.10 by 2 minor versions at once; Istio supports in-place upgrades of 1 minor version at a time (https://istio.io/latest/docs/setup/upgrade/in-place/): go to 1.29 first`,
  ], "the remote pinned one minor up is a supported step; the control plane's jump is not");
  // A remote held back at 1.28 while the control plane went to 1.29 cannot follow it to 1.30 in one step.
  const held = topologyConfig(BASE);
  held["istio-mesh:istio"] = { version: "1.29.6" };
  (held["istio-mesh:clusters"] as { remotes: Record<string, unknown>[] }).remotes[1]!.istioVersion = "1.28.10";
  const heldDeployed = await deployedOutputsOf({ ...BASE, istioVersion: "1.29.6" });
  (heldDeployed.deployedConfig as { remotes: { istioVersion: string }[] }).remotes[1]!.istioVersion = "1.28.10";
  const next = topologyConfig({ ...BASE, istioVersion: "1.30.3" });
  const second = await renderAgainst(heldDeployed, next);
  assert.deepEqual(refusal(second.result), [
    `${second.file}: istio.version: "1.30.3" would upgrade cluster remote-002 from the deployed 1.28.10 by 2 minor versions at once; Istio supports in-place upgrades of 1 minor version at a time (https://istio.io/latest/docs/setup/upgrade/in-place/): go to 1.29 first`,
  ]);
});

test("a changed control plane namespace, exposure mode or istio-system ownership is refused with both values", async () => {
  const deployed = await deployedOutputsOf(BASE);
  const config = topologyConfig(BASE);
  config["istio-mesh:mesh"] = { id: "mesh1", controlPlaneNamespace: "istio-cp" };
  config["istio-mesh:exposure"] = { mode: "loadBalancer" };
  const { file, result } = await renderAgainst(deployed, config);
  assert.deepEqual([...refusal(result)].sort(), [
    `${file}: exposure.mode: is "loadBalancer", but the deployed stack has "hostname"; switching replaces the mesh's root CA, and mTLS between workloads of the old and the new root fails until every pod restarts. Keep "hostname", or deploy the other mode as a new stack and move workloads to it (docs/configuration.md: Immutable keys)`,
    `${file}: mesh.controlPlaneNamespace: is "istio-cp", but the deployed stack has "external-istiod"; the control plane namespace cannot change on a deployed mesh (the new releases cannot take over the CRDs and webhooks of the old ones). Keep "external-istiod", or deploy the new namespace as a new stack and move workloads to it (docs/configuration.md: Immutable keys)`,
  ]);
});

test("istio-system: a created one is handed over without a delete (the read takes its URN and id); an existing one cannot become created", async () => {
  const deployed = await deployedOutputsOf(BASE); // istioSystem: create
  const created = expectRendered(await renderTopology(BASE)).evaluation.registrations.find((x) => x.type === NAMESPACE && x.name === "external-istio-system");
  assert.equal(created?.kind, "register");
  assert.equal(at(created.inputs, "metadata.name"), "istio-system", "a cluster-scoped object's id is its name");
  const handedOver = topologyConfig(BASE);
  (handedOver["istio-mesh:clusters"] as { external: Record<string, unknown> }).external.istioSystem = "existing";
  const { result } = await renderAgainst(deployed, handedOver);
  const { evaluation } = expectRendered(result);
  const read = evaluation.registrations.find((x) => x.type === NAMESPACE && x.urn === created.urn);
  assert.equal(read?.kind, "read", "the same URN, now a read: GenerateReadSteps relinquishes the created namespace");
  assert.equal(read.id, "istio-system", "and the same id, so the engine deletes nothing");
  assert.equal((expectRendered(result).rendered.outputs.deployedConfig as { istioSystem: string }).istioSystem, "existing");

  const existingDeployed = await deployedOutputsOf({ ...BASE });
  (existingDeployed.deployedConfig as { istioSystem: string }).istioSystem = "existing";
  const back = await renderAgainst(existingDeployed, topologyConfig(BASE));
  assert.deepEqual(refusal(back.result), [
    `${back.file}: clusters.external.istioSystem: is "create", but the deployed stack has "existing"; istio-system exists and the program cannot create it. Keep "existing" (docs/configuration.md: Immutable keys)`,
  ]);
});

test("a renamed cluster is refused: the external and config clusters by role, a further remote by its API server", async () => {
  const deployed = await deployedOutputsOf(BASE);
  const config = topologyConfig(BASE);
  const clusters = config["istio-mesh:clusters"] as { external: { name: string }; config: { name: string }; remotes: { name: string; apiServer: string }[] };
  clusters.external.name = "cp";
  clusters.config.name = "apps";
  clusters.remotes[1]!.name = "west";
  const { file, result } = await renderAgainst(deployed, config);
  const why = "a cluster's name is its Istio cluster ID and the identity of its provider";
  assert.deepEqual([...refusal(result)].sort(), [
    `${file}: clusters.config.name: is "apps", but the deployed stack has "config"; ${why}, so a new name would replace everything in that cluster. Keep "config" (docs/configuration.md: Immutable keys)`,
    `${file}: clusters.external.name: is "cp", but the deployed stack has "external"; ${why}, so a new name would replace everything in that cluster. Keep "external" (docs/configuration.md: Immutable keys)`,
    `${file}: clusters.remotes[1].name: is "west", but the deployed stack has "remote-002"; the cluster at ${clusters.remotes[1]!.apiServer} is deployed as "remote-002"; ${why}. Keep "remote-002", or remove the cluster in one \`pulumi up\` and add it under the new name in the next (docs/configuration.md: Immutable keys)`,
  ]);
});

test("without a deployed record (the offline render, a first deploy, an older stack) nothing is compared", async () => {
  const config = topologyConfig(BASE);
  config["istio-mesh:mesh"] = { id: "mesh1", controlPlaneNamespace: "istio-cp" };
  assert.ok((await renderAgainst({}, config)).result.ok, "a stack with no outputs");
  assert.ok((await renderAgainst({ EXTERNAL_ISTIOD_ADDR: "x" }, config)).result.ok, "a stack deployed before the record existed");
  assert.ok((await renderText(stringify({ config }))).ok, "the offline render has no previous state");
});
