/**
 * Issue 22: the plugin as Pulumi runs it. Pulumi's plugin host (`@pulumi/pulumi/cmd/run-plugin`, which
 * `pulumi-language-nodejs` starts for `pulumi package add`) boots the plugin folder (`component/`), compiling it with
 * ts-node and type checking, and serves over gRPC the schema every SDK is generated from: it must be the committed
 * `schema.json`, with the three components, every type described, and the values other resources give as Inputs.
 *
 * The first test boots the plugin folder with the repository's node_modules (every run). The second does what
 * `pulumi package add <repo>/component@<tag>` does first: it copies the plugin folder alone, installs its dependencies
 * (`npm install` there, from the npm registry), and boots that; it takes minutes and needs the registry, so it runs
 * when PLUGIN_LEAN_INSTALL=1 (docs/other-languages.md has its timing).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { PLUGIN_DIR } from "../component/provider";
import { PROJECT_DIR, SCHEMA_FILE } from "../tools/schema";
import { bootPlugin, getSchema, runPluginPath } from "./support/pluginHost";

/** ts-node type-checks the whole package on a cold start; two shared cores make that slow. */
const BOOT_TIMEOUT_MS = 600_000;

interface Property {
  plain?: boolean;
  type?: string;
  $ref?: string;
}
interface TypeSpec {
  description?: string;
  properties?: Record<string, Property>;
}

/** What the served schema must be, whichever node_modules the plugin runs with. */
function assertServedSchema(served: Record<string, unknown>): void {
  const committed = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as Record<string, unknown>;
  assert.deepEqual(served, committed, "the plugin serves schema.json: if the public API changed on purpose, run `npm run schema`");
  assert.equal(served.name, "istio-mesh", "the provider's name: every type token and URN starts with it");
  assert.deepEqual(Object.keys(served.resources as object).sort(), [
    "istio-mesh:index:ExternalControlPlane",
    "istio-mesh:index:ExternalControlPlaneMesh",
    "istio-mesh:index:MeshWorkloads",
  ]);
  const types = served.types as Record<string, TypeSpec>;
  assert.ok(Object.keys(types).length >= 20);
  for (const [token, t] of Object.entries(types)) assert.ok((t.description ?? "").length > 10, `${token} has a description`);
  const property = (type: string, key: string): Property => {
    const p = types[`istio-mesh:index:${type}`]?.properties?.[key];
    assert.ok(p, `${type}.${key} exists`);
    return p;
  };
  for (const [type, key] of [
    ["RemoteCluster", "apiServer"],
    ["ControlPlaneRemoteCluster", "apiServer"],
    ["Exposure", "hostname"],
    ["ExposureTls", "secretName"],
    ["IstioRelease", "chartRepository"],
    ["WorkloadCharts", "chartRepository"],
  ] as const) {
    assert.notEqual(property(type, key).plain, true, `${type}.${key} is an Input`);
  }
  // Values that decide which resources exist stay plain.
  assert.equal(property("RemoteCluster", "name").plain, true);
  assert.equal(property("Exposure", "mode").plain, true);
}

test("Pulumi's plugin host boots the plugin folder and serves schema.json over gRPC", async () => {
  const plugin = await bootPlugin(PLUGIN_DIR, runPluginPath(path.join(PROJECT_DIR, "node_modules")), BOOT_TIMEOUT_MS);
  try {
    assertServedSchema(await getSchema(plugin.port, BOOT_TIMEOUT_MS));
  } finally {
    plugin.stop();
  }
});

/** The plugin folder's files as git has them (what `pulumi package add` of a tag gets). */
function pluginFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "component"], { cwd: PROJECT_DIR, encoding: "utf8" });
  return out.split("\n").filter((f) => f.length > 0 && existsSync(path.join(PROJECT_DIR, f)));
}

test(
  "after installing only the plugin folder's dependencies, as `pulumi package add` does, the plugin boots and serves schema.json",
  { skip: process.env.PLUGIN_LEAN_INSTALL === "1" ? false : "set PLUGIN_LEAN_INSTALL=1 (installs from the npm registry)" },
  async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "istio-mesh-plugin-"));
    try {
      for (const file of pluginFiles()) cpSync(path.join(PROJECT_DIR, file), path.join(dir, path.relative("component", file)), { recursive: true });
      const npm = process.platform === "win32" ? "npm.cmd" : "npm";
      const installStart = Date.now();
      execFileSync(npm, ["install", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" });
      const installMs = Date.now() - installStart;
      // Nothing of the repository's tooling: no linters, test runners, or the render's CLI helpers.
      const installed = readdirSync(path.join(dir, "node_modules"));
      for (const tool of ["eslint", "tsx", "@eslint", "typescript-eslint", "@tktco", "ajv", "tar", "kubernetes-models"]) {
        assert.ok(!installed.includes(tool), `${tool} is not installed with the plugin`);
      }
      const plugin = await bootPlugin(dir, runPluginPath(path.join(dir, "node_modules")), BOOT_TIMEOUT_MS);
      try {
        assertServedSchema(await getSchema(plugin.port, BOOT_TIMEOUT_MS));
        process.stderr.write(`lean install: npm install ${Math.round(installMs / 1000)} s, first boot ${Math.round(plugin.bootMs / 1000)} s\n`);
      } finally {
        plugin.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
