/**
 * Usage and config errors exit 2 before any cluster is read: wrong arguments, an invalid stack file, outputs of
 * another deployment, a context missing from the kubeconfig.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { parseVerifyArgs } from "../../verify/args";
import { startFakeMesh, type FakeMesh } from "./fake/mesh";

describe("arguments", () => {
  test("defaults: 120 s deadline, 5 s between attempts, a table", () => {
    assert.deepEqual(parseVerifyArgs(["--stack", "dev"]), { help: false, stack: "dev", json: false, timeoutMs: 120_000, intervalMs: 5_000 });
  });
  test("--stack is required; --timeout takes seconds", () => {
    assert.throws(() => parseVerifyArgs([]), /--stack <name> is required/);
    assert.throws(() => parseVerifyArgs(["--stack", "dev", "--timeout", "soon"]), /--timeout must be a number of seconds, got "soon"/);
    assert.equal(parseVerifyArgs(["--stack", "dev", "--timeout", "1.5"]).timeoutMs, 1500);
  });
});

describe("usage and config errors exit 2", () => {
  let mesh: FakeMesh;
  before(async () => {
    mesh = await startFakeMesh();
  });
  after(async () => {
    await mesh.close();
  });

  test("an unknown option", async () => {
    const result = await mesh.run(["--watch"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Unknown option '--watch'/);
    assert.match(result.stderr, /^usage: npm run verify -- --stack <name>/m);
  });

  test("an invalid stack file, with every problem", async () => {
    const original = readFileSync(mesh.files.stack, "utf8");
    try {
      writeFileSync(mesh.files.stack, original.replace("network: network2", "network: network 2").replace("mode: hostname", "mode: dns"));
      const result = await mesh.run();
      assert.equal(result.code, 2);
      assert.match(result.stderr, /clusters\.remotes\[0\]\.network: "network 2" is not a valid network name/);
      assert.match(result.stderr, /exposure\.mode: must be "hostname" or "loadBalancer"/);
      assert.equal(result.stdout, "");
    } finally {
      writeFileSync(mesh.files.stack, original);
    }
  });

  test("outputs of a deployment that does not match the config", async () => {
    const original = readFileSync(mesh.files.outputs, "utf8");
    try {
      const outputs = JSON.parse(original) as { EXTERNAL_ISTIOD_ADDR: string; remotes: Record<string, unknown> };
      outputs.EXTERNAL_ISTIOD_ADDR = "old-host.example.com";
      delete outputs.remotes.cluster2;
      writeFileSync(mesh.files.outputs, JSON.stringify(outputs));
      const result = await mesh.run();
      assert.equal(result.code, 2);
      assert.match(result.stderr, /do not match .*; run `pulumi up` first/);
      assert.match(result.stderr, /EXTERNAL_ISTIOD_ADDR is old-host\.example\.com, but the config's exposure\.hostname is istiod\.mesh\.example\.com/);
      assert.match(result.stderr, /remotes has no cluster cluster2/);
    } finally {
      writeFileSync(mesh.files.outputs, original);
    }
  });

  test("outputs that are not this program's", async () => {
    const original = readFileSync(mesh.files.outputs, "utf8");
    try {
      writeFileSync(mesh.files.outputs, JSON.stringify({ url: "x" }));
      const result = await mesh.run();
      assert.equal(result.code, 2);
      assert.match(result.stderr, /are not those of this program:\n {2}EXTERNAL_ISTIOD_ADDR: /);
    } finally {
      writeFileSync(mesh.files.outputs, original);
    }
  });

  test("a context that is not in the kubeconfig", async () => {
    const original = readFileSync(mesh.files.kubeconfig, "utf8");
    try {
      writeFileSync(mesh.files.kubeconfig, original.replaceAll("ctx-cluster2", "ctx-other"));
      const result = await mesh.run();
      assert.equal(result.code, 2);
      assert.match(result.stderr, /context "ctx-cluster2" is not in .*kubeconfig/);
    } finally {
      writeFileSync(mesh.files.kubeconfig, original);
    }
  });

  test("nothing was read from any cluster", () => {
    assert.deepEqual(mesh.api.requests, []);
  });
});
