/**
 * Issue 8, bad input: every broken stack file in fixtures/bad-stacks fails before any resource is registered,
 * with exactly the messages its `# expect:` lines give (each naming the stack file and key path), and never
 * prints a secret value. A fixture with a `# deployed-outputs: <json>` line is the next `pulumi up` of a stack
 * whose last one recorded those outputs (issue 12, immutable keys): it fails after reading them and nothing else.
 * A fixture with a `# operator-outputs: <json>` line is an admin stack whose operator stack has those outputs
 * (issue 15): it fails after reading its own record and the operator's outputs, and nothing else.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { renderStack } from "../render/run";

const DIR = path.join(__dirname, "fixtures", "bad-stacks");
/** Values planted in the corpus that must never be echoed. */
const PLANTED_SECRETS = ["hunter2-mirror-password", "PLAIN-TEXT-KEY", "PLAIN-ADMIN-TOKEN", "s3cr3t-api-password"];

const DEPLOYED_OUTPUTS = "# deployed-outputs: ";
const OPERATOR_OUTPUTS = "# operator-outputs: ";

/** The JSON of a `# <name>: <json>` line, if the fixture has one. */
function jsonLine(text: string, prefix: string): Record<string, unknown> | undefined {
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line ? (JSON.parse(line.slice(prefix.length)) as Record<string, unknown>) : undefined;
}

const files = readdirSync(DIR).filter((f) => f.endsWith(".yaml")).sort();

test("the corpus has at least 30 broken stacks", () => {
  assert.ok(files.length >= 30, `${files.length} files`);
});

for (const file of files) {
  test(`bad stack ${file}`, async () => {
    const full = path.join(DIR, file);
    const text = readFileSync(full, "utf8");
    const expected = text
      .split("\n")
      .filter((l) => l.startsWith("# expect: "))
      .map((l) => `${full}: ${l.slice("# expect: ".length)}`);
    assert.ok(expected.length > 0, "the fixture states what it must produce");
    const deployedOutputs = jsonLine(text, DEPLOYED_OUTPUTS);
    const operatorOutputs = jsonLine(text, OPERATOR_OUTPUTS);

    const result = await renderStack({
      stack: "test",
      configFile: full,
      ...(deployedOutputs ? { deployedOutputs } : {}),
      ...(operatorOutputs ? { operatorOutputs } : {}),
    });
    assert.equal(result.ok, false, "the config is rejected");
    if (result.ok) return;
    const reads = operatorOutputs ? 2 : deployedOutputs ? 1 : 0;
    assert.equal(result.registered, reads, reads > 0 ? "only the reads of recorded outputs" : "nothing was registered");
    assert.deepEqual([...result.problems].sort(), [...expected].sort());
    const printed = result.problems.join("\n");
    for (const secret of PLANTED_SECRETS) assert.ok(!printed.includes(secret), `"${secret}" must not be printed`);
  });
}
