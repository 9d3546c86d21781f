/**
 * Issue 8, bad input: every broken stack file in fixtures/bad-stacks fails before any resource is registered,
 * with exactly the messages its `# expect:` lines give (each naming the stack file and key path), and never
 * prints a secret value.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { renderStack } from "../render/run";

const DIR = path.join(__dirname, "fixtures", "bad-stacks");
/** Values planted in the corpus that must never be echoed. */
const PLANTED_SECRETS = ["hunter2-mirror-password", "PLAIN-TEXT-KEY", "PLAIN-ADMIN-TOKEN", "s3cr3t-api-password"];

const files = readdirSync(DIR).filter((f) => f.endsWith(".yaml")).sort();

test("the corpus has at least 30 broken stacks", () => {
  assert.ok(files.length >= 30, `${files.length} files`);
});

for (const file of files) {
  test(`bad stack ${file}`, async () => {
    const full = path.join(DIR, file);
    const expected = readFileSync(full, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("# expect: "))
      .map((l) => `${full}: ${l.slice("# expect: ".length)}`);
    assert.ok(expected.length > 0, "the fixture states what it must produce");

    const result = await renderStack({ stack: "test", configFile: full });
    assert.equal(result.ok, false, "the config is rejected");
    if (result.ok) return;
    assert.equal(result.registered, 0, "nothing was registered");
    assert.deepEqual([...result.problems].sort(), [...expected].sort());
    const text = result.problems.join("\n");
    for (const secret of PLANTED_SECRETS) assert.ok(!text.includes(secret), `"${secret}" must not be printed`);
  });
}
