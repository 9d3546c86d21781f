/**
 * Issue 21, a private registry and the values we do not own: a stack with `istio.hub`, `istio.imagePullSecrets`,
 * samples and both `istio.values` maps renders, and the release values carry the hub, the pull secrets, the Service
 * annotation and the `meshConfig` setting at the value paths where Istio's charts read them (checked against the
 * charts' key lists and the gateway schema in ../shared/istio, as the cross-cutting tests do).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { stringify } from "yaml";
import { gatewaySchemaViolations, schemaViolationsByCluster, unknownValuePaths } from "./support/checks";
import { chartDefaults, templateRefs, valuesPaths } from "./support/istioData";
import { clusterObjects, evaluationOf, helmReleases, type HelmRelease } from "./support/objects";
import { at, expectRendered, renderText } from "./support/render";

const HUB = "registry.example.com/mirror/istio";
const SECRETS = ["registry-pull", "registry-pull-2"];
const INTERNAL_LB = { "networking.gke.io/load-balancer-type": "Internal" };

const stack = (version: string, remoteVersion?: string) =>
  stringify({
    config: {
      "istio-mesh:istio": {
        version,
        hub: HUB,
        imagePullSecrets: SECRETS,
        values: {
          controlPlane: {
            meshConfig: { accessLogFile: "/dev/stdout" },
            replicaCount: 2,
            resources: { requests: { cpu: "1" }, limits: { memory: "4Gi" } },
            nodeSelector: { pool: "control-plane" },
            tolerations: [{ key: "dedicated", operator: "Equal", value: "istio", effect: "NoSchedule" }],
          },
          gateways: { service: { annotations: INTERNAL_LB }, autoscaling: { minReplicas: 2 } },
          controlPlaneGateway: { service: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" } } },
        },
      },
      "istio-mesh:clusters": {
        external: { name: "external", context: "ctx-external" },
        config: { name: "cluster1", context: "ctx-1", apiServer: "https://api.one.example.com", network: "network1", gateways: { ingress: true, egress: true } },
        remotes: [
          { name: "cluster2", context: "ctx-2", apiServer: "https://api.two.example.com", network: "network2", ...(remoteVersion ? { istioVersion: remoteVersion } : {}) },
        ],
      },
      "istio-mesh:exposure": { mode: "hostname", hostname: "istiod.mesh.example.com", tls: { secretName: "istiod-tls" } },
      "istio-mesh:samples": true,
    },
  });

/** The release named `suffix`, of the component `component` (two components name an `external-istiod`). */
const byName = (releases: readonly HelmRelease[], suffix: string, component = ""): HelmRelease => {
  const found = releases.filter((r) => r.urn.endsWith(`::${suffix}`) && r.urn.includes(`:${component}`));
  assert.equal(found.length, 1, `one release ${suffix} (have ${releases.map((r) => r.urn.split("::").pop()).join(", ")})`);
  return found[0]!;
};

/** A key path exists in the chart of this version: listed in values.yaml or read by a template. */
const chartHas = (version: string, chart: "istiod" | "gateway" | "base", path: string): boolean =>
  valuesPaths(version, chart).has(path) || templateRefs(version, chart).has(path);

for (const [version, remoteVersion] of [
  ["1.28.10", undefined],
  ["1.30.3", "1.29.6"],
] as const) {
  test(`a stack with a hub, pull secrets, samples and both values maps renders (Istio ${version}${remoteVersion ? `, a remote at ${remoteVersion}` : ""})`, async (t) => {
    const result = expectRendered(await renderText(stack(version, remoteVersion)));
    const ev = evaluationOf(result);
    const releases = helmReleases(ev);

    await t.test("every value path exists in its chart, and gateway values pass the chart's schema", () => {
      assert.deepEqual(releases.flatMap((r) => unknownValuePaths(r, r.version)), []);
      assert.deepEqual(
        releases.filter((r) => r.chart === "gateway").flatMap((r) => gatewaySchemaViolations(r, r.version)),
        [],
      );
    });

    await t.test("the external istiod: hub and pull secrets where its injection templates read them, the user's values merged", () => {
      const istiod = byName(releases, "external-istiod", "ExternalIstiod$");
      for (const path of ["global.hub", "global.imagePullSecrets"]) assert.ok(chartHas(version, "istiod", path), `${path} is an istiod value`);
      assert.equal(at(istiod.values, "global.hub"), HUB);
      assert.deepEqual(at(istiod.values, "global.imagePullSecrets"), SECRETS);
      // The chart renders meshConfig into the ConfigMap `istio` this istiod mounts as its mesh file.
      assert.equal(at(istiod.values, "meshConfig.accessLogFile"), "/dev/stdout");
      assert.equal(at(istiod.values, "meshConfig.rootNamespace"), "external-istiod", "the program's meshConfig is kept");
      assert.equal(at(istiod.values, "meshConfig.defaultConfig.discoveryAddress"), "istiod.mesh.example.com:15012");
      assert.equal(at(istiod.values, "replicaCount"), 2);
      assert.deepEqual(at(istiod.values, "resources"), { requests: { cpu: "1" }, limits: { memory: "4Gi" } });
      assert.deepEqual(at(istiod.values, "nodeSelector"), { pool: "control-plane" });
      assert.equal(at(istiod.values, "global.externalIstiod"), true);
      assert.equal((at(istiod.values, "volumes") as unknown[]).length, 2, "the program's mounts are kept");
    });

    await t.test("the external cluster's istio-system istiod and base: the control plane gateway's image and pull secrets", () => {
      const local = byName(releases, "external-istiod", "ControlPlaneGateway$");
      assert.equal(at(local.values, "global.hub"), HUB);
      assert.deepEqual(at(local.values, "global.imagePullSecrets"), SECRETS);
      const base = releases.filter((r) => r.chart === "base");
      for (const r of base) assert.deepEqual(at(r.values, "global.imagePullSecrets"), SECRETS, `${r.urn}: the base chart's service accounts`);
      for (const r of base) assert.ok(chartHas(r.version, "base", "global.imagePullSecrets"));
    });

    await t.test("the remote clusters' istiod releases carry the hub and the pull secrets", () => {
      const remotes = releases.filter((r) => r.chart === "istiod" && at(r.values, "profile") === "remote");
      assert.equal(remotes.length, 2);
      for (const r of remotes) {
        assert.equal(at(r.values, "global.hub"), HUB, r.urn);
        assert.deepEqual(at(r.values, "global.imagePullSecrets"), SECRETS, r.urn);
      }
    });

    await t.test("every gateway pulls with the secrets; the mesh gateways carry the Service annotation", () => {
      const gateways = releases.filter((r) => r.chart === "gateway");
      assert.equal(gateways.length, 5, "control plane, ingress, egress, two east-west");
      for (const g of gateways) {
        assert.ok(chartHas(g.version, "gateway", "imagePullSecrets"));
        assert.deepEqual(at(g.values, "imagePullSecrets"), SECRETS.map((name) => ({ name })), g.urn);
        // The gateway pods' `image: auto` is the injecting istiod's `<global.hub>/proxyv2`.
        assert.equal(at(g.values, "global.hub"), undefined, "the gateway chart takes no hub of its own");
      }
      const mesh = gateways.filter((g) => !g.urn.includes("ControlPlaneGateway"));
      assert.equal(mesh.length, 4);
      for (const g of mesh) {
        assert.ok(chartHas(g.version, "gateway", "service.annotations"));
        assert.deepEqual(at(g.values, "service.annotations"), INTERNAL_LB, g.urn);
        assert.equal(at(g.values, "autoscaling.minReplicas"), 2);
      }
      const egress = byName(releases, "cluster1-istio-egressgateway");
      assert.equal(at(egress.values, "service.type"), "ClusterIP", "the program's values win");
      const eastWest = byName(releases, "cluster2-istio-eastwestgateway");
      assert.equal(at(eastWest.values, "networkGateway"), "network2");
      const controlPlane = byName(releases, "external-istio-ingressgateway");
      assert.deepEqual(at(controlPlane.values, "service.annotations"), { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" });
      assert.equal((at(controlPlane.values, "service.ports") as unknown[]).length, 3);
      // The gateway chart's default pod annotation selects the injection template that sets `<hub>/proxyv2`.
      assert.equal((at(chartDefaults(version, "gateway"), "podAnnotations") as Record<string, string>)["inject.istio.io/templates"], "gateway");
    });

    await t.test("the samples' pods pull from the hub with the secrets", async () => {
      const objects = clusterObjects(ev).filter((o) => o.type === "kubernetes:apps/v1:Deployment");
      assert.equal(objects.length, 4, "helloworld and sleep on both remotes");
      for (const d of objects) {
        const spec = at(d.object, "spec.template.spec") as { containers: { image: string }[]; imagePullSecrets?: { name: string }[] };
        for (const c of spec.containers) assert.ok(c.image.startsWith(`${HUB}/`), `${d.urn}: ${c.image}`);
        assert.deepEqual(spec.imagePullSecrets, SECRETS.map((name) => ({ name })), d.urn);
      }
      const images = objects.flatMap((d) => (at(d.object, "spec.template.spec.containers") as { image: string }[]).map((c) => c.image)).sort();
      assert.deepEqual(images, [`${HUB}/curl:8.16.0`, `${HUB}/curl:8.16.0`, `${HUB}/examples-helloworld-v1:1.0`, `${HUB}/examples-helloworld-v2:1.0`]);
      assert.deepEqual(await schemaViolationsByCluster(clusterObjects(ev), result.rendered), []);
    });
  });
}

test("with registryCredentials, the pull Secret is created in every namespace the mesh creates, before the pods there", async () => {
  const text = stack("1.28.10").replace("config:\n", 'config:\n  istio-mesh:registryCredentials:\n    secure: "v1:registry"\n');
  const result = expectRendered(await renderText(text));
  const { rendered } = result;
  const secrets = rendered.resources.filter(
    (r) => r.type === "kubernetes:core/v1:Secret" && (r.inputs as { type?: string }).type === "kubernetes.io/dockerconfigjson",
  );
  const where = secrets.map((s) => `${s.cluster} ${String(at(s.inputs, "metadata.namespace"))}`).sort();
  assert.deepEqual(where, [
    "cluster1 external-istiod",
    "cluster1 sample",
    "cluster2 external-istiod",
    "cluster2 sample",
    "external external-istiod",
    "external istio-system",
  ]);
  for (const s of secrets) {
    assert.equal(at(s.inputs, "metadata.name"), SECRETS[0], "named by the first of istio.imagePullSecrets");
    assert.equal(at(s.inputs, "stringData"), "[secret]", "the content stays a secret");
  }
  const byUrn = new Map(secrets.map((s) => [`${s.cluster} ${String(at(s.inputs, "metadata.namespace"))}`, s.urn]));
  const releases = rendered.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
  const release = (suffix: string, component: string) => releases.find((r) => r.urn.endsWith(`::${suffix}`) && r.urn.includes(component))!;
  assert.ok(release("external-istiod", "ExternalIstiod$").dependsOn.includes(byUrn.get("external external-istiod")!));
  assert.ok(release("external-istio-ingressgateway", "ControlPlaneGateway$").dependsOn.includes(byUrn.get("external istio-system")!));
  assert.ok(release("cluster1-istio-base", "RemoteConfigCluster$").dependsOn.includes(byUrn.get("cluster1 external-istiod")!));
  assert.ok(release("cluster2-istio-base", "AdditionalRemote$").dependsOn.includes(byUrn.get("cluster2 external-istiod")!));
  for (const d of rendered.resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment")) {
    assert.ok(d.dependsOn.includes(byUrn.get(`${d.cluster} sample`)!), `${d.urn} waits for the sample namespace's pull Secret`);
  }
});

test("an admin stack's gateways and samples pull with the secrets, the samples from the hub", async () => {
  const operator = expectRendered(await renderText(readFileSync(path.join(__dirname, "..", "Pulumi.prod-operator.yaml"), "utf8"), "prod-operator")).rendered;
  const apps = readFileSync(path.join(__dirname, "..", "Pulumi.prod-apps.yaml"), "utf8")
    .replace(/chartRepository: (\S+)/, `chartRepository: $1\n    hub: ${HUB}\n    imagePullSecrets: [${SECRETS.join(", ")}]`)
    .replace("istio-mesh:samples: false", "istio-mesh:samples: true");
  const result = expectRendered(await renderText(apps, "prod-apps", { operatorOutputs: JSON.parse(JSON.stringify(operator.outputs)) as Record<string, unknown> }));
  const ev = evaluationOf(result);
  const gateways = helmReleases(ev).filter((r) => r.chart === "gateway");
  assert.equal(gateways.length, 4);
  for (const g of gateways) assert.deepEqual(at(g.values, "imagePullSecrets"), SECRETS.map((name) => ({ name })), g.urn);
  const deployments = clusterObjects(ev).filter((o) => o.type === "kubernetes:apps/v1:Deployment");
  assert.equal(deployments.length, 4);
  for (const d of deployments) {
    const spec = at(d.object, "spec.template.spec") as { containers: { image: string }[]; imagePullSecrets?: { name: string }[] };
    for (const c of spec.containers) assert.ok(c.image.startsWith(`${HUB}/`), `${d.urn}: ${c.image}`);
    assert.deepEqual(spec.imagePullSecrets, SECRETS.map((name) => ({ name })), d.urn);
  }
});
