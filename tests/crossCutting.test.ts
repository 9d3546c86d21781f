/**
 * Checks that hold for every rendered stack: the shipped dev and prod stacks, generated topologies and a
 * mixed-version mesh, each Helm release against the chart data of its own version and each Istio object against
 * the CRDs of its cluster; together the scenarios cover every Istio version in ../shared/istio. And proof that
 * each check catches its mistake.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as path from "node:path";
import { stringify } from "yaml";
import * as k8s from "@pulumi/kubernetes";
import { evaluate } from "../render/evaluate";
import { toRendered } from "../render/model";
import type { RenderResult } from "../render/run";
import { renderStack } from "../render/run";
import {
  duplicateObjects,
  duplicateUrns,
  gatewaySchemaViolations,
  providerProblems,
  schemaViolations,
  schemaViolationsByCluster,
  unboundResources,
  unknownValuePaths,
} from "./support/checks";
import { ISTIO_VERSIONS } from "./support/istioData";
import { clusterObjects, evaluationOf, helmReleases } from "./support/objects";
import { expectRendered, renderShipped, renderText, renderTopology } from "./support/render";

interface Scenario {
  name: string;
  render: () => Promise<RenderResult>;
  clusters: string[];
}

const generated = (n: number) => ["external", "config", ...Array.from({ length: n - 1 }, (_, i) => `remote-${String(i + 1).padStart(3, "0")}`)];

/** Everything the shipped stacks do not exercise: an OCI mirror, another namespace, secrets from config, ... */
const unusual = stringify({
  config: {
    "kubernetes:strictMode": "true",
    "istio-mesh:istio": { version: "1.30.3", chartRepository: "oci://registry.example.com/istio-charts/" },
    "istio-mesh:mesh": { id: "prod-mesh", controlPlaneNamespace: "istio-cp" },
    "istio-mesh:clusters": {
      external: { name: "ext", context: "e" },
      config: { name: "alpha", context: "a", apiServer: "https://10.0.0.1", network: "net.a", gateways: { ingress: true, egress: true } },
      remotes: [
        { name: "beta", context: "b", apiServer: "https://10.0.0.2:443", network: "net_b", gateways: { ingress: true } },
        { name: "gamma", context: "g", apiServer: "https://gamma.example.com", network: "net.a" },
      ],
    },
    "istio-mesh:exposure": { mode: "hostname", hostname: "cp.mesh.example.org", tls: { secretName: "cp-tls", create: true } },
    "istio-mesh:samples": true,
    "istio-mesh:protect": true,
    "istio-mesh:eastWestGateways": true,
    "istio-mesh:kubeconfig": { secure: "v1:kubeconfig" },
    "istio-mesh:tlsCertificate": { secure: "v1:certificate" },
    "istio-mesh:tlsKey": { secure: "v1:key" },
  },
});

const scenarios: Scenario[] = [
  { name: "OCI mirror, custom namespace, secrets from config, per-remote gateways", render: () => renderText(unusual), clusters: ["ext", "alpha", "beta", "gamma"] },
  { name: "dev", render: () => renderShipped("dev"), clusters: ["external", "cluster1"] },
  { name: "prod", render: () => renderShipped("prod"), clusters: ["cp-eu-west", "apps-eu-west", "apps-us-east"] },
  {
    name: "20 further remotes, hostname mode, samples, protection",
    render: () => renderTopology({ remoteClusters: 21, samples: true, protect: true }),
    clusters: generated(21),
  },
  {
    name: "3 remotes on 3 networks, loadBalancer mode, Istio 1.30.3",
    render: () => renderTopology({ remoteClusters: 3, networks: 3, mode: "loadBalancer", samples: true, istioVersion: "1.30.3" }),
    clusters: generated(3),
  },
  {
    name: "mixed versions: control plane at 1.29.6, one remote pinned at 1.28.10",
    render: () => renderStack({ stack: "test", configFile: path.join(__dirname, "fixtures", "stacks", "mixed-versions.yaml") }),
    clusters: ["external", "cluster1", "cluster2", "cluster3"],
  },
  {
    name: "prod with a canary of 1.29.6 on its own DNS name and a revision tag (issue 24)",
    render: () => renderStack({ stack: "prod", configFile: path.join(__dirname, "fixtures", "stacks", "prod-canary.yaml") }),
    clusters: ["cp-eu-west", "apps-eu-west", "apps-us-east"],
  },
  {
    name: "dev at 1.29.6 with a promoted canary of 1.30.3 and a revision tag, loadBalancer mode (issue 24)",
    render: () => renderStack({ stack: "dev", configFile: path.join(__dirname, "fixtures", "stacks", "dev-canary.yaml") }),
    clusters: ["external", "cluster1"],
  },
];

/** The chart versions the scenarios' releases were checked against. */
const checkedVersions = new Set<string>();

for (const scenario of scenarios) {
  test(`cross-cutting checks: ${scenario.name}`, async (t) => {
    const result = expectRendered(await scenario.render());
    const { rendered } = result;
    const ev = evaluationOf(result);
    assert.ok(rendered.resources.length > 10, "the stack renders resources");

    await t.test("every Kubernetes resource is bound to a cluster of the config", () => {
      assert.deepEqual(unboundResources(rendered, new Set(scenario.clusters)), []);
      const bound = new Set(rendered.resources.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.cluster));
      assert.deepEqual([...bound].sort(), [...scenario.clusters].sort(), "every cluster gets resources");
    });
    await t.test("every provider has kubeconfig, context and clusterIdentifier", () => {
      assert.deepEqual(providerProblems(rendered), []);
    });
    await t.test("URNs are unique", () => assert.deepEqual(duplicateUrns(rendered), []));
    await t.test("no two resources own the same object", () => assert.deepEqual(duplicateObjects(rendered), []));

    const releases = helmReleases(ev);
    for (const r of releases) checkedVersions.add(r.version);
    await t.test("every Helm release has chart data for its version", () => {
      assert.ok(releases.length >= 3);
      assert.deepEqual(releases.filter((r) => !(ISTIO_VERSIONS as readonly string[]).includes(r.version)).map((r) => `${r.urn}: ${r.version}`), []);
    });
    await t.test("objects are valid against Kubernetes schemas and the Istio CRDs of their cluster", async () => {
      assert.deepEqual(await schemaViolationsByCluster(clusterObjects(ev), rendered), []);
    });
    await t.test("every Helm value exists in the chart of the release's own version", () => {
      assert.deepEqual(releases.flatMap((r) => unknownValuePaths(r, r.version)), []);
    });
    await t.test("gateway values are valid against the gateway schema of the release's own version", () => {
      const gateways = releases.filter((r) => r.chart === "gateway");
      assert.ok(gateways.length >= 1);
      assert.deepEqual(gateways.flatMap((r) => gatewaySchemaViolations(r, r.version)), []);
    });
  });
}

test("the scenarios check releases against every Istio version with chart data", () => {
  assert.deepEqual([...checkedVersions].sort(), [...ISTIO_VERSIONS].sort());
});

test("the checks catch what they are for", async (t) => {
  const result = expectRendered(await renderShipped("prod"));
  const ev = evaluationOf(result);
  const clusters = new Set(["cp-eu-west", "apps-eu-west", "apps-us-east"]);

  await t.test("a resource created without its cluster's provider", async () => {
    // A program that forgets `provider` (or `parent`) on one resource: it would land on the ambient kubeconfig.
    const ev = await evaluate({
      project: "istio-mesh",
      stack: "test",
      config: {},
      secretKeys: [],
      program: () => {
        const provider = new k8s.Provider("c1", { kubeconfig: "/k", context: "c1", clusterIdentifier: "c1" });
        new k8s.core.v1.Namespace("bound", { metadata: { name: "a" } }, { provider });
        new k8s.core.v1.Namespace("forgotten", { metadata: { name: "b" } });
      },
    });
    const problems = unboundResources(toRendered(ev), new Set(["c1"]));
    assert.deepEqual(problems, ["urn:pulumi:test::istio-mesh::kubernetes:core/v1:Namespace::forgotten: bound to no cluster (default provider?)"]);
  });

  await t.test("a resource that lost its provider", () => {
    const resources = result.rendered.resources.map((r) => (r.type === "kubernetes:helm.sh/v3:Release" && r.name === "apps-us-east-istiod" ? { ...r, cluster: null } : r));
    const problems = unboundResources({ ...result.rendered, resources }, clusters);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /apps-us-east-istiod: bound to no cluster/);
  });

  await t.test("a provider without kubeconfig", () => {
    const resources = result.rendered.resources.map((r) =>
      r.type === "pulumi:providers:kubernetes" && r.name === "cp-eu-west" ? { ...r, inputs: { ...r.inputs, kubeconfig: undefined } } : r,
    );
    assert.deepEqual(providerProblems({ ...result.rendered, resources }), ["urn:pulumi:prod::istio-mesh::istio-mesh:index:ExternalControlPlaneMesh$pulumi:providers:kubernetes::cp-eu-west: no kubeconfig"]);
  });

  await t.test("two resources owning one object", () => {
    const ns = result.rendered.resources.find((r) => r.type === "kubernetes:core/v1:Namespace")!;
    const twin = { ...ns, urn: `${ns.urn}-twin` };
    const problems = duplicateObjects({ ...result.rendered, resources: [...result.rendered.resources, twin] });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /kubernetes:core\/v1:Namespace \/(istio-system|external-istiod): owned by .* and .*-twin$/);
  });

  await t.test("a duplicate URN", () => {
    const first = result.rendered.resources[0]!;
    assert.deepEqual(duplicateUrns({ ...result.rendered, resources: [...result.rendered.resources, first] }), [first.urn]);
  });

  await t.test("a misspelled Helm value key", () => {
    const istiod = helmReleases(ev).find((r) => r.urn.endsWith("ExternalIstiod$kubernetes:helm.sh/v3:Release::cp-eu-west-istiod"));
    assert.ok(istiod);
    const global = istiod.values.global as Record<string, unknown>;
    const typo = { ...istiod, values: { ...istiod.values, global: { ...global, meshId: global.meshID } } };
    assert.deepEqual(unknownValuePaths(istiod, "1.28.10"), []);
    assert.deepEqual(unknownValuePaths(typo, "1.28.10"), [`${istiod.urn}: istiod 1.28.10 has no value "global.meshId"`]);
  });

  await t.test("an unknown gateway value", () => {
    const gateway = helmReleases(ev).find((r) => r.chart === "gateway");
    assert.ok(gateway);
    const broken = { ...gateway, values: { ...gateway.values, servicePorts: [] } };
    assert.match(gatewaySchemaViolations(broken, "1.30.3").join("\n"), /must NOT have additional properties \(servicePorts\)/);
  });

  await t.test("an Istio object with a field its CRD does not allow", async () => {
    const objects = clusterObjects(ev);
    const dr = objects.find((o) => o.object.kind === "DestinationRule");
    assert.ok(dr, "prod (hostname mode) has the DestinationRule");
    const spec = dr.object.spec as Record<string, unknown>;
    const broken = { ...dr, object: { ...dr.object, spec: { ...spec, trafficPolicy: { ...(spec.trafficPolicy as object), insecureSkipVerify: true } } } };
    assert.deepEqual(await schemaViolations([dr], "1.28.10"), []);
    const problems = await schemaViolations([broken], "1.28.10");
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /\/spec\/trafficPolicy must NOT have additional properties \(insecureSkipVerify\)/);
  });

  await t.test("a core object that breaks its schema", async () => {
    const ns = clusterObjects(ev).find((o) => o.object.kind === "Namespace");
    assert.ok(ns);
    const problems = await schemaViolations([{ ...ns, object: { ...ns.object, metadata: { name: 42 } } }], "1.28.10");
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /metadata\/name must be string/);
  });
});
