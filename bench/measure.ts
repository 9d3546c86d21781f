/**
 * Runs a benchmark script in a fresh Node process and times the whole process from here: start-up, module
 * loading, evaluation and exit, which is what a user waits for. The child's own numbers come back on its stdout.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { z } from "zod";

export const BENCH_DIR = __dirname;
const PROJECT_DIR = path.resolve(__dirname, "..");

export interface Timed<T> {
  wallMs: number;
  report: T;
}

/**
 * `node --import tsx <script> ...args`, TypeScript run as `npm run render` runs it; cwd is the project so
 * `tsx` resolves from its node_modules. Runs are sequential by design: two at once on a 2-core machine would time
 * each other. `nodeArgs` go to node itself (`--cpu-prof`, `--stack-trace-limit=0`): profiling and what-ifs run the
 * very same processes.
 */
export function runChild<S extends z.ZodType>(
  script: string,
  args: readonly string[],
  schema: S,
  nodeArgs: readonly string[] = [],
): Promise<Timed<z.infer<S>>> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", path.join(BENCH_DIR, script), ...args], {
      cwd: PROJECT_DIR,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    // `close`, not `exit`: the process has ended and its output is all read.
    child.on("close", (code) => {
      const wallMs = performance.now() - start;
      if (code !== 0) return reject(new Error(`${script} ${args.join(" ")} exited with ${code}: ${stderr.trim()}`));
      const last = stdout.trim().split("\n").pop() ?? "";
      try {
        resolve({ wallMs, report: schema.parse(JSON.parse(last)) });
      } catch (err) {
        reject(new Error(`${script}: unexpected output ${JSON.stringify(last)}: ${(err as Error).message}`));
      }
    });
  });
}
