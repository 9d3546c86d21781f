/**
 * One measured evaluation, in a process of its own (the Pulumi runtime is global, and a fresh process pays the
 * start-up a real `pulumi preview` pays):
 *
 *   node --import tsx bench/evaluateOnce.ts --config-file <stack file>
 *
 * Evaluates the real program on the stack file as `npm run render` does and prints one JSON line (`WorkerReport`).
 */
import { parseArgs } from "node:util";
import { renderStack } from "../render/run";
import { criticalPath } from "./criticalPath";
import type { WorkerReport } from "./report";

async function main(): Promise<void> {
  // The imports above have run by now: everything before this line is start-up and module loading.
  const loadedAt = performance.now();
  const { values } = parseArgs({ options: { "config-file": { type: "string" } }, strict: true });
  const configFile = values["config-file"];
  if (configFile === undefined) throw new Error("usage: evaluateOnce.ts --config-file <stack file>");

  const result = await renderStack({ stack: "bench", configFile });
  const evaluatedAt = performance.now();
  if (!result.ok) throw new Error(`invalid stack config:\n${result.problems.join("\n")}`);

  const { resources } = result.rendered;
  const path = criticalPath(resources);
  const report: WorkerReport = {
    resources: resources.length,
    criticalPath: path.length,
    chain: path.chain,
    loadMs: loadedAt,
    evalMs: evaluatedAt - loadedAt,
    // KiB on Linux and macOS alike (Node normalises it); read last, so it covers the whole evaluation.
    maxRssKiB: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
