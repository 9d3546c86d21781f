/**
 * Issue 14, packaging: what `pulumi package add` on this repository makes of it. Pulumi's own component analyzer
 * (the one the plugin host runs) infers the public component with no warning into a schema every language can use
 * (no `any`, no untyped object, no other package's types), and that schema is the committed `schema.json`: an
 * accidental change of the public API fails here. After an intended change, `npm run schema` rewrites it.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { ExternalControlPlane } from "../package/externalControlPlane";
import { ExternalControlPlaneMesh } from "../package/externalControlPlaneMesh";
import { MeshWorkloads } from "../package/meshWorkloads";
import { analyzePackage, formatSchema, PROJECT_DIR, SCHEMA_FILE, type AnalyzedPackage } from "../tools/schema";

let analyzed: AnalyzedPackage | undefined;
const analysis = async (): Promise<AnalyzedPackage> => (analyzed ??= await analyzePackage());

interface PropertyDefinition {
  type?: string;
  $ref?: string;
  items?: PropertyDefinition;
  additionalProperties?: PropertyDefinition;
}

/** Every property definition of the schema, with where it is. */
function properties(schema: Record<string, unknown>): [string, PropertyDefinition][] {
  const out: [string, PropertyDefinition][] = [];
  const visit = (where: string, def: PropertyDefinition) => {
    out.push([where, def]);
    if (def.items) visit(`${where}[]`, def.items);
    if (def.additionalProperties) visit(`${where}{}`, def.additionalProperties);
  };
  const resources = schema.resources as Record<string, { inputProperties: Record<string, PropertyDefinition>; properties: Record<string, PropertyDefinition> }>;
  for (const [token, r] of Object.entries(resources)) {
    for (const [k, d] of Object.entries(r.inputProperties)) visit(`${token} input ${k}`, d);
    for (const [k, d] of Object.entries(r.properties)) visit(`${token} output ${k}`, d);
  }
  for (const [token, t] of Object.entries(schema.types as Record<string, { properties?: Record<string, PropertyDefinition> }>)) {
    for (const [k, d] of Object.entries(t.properties ?? {})) visit(`${token}.${k}`, d);
  }
  return out;
}

test("the plugin: PulumiPlugin.yaml says nodejs, package.json names the package and its entry point", () => {
  const plugin = parse(readFileSync(path.join(PROJECT_DIR, "PulumiPlugin.yaml"), "utf8")) as { runtime?: unknown };
  assert.equal(plugin.runtime, "nodejs");
  const pkg = JSON.parse(readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as { name: string; main: string };
  assert.equal(pkg.name, "istio-mesh", "the type tokens' package");
  assert.equal(pkg.main, "package/index.ts");
});

test("the entry point exports the public components and nothing else the host would serve", async () => {
  const { components } = await analysis();
  assert.deepEqual(
    components.map((c) => c.name),
    [ExternalControlPlane, ExternalControlPlaneMesh, MeshWorkloads].map((c) => c.name),
  );
});

test("Pulumi's analyzer infers the package with no warning, and the schema is schema.json", async () => {
  const { schema, warnings } = await analysis();
  assert.deepEqual(warnings, []);
  assert.equal(formatSchema(schema), readFileSync(SCHEMA_FILE, "utf8"), "the public API changed: if intended, run `npm run schema` and commit schema.json");
});

test("a schema every language can use: the whole mesh and its two parts, typed members only, no other package's types", async () => {
  const { schema } = await analysis();
  assert.deepEqual(Object.keys(schema.resources as object).sort(), [
    "istio-mesh:index:ExternalControlPlane",
    "istio-mesh:index:ExternalControlPlaneMesh",
    "istio-mesh:index:MeshWorkloads",
  ]);
  assert.deepEqual(schema.dependencies, [], "no dependency on another package's schema");
  const types = new Set(Object.keys(schema.types as object));
  const defs = properties(schema);
  assert.ok(defs.length > 40, `${defs.length} properties`);
  // Free-form chart values are the one place for Any (issue 21): they are checked key by key against the charts.
  const anyAllowed = /^istio-mesh:index:IstioReleaseValues\.(controlPlane|gateways|controlPlaneGateway)\{\}$/;
  assert.deepEqual(
    defs.filter(([, def]) => def.$ref === "pulumi.json#/Any").map(([where]) => where).sort(),
    ["controlPlaneGateway", "controlPlane", "gateways"].map((k) => `istio-mesh:index:IstioReleaseValues.${k}{}`).sort(),
  );
  for (const [where, def] of defs) {
    if (def.$ref === "pulumi.json#/Any" && anyAllowed.test(where)) continue;
    if (def.$ref !== undefined) {
      assert.ok(def.$ref.startsWith("#/types/istio-mesh:index:"), `${where}: ${def.$ref} is not one of the package's own types`);
      assert.ok(types.has(def.$ref.slice("#/types/".length)), `${where}: ${def.$ref} is defined`);
    } else {
      assert.ok(["string", "number", "integer", "boolean", "array", "object"].includes(def.type ?? ""), `${where}: typed`);
      if (def.type === "array") assert.ok(def.items, `${where}: items are typed`);
      if (def.type === "object") assert.ok(def.additionalProperties, `${where}: a map with typed values, not an untyped object`);
    }
  }
});

test("modes are enums, credentials Inputs, everything else plain", async () => {
  const { schema } = await analysis();
  const t = schema.types as Record<string, { type: string; enum?: { value: string }[]; properties?: Record<string, { plain?: boolean }> }>;
  const values = (name: string) => t[`istio-mesh:index:${name}`]?.enum?.map((e) => e.value);
  assert.deepEqual(values("ExposureMode"), ["hostname", "loadBalancer"]);
  assert.deepEqual(values("EastWestGateways"), ["auto", "enabled", "disabled"]);
  assert.deepEqual(values("IstioSystemNamespace"), ["create", "existing"]);
  const inputs = Object.entries(t)
    .flatMap(([token, type]) => Object.entries(type.properties ?? {}).map(([k, p]) => [`${token.slice("istio-mesh:index:".length)}.${k}`, p] as const))
    .filter(([, p]) => p.plain !== true)
    .map(([k]) => k)
    // Outputs, and what a mesh admin's workloads take from a control plane deployed elsewhere.
    .filter((k) => !/^(RemoteClusterInfo|ServedRemoteCluster|WorkloadClusterInfo|ServedRemoteClusterInput|ControlPlaneReference)\./.test(k));
  assert.deepEqual(inputs.sort(), [
    "ControlPlaneRemoteCluster.kubeconfig",
    "ExposureTls.certificate",
    "ExposureTls.privateKey",
    "ExternalCluster.kubeconfig",
    // The registry: a path that may come from another stack (an Input), and the pull Secret's content (a credential).
    "IstioRelease.hub",
    "IstioRelease.registryCredentials",
    "RemoteCluster.kubeconfig",
    "WorkloadCharts.hub",
    "WorkloadCluster.kubeconfig",
  ]);
  // The control plane's values reach the workloads as Inputs: an operator stack's outputs through a StackReference.
  const reference = t["istio-mesh:index:ControlPlaneReference"]?.properties ?? {};
  assert.deepEqual(Object.keys(reference).sort(), ["externalIstiodAddress", "remotes"]);
  for (const [k, p] of Object.entries(reference)) assert.notEqual(p.plain, true, `ControlPlaneReference.${k} is an Input`);
});

test("the package's code imports nothing of the program, the render, verify or the tests", () => {
  const dir = path.join(PROJECT_DIR, "package");
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  assert.ok(files.length > 20, `${files.length} files`);
  for (const file of files) {
    const text = readFileSync(path.join(dir, file), "utf8");
    for (const [, spec] of text.matchAll(/from "(\.[^"]*)"/g)) {
      const target = path.resolve(path.dirname(path.join(dir, file)), spec!);
      assert.ok(target.startsWith(`${dir}${path.sep}`), `package/${file} imports ${spec}, outside the package`);
    }
  }
});
