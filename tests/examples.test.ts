/**
 * Issues 14 and 15: the programs in examples/ (the prod mesh from C#, Python and YAML; a mesh admins' program in YAML). No .NET or Python Pulumi SDK can be
 * installed where these tests run, so the C# and Python programs are not compiled here; instead:
 * - the YAML program's arguments are the component's arguments as they are written there: they pass its checks and
 *   give the same mesh as Pulumi.prod.yaml;
 * - every type, property, enum member and output the C# and Python programs name exists in schema.json under the
 *   name Pulumi's code generators give it (PascalCase and `...Args` in C#; snake_case, `...Args` and UPPER_SNAKE
 *   enum members in Python), and they write the same values as the YAML program;
 * - the C# program in the README is the one in examples/.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { namespaceEntries, validateAdminConfig, validateMeshConfig } from "../infra/config/validate";
import { validateMeshArgs, validateWorkloadsArgs } from "../package/config/args";
import { workloadClusters, type WorkloadsDocument } from "../package/config/workloads";
import { parseStackConfig } from "../render/stackFile";

const ROOT = path.resolve(__dirname, "..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

interface Schema {
  resources: Record<string, { inputProperties: Record<string, unknown>; properties: Record<string, unknown> }>;
  types: Record<string, { properties?: Record<string, unknown>; enum?: { name: string; value: string }[] }>;
}
const schema = JSON.parse(read("schema.json")) as Schema;
const MESH = schema.resources["istio-mesh:index:ExternalControlPlaneMesh"]!;
const typeName = (token: string) => token.slice("istio-mesh:index:".length);
const objectTypes = new Set(Object.entries(schema.types).filter(([, t]) => t.properties).map(([k]) => typeName(k)));
const inputNames = new Set([...Object.keys(MESH.inputProperties), ...Object.entries(schema.types).flatMap(([, t]) => Object.keys(t.properties ?? {}))]);
const outputNames = new Set(Object.keys(MESH.properties));
const enumMembers = new Map(Object.entries(schema.types).flatMap(([k, t]) => (t.enum ? [[typeName(k), t.enum] as const] : [])));

const pascalToCamel = (s: string) => s[0]!.toLowerCase() + s.slice(1);
const snakeToCamel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const upperSnake = (s: string) => s.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();

const yamlProgram = parse(read("examples/yaml/Pulumi.yaml")) as {
  resources: { mesh: { type: string; properties: Record<string, unknown> } };
  outputs: Record<string, string>;
};

/** The prod stack's mesh model, as the program builds it. */
function prodModel() {
  const stack = parseStackConfig(read("Pulumi.prod.yaml"), "istio-mesh", "Pulumi.prod.yaml");
  const { entries, secretKeys } = namespaceEntries(stack.config, stack.secretKeys, "istio-mesh");
  const result = validateMeshConfig(entries, secretKeys, "Pulumi.prod.yaml");
  assert.ok(result.ok);
  const { kind: _kind, source: _source, kubeconfigInConfig: _kubeconfig, registryCredentialsInConfig: _registry, document: _document, ...model } = result.config;
  return model;
}

test("YAML: the component's type, arguments that pass its checks and make the prod mesh, outputs it has", () => {
  assert.equal(yamlProgram.resources.mesh.type.replace(":", ":index:"), "istio-mesh:index:ExternalControlPlaneMesh");
  const result = validateMeshArgs(yamlProgram.resources.mesh.properties);
  assert.ok(result.ok, result.ok ? "" : result.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  assert.deepEqual(result.config, prodModel());
  for (const ref of Object.values(yamlProgram.outputs)) assert.ok(outputNames.has(/^\$\{mesh\.(\w+)\}$/.exec(ref)?.[1] ?? ""), ref);
});

/** String and boolean leaves of the YAML arguments, but enums (each language spells those its own way) and interpolations. */
function plainValues(value: unknown, key = ""): string[] {
  if (typeof value === "string") return value.startsWith("${") || ["mode", "istioSystem", "eastWestGateways"].includes(key) ? [] : [value];
  if (Array.isArray(value)) return value.flatMap((v) => plainValues(v, key));
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => plainValues(v, k));
  return [];
}

test("C#: the generated SDK's names for what the program uses, and the YAML program's values", () => {
  const cs = read("examples/csharp/Program.cs");
  for (const [, type] of cs.matchAll(/new (\w+)Args\b/g)) assert.ok(type === "ExternalControlPlaneMesh" || objectTypes.has(type!), `${type}Args`);
  const properties = [...cs.matchAll(/\b([A-Z]\w*) =\s/g)].map(([, p]) => p!);
  assert.ok(properties.length > 25, `${properties.length} properties`);
  for (const p of properties) assert.ok(inputNames.has(pascalToCamel(p)), `property ${p}`);
  for (const [, e, member] of cs.matchAll(/\b(ExposureMode|EastWestGateways|IstioSystemNamespace)\.(\w+)/g)) {
    assert.ok(enumMembers.get(e!)?.some((m) => m.name === member), `${e}.${member}`);
  }
  for (const [, output] of cs.matchAll(/(?<![\w.])mesh\.(\w+)/g)) assert.ok(outputNames.has(pascalToCamel(output!)), `output ${output}`);
  for (const v of plainValues(yamlProgram.resources.mesh.properties)) assert.ok(cs.includes(`"${v}"`), `C# writes "${v}"`);
});

test("Python: the generated SDK's names for what the program uses, and the YAML program's values", () => {
  const py = read("examples/python/__main__.py");
  for (const [, type] of py.matchAll(/istio_mesh\.(\w+)Args\(/g)) assert.ok(objectTypes.has(type!), `${type}Args`);
  const keywords = [...py.matchAll(/\b([a-z][a-z_]*)=/g)].map(([, k]) => k!);
  assert.ok(keywords.length > 25, `${keywords.length} keyword arguments`);
  for (const k of keywords) assert.ok(inputNames.has(snakeToCamel(k)), `keyword ${k}`);
  for (const [, e, member] of py.matchAll(/istio_mesh\.(ExposureMode|EastWestGateways|IstioSystemNamespace)\.(\w+)/g)) {
    assert.ok(enumMembers.get(e!)?.some((m) => upperSnake(m.name) === member), `${e}.${member}`);
  }
  for (const [, output] of py.matchAll(/(?<![\w.])mesh\.(\w+)/g)) assert.ok(outputNames.has(snakeToCamel(output!)), `output ${output}`);
  for (const v of plainValues(yamlProgram.resources.mesh.properties)) assert.ok(py.includes(`"${v}"`), `Python writes "${v}"`);
});

test("the README's C# program is examples/csharp/Program.cs", () => {
  const block = /## Use it from C#, Python, Go or YAML[\s\S]*?```csharp\n([\s\S]*?)```/.exec(read("README.md"))?.[1];
  assert.equal(block, read("examples/csharp/Program.cs"));
});

const adminProgram = parse(read("examples/yaml-admin/Pulumi.yaml")) as {
  resources: { operator: { type: string; properties: { name: string } }; workloads: { type: string; properties: Record<string, unknown> } };
  outputs: Record<string, string>;
};

test("YAML, a mesh admins' program: MeshWorkloads with an operator stack's outputs, the clusters of Pulumi.prod-apps.yaml", () => {
  const { operator, workloads } = adminProgram.resources;
  assert.equal(operator.type, "pulumi:pulumi:StackReference");
  assert.match(operator.properties.name, /^[^/]+\/istio-mesh\/prod-operator$/);
  assert.equal(workloads.type.replace(":", ":index:"), "istio-mesh:index:MeshWorkloads");
  // The control plane comes from the operator stack's outputs, under the names the operator stack exports.
  const controlPlane = workloads.properties.controlPlane as Record<string, string>;
  assert.deepEqual(controlPlane, { externalIstiodAddress: '${operator.outputs["EXTERNAL_ISTIOD_ADDR"]}', remotes: '${operator.outputs["remotes"]}' });
  const component = schema.resources["istio-mesh:index:MeshWorkloads"]!;
  for (const k of Object.keys(workloads.properties)) assert.ok(k in component.inputProperties, `input ${k}`);
  for (const ref of Object.values(adminProgram.outputs)) assert.ok((/^\$\{workloads\.(\w+)\}$/.exec(ref)?.[1] ?? "") in component.properties, ref);

  // With the interpolations as the values they stand for, the arguments pass the component's checks...
  const result = validateWorkloadsArgs({ ...workloads.properties, controlPlane: { externalIstiodAddress: "istiod.mesh.acme.example", remotes: {} } });
  assert.ok(result.ok, result.ok ? "" : result.problems.map((p) => `${p.path}: ${p.message}`).join("\n"));
  // ...and name the clusters, gateways and samples of the admin stack file.
  const stack = parseStackConfig(read("Pulumi.prod-apps.yaml"), "istio-mesh", "Pulumi.prod-apps.yaml");
  const { entries, secretKeys } = namespaceEntries(stack.config, stack.secretKeys, "istio-mesh");
  const fromStack = validateAdminConfig(entries, secretKeys, "Pulumi.prod-apps.yaml");
  assert.ok(fromStack.ok && fromStack.config.kind === "admin");
  // The surfaces' own keys (kubeconfig per cluster, the control plane, the stack's operatorStack) aside.
  const shared = (doc: WorkloadsDocument) => ({
    istio: doc.istio,
    samples: doc.samples,
    clusters: workloadClusters(doc).map(({ cluster: { name, context, gateways }, role }) => ({ name, context, gateways, role })),
  });
  assert.deepEqual(shared(result.document), shared(fromStack.config.document));
});
