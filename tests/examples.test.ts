/**
 * Issues 14, 15 and 22: the programs in examples/: the prod mesh from C#, Python and YAML; the operator's and the
 * admins' stacks from C# and Python; both parts in one C# program; a mesh admins' program in YAML. No .NET or Python
 * Pulumi SDK can be installed where these tests run (the workflow sdk-examples.yml generates both SDKs from the plugin
 * and builds the C# programs, and checks the Python ones), so here:
 * - the YAML programs' arguments are the components' arguments as they are written there: they pass their checks and
 *   give the same mesh as Pulumi.prod.yaml;
 * - every object initializer of the C# programs (`new XArgs { A = ..., B = ... }`) and every call of the Python
 *   programs (`istio_mesh.XArgs(a=...)`, `istio_mesh.MeshWorkloads("name", a=...)`) sets only properties of the
 *   class it initializes, under the names Pulumi's code generators give them (PascalCase in C#, snake_case in
 *   Python); enum members and outputs exist; each component is constructed by its name;
 * - the C# programs the docs show are the examples' files.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { namespaceEntries, validateAdminConfig, validateMeshConfig } from "../infra/config/validate";
import { validateMeshArgs, validateWorkloadsArgs } from "../component/config/args";
import { workloadClusters, type WorkloadsDocument } from "../component/config/workloads";
import type { Deferrable } from "../component/config/model";
import { parseStackConfig } from "../render/stackFile";
import { csharpInitializers, pythonCalls, type Initializer } from "./support/initializers";

const ROOT = path.resolve(__dirname, "..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

interface Schema {
  resources: Record<string, { inputProperties: Record<string, unknown>; properties: Record<string, unknown> }>;
  types: Record<string, { properties?: Record<string, unknown>; enum?: { name: string; value: string }[] }>;
}
const schema = JSON.parse(read("schema.json")) as Schema;
const TOKEN = "istio-mesh:index:";
const MESH = schema.resources[`${TOKEN}ExternalControlPlaneMesh`]!;
const outputNames = new Set(Object.keys(MESH.properties));
const COMPONENTS = Object.keys(schema.resources).map((t) => t.slice(TOKEN.length));
const enumMembers = new Map(Object.entries(schema.types).flatMap(([k, t]) => (t.enum ? [[k.slice(TOKEN.length), t.enum] as const] : [])));

const pascalToCamel = (s: string) => s[0]!.toLowerCase() + s.slice(1);
const snakeToCamel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const upperSnake = (s: string) => s.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();

/** The input properties of what a generated class initializes: a component's `XArgs`, or an input type's `XArgs`. */
function argsProperties(className: string): Set<string> | undefined {
  const name = className.replace(/Args$/, "");
  const resource = schema.resources[`${TOKEN}${name}`];
  if (resource && className.endsWith("Args")) return new Set(Object.keys(resource.inputProperties));
  const type = schema.types[`${TOKEN}${name}`];
  return className.endsWith("Args") && type?.properties ? new Set(Object.keys(type.properties)) : undefined;
}

/**
 * What is wrong with a program's initializers: an `...Args` class the SDK does not have, or a property its class
 * does not have. `toSchema` turns the language's property name into the schema's.
 */
function initializerProblems(initializers: readonly Initializer[], toSchema: (name: string) => string): string[] {
  const problems: string[] = [];
  for (const { className, properties, line } of initializers) {
    if (!className.endsWith("Args")) continue;
    const known = argsProperties(className);
    if (!known) {
      problems.push(`line ${line}: ${className} is not a class of the SDK`);
      continue;
    }
    for (const p of properties) if (!known.has(toSchema(p))) problems.push(`line ${line}: ${className} has no property ${p}`);
  }
  return problems;
}

const examplesOf = (prefix: string) =>
  readdirSync(path.join(ROOT, "examples"), { withFileTypes: true })
    .filter((d) => d.isDirectory() && (d.name === prefix || d.name.startsWith(`${prefix}-`)))
    .map((d) => `examples/${d.name}`);
const CSHARP = examplesOf("csharp").map((dir) => `${dir}/Program.cs`);
const PYTHON = examplesOf("python").map((dir) => `${dir}/__main__.py`);

/** C#: the component each `var x = new Component(` holds. */
const csharpComponents = (cs: string) => new Map([...cs.matchAll(/\bvar (\w+) = new (\w+)\(\s*"[^"]+",\s*new (\w+)\s*\{/g)].map(([, v, c, args]) => [v!, { component: c!, args: args! }]));

test("C#: every initializer sets properties of the class it initializes, every enum member, output and component exists", () => {
  assert.ok(CSHARP.length >= 4, CSHARP.join(", "));
  const constructed = new Set<string>();
  for (const file of CSHARP) {
    // Whole-line comments aside: they may name things in other languages' spelling.
    const cs = read(file).replace(/^\s*\/\/.*$/gm, "");
    const initializers = csharpInitializers(cs);
    assert.ok(initializers.filter((i) => i.className.endsWith("Args")).length >= 4, `${file}: its initializers`);
    assert.deepEqual(initializerProblems(initializers, pascalToCamel), [], file);
    for (const [, e, member] of cs.matchAll(/\b(\w+)\.(\w+)\b/g)) {
      if (enumMembers.has(e!)) assert.ok(enumMembers.get(e!)!.some((m) => m.name === member), `${file}: ${e}.${member}`);
    }
    for (const [variable, { component, args }] of csharpComponents(cs)) {
      assert.ok(COMPONENTS.includes(component), `${file}: ${component} is a component`);
      assert.equal(args, `${component}Args`, `${file}: new ${component}(name, new ${component}Args { ... })`);
      constructed.add(component);
      const outputs = Object.keys(schema.resources[`${TOKEN}${component}`]!.properties);
      for (const [, output] of cs.matchAll(new RegExp(`(?<![\\w.])${variable}\\.(\\w+)`, "g"))) {
        assert.ok(outputs.includes(pascalToCamel(output!)), `${file}: ${component}.${output}`);
      }
    }
    // What a served cluster's record reads of ExternalControlPlane.Remotes' values.
    const served = Object.keys(schema.types[`${TOKEN}ServedRemoteCluster`]!.properties!);
    for (const [, p] of cs.matchAll(/\.Value\.(\w+)/g)) assert.ok(served.includes(pascalToCamel(p!)), `${file}: ServedRemoteCluster.${p}`);
  }
  assert.deepEqual([...constructed].sort(), [...COMPONENTS].sort(), "each component is constructed by its name in a C# program");
});

test("C#: a property of another class is refused, though another class has it", () => {
  const cs = read("examples/csharp-operator/Program.cs").replace('Network = "network-eu-west",', 'Gateways = new ClusterGatewaysArgs { Ingress = true },');
  const problems = initializerProblems(csharpInitializers(cs), pascalToCamel);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /ControlPlaneRemoteClusterArgs has no property Gateways/);
  const typo = read("examples/csharp-admin/Program.cs").replace("new WorkloadClustersArgs", "new WorkloadClusterArgs");
  assert.match(initializerProblems(csharpInitializers(typo), pascalToCamel).join("\n"), /WorkloadClusterArgs has no property Config/);
});

test("Python: every call passes keyword arguments of the class it initializes, every enum member, output and component exists", () => {
  assert.ok(PYTHON.length >= 3, PYTHON.join(", "));
  const constructed = new Set<string>();
  for (const file of PYTHON) {
    const py = read(file).replace(/^\s*#.*$/gm, "");
    const calls = pythonCalls(py, "istio_mesh");
    assert.deepEqual(initializerProblems(calls, snakeToCamel), [], file);
    for (const call of calls.filter((c) => COMPONENTS.includes(c.className))) {
      constructed.add(call.className);
      const known = Object.keys(schema.resources[`${TOKEN}${call.className}`]!.inputProperties);
      for (const k of call.properties) assert.ok(known.includes(snakeToCamel(k)), `${file}: ${call.className} has no argument ${k}`);
    }
    for (const [, e, member] of py.matchAll(/istio_mesh\.(\w+)\.([A-Z_]+)\b/g)) {
      assert.ok(enumMembers.get(e!)?.some((m) => upperSnake(m.name) === member), `${file}: ${e}.${member}`);
    }
    for (const [, variable, component] of py.matchAll(/^(\w+) = istio_mesh\.(\w+)\(\s*"[^"]+",/gm)) {
      assert.ok(COMPONENTS.includes(component!), `${file}: ${component} is a component constructed by name`);
      const outputs = Object.keys(schema.resources[`${TOKEN}${component}`]!.properties);
      for (const [, output] of py.matchAll(new RegExp(`(?<![\\w.])${variable}\\.(\\w+)`, "g"))) {
        assert.ok(outputs.includes(snakeToCamel(output!)), `${file}: ${component}.${output}`);
      }
    }
  }
  assert.ok(constructed.has("MeshWorkloads"), "a Python program uses MeshWorkloads");
  const broken = read("examples/python-admin/__main__.py").replace('name="apps-us-east",', 'name="apps-us-east", api_server="https://10.0.0.1",');
  assert.match(initializerProblems(pythonCalls(broken, "istio_mesh"), snakeToCamel).join("\n"), /WorkloadClusterArgs has no property api_server/);
});

/** The C# programs the docs show. */
const DOCS_WITH_CSHARP = ["docs/other-languages.md"];

test("the C# programs the docs show are the examples' Program.cs files, byte for byte", () => {
  const programs = new Map(CSHARP.map((file) => [read(file), file]));
  let shown = 0;
  for (const doc of DOCS_WITH_CSHARP) {
    for (const [, block] of read(doc).matchAll(/```csharp\n([\s\S]*?)```/g)) {
      if (!/\bnew (ExternalControlPlaneMesh|ExternalControlPlane|MeshWorkloads)\(/.test(block!)) continue;
      shown++;
      assert.ok(programs.has(block!), `${doc}: a C# program that is none of ${CSHARP.join(", ")}`);
    }
  }
  assert.ok(shown >= 3, `${shown} C# programs shown`);
});

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

test("the prod mesh in C# and Python writes the YAML program's values, and exports outputs the component has", () => {
  for (const file of ["examples/csharp/Program.cs", "examples/python/__main__.py"]) {
    const program = read(file);
    for (const v of plainValues(yamlProgram.resources.mesh.properties)) assert.ok(program.includes(`"${v}"`), `${file} writes "${v}"`);
  }
  for (const [, output] of read("examples/csharp/Program.cs").matchAll(/(?<![\w.])mesh\.(\w+)/g)) assert.ok(outputNames.has(pascalToCamel(output!)), `output ${output}`);
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
  const shared = (doc: WorkloadsDocument<Deferrable>) => ({
    istio: doc.istio,
    samples: doc.samples,
    clusters: workloadClusters(doc).map(({ cluster: { name, context, gateways }, role }) => ({ name, context, gateways, role })),
  });
  assert.deepEqual(shared(result.document), shared(fromStack.config.document));
});
