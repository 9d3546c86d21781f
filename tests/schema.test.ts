/**
 * Issues 14 and 22, packaging: what `pulumi package add <repo>/component@<tag>` makes of the plugin folder. Pulumi's
 * own component analyzer (the one the plugin host runs) infers the public components with no warning into a schema
 * every language can use (no `any`, no untyped object, no other package's types), the plugin's provider adds every
 * type's description, and that schema is the committed `schema.json`: an accidental change of the public API fails
 * here. After an intended change, `npm run schema` rewrites it. `pluginBoot.test.ts` asks the booted plugin.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { ExternalControlPlane } from "../component/externalControlPlane";
import { ExternalControlPlaneMesh } from "../component/externalControlPlaneMesh";
import { MeshWorkloads } from "../component/meshWorkloads";
import { typeDocs } from "../component/schemaDocs";
import { analyzePackage, formatSchema, PLUGIN_DIR, PROJECT_DIR, SCHEMA_FILE, type AnalyzedPackage } from "../tools/schema";

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

test("the plugin folder: PulumiPlugin.yaml says nodejs, package.json names the package and its entry point", () => {
  assert.equal(path.relative(PROJECT_DIR, PLUGIN_DIR), "component");
  const plugin = parse(readFileSync(path.join(PLUGIN_DIR, "PulumiPlugin.yaml"), "utf8")) as { runtime?: unknown };
  assert.equal(plugin.runtime, "nodejs");
  const pkg = JSON.parse(readFileSync(path.join(PLUGIN_DIR, "package.json"), "utf8")) as { name: string; main: string };
  assert.equal(pkg.name, "istio-mesh", "the provider's name: every type token and deployed URN derives from it");
  assert.equal(pkg.main, "plugin.ts");
  // One way in: the repository's root is the program, not a plugin (it would install the tooling too).
  assert.ok(!existsSync(path.join(PROJECT_DIR, "PulumiPlugin.yaml")));
  // The plugin host requires the folder by its path: a file named like it plus .js or .json beside it would win (a
  // folder named `package` loads the repository's package.json).
  for (const ext of [".js", ".json", ".ts", ".node"]) assert.ok(!existsSync(`${PLUGIN_DIR}${ext}`), `no ${path.basename(PLUGIN_DIR)}${ext} beside the plugin folder`);
});

test("the plugin folder depends on what its code imports, and on Node's types to compile it, nothing else", () => {
  const pkg = JSON.parse(readFileSync(path.join(PLUGIN_DIR, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies?: unknown };
  assert.equal(pkg.devDependencies, undefined, "pulumi package add installs every dependency listed");
  const files = readdirSync(PLUGIN_DIR, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts") && !f.startsWith("node_modules"));
  const imported = new Set<string>();
  for (const file of files) {
    // Import and export statements only (a comment may say `from "auto"`).
    for (const [, spec] of readFileSync(path.join(PLUGIN_DIR, file), "utf8").matchAll(/^(?:import|export)\b[^;]*? from "([^".][^"]*)"/gm)) {
      if (spec!.startsWith("node:")) continue;
      imported.add(spec!.startsWith("@") ? spec!.split("/").slice(0, 2).join("/") : spec!.split("/")[0]!);
    }
  }
  // The plugin host compiles the sources with ts-node and type checking (without `typescript` it falls back to a
  // bundled TypeScript 3.8, which cannot compile them), and the schema's descriptions are read with it too.
  assert.ok(imported.has("typescript"));
  assert.deepEqual(Object.keys(pkg.dependencies).sort(), [...imported, "@types/node"].sort());
  const root = JSON.parse(readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as Record<string, Record<string, string>>;
  for (const [name, range] of Object.entries(pkg.dependencies)) {
    assert.equal(range, root.dependencies?.[name] ?? root.devDependencies?.[name], `${name}: the range the repository is tested with`);
  }
});

test("the plugin serves the public components and nothing else; its entry point exports no component, so the host runs its provider", async () => {
  const { components } = await analysis();
  assert.deepEqual(
    components.map((c) => c.name),
    [ExternalControlPlane, ExternalControlPlaneMesh, MeshWorkloads].map((c) => c.name),
  );
  assert.deepEqual(getPulumiComponents(createRequire(__filename)(PLUGIN_DIR)), []);
});

test("every type of the schema carries its JSDoc, and defaults sit only on strings and booleans", async () => {
  const { schema } = await analysis();
  const docs = typeDocs();
  const types = schema.types as Record<string, { description?: string; properties?: Record<string, { type?: string; default?: unknown }> }>;
  for (const [token, t] of Object.entries(types)) {
    assert.equal(t.description, docs[token.slice("istio-mesh:index:".length)], `${token}: its JSDoc`);
    assert.ok((t.description ?? "").length > 10, `${token} is described`);
  }
  const resources = schema.resources as Record<string, { inputProperties: Record<string, { type?: string; default?: unknown }> }>;
  const withDefaults = [
    ...Object.entries(types).flatMap(([token, t]) => Object.entries(t.properties ?? {}).map(([k, p]) => [`${token}.${k}`, p] as const)),
    ...Object.entries(resources).flatMap(([token, r]) => Object.entries(r.inputProperties).map(([k, p]) => [`${token}.${k}`, p] as const)),
  ].filter(([, p]) => p.default !== undefined);
  assert.ok(withDefaults.length >= 10, `${withDefaults.length} defaults`);
  for (const [where, p] of withDefaults) assert.equal(typeof p.default, p.type, `${where}: a ${p.type} default`);
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

test("modes are enums; credentials and the values other resources give are Inputs; everything else plain", async () => {
  const { schema } = await analysis();
  const t = schema.types as Record<string, { type: string; enum?: { value: string }[]; properties?: Record<string, { plain?: boolean }> }>;
  const values = (name: string) => t[`istio-mesh:index:${name}`]?.enum?.map((e) => e.value);
  assert.deepEqual(values("ExposureMode"), ["hostname", "loadBalancer"]);
  assert.deepEqual(values("EastWestGatewayMode"), ["auto", "enabled", "disabled"]);
  assert.deepEqual(values("RemoteClusterRole"), ["config", "remote"]);
  assert.deepEqual(values("IstioSystemNamespace"), ["create", "existing"]);
  assert.deepEqual(values("RevisionRole"), ["stable", "canary"]);
  const inputs = Object.entries(t)
    .flatMap(([token, type]) => Object.entries(type.properties ?? {}).map(([k, p]) => [`${token.slice("istio-mesh:index:".length)}.${k}`, p] as const))
    .filter(([, p]) => p.plain !== true)
    .map(([k]) => k)
    // Outputs, and what a mesh admin's workloads take from a control plane deployed elsewhere.
    .filter((k) => !/^(RemoteClusterInfo|ServedRemoteCluster|WorkloadClusterInfo|ServedClusterRecord|ControlPlaneReference|ControlPlaneRevisionInfo)\./.test(k));
  assert.deepEqual(inputs.sort(), [
    // The canary's DNS name and its certificate's Secret, like the stable hostname's (issue 24).
    "CanaryRelease.hostname",
    "CanaryTls.secretName",
    "ControlPlaneRemoteCluster.apiServer",
    "ControlPlaneRemoteCluster.kubeconfig",
    "Exposure.hostname",
    "ExposureTls.certificate",
    "ExposureTls.privateKey",
    "ExposureTls.secretName",
    "ExternalCluster.kubeconfig",
    "IstioRelease.chartRepository",
    // The registry: a path that may come from another stack (an Input), and the pull Secret's content (a credential).
    "IstioRelease.hub",
    "IstioRelease.registryCredentials",
    "RemoteCluster.apiServer",
    "RemoteCluster.kubeconfig",
    "WorkloadCharts.chartRepository",
    "WorkloadCharts.hub",
    "WorkloadCluster.kubeconfig",
  ]);
  const rootInputs = (token: string) =>
    Object.entries((schema.resources as Record<string, { inputProperties: Record<string, { plain?: boolean }> }>)[`istio-mesh:index:${token}`]!.inputProperties)
      .filter(([, p]) => p.plain !== true)
      .map(([k]) => k);
  assert.deepEqual(rootInputs("ExternalControlPlaneMesh"), ["remoteSecretRotation"]);
  assert.deepEqual(rootInputs("ExternalControlPlane"), ["remoteSecretRotation"]);
  // Enums both ways: the role ExternalControlPlane outputs is the role MeshWorkloads takes, with no conversion.
  const role = (type: string) => (t[`istio-mesh:index:${type}`]?.properties?.role as { $ref?: string } | undefined)?.$ref;
  assert.equal(role("ServedClusterRecord"), "#/types/istio-mesh:index:RemoteClusterRole");
  assert.equal(role("ServedRemoteCluster"), role("ServedClusterRecord"));
  // The control plane's values reach the workloads as Inputs: an operator stack's outputs through a StackReference.
  const reference = t["istio-mesh:index:ControlPlaneReference"]?.properties ?? {};
  assert.deepEqual(Object.keys(reference).sort(), ["externalIstiodAddress", "operatorStack", "remotes"]);
  for (const k of ["externalIstiodAddress", "remotes"]) assert.notEqual(reference[k]?.plain, true, `ControlPlaneReference.${k} is an Input`);
  assert.equal(reference.operatorStack?.plain, true, "the StackReference's name decides which resource the component reads");
});

test("the package's code imports nothing of the program, the render, verify or the tests", () => {
  const dir = PLUGIN_DIR;
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts") && !f.startsWith("node_modules"));
  assert.ok(files.length > 20, `${files.length} files`);
  for (const file of files) {
    const text = readFileSync(path.join(dir, file), "utf8");
    for (const [, spec] of text.matchAll(/from "(\.[^"]*)"/g)) {
      const target = path.resolve(path.dirname(path.join(dir, file)), spec!);
      assert.ok(target.startsWith(`${dir}${path.sep}`), `component/${file} imports ${spec}, outside the package`);
    }
  }
});
