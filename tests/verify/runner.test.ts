/** Retries: a check is attempted again until it passes or the deadline; errors become reasons. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fail, pass } from "../../verify/result";
import { runChecks } from "../../verify/runner";

test("a check that passes on its third attempt passes, and says once why it waited", async () => {
  let calls = 0;
  const lines: string[] = [];
  const outcomes = await runChecks(
    [{ cluster: "c1", name: "settles", attempt: () => Promise.resolve(++calls >= 3 ? pass() : fail(`attempt ${calls}`)) }],
    // A generous deadline that is never waited for: the check passes after three quick attempts.
    { timeoutMs: 10_000, intervalMs: 1 },
    (line) => lines.push(line),
  );
  assert.deepEqual(outcomes, [{ cluster: "c1", name: "settles", ok: true, attempts: 3 }]);
  assert.deepEqual(lines, ["… c1: settles: attempt 1 (retrying)", "✓ c1: settles"]);
});

test("an I/O error fails the check with the error as its reason", async () => {
  const lines: string[] = [];
  const outcomes = await runChecks(
    [{ cluster: "c2", name: "throws", attempt: () => Promise.reject(new Error("listing pods in sample in context ctx-c2: HTTP 403: forbidden")) }],
    { timeoutMs: 0, intervalMs: 50 },
    (line) => lines.push(line),
  );
  assert.deepEqual(outcomes, [{ cluster: "c2", name: "throws", ok: false, reason: "listing pods in sample in context ctx-c2: HTTP 403: forbidden", attempts: 1 }]);
  assert.deepEqual(lines, ["✗ c2: throws: listing pods in sample in context ctx-c2: HTTP 403: forbidden"]);
});

test("outcomes keep the order of the checks, not the order they settle in", async () => {
  const slow = () => new Promise<ReturnType<typeof pass>>((resolve) => setImmediate(() => resolve(pass())));
  const outcomes = await runChecks(
    [
      { cluster: "a", name: "slow", attempt: slow },
      { cluster: "b", name: "fast", attempt: () => Promise.resolve(pass()) },
    ],
    { timeoutMs: 0, intervalMs: 0 },
    () => {},
  );
  assert.deepEqual(
    outcomes.map((o) => o.cluster),
    ["a", "b"],
  );
});
