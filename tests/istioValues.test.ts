/**
 * `istio.values` and the registry keys: every key path the program sets in a release is one a user may not set
 * (so a user's value can never silently lose to the program's), the merge keeps the program's values, misspelt
 * keys name the whole path and the chart version, and the component's arguments take the same keys (the hub as an
 * Output too).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { validateMeshArgs } from "../component/config/args";
import { mergeValues, validateIstioValues, type ValuesKey } from "../component/config/values";
import { controlPlaneGatewayValues } from "../component/components/controlPlaneGateway";
import { eastWestGatewayValues } from "../component/components/eastWestGateway";
import { externalIstiodValues } from "../component/components/externalIstiodValues";
import { egressGatewayValues, ingressGatewayValues } from "../component/components/meshGateways";
import { ISTIO_VERSIONS } from "./support/istioData";

const IMAGES = { hub: "registry.example.com/istio", imagePullSecrets: ["pull"] };

/** Leaf paths of plain data (lists and scalars are leaves). */
function leaves(value: Record<string, unknown>, at: string[] = []): string[][] {
  return Object.entries(value).flatMap(([k, v]) =>
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length > 0 ? leaves(v as Record<string, unknown>, [...at, k]) : [[...at, k]],
  );
}

/** The values at one leaf path, as a user would write them under istio.values.<key>. */
function only(path: readonly string[], value: unknown = "x"): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

const externalIstiod = (mode: "hostname" | "loadBalancer", version: string) =>
  externalIstiodValues({
    address: "istiod.example.com",
    revision: "default",
    mode,
    namespace: "external-istiod",
    meshId: "mesh1",
    configClusterName: "cluster1",
    network: "network1",
    kubeconfigDigest: "digest",
    chartVersion: version,
    images: IMAGES,
  });

for (const version of ISTIO_VERSIONS) {
  test(`every value the program sets is refused under istio.values, never silently overridden (${version})`, () => {
    const cases: [ValuesKey, Record<string, unknown>][] = [
      ["controlPlane", externalIstiod("hostname", version)],
      ["controlPlane", externalIstiod("loadBalancer", version)],
      ["gateways", ingressGatewayValues(IMAGES)],
      ["gateways", egressGatewayValues(IMAGES)],
      ["gateways", eastWestGatewayValues("network1", IMAGES)],
      ["controlPlaneGateway", controlPlaneGatewayValues(IMAGES)],
    ];
    for (const [key, programValues] of cases) {
      for (const path of leaves(programValues)) {
        const { problems } = validateIstioValues({ [key]: only(path) }, { controlPlane: version, gateways: [version] });
        assert.equal(problems.length, 1, `istio.values.${key}.${path.join(".")}: ${JSON.stringify(problems)}`);
        assert.match(problems[0]!.message, /is owned by the program/, `istio.values.${key}.${path.join(".")}`);
        assert.ok(`istio.values.${key}.${path.join(".")}`.startsWith(problems[0]!.path), problems[0]!.path);
      }
    }
  });
}

test("what a platform team sets is accepted: resources, replicas, autoscaling, scheduling, Service annotations, meshConfig", () => {
  const { problems, notes } = validateIstioValues(
    {
      controlPlane: {
        resources: { requests: { cpu: "1" }, limits: { cpu: "2", memory: "4Gi" } },
        autoscaleEnabled: true,
        autoscaleMin: 2,
        autoscaleMax: 5,
        replicaCount: 2,
        nodeSelector: { pool: "system" },
        tolerations: [{ key: "k", operator: "Exists" }],
        affinity: { nodeAffinity: {} },
        meshConfig: { accessLogFile: "/dev/stdout", defaultConfig: { holdApplicationUntilProxyStarts: true } },
        env: { PILOT_TRACE_SAMPLING: "1" },
        global: { proxy: { resources: { requests: { cpu: "50m" } } }, logAsJson: true },
      },
      gateways: {
        service: { annotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" }, externalTrafficPolicy: "Local" },
        autoscaling: { minReplicas: 2, maxReplicas: 4 },
        resources: { limits: { cpu: "2" } },
        nodeSelector: { pool: "edge" },
        podAnnotations: { "example.com/team": "edge" },
      },
      controlPlaneGateway: { service: { annotations: { a: "b" } }, replicaCount: 2 },
    },
    { controlPlane: "1.30.3", gateways: ["1.29.6", "1.30.3"] },
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(notes, []);
});

test("a patch release without its own chart data is checked against its minor's, with a note", () => {
  const { problems, notes } = validateIstioValues({ controlPlane: { replicaCount: 2, replicaCont: 1 } }, { controlPlane: "1.29.2", gateways: [] });
  assert.deepEqual(problems, [
    { path: "istio.values.controlPlane.replicaCont", message: 'unknown key of the istiod chart 1.29.2 (did you mean "replicaCount"?): Helm would ignore it' },
  ]);
  assert.deepEqual(notes, [
    "istio.values.controlPlane: Istio 1.29.2 has no chart data of its own in this package: its values were checked against the keys of 1.29.6, the same minor release",
  ]);
});

test("the merge keeps the program's values and adds the user's", () => {
  const merged = mergeValues(
    { global: { hub: "mine", network: "n1" }, volumes: [1, 2], meshConfig: { rootNamespace: "ns" } },
    { global: { hub: "theirs", logAsJson: true }, volumes: [3], meshConfig: { accessLogFile: "/dev/stdout" }, replicaCount: 2 },
  );
  assert.deepEqual(merged, {
    global: { hub: "mine", network: "n1", logAsJson: true },
    volumes: [1, 2],
    meshConfig: { rootNamespace: "ns", accessLogFile: "/dev/stdout" },
    replicaCount: 2,
  });
});

const ARGS = {
  clusters: {
    external: { name: "external", context: "e" },
    config: { name: "cluster1", context: "c1", apiServer: "https://api.example.com", network: "n1" },
  },
  exposure: { mode: "loadBalancer" },
};

test("the component takes the same keys: the hub as an Output, values as plain data only", async () => {
  const hub = pulumi.output("registry.example.com/istio");
  const ok = validateMeshArgs({ ...ARGS, istio: { version: "1.28.10", hub, imagePullSecrets: ["pull"], values: { controlPlane: { replicaCount: 2 } } } });
  assert.ok(ok.ok, JSON.stringify(!ok.ok && ok.problems));
  if (!ok.ok) return;
  assert.equal(await new Promise((resolve) => pulumi.output(ok.config.images.hub).apply(resolve)), "registry.example.com/istio");
  assert.deepEqual(ok.config.images.imagePullSecrets, ["pull"]);
  assert.deepEqual(ok.config.values.controlPlane, { replicaCount: 2 });

  const badHub = validateMeshArgs({ ...ARGS, istio: { version: "1.28.10", hub: "docker.io/istio:1.28" } });
  assert.ok(!badHub.ok);
  assert.deepEqual(badHub.problems.map((p) => p.path), ["istio.hub"]);
  assert.match(badHub.problems[0]!.message, /has a tag or digest/);

  const opaque = validateMeshArgs({ ...ARGS, istio: { version: "1.28.10", values: { gateways: { service: { annotations: { a: pulumi.output("b") } } } } } });
  assert.ok(!opaque.ok);
  assert.deepEqual(opaque.problems.map((p) => p.path), ["istio.values.gateways.service.annotations.a"]);
  assert.match(opaque.problems[0]!.message, /must be plain data known when the program runs/);
});
