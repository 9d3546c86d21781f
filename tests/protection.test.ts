/**
 * Issue 8, protecting production: with protection on, namespaces and the releases that own Istio's CRDs are
 * protected and retained on delete; every release has a timeout and cleans up after a failed upgrade; the
 * default Kubernetes provider stays disabled and strict mode on.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import type { Rendered } from "../render/model";
import { RELEASE, renderShipped } from "./support/render";

const ROOT = path.resolve(__dirname, "..");
const NAMESPACE = "kubernetes:core/v1:Namespace";

const isCrdOwner = (r: Rendered["resources"][number]) => r.type === RELEASE && r.inputs.chart === "base";

const isPluginRoot = (r: Rendered["resources"][number]) => r.type.startsWith("tls:");

test("prod: namespaces, CRD-owning releases and the plug-in root CA are protected and retained; nothing else is", async () => {
  const { rendered } = await renderShipped("prod");
  // prod uses the existing istio-system (a read, never created, updated or deleted by the stack).
  const isCreatedNamespace = (r: Rendered["resources"][number]) => r.type === NAMESPACE && r.inputs.metadata !== undefined;
  const guarded = rendered.resources.filter((r) => isCreatedNamespace(r) || isCrdOwner(r) || isPluginRoot(r));
  assert.equal(guarded.filter(isCreatedNamespace).length, 3, "the three control plane namespaces");
  assert.equal(guarded.filter(isCrdOwner).length, 3, "base in the external cluster and both remotes");
  assert.equal(guarded.filter(isPluginRoot).length, 2, "the root key and certificate");
  for (const r of guarded) assert.deepEqual(r.options, { protect: true, retainOnDelete: true, ignoreChanges: [] }, r.urn);
  for (const r of rendered.resources.filter((x) => !guarded.includes(x))) assert.equal(r.options.protect, false, `${r.urn} is not protected`);
});

test("dev: nothing is protected", async () => {
  const { rendered } = await renderShipped("dev");
  assert.deepEqual(rendered.resources.filter((r) => r.options.protect || r.options.retainOnDelete).map((r) => r.urn), []);
});

test("every Helm release has a timeout and cleans up after a failed upgrade", async () => {
  const { rendered } = await renderShipped("prod");
  const releases = rendered.resources.filter((r) => r.type === RELEASE);
  assert.ok(releases.length >= 10);
  for (const r of releases) {
    assert.equal(r.inputs.timeout, 600, r.urn);
    assert.equal(r.inputs.cleanupOnFail, true, r.urn);
    assert.equal(r.inputs.createNamespace, false, `${r.urn}: namespaces are resources of their own (protectable)`);
  }
});

test("the default Kubernetes provider is disabled and both stacks run in strict mode", () => {
  const project = parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, { value: string[] }> };
  assert.deepEqual(project.config["pulumi:disable-default-providers"]?.value, ["kubernetes"]);
  for (const stack of ["dev", "prod"]) {
    const file = parse(readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    assert.equal(file.config["kubernetes:strictMode"], "true", stack);
  }
});
