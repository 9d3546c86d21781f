/**
 * What the benchmark's processes report and what it prints: the child processes' JSON lines (checked with zod,
 * since they cross a process boundary), the `--json` lines and the human table.
 */
import { z } from "zod";

/** The line `evaluateOnce.ts` prints. Times in ms from the child's own clock. */
export const WorkerReport = z.object({
  resources: z.number().int().nonnegative(),
  criticalPath: z.number().int().nonnegative(),
  /** One longest chain of URNs (the reader wants to know what is on it, not only how long it is). */
  chain: z.array(z.string()),
  /** From process start to the program's modules loaded. */
  loadMs: z.number(),
  /** renderStack: the program evaluated under the mock runtime, and its registrations collected. */
  evalMs: z.number(),
  maxRssKiB: z.number(),
});
export type WorkerReport = z.infer<typeof WorkerReport>;

/** The line `baselineOnce.ts` prints. */
export const BaselineReport = z.object({ loadMs: z.number(), maxRssKiB: z.number() });
export type BaselineReport = z.infer<typeof BaselineReport>;

/** One topology size, summarised over the runs (medians). */
export interface SizeResult {
  remotes: number;
  resources: number;
  /** Whole child process, measured by the parent. */
  wallMs: number;
  baselineMs: number;
  peakRssMb: number;
  criticalPath: number;
  /** In-process: module loading, then evaluation. */
  loadMs: number;
  evalMs: number;
  baselineRssMb: number;
  chain: string[];
}

/** The `--json` line: exactly these fields, in this order (scripts compare runs by them). */
export function jsonLine(r: SizeResult): string {
  const { remotes, resources, wallMs, baselineMs, peakRssMb, criticalPath } = r;
  return JSON.stringify({ remotes, resources, wallMs, baselineMs, peakRssMb, criticalPath });
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error("median of nothing");
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const round1 = (x: number): number => Math.round(x * 10) / 10;

/** A Markdown table (it reads as a table in a terminal too, and BENCHMARKS.md pastes it as is). */
export function formatTable(results: readonly SizeResult[]): string {
  const first = results[0];
  const head = ["remotes", "resources", "wall ms", "x baseline", "x 1st size", "load ms", "eval ms", "peak RSS MB", "critical path"];
  const rows = results.map((r) => [
    r.remotes,
    r.resources,
    r.wallMs.toFixed(0),
    (r.wallMs / r.baselineMs).toFixed(2),
    first ? (r.wallMs / first.wallMs).toFixed(2) : "",
    r.loadMs.toFixed(0),
    r.evalMs.toFixed(0),
    r.peakRssMb.toFixed(0),
    r.criticalPath,
  ].map(String));
  const base = first ? `baseline (imports only, registers nothing): ${first.baselineMs.toFixed(0)} ms wall, ${first.baselineRssMb.toFixed(0)} MB peak RSS\n` : "";
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n") + "\n\n" + base;
}

/** The targets, judged on this run: largest size against the smallest. */
export function formatTargets(results: readonly SizeResult[]): string {
  const first = results[0];
  const last = results[results.length - 1];
  if (!first || !last || first === last) return "";
  const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
  const wall = last.wallMs / first.wallMs;
  const evalRatio = last.evalMs / first.evalMs;
  return [
    `targets (${last.remotes} remotes against ${first.remotes}):`,
    `  wall time ${wall.toFixed(2)}x (<= 3x): ${verdict(wall <= 3)}; in-process evaluation alone ${evalRatio.toFixed(1)}x`,
    `  peak RSS ${last.peakRssMb.toFixed(0)} MB (<= 1024 MB): ${verdict(last.peakRssMb <= 1024)}`,
    `  critical path ${last.criticalPath} vs ${first.criticalPath} (same): ${verdict(last.criticalPath === first.criticalPath)}`,
    // The slope does not depend on how fast the machine starts Node, which the ratios above do.
    `each further remote: +${((last.wallMs - first.wallMs) / (last.remotes - first.remotes)).toFixed(1)} ms wall, ` +
      `+${((last.peakRssMb - first.peakRssMb) / (last.remotes - first.remotes)).toFixed(2)} MB RSS, ` +
      `+${((last.resources - first.resources) / (last.remotes - first.remotes)).toFixed(0)} resources`,
    "",
  ].join("\n");
}
