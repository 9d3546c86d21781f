/**
 * The checks of a stack running two revisions (issue 24, docs/verify.md "Revisions"), planned from its outputs and
 * run once against readers over the fake clusters of `fake/revisionMesh.ts`: the stable `default` at 1.29.6 and the
 * canary `1-30-3` at 1.30.3 with a tag, in hostname and in loadBalancer mode. Healthy, every check passes; each
 * failure an upgrade leaves behind fails its own check, naming the revision, the cluster and the fix.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import type { Check } from "../../verify/check";
import { addressChecks } from "../../verify/addressPlan";
import { planChecks } from "../../verify/plan";
import { loadStackSettings } from "../../verify/stackConfig";
import { matchOutputsToConfig, parseStackOutputs, type VerifyTarget } from "../../verify/stackOutputs";
import { UsageError } from "../../verify/usageError";
import { startFakeControlPlaneAddress } from "./fake/controlPlaneAddress";
import type { FakeCluster } from "./fake/kubeApi";
import { ADDR, CONTROL_PLANE_LB, ISTIO_VERSION, NS, OPERATOR_STACK_FILE, stackOutputs } from "./fake/mesh";
import {
  appPod,
  CANARY,
  CANARY_HOST,
  CANARY_REV,
  CANARY_SVC,
  namespace,
  remoteWebhooks,
  revisionClusters,
  revisionOutputs,
  revisionStackFile,
  START,
  TAG,
  type Mode,
  type RevisionState,
} from "./fake/revisionMesh";
import { memoryReaders, type ReadLog } from "./fake/readers";

const ROOT = path.resolve(__dirname, "../..");
const HELLO_URL = "http://203.0.113.21/hello";
const dir = mkdtempSync(path.join(tmpdir(), "verify-revisions-"));
after(() => rmSync(dir, { recursive: true, force: true }));

type Outputs = Record<string, unknown>;

function targetOf(mode: Mode, state: RevisionState = START, edit: (o: Outputs) => void = () => {}): VerifyTarget {
  const file = path.join(dir, `Pulumi.${mode}.yaml`);
  writeFileSync(file, revisionStackFile(mode));
  const settings = loadStackSettings({ stack: mode, configFile: file, projectDir: ROOT });
  const outputs = revisionOutputs(mode, HELLO_URL, state);
  edit(outputs);
  return matchOutputsToConfig(settings, parseStackOutputs(JSON.stringify(outputs), "outputs.json"), "outputs.json");
}

interface Plan {
  checks: Check[];
  clusters: Map<string, FakeCluster>;
}

function plan(mode: Mode, state: RevisionState = START, edit?: (o: Outputs) => void): Plan {
  const clusters = revisionClusters(mode, state);
  const log: ReadLog = { reads: [] };
  const checks = planChecks({
    target: targetOf(mode, state, edit),
    readers: memoryReaders(clusters, log),
    probeHelloworld: () => Promise.resolve(["v1", "v2"].map((v) => ({ status: 200, body: `Hello version: ${v}, instance: helloworld-${v}-1` }))),
  });
  return { checks, clusters };
}

const labels = (checks: readonly Check[]) => checks.map((c) => `${c.cluster}: ${c.name}`);

async function failuresOf(checks: readonly Check[]): Promise<string[]> {
  const results = await Promise.all(checks.map(async (c) => ({ c, r: await c.attempt() })));
  return results.flatMap(({ c, r }) => (r.ok ? [] : [`${c.cluster}: ${c.name}: ${r.reason}`]));
}

const cluster = (p: Plan, name: string): FakeCluster => p.clusters.get(name)!;
const canaryWebhook = `istio-sidecar-injector-${CANARY_REV}-${NS}`;
const tagWebhook = `istio-revision-tag-${TAG}-${NS}`;
const NAMESPACES = "injected namespaces: revision and proxy versions";

/** The one check named `name` on `clusterName`. */
function checkOf(p: Plan, clusterName: string, name: string): Check {
  const found = p.checks.find((c) => c.cluster === clusterName && c.name === name);
  assert.ok(found, `no check "${clusterName}: ${name}" in:\n${labels(p.checks).join("\n")}`);
  return found;
}

for (const mode of ["hostname", "loadBalancer"] as const) {
  describe(`two revisions (default at 1.29.6, canary ${CANARY_REV}), ${mode} mode`, () => {
    test("healthy: per revision its istiod, per remote its webhook and the tag's, per remote the namespaces; all pass", async () => {
      const p = plan(mode);
      const names = labels(p.checks);
      for (const expected of [
        `external: revision default (stable, default): istiod pods ready in ${NS}, at 1.29.6`,
        `external: revision ${CANARY_REV} (canary): istiod-${CANARY_REV} pods ready in ${NS}, at ${CANARY}`,
        "external: Istio version 1.29.6",
        `cluster1: injection webhook istio-sidecar-injector-${NS}`,
        `cluster1: revision ${CANARY_REV} (canary): injection webhook ${canaryWebhook}`,
        `cluster1: revision tag ${TAG} -> ${CANARY_REV}: webhook ${tagWebhook}`,
        `cluster1: Istio version 1.29.6, CRDs ${CANARY}`,
        `cluster1: ${NAMESPACES}`,
        `cluster2: revision ${CANARY_REV} (canary): injection webhook ${canaryWebhook}`,
        `cluster2: revision tag ${TAG} -> ${CANARY_REV}: webhook ${tagWebhook}`,
        `cluster2: ${NAMESPACES}`,
      ]) {
        assert.ok(names.includes(expected), `missing "${expected}" in:\n${names.join("\n")}`);
      }
      // The single istiod's check of a stack without revisions is replaced by one per revision.
      assert.ok(!names.includes(`external: istiod pods ready in ${NS}`));
      assert.deepEqual(await failuresOf(p.checks), []);
      assert.deepEqual(await checkOf(p, "cluster1", NAMESPACES).attempt(), {
        ok: true,
        detail: "sample: revision default (istio-injection=enabled), proxies 1.29.6; shop: revision 1-30-3 (istio.io/rev=prod-stable, a revision tag), proxies 1.30.3",
      });
      assert.deepEqual(await checkOf(p, "cluster2", NAMESPACES).attempt(), {
        ok: true,
        detail: "beta: revision 1-30-3 (istio.io/rev=1-30-3), proxies 1.30.3; sample: revision default (istio-injection=enabled), proxies 1.29.6",
      });
    });

    test("a missing canary webhook fails that cluster's check of it, and only that", async () => {
      const p = plan(mode);
      const mwcs = cluster(p, "cluster2").mutatingWebhookConfigurations;
      mwcs.splice(mwcs.findIndex((m) => m.metadata.name === canaryWebhook), 1);
      assert.deepEqual(await failuresOf(p.checks), [
        `cluster2: revision ${CANARY_REV} (canary): injection webhook ${canaryWebhook}: MutatingWebhookConfiguration ${canaryWebhook} not found: ` +
          `namespaces and pods labelled for it in this cluster are not injected (is revision ${CANARY_REV}'s istiod-${CANARY_REV} release installed here?)`,
      ]);
    });

    test("a canary webhook calling the stable revision fails, naming both", async () => {
      const p = plan(mode);
      const stable = remoteWebhooks(mode, "cluster1", "network1", START).find((m) => m.metadata.name === `istio-sidecar-injector-${NS}`)!;
      const canary = cluster(p, "cluster1").mutatingWebhookConfigurations.find((m) => m.metadata.name === canaryWebhook)!;
      const stableConfig = (stable.webhooks as { clientConfig: unknown }[])[0]!.clientConfig;
      for (const w of canary.webhooks as { clientConfig: unknown }[]) w.clientConfig = stableConfig;
      const reason =
        mode === "hostname"
          ? `webhook clientConfig.url points at https://${ADDR}:15017 but revision ${CANARY_REV}'s address is ${CANARY_HOST}`
          : `webhook calls Service ${NS}/istiod, expected ${NS}/istiod-${CANARY_REV}`;
      assert.deepEqual(await failuresOf(p.checks), [`cluster1: revision ${CANARY_REV} (canary): injection webhook ${canaryWebhook}: ${reason}`]);
    });

    test("a namespace labelled for a tag that does not exist fails: its pods are not injected", async () => {
      const p = plan(mode);
      cluster(p, "cluster1").namespaces.push(namespace("legacy", { "istio.io/rev": "prod-canary" }));
      assert.deepEqual(await failuresOf(p.checks), [
        `cluster1: ${NAMESPACES}: namespace legacy is labelled istio.io/rev=prod-canary, which names no running revision (default, ${CANARY_REV}) nor revision tag (${TAG}): ` +
          "no webhook injects it, pods created there get no proxy; label it for one of them",
      ]);
    });

    test("after the tag moved, pods not yet restarted run the old proxy: named, with the restart", async () => {
      const p = plan(mode);
      const shop = cluster(p, "cluster1").pods.filter((pod) => pod.metadata.namespace === "shop");
      const stale = shop.map((pod) => appPod("shop", pod.metadata.name, "1.29.6"));
      cluster(p, "cluster1").pods = [...cluster(p, "cluster1").pods.filter((pod) => pod.metadata.namespace !== "shop"), ...stale];
      assert.deepEqual(await failuresOf(p.checks), [
        `cluster1: ${NAMESPACES}: namespace shop is labelled for revision ${CANARY_REV} at ${CANARY} (istio.io/rev=${TAG}, a revision tag), but ` +
          "shop/cart-5d8f6c7b9-x2v4n, shop/orders-7f6d5c4b3-k8m2p run proxy 1.29.6 (revision default's version: they still use its istiod): " +
          `restart them to have revision ${CANARY_REV} inject them (kubectl rollout restart deployment -n shop)`,
      ]);
    });

    test("a tag the outputs moved but whose webhook still calls the old revision fails in every remote", async () => {
      const p = plan(mode);
      for (const [name, network] of [
        ["cluster1", "network1"],
        ["cluster2", "network2"],
      ] as const) {
        const old = remoteWebhooks(mode, name, network, { ...START, tagTarget: "default" }).find((m) => m.metadata.name === tagWebhook)!;
        const c = cluster(p, name);
        c.mutatingWebhookConfigurations = [...c.mutatingWebhookConfigurations.filter((m) => m.metadata.name !== tagWebhook), old];
      }
      const failures = await failuresOf(p.checks);
      assert.equal(failures.length, 2);
      for (const [i, name] of ["cluster1", "cluster2"].entries()) {
        assert.ok(failures[i]!.startsWith(`${name}: revision tag ${TAG} -> ${CANARY_REV}: webhook ${tagWebhook}: MutatingWebhookConfiguration ${tagWebhook} is labelled istio.io/rev=default, expected ${CANARY_REV}; `), failures[i]);
      }
    });

    test("the canary's istiod not ready, or at another version, fails its revision's check", async () => {
      const p = plan(mode);
      const external = cluster(p, "external");
      const canaryPod = external.pods.find((pod) => pod.metadata.labels?.["istio.io/rev"] === CANARY_REV)!;
      (canaryPod.spec as { containers: { image: string }[] }).containers[0]!.image = "docker.io/istio/pilot:1.30.2";
      const name = `external: revision ${CANARY_REV} (canary): istiod-${CANARY_REV} pods ready in ${NS}, at ${CANARY}`;
      assert.deepEqual(await failuresOf(p.checks), [
        `${name}: pod ${NS}/${canaryPod.metadata.name} runs 1.30.2 (image docker.io/istio/pilot:1.30.2), expected ${CANARY} (revision ${CANARY_REV}'s version)`,
      ]);
      external.pods = external.pods.filter((pod) => pod !== canaryPod);
      assert.deepEqual(await failuresOf(p.checks), [
        `${name}: Deployment ${NS}/istiod-${CANARY_REV}: no pod with labels app=istiod,istio.io/rev=${CANARY_REV} in namespace ${NS}`,
      ]);
    });

    test("promoted (the canary is the default revision): the unrevisioned webhooks and the default validator call it", async () => {
      const promoted: RevisionState = { defaultRevision: CANARY_REV, tagTarget: CANARY_REV };
      const p = plan(mode, promoted);
      assert.ok(labels(p.checks).includes(`external: revision ${CANARY_REV} (canary, default): istiod-${CANARY_REV} pods ready in ${NS}, at ${CANARY}`));
      assert.deepEqual(await failuresOf(p.checks), []);
      // The unrevisioned injector left on the stable revision.
      const before = remoteWebhooks(mode, "cluster2", "network2", START).find((m) => m.metadata.name === `istio-sidecar-injector-${NS}`)!;
      const c = cluster(p, "cluster2");
      c.mutatingWebhookConfigurations = [...c.mutatingWebhookConfigurations.filter((m) => m.metadata.name !== `istio-sidecar-injector-${NS}`), before];
      const failures = await failuresOf(p.checks);
      if (mode === "hostname") {
        assert.deepEqual(failures, [
          `cluster2: injection webhook istio-sidecar-injector-${NS}: webhook clientConfig.url points at https://${ADDR}:15017 but the default revision ${CANARY_REV}'s address is ${CANARY_HOST}`,
        ]);
      } else {
        // loadBalancer mode: Service istiod either way; the control plane gateway routes it to the default revision.
        assert.deepEqual(failures, []);
      }
    });
  });
}

describe("a mesh operator's stack", () => {
  test("gets the revision checks from its own revisions outputs, without the mesh admins' parts", async () => {
    const file = path.join(dir, "Pulumi.operator.yaml");
    writeFileSync(file, OPERATOR_STACK_FILE.replace(`version: ${ISTIO_VERSION}`, "version: 1.29.6"));
    const settings = loadStackSettings({ stack: "operator", configFile: file, projectDir: ROOT });
    const { revisions, revisionTags } = revisionOutputs("hostname", HELLO_URL);
    const outputs = { ...stackOutputs("operator", HELLO_URL), revisions, revisionTags };
    const target = matchOutputsToConfig(settings, parseStackOutputs(JSON.stringify(outputs), "outputs.json"), "outputs.json");
    const clusters = revisionClusters("hostname");
    const checks = planChecks({ target, readers: memoryReaders(clusters, { reads: [] }), probeHelloworld: () => Promise.resolve([]) });
    const names = labels(checks);
    assert.deepEqual(
      names.filter((n) => /revision|namespaces/.test(n)),
      [
        `external: revision default (stable, default): istiod pods ready in ${NS}, at 1.29.6`,
        `external: revision ${CANARY_REV} (canary): istiod-${CANARY_REV} pods ready in ${NS}, at ${CANARY}`,
        `cluster1: revision ${CANARY_REV} (canary): injection webhook ${canaryWebhook}`,
        `cluster1: revision tag ${TAG} -> ${CANARY_REV}: webhook ${tagWebhook}`,
        `cluster1: ${NAMESPACES}`,
        `cluster2: revision ${CANARY_REV} (canary): injection webhook ${canaryWebhook}`,
        `cluster2: revision tag ${TAG} -> ${CANARY_REV}: webhook ${tagWebhook}`,
        `cluster2: ${NAMESPACES}`,
      ],
    );
    assert.ok(!names.some((n) => /sample|hello/.test(n)));
    assert.deepEqual(await failuresOf(checks), []);
  });
});

describe("loadBalancer mode only", () => {
  test("a canary webhook without the CA bundle its istiod patches in, or on another port, fails", async () => {
    const p = plan("loadBalancer");
    const canary = cluster(p, "cluster2").mutatingWebhookConfigurations.find((m) => m.metadata.name === canaryWebhook)!;
    for (const w of canary.webhooks as { clientConfig: { caBundle?: string } }[]) delete w.clientConfig.caBundle;
    assert.deepEqual(await failuresOf(p.checks), [
      `cluster2: revision ${CANARY_REV} (canary): injection webhook ${canaryWebhook}: webhook has no caBundle yet: the external istiod patches it once it reads this cluster (check its remote secret and the istiod logs)`,
    ]);
    for (const w of canary.webhooks as { clientConfig: { caBundle?: string; service: { port: number } } }[]) {
      w.clientConfig = { ...w.clientConfig, caBundle: "LS0t", service: { ...w.clientConfig.service, port: 15017 } };
    }
    assert.deepEqual(await failuresOf(p.checks), [
      `cluster2: revision ${CANARY_REV} (canary): injection webhook ${canaryWebhook}: webhook clientConfig.service.port is 15017, expected 443`,
    ]);
  });

  test("promoted: istiod-default-validator still on Service istiod fails (base renders it on istiod-<rev>)", async () => {
    const p = plan("loadBalancer", { defaultRevision: CANARY_REV, tagTarget: CANARY_REV });
    const validator = cluster(p, "cluster1").validatingWebhookConfigurations.find((v) => v.metadata.name === "istiod-default-validator")!;
    for (const w of validator.webhooks as { clientConfig: { service: { name: string } } }[]) w.clientConfig.service.name = "istiod";
    assert.deepEqual(await failuresOf(p.checks), [
      `cluster1: validating webhooks istio-validator-${NS}, istiod-default-validator: webhook calls Service ${NS}/istiod, expected ${NS}/istiod-${CANARY_REV}`,
    ]);
  });
});

describe("outputs without revisions, and revisions that do not fit", () => {
  test("without revisions and revisionTags (deployed before them): the checks of a single istiod, as before", () => {
    const p = plan("hostname", START, (o) => {
      delete o.revisions;
      delete o.revisionTags;
    });
    const names = labels(p.checks);
    assert.ok(names.includes(`external: istiod pods ready in ${NS}`));
    assert.deepEqual(
      names.filter((n) => /revision|injected namespaces/.test(n)),
      [],
    );
  });

  test("the old revision removed (the stable is a named revision, no `default`): its own Deployment and webhook, the unrevisioned ones as its pointer", () => {
    const p = plan("hostname", START, (o) => {
      o.revisions = { [CANARY_REV]: { version: "1.29.6", role: "stable", isDefault: true, address: ADDR } };
      o.revisionTags = {};
    });
    assert.deepEqual(
      labels(p.checks).filter((n) => /: revision |injection webhook|pods ready in external-istiod/.test(n)),
      [
        `external: revision ${CANARY_REV} (stable, default): istiod-${CANARY_REV} pods ready in ${NS}, at 1.29.6`,
        `cluster1: injection webhook istio-sidecar-injector-${NS}`,
        `cluster1: revision ${CANARY_REV} (stable, default): injection webhook ${canaryWebhook}`,
        `cluster1: ${NAMESPACES}`,
        `cluster2: injection webhook istio-sidecar-injector-${NS}`,
        `cluster2: revision ${CANARY_REV} (stable, default): injection webhook ${canaryWebhook}`,
        `cluster2: ${NAMESPACES}`,
      ],
    );
  });

  function refused(edit: (o: Outputs) => void): string {
    try {
      targetOf("hostname", START, edit);
    } catch (err) {
      assert.ok(err instanceof UsageError, String(err));
      return err.message;
    }
    assert.fail("the outputs were accepted");
  }

  test("two default revisions, or a tag naming no revision, are not this program's outputs", () => {
    assert.match(
      refused((o) => ((o.revisions as Record<string, { isDefault: boolean }>)[CANARY_REV]!.isDefault = true)),
      /not those of this program:\n {2}revisions: exactly one revision must have isDefault true/,
    );
    assert.match(refused((o) => (o.revisionTags = { [TAG]: "1-31-0" })), /\n {2}revisionTags\.prod-stable: names revision 1-31-0, which revisions does not list/);
  });

  test("a stable revision at another version or address than the stack file's: run pulumi up first", () => {
    const message = refused((o) => {
      const stable = (o.revisions as Record<string, { version: string; address: string }>).default!;
      stable.version = "1.28.10";
      stable.address = "istiod.old.example.com";
    });
    assert.match(message, /do not match .*; run `pulumi up` first:\n/);
    assert.match(message, /\n {2}revisions\.default\.version is 1\.28\.10 \(the stable revision\), but the config's istio\.version is 1\.29\.6\n/);
    assert.match(message, /\n {2}revisions\.default\.address is istiod\.old\.example\.com \(the stable revision\), but the config's exposure\.hostname is istiod\.mesh\.example\.com/);
  });
});

describe("each revision's address, from here", () => {
  test("hostname mode: the canary's name gets the DNS and TLS checks of the stack's name, and fails the same ways", async () => {
    const address = await startFakeControlPlaneAddress(ADDR, CONTROL_PLANE_LB);
    try {
      const checks = addressChecks(targetOf("hostname"), address.probes);
      assert.deepEqual(labels(checks), [
        `external: DNS ${ADDR} -> controlPlaneLoadBalancer from here`,
        `external: TLS on ${ADDR}:15012 from here`,
        `external: TLS on ${ADDR}:15017 from here`,
        `external: DNS ${CANARY_HOST} -> controlPlaneLoadBalancer from here (revision ${CANARY_REV})`,
        `external: TLS on ${CANARY_HOST}:15012 from here (revision ${CANARY_REV})`,
        `external: TLS on ${CANARY_HOST}:15017 from here (revision ${CANARY_REV})`,
      ]);
      address.dns.set(CANARY_HOST, [CONTROL_PLANE_LB]);
      address.serveFor(CANARY_HOST, "revision");
      assert.deepEqual(await failuresOf(checks), []);

      // Its DNS record missing, and the gateway serving it the stable's certificate.
      address.dns.delete(CANARY_HOST);
      address.serveFor(CANARY_HOST, undefined);
      const failures = await failuresOf(checks);
      assert.equal(failures.length, 3, failures.join("\n"));
      assert.match(failures[0]!, new RegExp(`^external: DNS ${CANARY_HOST.replace(/\./g, "\\.")} .*: ${CANARY_HOST.replace(/\./g, "\\.")} does not resolve from here \\(ENOTFOUND\\)`));
      assert.match(failures[2]!, /the certificate on istiod-1-30-3\.mesh\.example\.com:15017 \(dialled 203\.0\.113\.10:15017\) is not valid for istiod-1-30-3\.mesh\.example\.com \(its subjectAltName names istiod\.mesh\.example\.com/);
    } finally {
      await address.close();
    }
  });

  test("loadBalancer mode: the canary's SNI on the load balancer must reach the canary's istiod, not the catch-all", async () => {
    const address = await startFakeControlPlaneAddress(ADDR, CONTROL_PLANE_LB);
    try {
      const checks = addressChecks(targetOf("loadBalancer"), address.probes);
      assert.deepEqual(labels(checks), [
        `external: TLS on ${CONTROL_PLANE_LB}:15012 from here`,
        `external: TLS on ${CONTROL_PLANE_LB}:15017 from here`,
        `external: TLS on ${CONTROL_PLANE_LB}:15012 for SNI ${CANARY_SVC} from here (revision ${CANARY_REV})`,
        `external: TLS on ${CONTROL_PLANE_LB}:15017 for SNI ${CANARY_SVC} from here (revision ${CANARY_REV})`,
      ]);
      address.serveFor(CANARY_SVC, "revision");
      assert.deepEqual(await failuresOf(checks), []);

      address.serveFor(CANARY_SVC, undefined);
      const failures = await failuresOf(checks);
      assert.equal(failures.length, 2);
      assert.match(
        failures[1]!,
        new RegExp(
          `: the certificate served on ${CONTROL_PLANE_LB.replace(/\./g, "\\.")}:15017 for SNI ${CANARY_SVC.replace(/\./g, "\\.")} is not istiod-1-30-3's \\(its subjectAltName names istiod\\.mesh\\.example\\.com, not ${CANARY_SVC.replace(/\./g, "\\.")}\\): ` +
            ".*check that VirtualService external-istiod-vs-1-30-3 in the external cluster routes SNI istiod-1-30-3\\.external-istiod\\.svc on port 15017 to istiod-1-30-3$",
        ),
      );
      address.openPorts.delete(15012);
      // The stack's own address on 15012 fails too; the canary's SNI says which SNI.
      assert.match((await failuresOf(checks))[1]!, /nothing accepts TLS on 203\.0\.113\.10:15012 for SNI istiod-1-30-3\.external-istiod\.svc from here \(ECONNREFUSED\)/);
    } finally {
      await address.close();
    }
  });
});
