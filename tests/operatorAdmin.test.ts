/**
 * Issue 15, the guide's two roles as two kinds of stack: an operator stack (the control plane) and admin stacks
 * (gateways and samples on a team's remote clusters) render, together, exactly the resources of the one-stack
 * mesh; the admin stacks take every control plane value from the operator stack's outputs; what an admin stack
 * cannot own is refused.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { readOperatorStack } from "../infra/adminProgram";
import { ConfigError } from "../infra/config/load";
import { program } from "../infra/program";
import { qualifiedStackName } from "../infra/stackNames";
import { evaluate } from "../render/evaluate";
import { keepingLogs } from "../render/run";
import { toRendered, type Rendered } from "../render/model";
import { topologyConfig } from "../render/topology";
import { expectRendered, ofType, RELEASE, renderConfig, renderShipped, type RenderInputs } from "./support/render";
import { liveMocks } from "./support/liveMocks";
import { OPERATOR_STACK, splitDifference, splitStackConfig } from "./support/split";

const STACK_REFERENCE = "pulumi:pulumi:StackReference";
const PROJECT_DIR = path.resolve(__dirname, "..");

const stackFileConfig = (file: string) => (parse(readFileSync(path.join(PROJECT_DIR, file), "utf8")) as { config: Record<string, unknown> }).config;

/** The operator render's `outputs`, as an admin render takes them (`--operator-outputs`). */
const outputsOf = (r: Rendered): Record<string, unknown> => JSON.parse(JSON.stringify(r.outputs)) as Record<string, unknown>;

function assertSameMesh(whole: Rendered, operator: Rendered, admins: readonly Rendered[], externalCluster: string) {
  assert.deepEqual(splitDifference(whole, [operator, ...admins]), { missing: [], extra: [], changed: [], duplicated: [] });
  for (const admin of admins) {
    const bound = admin.resources.filter((r) => r.cluster === externalCluster).map((r) => r.name);
    assert.deepEqual(bound, [], "no admin resource is bound to the external cluster");
  }
}

test("prod-operator and prod-apps render exactly the resources of prod", async () => {
  const whole = (await renderShipped("prod")).rendered;
  const operator = (await renderShipped("prod-operator")).rendered;
  const apps = (await renderShipped("prod-apps", { operatorOutputs: outputsOf(operator) })).rendered;
  assertSameMesh(whole, operator, [apps], "cp-eu-west");
  // The stack files describe the same mesh: the split files are the whole one, moved apart.
  const { operator: derived, admins } = splitStackConfig(stackFileConfig("Pulumi.prod.yaml"), [["apps-eu-west", "apps-us-east"]]);
  const shipped = stackFileConfig("Pulumi.prod-operator.yaml");
  assert.deepEqual(shipped, derived);
  const shippedApps = stackFileConfig("Pulumi.prod-apps.yaml");
  assert.deepEqual({ ...shippedApps, "istio-mesh:operatorStack": OPERATOR_STACK }, admins[0]);
});

/** Splits a generated mesh into an operator stack and a stack per team, renders all, and compares. */
async function renderSplit(whole: Record<string, unknown>, teams: string[][]) {
  const { operator, admins } = splitStackConfig(whole, teams);
  const wholeRender = expectRendered(await renderConfig(whole, "whole")).rendered;
  const operatorRender = expectRendered(await renderConfig(operator, "operator")).rendered;
  const inputs: RenderInputs = { operatorOutputs: outputsOf(operatorRender) };
  const adminRenders: Rendered[] = [];
  for (const [i, admin] of admins.entries()) adminRenders.push(expectRendered(await renderConfig(admin, `team${i}`, inputs)).rendered);
  return { wholeRender, operatorRender, adminRenders };
}

for (const [title, whole, teams] of [
  [
    "hostname mode, five remotes over three networks, samples, two teams",
    topologyConfig({ remoteClusters: 5, networks: 3, samples: true, protect: true }),
    [["config", "remote-002"], ["remote-001", "remote-003", "remote-004"]],
  ],
  [
    "loadBalancer mode (every address unknown until deployed), three remotes, samples, a team without the config cluster",
    topologyConfig({ remoteClusters: 3, mode: "loadBalancer", samples: true }),
    [["remote-001"], ["config", "remote-002"]],
  ],
  [
    "one network (no east-west gateways), a team per cluster, egress gateways",
    {
      ...topologyConfig({ remoteClusters: 3, networks: 1 }),
      "istio-mesh:clusters": {
        external: { name: "external", context: "ctx-external" },
        config: { name: "c1", context: "ctx-1", apiServer: "https://10.0.0.1:6443", network: "n1", gateways: { ingress: true, egress: true } },
        remotes: [
          { name: "c2", context: "ctx-2", apiServer: "https://10.0.0.2:6443", network: "n1", gateways: { egress: true } },
          { name: "c3", context: "ctx-3", apiServer: "https://10.0.0.3:6443", network: "n1" },
        ],
      },
    },
    [["c1"], ["c2"], ["c3"]],
  ],
] as const) {
  test(`operator and admin stacks render the whole mesh's resources: ${title}`, async () => {
    const { wholeRender, operatorRender, adminRenders } = await renderSplit(whole, teams.map((t) => [...t]));
    assertSameMesh(wholeRender, operatorRender, adminRenders, "external");
    const adminGateways = ofType(operatorRender, RELEASE).filter((r) => r.cluster !== "external" && /-istio-(ingress|egress)gateway$/.test(r.name));
    assert.deepEqual(adminGateways, [], "no admin gateway in the operator stack");
  });
}

test("a mesh mid-upgrade (a remote pinned one minor behind) splits too: the admin's charts follow each cluster's pinned version", async () => {
  const whole = stackFileConfig(path.join("tests", "fixtures", "stacks", "mixed-versions.yaml"));
  const { wholeRender, operatorRender, adminRenders } = await renderSplit(whole, [["cluster1", "cluster2", "cluster3"]]);
  assertSameMesh(wholeRender, operatorRender, adminRenders, "external");
  const ingress = adminRenders[0]!.resources.find((r) => r.name === "cluster2-istio-ingressgateway");
  assert.equal(ingress?.inputs.version, "1.28.10");
});

test("an admin stack's releases and samples take their version and namespace from the operator stack's outputs, not its own config", async () => {
  const operator = (await renderShipped("prod-operator")).rendered;
  const outputs = outputsOf(operator) as { remotes: Record<string, { namespace: string; istioVersion: string }> };
  // What only the operator's outputs can say: a namespace and a version the admin's stack file never names.
  outputs.remotes["apps-us-east"]!.namespace = "istio-cp-elsewhere";
  outputs.remotes["apps-us-east"]!.istioVersion = "1.27.4";
  const apps = (await renderShipped("prod-apps", { operatorOutputs: outputs })).rendered;
  const east = apps.resources.filter((r) => r.type === RELEASE && r.cluster === "apps-us-east");
  assert.equal(east.length, 2);
  for (const r of east) {
    assert.equal(r.inputs.version, "1.27.4", r.name);
    assert.equal(r.inputs.namespace, "istio-cp-elsewhere", r.name);
    const reference = apps.resources.find((x) => x.type === STACK_REFERENCE && x.name === "operator");
    assert.ok(reference && r.dependsOn.includes(reference.urn), `${r.name} waits for the operator stack's outputs`);
  }
  const west = apps.resources.filter((r) => r.type === RELEASE && r.cluster === "apps-eu-west");
  for (const r of west) assert.equal(r.inputs.version, "1.28.10", r.name);
  assert.deepEqual((apps.outputs.remotes as Record<string, unknown>)["apps-us-east"], {
    role: "remote",
    network: "network-us-east",
    namespace: "istio-cp-elsewhere",
    istioVersion: "1.27.4",
    controlPlaneRevision: "[unknown]",
    ingressGatewayAddress: "[unknown]",
  });
});

test("samples on an admin stack follow the operator's version of each cluster", async () => {
  const whole = topologyConfig({ remoteClusters: 2, samples: true });
  const { operator, admins } = splitStackConfig(whole, [["config", "remote-001"]]);
  const operatorRender = expectRendered(await renderConfig(operator, "operator")).rendered;
  const outputs = outputsOf(operatorRender) as { remotes: Record<string, { istioVersion: string }> };
  outputs.remotes.config!.istioVersion = "1.29.6";
  const admin = expectRendered(await renderConfig(admins[0]!, "team", { operatorOutputs: outputs })).rendered;
  const v1 = admin.resources.find((r) => r.name === "config-helloworld-v1");
  const image = (v1?.inputs as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template.spec.containers[0]!.image;
  assert.equal(image, "registry.istio.io/release/examples-helloworld-v1:1.0", "the 1.29 sample's registry");
});

test("without the operator's outputs an admin render shows the control plane values unknown", async () => {
  const apps = (await renderShipped("prod-apps")).rendered;
  const releases = ofType(apps, RELEASE);
  assert.equal(releases.length, 4);
  for (const r of releases) {
    assert.equal(r.inputs.version, "[unknown]", r.name);
    assert.equal(r.inputs.namespace, "[unknown]", r.name);
  }
  assert.equal(apps.outputs.EXTERNAL_ISTIOD_ADDR, "[unknown]");
});

test("the operator stack exports what admins need, per remote cluster, and nothing secret", async () => {
  const operator = (await renderShipped("prod-operator")).rendered;
  const outputs = operator.outputs as { stackKind: string; externalCluster: string; remotes: Record<string, Record<string, unknown>> };
  assert.equal(outputs.stackKind, "operator");
  assert.equal(outputs.externalCluster, "cp-eu-west");
  assert.deepEqual(Object.keys(outputs.remotes).sort(), ["apps-eu-west", "apps-us-east"]);
  for (const [name, remote] of Object.entries(outputs.remotes)) {
    for (const key of ["role", "network", "namespace", "istioVersion", "injectionUrl", "remoteSecretName", "controlPlaneRevision"]) {
      assert.ok(key in remote, `${name}.${key}`);
    }
    assert.equal(remote.namespace, "external-istiod");
  }
  assert.ok(!JSON.stringify(operator.outputs).includes("[secret]"), "no output is secret");
});

test("an admin stack registers no resource of the external cluster and no provider for it", async () => {
  const apps = (await renderShipped("prod-apps")).rendered;
  const clusters = new Set(apps.resources.map((r) => r.cluster).filter((c) => c !== null && c !== undefined));
  assert.deepEqual([...clusters].sort(), ["apps-eu-west", "apps-us-east"]);
});

/** An admin stack's refusal: the problems, and how much was registered before (only reads). */
async function refused(config: Record<string, unknown>, inputs: RenderInputs = {}) {
  const result = await renderConfig(config, "apps", inputs);
  assert.equal(result.ok, false, "refused");
  if (result.ok) return { problems: [] as readonly string[], registered: -1 };
  return { problems: result.problems, registered: result.registered };
}

const prodApps = () => stackFileConfig("Pulumi.prod-apps.yaml");
const prodOperatorOutputs = async () => outputsOf((await renderShipped("prod-operator")).rendered);

test("an admin stack refuses a remote the operator does not serve, the external cluster, and a cluster listed in the wrong role", async () => {
  const config = prodApps();
  const clusters = config["istio-mesh:clusters"] as { config: Record<string, unknown>; remotes: Record<string, unknown>[] };
  config["istio-mesh:clusters"] = {
    config: { ...clusters.config, name: "apps-us-east" },
    remotes: [
      { ...clusters.remotes[0], name: "apps-ap-south", context: "ctx-ap" },
      { name: "cp-eu-west", context: "ctx-cp" },
    ],
  };
  const { problems, registered } = await refused(config, { operatorOutputs: await prodOperatorOutputs() });
  const file = problems[0]?.split(":")[0];
  assert.deepEqual([...problems].sort(), [
    `${file}: clusters.config.name: "apps-us-east" is a further remote cluster of operator stack "prod-operator", not its config cluster: list it under clusters.remotes`,
    `${file}: clusters.remotes[0].name: "apps-ap-south" is not a remote cluster of operator stack "prod-operator" (it serves apps-eu-west, apps-us-east); ask the mesh operator to add it there first, or fix the name`,
    `${file}: clusters.remotes[1].name: "cp-eu-west" is the external cluster of operator stack "prod-operator"; an admin stack reaches only remote clusters: remove it`,
  ]);
  assert.equal(registered, 2, "only the reads of this stack's record and of the operator's outputs");
});

test("an admin stack whose operatorStack names a stack that is not an operator's, or one with other outputs, is refused", async () => {
  const whole = outputsOf((await renderShipped("prod")).rendered);
  const notOperator = await refused(prodApps(), { operatorOutputs: whole });
  assert.equal(notOperator.problems.length, 1);
  assert.match(notOperator.problems[0]!, /: operatorStack: "prod-operator" is not a mesh operator's stack: it has no stackKind output \(a whole mesh, or another program's stack\); name the stack deployed with stackKind: operator$/);

  const outputs = await prodOperatorOutputs();
  const malformed = await refused(prodApps(), { operatorOutputs: { ...outputs, remotes: { "apps-eu-west": { role: "leader" } } } });
  assert.equal(malformed.problems.length, 1);
  assert.match(malformed.problems[0]!, /: operatorStack: the outputs of operator stack "prod-operator" are not an operator stack's \(remotes\.apps-eu-west\.role: .*\); deploy it with this version of the program$/);
});

test("pulumi up of an admin stack refuses to run while its operator stack has no outputs; a preview warns and goes on", async () => {
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(prodApps())) config[k] = typeof v === "string" ? v : JSON.stringify(v);
  const run = (preview: boolean, stackOutputs: Record<string, Record<string, unknown>> = {}) =>
    evaluate({ project: "istio-mesh", stack: "prod-apps", config, secretKeys: [], program: () => program({ source: "Pulumi.prod-apps.yaml" }), preview, stackOutputs });
  await assert.rejects(run(false), (err: unknown) => {
    const message = String((err as { error?: unknown }).error ?? err);
    assert.match(message, /Pulumi\.prod-apps\.yaml: operatorStack: operator stack "prod-operator" has no outputs: it has not been deployed; deploy the operator stack first/);
    return true;
  });
  const { value: previewed, diagnostics } = await keepingLogs(() => run(true));
  assert.ok(previewed.registrations.some((r) => r.type === RELEASE), "the preview registers the admin's releases, with unknown values");
  assert.deepEqual(diagnostics, [
    'warning: Pulumi.prod-apps.yaml: operatorStack: operator stack "prod-operator" has no outputs yet, so its values are unknown in this preview; `pulumi up` of this stack refuses to run until it has: deploy the operator stack first (`pulumi up` there), then this stack (docs/operator-admin-stacks.md)',
  ]);
  // Outputs of an operator stack without what admins need: refused on `pulumi up` (a preview may meet unknowns).
  await assert.rejects(run(false, { "organization/istio-mesh/prod-operator": { stackKind: "operator", EXTERNAL_ISTIOD_ADDR: "istiod.mesh.acme.example" } }), (err: unknown) => {
    assert.match(String((err as { error?: unknown }).error ?? err), /operatorStack: the outputs of operator stack "prod-operator" lack externalCluster or remotes/);
    return true;
  });
});

test("a deployed stack cannot change its kind: the record says what it is", async () => {
  const whole = await renderShipped("prod");
  const deployed = { deployedConfig: whole.rendered.outputs.deployedConfig };
  const asOperator = await renderConfig(stackFileConfig("Pulumi.prod-operator.yaml"), "prod", { deployedOutputs: deployed });
  assert.equal(asOperator.ok, false);
  if (!asOperator.ok) {
    assert.equal(asOperator.problems.length, 1);
    assert.match(asOperator.problems[0]!, /: stackKind: is "operator", but the deployed stack is a whole mesh \("mesh"\); changing it would delete what the stack deploys now\. Keep "mesh"/);
  }
  const asAdmin = await renderConfig(prodApps(), "prod", { deployedOutputs: deployed });
  assert.equal(asAdmin.ok, false);
  if (!asAdmin.ok) assert.match(asAdmin.problems[0]!, /: stackKind: is "admin", but the deployed stack is a whole mesh/);
});

/** The operator stack's outputs after `pulumi up` (live mocks: tokens filled, releases deployed), kubeconfig as a secret. */
async function deployedOperator(overrides: Record<string, unknown> = {}): Promise<Rendered["outputs"]> {
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...stackFileConfig("Pulumi.prod-operator.yaml"), ...overrides })) {
    config[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  config["istio-mesh:kubeconfig"] = "apiVersion: v1\nkind: Config\n";
  const evaluation = await evaluate({
    project: "istio-mesh",
    stack: "prod-operator",
    config,
    secretKeys: ["istio-mesh:kubeconfig"],
    program: () => program({ source: "Pulumi.prod-operator.yaml" }),
    mocks: liveMocks(),
    preview: false,
  });
  return toRendered(evaluation).outputs;
}

const revisions = (outputs: Rendered["outputs"]) =>
  Object.fromEntries(Object.entries(outputs.remotes as Record<string, { controlPlaneRevision: string }>).map(([k, v]) => [k, v.controlPlaneRevision]));

test("the readiness marker: known and not secret once deployed, the same for the same control plane, new when it is redeployed", async () => {
  const first = await deployedOperator();
  assert.ok(!JSON.stringify(first).includes("[secret]"), "no output is secret, though the kubeconfig is");
  const marks = revisions(first);
  for (const [name, mark] of Object.entries(marks)) assert.match(mark, /^[0-9a-f]{16}$/, name);
  assert.notEqual(marks["apps-eu-west"], marks["apps-us-east"], "each cluster's own istiod is part of its marker");
  assert.deepEqual(revisions(await deployedOperator()), marks, "the same control plane, the same marker");
  // A rotation redeploys the external istiod (its kubeconfig annotation changes): every cluster's marker changes.
  const rotated = revisions(await deployedOperator({ "istio-mesh:remoteSecretRotation": "2026-12" }));
  for (const name of Object.keys(marks)) assert.notEqual(rotated[name], marks[name], name);
  // Only one further remote's istiod redeployed (pinned to another release): its marker changes, the others' do not.
  const clusters = stackFileConfig("Pulumi.prod-operator.yaml")["istio-mesh:clusters"] as { remotes: Record<string, unknown>[] };
  const pinned = revisions(await deployedOperator({ "istio-mesh:clusters": { ...clusters, remotes: [{ ...clusters.remotes[0], istioVersion: "1.27.4" }] } }));
  assert.equal(pinned["apps-eu-west"], marks["apps-eu-west"]);
  assert.notEqual(pinned["apps-us-east"], marks["apps-us-east"]);
});

test("operatorStack names are completed with this stack's organization and project, not left to the backend's default", async () => {
  assert.equal(qualifiedStackName("prod-operator", "acme", "istio-mesh"), "acme/istio-mesh/prod-operator");
  assert.equal(qualifiedStackName("platform/prod-operator", "acme", "istio-mesh"), "platform/istio-mesh/prod-operator");
  assert.equal(qualifiedStackName("platform/mesh/prod-operator", "acme", "istio-mesh"), "platform/mesh/prod-operator");
  assert.equal(qualifiedStackName("prod-operator", undefined, "istio-mesh"), "prod-operator", "an older CLI: left to the backend");
  const apps = (await renderShipped("prod-apps")).rendered;
  const reference = apps.resources.find((r) => r.type === STACK_REFERENCE && r.name === "operator");
  assert.equal(reference?.inputs.name, "organization/istio-mesh/prod-operator", "the render's backend organization");
});

test("an operator stack that cannot be read (none of that name, no access) is a config error at operatorStack", async () => {
  const cfg = { source: "Pulumi.prod-apps.yaml", operatorStack: "prod-operator" };
  // What the SDK's read rejects with when the engine cannot read the stack.
  const unreadable = () => Promise.reject(new Error("failed to read resource #prod-operator 'operator' [pulumi:pulumi:StackReference]: unknown stack"));
  await assert.rejects(readOperatorStack(cfg, unreadable), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.problems, [
      `Pulumi.prod-apps.yaml: operatorStack: cannot read stack "prod-operator" (failed to read resource #prod-operator 'operator' [pulumi:pulumi:StackReference]: unknown stack); check the name (<stack>, <organization>/<stack> or <organization>/<project>/<stack>), that the stack exists, and that this stack's Pulumi credentials may read it`,
    ]);
    return true;
  });
  const noOutputs = await readOperatorStack(cfg, () => Promise.resolve({}));
  assert.deepEqual(noOutputs, { kind: "none" });
});
