/**
 * The real entry point, as `npm run verify` runs it: outputs piped on stdin, the user's kubeconfig from
 * KUBECONFIG, the exit status of the process. (Exit 1 and every failure are covered in-process by verify.test.ts.)
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import type { JsonReport } from "../../verify/report";
import { ADDR, startFakeMesh, TEST_TIMING, type FakeMesh } from "./fake/mesh";

const ROOT = path.resolve(__dirname, "../..");
const CHILD_TIMEOUT_MS = 180_000;

function runCli(args: string[], stdin: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // Bounded: a child that hangs (seen once, a tsx start-up under load) is killed and the test fails, not CI.
    // The address probes stay on this machine (fake/localNetwork.ts).
    const child = spawn(process.execPath, ["--import", "tsx", "--import", "./tests/verify/fake/localNetwork.ts", "verify/cli.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      timeout: CHILD_TIMEOUT_MS,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

let mesh: FakeMesh;
before(async () => {
  mesh = await startFakeMesh();
});
after(async () => {
  await mesh.close();
});

// The processes are independent (one only reads the mesh, the others never get that far): run them side by side.
describe("npm run verify, as a process", { concurrency: true }, () => {
  test("pulumi stack output piped in, KUBECONFIG set: every cluster check of a healthy mesh passes, only JSON on stdout", async () => {
    const result = await runCli(["--stack", "test", "--config-file", mesh.files.stack, "--json", ...TEST_TIMING], readFileSync(mesh.files.outputs, "utf8"), {
      KUBECONFIG: mesh.files.kubeconfig,
    });
    const report = JSON.parse(result.stdout) as JsonReport;
    assert.match(result.stderr, /^verifying stack test: \d+ checks/m);
    // The process probes the control plane address from here, where the test's name does not resolve and nothing
    // answers on the load balancer's ports (fake/localNetwork.ts keeps the probes on this machine): those checks fail
    // (exit 1), as they would for a name in no public DNS; the fake probes of verify.test.ts make them pass.
    const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
    assert.deepEqual(failed, [`DNS ${ADDR} -> controlPlaneLoadBalancer from here`, `TLS on ${ADDR}:15012 from here`, `TLS on ${ADDR}:15017 from here`]);
    assert.equal(result.code, 1, result.stderr);
    assert.ok(report.checks.filter((c) => c.ok).length > 20);
  });

  test("with nothing on stdin and no pulumi CLI on PATH, it says how to give the outputs, and exits 2", async () => {
    const result = await runCli(["--stack", "test", "--config-file", mesh.files.stack], "", { PATH: "" });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no stack outputs: the pulumi CLI is not on PATH; pipe `pulumi stack output --json --show-secrets --stack <name>` into this command/);
  });

  test("a usage error exits 2", async () => {
    const result = await runCli([], "", {});
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--stack <name> is required/);
  });
});
