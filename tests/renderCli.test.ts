/**
 * Issue 2, the offline render as a command: the JSON contract on stdout and nothing else, the tree and YAML
 * formats, `--config-file`, exit status 1 with the problems on stderr for an invalid config, and determinism.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import type { Rendered } from "../render/model";

const ROOT = path.resolve(__dirname, "..");
const tmp = mkdtempSync(path.join(os.tmpdir(), "render-cli-"));

function render(...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "render/cli.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const isUrnOrNull = (v: unknown) => v === null || (typeof v === "string" && v.startsWith("urn:pulumi:"));

for (const stack of ["dev", "prod", "prod-operator", "prod-apps"]) {
  test(`--format json honours the contract (${stack})`, () => {
    const run = render("--stack", stack, "--format", "json");
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as Rendered;
    assert.deepEqual(Object.keys(out).sort(), ["outputs", "project", "resources", "stack"]);
    assert.equal(out.project, "istio-mesh");
    assert.equal(out.stack, stack);
    const urns = new Set(out.resources.map((r) => r.urn));
    for (const r of out.resources) {
      assert.deepEqual(Object.keys(r).sort(), ["cluster", "dependsOn", "inputs", "name", "options", "parent", "type", "urn"], r.urn);
      assert.ok(isUrnOrNull(r.parent), r.urn);
      if (r.parent !== null) assert.ok(urns.has(r.parent), `${r.urn}: parent is a listed resource`);
      for (const d of r.dependsOn) assert.ok(urns.has(d), `${r.urn}: dependency ${d} is a listed resource`);
      assert.deepEqual(Object.keys(r.options).sort(), ["ignoreChanges", "protect", "retainOnDelete"]);
      assert.equal(typeof r.options.protect, "boolean");
      assert.equal(typeof r.options.retainOnDelete, "boolean");
      assert.ok(Array.isArray(r.options.ignoreChanges));
      if (r.type.startsWith("kubernetes:") || r.type === "pulumi:providers:kubernetes") assert.notEqual(r.cluster, null, `${r.urn} has a cluster`);
    }
    assert.ok("EXTERNAL_ISTIOD_ADDR" in out.outputs);
  });
}

test("--operator-outputs: an admin stack takes its operator's outputs, from `pulumi stack output --json` or a JSON render", () => {
  const operator = render("--stack", "prod-operator", "--format", "json");
  assert.equal(operator.status, 0, operator.stderr);
  const wholeRender = path.join(tmp, "operator-render.json");
  const outputsOnly = path.join(tmp, "operator-outputs.json");
  writeFileSync(wholeRender, operator.stdout);
  writeFileSync(outputsOnly, JSON.stringify((JSON.parse(operator.stdout) as Rendered).outputs));
  const fromOutputs = render("--stack", "prod-apps", "--format", "json", "--operator-outputs", outputsOnly);
  assert.equal(fromOutputs.status, 0, fromOutputs.stderr);
  assert.equal(fromOutputs.stderr, "", "no warning: the operator's outputs are known");
  const releases = (JSON.parse(fromOutputs.stdout) as Rendered).resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
  assert.equal(releases.length, 4);
  for (const r of releases) assert.equal(r.inputs.version, "1.28.10", r.name);
  assert.equal(render("--stack", "prod-apps", "--format", "json", "--operator-outputs", wholeRender).stdout, fromOutputs.stdout);

  const without = render("--stack", "prod-apps", "--format", "json");
  assert.equal(without.status, 0, without.stderr);
  assert.match(without.stderr, /operator stack "prod-operator" has no outputs yet, so its values are unknown in this preview/);
  const bad = path.join(tmp, "not-outputs.json");
  writeFileSync(bad, "[1, 2]");
  const refused = render("--stack", "prod-apps", "--operator-outputs", bad);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /--operator-outputs .*not-outputs\.json: expected a JSON object of stack outputs/);
});

test("two renders of a stack are byte-identical", () => {
  const a = render("--stack", "prod", "--format", "json");
  const b = render("--stack", "prod", "--format", "json");
  assert.equal(a.status, 0);
  assert.equal(a.stdout, b.stdout);
  const t1 = render("--stack", "dev");
  const t2 = render("--stack", "dev");
  assert.equal(t1.stdout, t2.stdout);
});

test("tree (the default) shows clusters, components, resources and the outputs", () => {
  const run = render("--stack", "prod");
  assert.equal(run.status, 0, run.stderr);
  for (const line of [
    "ExternalControlPlaneMesh mesh: its clusters below",
    "cluster cp-eu-west",
    "cluster apps-eu-west",
    "cluster apps-us-east",
    "  ControlPlaneGateway cp-eu-west",
    "helm release istio-ingressgateway: chart gateway 1.28.10 in istio-system",
    "outputs",
    "  EXTERNAL_ISTIOD_ADDR: istiod.mesh.acme.example",
  ]) {
    assert.ok(run.stdout.includes(line), `tree has "${line}"`);
  }
  assert.match(run.stdout, /Namespace external-istiod\s+\(protected, retained on delete\)/);
});

test("--format yaml on stdout is one multi-document YAML stream, cluster by cluster; diagnostics go to stderr", () => {
  const run = render("--stack", "prod", "--format", "yaml");
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, "", "nothing to report for prod");
  const docs = parseAllDocuments(run.stdout);
  assert.deepEqual(docs.flatMap((d) => d.errors.map((e) => e.message)), [], "one valid stream");
  assert.ok(docs.length > 20, `${docs.length} documents`);
  for (const cluster of ["cp-eu-west", "apps-eu-west", "apps-us-east"]) assert.ok(run.stdout.includes(`# ===== cluster ${cluster} =====`), cluster);

  const admin = render("--stack", "prod-apps", "--format", "yaml");
  assert.equal(admin.status, 0, admin.stderr);
  assert.deepEqual(parseAllDocuments(admin.stdout).flatMap((d) => d.errors.map((e) => e.message)), []);
  assert.doesNotMatch(admin.stdout, /warning|has no outputs yet/, "no diagnostic on stdout");
  assert.match(admin.stderr, /^warning: Pulumi\.prod-apps\.yaml: operatorStack: operator stack "prod-operator" has no outputs yet/m);
});

for (const [stack, component, clusters] of [
  ["prod-operator", "ExternalControlPlane", ["cp-eu-west", "apps-eu-west", "apps-us-east"]],
  ["prod-apps", "MeshWorkloads", ["apps-eu-west", "apps-us-east"]],
] as const) {
  test(`the tree of ${stack} is grouped by cluster like a whole mesh's`, () => {
    const run = render("--stack", stack);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.stdout.includes(`${component} mesh: its clusters below`), run.stdout.slice(0, 400));
    for (const cluster of clusters) assert.match(run.stdout, new RegExp(`^cluster ${cluster}$`, "m"));
    // Only what spans clusters by nature stays outside them: the stack's references to stacks.
    const spanning = /\nspanning clusters\n([\s\S]*?)\n\noutputs\n/.exec(run.stdout)?.[1] ?? "";
    for (const line of spanning.split("\n").filter(Boolean)) assert.match(line, /StackReference/, line);
    assert.doesNotMatch(run.stdout, /warning/, "diagnostics go to stderr");
  });
}

test("yaml --out writes one multi-document file per cluster", () => {
  const dir = path.join(tmp, "yaml");
  const run = render("--stack", "prod", "--format", "yaml", "--out", dir);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ["apps-eu-west.yaml", "apps-us-east.yaml", "cp-eu-west.yaml"]);
  const docs = parseAllDocuments(readFileSync(path.join(dir, "cp-eu-west.yaml"), "utf8")).map((d) => d.toJS() as Record<string, unknown>);
  const istiod = docs.find((d) => (d.helmRelease as { namespace?: string; chart?: string } | undefined)?.namespace === "external-istiod");
  assert.ok(istiod, "the external istiod release is in the external cluster's file");
  assert.deepEqual(Object.keys(istiod.helmRelease as object), ["name", "chart", "version", "repository", "namespace", "values"]);
  const secret = docs.find((d) => d.kind === "Secret" && (d.metadata as { name?: string }).name === "istio-kubeconfig");
  assert.equal(secret?.stringData, "[secret]");
});

test("--config-file reads another stack file; an invalid one exits 1 with every problem on stderr and nothing on stdout", () => {
  const file = path.join(tmp, "broken.yaml");
  writeFileSync(file, "config:\n  istio-mesh:istio: {version: '1.20.0'}\n  istio-mesh:exposure: {mode: nodePort}\n");
  const run = render("--stack", "dev", "--config-file", file, "--format", "json");
  assert.equal(run.status, 1);
  assert.equal(run.stdout, "");
  assert.deepEqual(run.stderr.trim().split("\n").sort(), [
    `${file}: clusters: is required`,
    `${file}: exposure.mode: must be "hostname" or "loadBalancer"`,
    `${file}: istio.version: Istio 1.20.0 is not supported: the charts need Istio 1.24 or newer (profile "remote" on the base and istiod charts)`,
  ]);
});

test("a file that is not a stack file, or no file at all, is a config error: exit 1, stderr only", () => {
  const file = path.join(tmp, "not-yaml.yaml");
  writeFileSync(file, "config:\n  istio-mesh:istio: {version: '1.28.10'\n");
  const broken = render("--stack", "dev", "--config-file", file, "--format", "json");
  assert.equal(broken.status, 1);
  assert.equal(broken.stdout, "");
  assert.match(broken.stderr, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: \\(root\\): not valid YAML`));
  const missing = render("--stack", "no-such-stack", "--format", "json");
  assert.equal(missing.status, 1);
  assert.equal(missing.stdout, "");
  assert.equal(missing.stderr, "Pulumi.no-such-stack.yaml: (root): no such stack file (create it, or pass --config-file)\n");
});

test("usage errors exit 2", () => {
  assert.equal(render("--format", "xml").status, 2);
  assert.equal(render("--stack", "dev", "--out", tmp).status, 2);
});
