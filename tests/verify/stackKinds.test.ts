/**
 * The check planning of each kind of stack (docs/operator-admin-stacks.md), pure: the stack files and outputs of
 * `fake/mesh.ts`, readers over its healthy clusters in memory. Which clusters a stack reads, which checks it gets
 * and which it must not, and outputs that do not match the stack file.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import type { StackSettings } from "../../infra/config/validate";
import { operatorWebhookTarget } from "../../verify/adminPlan";
import type { Check } from "../../verify/check";
import { clustersToRead, planChecks } from "../../verify/plan";
import { loadStackSettings } from "../../verify/stackConfig";
import { matchOutputsToConfig, parseStackOutputs, type VerifyTarget } from "../../verify/stackOutputs";
import { UsageError } from "../../verify/usageError";
import { ADDR, CLUSTER1_INGRESS_LB, healthyClusters, NS, STACK_FILES, stackOutputs, type FakeStackKind } from "./fake/mesh";
import { memoryReaders, type ReadLog } from "./fake/readers";
import type { FakeCluster } from "./fake/kubeApi";

const ROOT = path.resolve(__dirname, "../..");
const HELLO_URL = "http://203.0.113.21/hello";
const dir = mkdtempSync(path.join(tmpdir(), "verify-kinds-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The settings of `kind`'s fake stack file, after `edit`, as `npm run verify` loads them. */
const fileOf = (kind: FakeStackKind) => path.join(dir, `Pulumi.${kind}.yaml`);

function settingsOf(kind: FakeStackKind, edit: (text: string) => string = (t) => t): StackSettings {
  const file = fileOf(kind);
  writeFileSync(file, edit(STACK_FILES[kind]));
  return loadStackSettings({ stack: kind, configFile: file, projectDir: ROOT });
}

type Outputs = Record<string, unknown> & { remotes: Record<string, Record<string, unknown>> };

function outputsOf(kind: FakeStackKind, edit: (o: Outputs) => void = () => {}): string {
  const outputs = structuredClone(stackOutputs(kind, HELLO_URL)) as Outputs;
  edit(outputs);
  return JSON.stringify(outputs);
}

function targetOf(settings: StackSettings, outputsText: string): VerifyTarget {
  return matchOutputsToConfig(settings, parseStackOutputs(outputsText, "outputs.json"), "outputs.json");
}

interface Plan {
  checks: Check[];
  log: ReadLog;
  clusters: Map<string, FakeCluster>;
}

/** The plan of `target` with readers of `readable` only (the clusters `clustersToRead` names, by default). */
function plan(target: VerifyTarget, readable = clustersToRead(target.config).map((c) => c.name)): Plan {
  const clusters = healthyClusters();
  const log: ReadLog = { reads: [] };
  const checks = planChecks({
    target,
    readers: memoryReaders(clusters, log, readable),
    probeHelloworld: () => Promise.resolve(["v1", "v2"].map((v) => ({ status: 200, body: `Hello version: ${v}, instance: helloworld-${v}-1` }))),
  });
  return { checks, log, clusters };
}

const labels = (checks: readonly Check[]) => checks.map((c) => `${c.cluster}: ${c.name}`);

/** Runs every check once: the healthy mesh must pass all of them. */
async function failuresOf(checks: readonly Check[]): Promise<string[]> {
  const results = await Promise.all(checks.map(async (c) => ({ c, r: await c.attempt() })));
  return results.flatMap(({ c, r }) => (r.ok ? [] : [`${c.cluster}: ${c.name}: ${r.reason}`]));
}

const readClusters = (log: ReadLog) => [...new Set(log.reads.map((r) => r.split(" ")[0]))].sort();

describe("which clusters a stack reads", () => {
  test("a whole mesh and an operator stack: the external cluster and every remote, through their contexts", () => {
    const all = [
      { name: "external", context: "ctx-external" },
      { name: "cluster1", context: "ctx-cluster1" },
      { name: "cluster2", context: "ctx-cluster2" },
    ];
    assert.deepEqual(clustersToRead(settingsOf("mesh")), all);
    assert.deepEqual(clustersToRead(settingsOf("operator")), all);
  });

  test("an admin stack: the team's clusters only, never the external cluster", () => {
    assert.deepEqual(clustersToRead(settingsOf("admin")), [
      { name: "cluster1", context: "ctx-cluster1" },
      { name: "cluster2", context: "ctx-cluster2" },
    ]);
    const remotesOnly = settingsOf("admin", (t) => t.replace(/ {4}config:\n(?: {6}.*\n)+/, "").replace("istio-mesh:samples: true", "istio-mesh:samples: false"));
    assert.deepEqual(clustersToRead(remotesOnly), [{ name: "cluster2", context: "ctx-cluster2" }]);
  });
});

describe("an operator stack's checks", () => {
  const target = () => targetOf(settingsOf("operator"), outputsOf("operator"));

  test("the external cluster and the control plane's parts in every remote, all passing on the healthy mesh", async () => {
    const { checks, log } = plan(target());
    assert.deepEqual(labels(checks), [
      "external: istiod pods ready in istio-system",
      "external: istio-ingressgateway pods ready in istio-system",
      "external: gateway istio-system/istio-ingressgateway",
      `external: istiod pods ready in ${NS}`,
      "external: remote secret istio-kubeconfig (cluster1)",
      "external: remote secret istio-remote-secret-cluster2 (cluster2)",
      "external: the external istiod reads cluster2",
      "external: Istio version 1.28.10",
      `cluster1: injection webhook istio-sidecar-injector-${NS}`,
      `cluster1: validating webhooks istio-validator-${NS}, istiod-default-validator`,
      `cluster1: gateway ${NS}/istio-eastwestgateway`,
      "cluster1: Istio version 1.28.10, CRDs 1.28.10",
      `cluster2: injection webhook istio-sidecar-injector-${NS}`,
      "cluster2: no validating webhooks (not the config cluster)",
      `cluster2: gateway ${NS}/istio-eastwestgateway`,
      "cluster2: Istio version 1.28.10",
    ]);
    assert.deepEqual(await failuresOf(checks), []);
    assert.deepEqual(readClusters(log), ["cluster1", "cluster2", "external"]);
    // Nothing of the mesh admins' is read: their gateways, the sample namespace.
    assert.deepEqual(
      log.reads.filter((r) => /istio-(ingress|egress)gateway|sample/.test(r) && !r.includes("istio-system")),
      [],
    );
  });

  test("no ingress or egress gateway, sample or helloworld check, even from a config that has them", () => {
    const t = target();
    assert.equal(t.kind, "operator");
    // What validation never lets through for an operator stack: the plan must not rely on it.
    const cfg = t.config;
    cfg.configCluster.gateways = { ingress: true, egress: true };
    cfg.remotes[0]!.gateways = { ingress: true, egress: true };
    cfg.samples = true;
    const names = labels(plan(t).checks);
    assert.deepEqual(
      names.filter((n) => /istio-ingressgateway|istio-egressgateway|sample|hello/.test(n) && !n.startsWith("external:")),
      [],
    );
  });

  test("a whole mesh's plan of the same clusters has those checks (the contrast)", () => {
    const names = labels(plan(targetOf(settingsOf("mesh"), outputsOf("mesh"))).checks);
    for (const expected of [
      `cluster1: gateway ${NS}/istio-ingressgateway`,
      `cluster1: gateway ${NS}/istio-egressgateway`,
      "cluster2: sample pods helloworld-v2 running with sidecar",
      "cluster1: GET /hello through the ingress gateway answers v1, v2",
    ]) {
      assert.ok(names.includes(expected), expected);
    }
  });
});

describe("an admin stack's checks", () => {
  const target = (edit?: (o: Outputs) => void, editStack?: (t: string) => string) => targetOf(settingsOf("admin", editStack), outputsOf("admin", edit));

  test("the team's gateways, samples, helloworld and the operator's injection webhook, all passing on the healthy mesh", async () => {
    const { checks, log } = plan(target(), ["cluster1", "cluster2"]);
    assert.deepEqual(labels(checks), [
      `cluster1: operator's injection webhook istio-sidecar-injector-${NS}`,
      `cluster1: gateway ${NS}/istio-ingressgateway`,
      `cluster1: gateway ${NS}/istio-egressgateway`,
      "cluster1: sample pods helloworld-v1 running with sidecar",
      "cluster1: sample pods sleep running with sidecar",
      `cluster2: operator's injection webhook istio-sidecar-injector-${NS}`,
      "cluster2: sample pods helloworld-v2 running with sidecar",
      "cluster2: sample pods sleep running with sidecar",
      "cluster1: GET /hello through the ingress gateway answers v1, v2",
    ]);
    assert.deepEqual(await failuresOf(checks), []);
    assert.deepEqual(readClusters(log), ["cluster1", "cluster2"]);
  });

  test("it never plans a read of the external cluster: no reader for it is needed", () => {
    // planChecks throws "no reader for cluster external" on a plan that would read it.
    assert.ok(plan(target(), ["cluster1", "cluster2"]).checks.every((c) => c.cluster !== "external"));
  });

  test("the gateways' namespace comes from the outputs", async () => {
    const { checks } = plan(
      target((o) => {
        for (const r of Object.values(o.remotes)) r.namespace = "istio-gateways";
      }),
    );
    const gateway = checks.find((c) => c.name.startsWith("gateway "))!;
    assert.equal(gateway.name, "gateway istio-gateways/istio-ingressgateway");
    assert.deepEqual(await gateway.attempt(), {
      ok: false,
      reason: "Deployment istio-gateways/istio-ingressgateway not found; Service istio-gateways/istio-ingressgateway not found",
    });
  });

  test("the ingress gateway's address must be the one the outputs recorded", async () => {
    const { checks } = plan(
      target((o) => {
        o.remotes.cluster1!.ingressGatewayAddress = "203.0.113.99";
      }),
    );
    const gateway = checks.find((c) => c.name === `gateway ${NS}/istio-ingressgateway`)!;
    assert.deepEqual(await gateway.attempt(), {
      ok: false,
      reason: `Service ${NS}/istio-ingressgateway has load-balancer address ${CLUSTER1_INGRESS_LB} but stack output remotes.cluster1.ingressGatewayAddress is 203.0.113.99 (run pulumi refresh, then pulumi up)`,
    });
  });

  test("the injection webhook must call EXTERNAL_ISTIOD_ADDR, for this cluster", async () => {
    const moved = plan(
      target((o) => {
        o.EXTERNAL_ISTIOD_ADDR = "istiod.new.example.com";
      }),
    );
    const webhook = (p: Plan, cluster: string) => p.checks.find((c) => c.cluster === cluster && c.name.startsWith("operator's injection webhook"))!;
    assert.deepEqual(await webhook(moved, "cluster2").attempt(), {
      ok: false,
      reason: `webhook clientConfig.url points at https://${ADDR}:15017 but EXTERNAL_ISTIOD_ADDR is istiod.new.example.com`,
    });
    // cluster2's webhook configuration copied onto cluster1: it injects with the wrong cluster ID.
    const swapped = plan(target());
    swapped.clusters.get("cluster1")!.mutatingWebhookConfigurations = swapped.clusters.get("cluster2")!.mutatingWebhookConfigurations;
    assert.deepEqual(await webhook(swapped, "cluster1").attempt(), {
      ok: false,
      reason: "webhook clientConfig.url path is /inject/cluster/cluster2/net/network2, expected /inject/cluster/cluster1/net/network1",
    });
    // The operator's outputs put cluster2 on another network than its webhook injects for.
    const renetworked = plan(
      target((o) => {
        o.remotes.cluster2!.network = "network9";
      }),
    );
    assert.deepEqual(await webhook(renetworked, "cluster2").attempt(), {
      ok: false,
      reason: "webhook clientConfig.url path is /inject/cluster/cluster2/net/network2, expected /inject/cluster/cluster2/net/network9",
    });
  });

  test("the exposure mode follows from EXTERNAL_ISTIOD_ADDR: an IP is loadBalancer mode (the in-cluster istiod Service)", () => {
    assert.deepEqual(operatorWebhookTarget(ADDR, NS), { mode: "hostname", address: ADDR });
    assert.deepEqual(operatorWebhookTarget("203.0.113.10", NS), { mode: "loadBalancer", namespace: NS });
  });

  test("without the config cluster: no helloworld; without samples: no sample checks", () => {
    const remotesOnly = (t: string) => t.replace(/ {4}config:\n(?: {6}.*\n)+/, "");
    const noConfig = labels(plan(target((o) => delete o.remotes.cluster1, remotesOnly)).checks);
    assert.deepEqual(noConfig, [
      `cluster2: operator's injection webhook istio-sidecar-injector-${NS}`,
      "cluster2: sample pods helloworld-v2 running with sidecar",
      "cluster2: sample pods sleep running with sidecar",
    ]);
    const noSamples = labels(plan(target(undefined, (t) => t.replace("istio-mesh:samples: true", "istio-mesh:samples: false"))).checks);
    assert.deepEqual(noSamples, [
      `cluster1: operator's injection webhook istio-sidecar-injector-${NS}`,
      `cluster1: gateway ${NS}/istio-ingressgateway`,
      `cluster1: gateway ${NS}/istio-egressgateway`,
      `cluster2: operator's injection webhook istio-sidecar-injector-${NS}`,
    ]);
  });
});

describe("outputs that do not match the stack file", () => {
  function mismatch(settings: StackSettings, outputsText: string): string {
    try {
      targetOf(settings, outputsText);
    } catch (err) {
      assert.ok(err instanceof UsageError, String(err));
      return err.message;
    }
    assert.fail("the outputs were accepted");
  }

  test("outputs of another kind of stack name both kinds", () => {
    assert.equal(
      mismatch(settingsOf("mesh"), outputsOf("operator")),
      `the stack outputs (outputs.json) have stackKind operator (a mesh operator's stack), but ${fileOf("mesh")} is a whole mesh's stack (stackKind: mesh): ` +
        "are they the outputs of another stack? Pass this stack's outputs, or run `pulumi up` first",
    );
    assert.match(mismatch(settingsOf("admin"), outputsOf("mesh")), /have no stackKind output \(a whole mesh's\), but \S+Pulumi\.admin\.yaml is a mesh admins' stack \(stackKind: admin\)/);
    assert.match(mismatch(settingsOf("operator"), outputsOf("admin")), /have stackKind admin .* but \S+Pulumi\.operator\.yaml is a mesh operator's stack/);
  });

  test("an unknown stackKind, or an admin's outputs without their fields, are not this program's", () => {
    assert.throws(
      () => parseStackOutputs(outputsOf("admin", (o) => (o.stackKind = "workloads")), "outputs.json"),
      /not those of this program: stackKind is "workloads", expected "operator", "admin" or none \(a whole mesh\)/,
    );
    assert.throws(
      () => parseStackOutputs(outputsOf("admin", (o) => delete o.remotes.cluster1!.namespace), "outputs.json"),
      /not those of this program \(a mesh admins' stack, by their stackKind\):\n {2}remotes\.cluster1\.namespace: /,
    );
  });

  test("an admin stack: every cluster of the file in the outputs, at its role, no other, and the same operator stack", () => {
    const message = mismatch(
      settingsOf("admin"),
      outputsOf("admin", (o) => {
        o.operatorStack = "other-operator";
        o.remotes.cluster3 = { ...o.remotes.cluster2!, role: "remote" };
        o.remotes.cluster1!.role = "remote";
        delete o.remotes.cluster2;
      }),
    );
    assert.equal(
      message,
      `the stack outputs (outputs.json) do not match ${fileOf("admin")}; run \`pulumi up\` first:\n` +
        "  operatorStack is other-operator, but the config's operatorStack is test-operator\n" +
        "  remotes.cluster1.role is remote, but the config lists cluster1 under clusters.config\n" +
        "  remotes has no cluster cluster2\n" +
        "  remotes has cluster cluster3, which the config does not list",
    );
  });

  test("an operator stack: its external cluster, each remote's network, role and namespace, no other cluster", () => {
    const message = mismatch(
      settingsOf("operator"),
      outputsOf("operator", (o) => {
        o.externalCluster = "old-external";
        o.remotes.cluster2!.network = "network9";
        o.remotes.cluster2!.role = "config";
        o.remotes.cluster1!.namespace = "istio-system";
        o.remotes.cluster3 = { ...o.remotes.cluster2! };
      }),
    );
    assert.equal(
      message,
      `the stack outputs (outputs.json) do not match ${fileOf("operator")}; run \`pulumi up\` first:\n` +
        "  externalCluster is old-external, but the config's clusters.external.name is external\n" +
        `  remotes.cluster1.namespace is istio-system, but the config's mesh.controlPlaneNamespace is ${NS}\n` +
        "  remotes.cluster2.network is network9, but the config says network2\n" +
        "  remotes.cluster2.role is config, but the config lists cluster2 under clusters.remotes\n" +
        "  remotes has cluster cluster3, which the config does not list",
    );
  });
});
