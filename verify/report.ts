/**
 * The result, for a person (a table with ✓/✗ and the reason of each failure) or for CI (JSON).
 */
import type { CheckOutcome } from "./runner";

export interface JsonReport {
  ok: boolean;
  checks: { cluster: string; name: string; ok: boolean; reason?: string; detail?: string }[];
}

export function toJsonReport(outcomes: readonly CheckOutcome[]): JsonReport {
  return {
    ok: outcomes.every((o) => o.ok),
    checks: outcomes.map((o) => ({
      cluster: o.cluster,
      name: o.name,
      ok: o.ok,
      ...(o.ok ? (o.detail ? { detail: o.detail } : {}) : { reason: o.reason ?? "failed" }),
    })),
  };
}

export function formatTable(outcomes: readonly CheckOutcome[]): string {
  const header = ["", "CLUSTER", "CHECK", "RESULT"];
  const rows = outcomes.map((o) => [o.ok ? "✓" : "✗", o.cluster, o.name, o.ok ? (o.detail ? `ok: ${o.detail}` : "ok") : (o.reason ?? "failed")]);
  // The last column (reasons) is not padded: it is long and last on the line.
  const widths = [0, 1, 2].map((i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c))
      .join("  ")
      .trimEnd();
  const failed = outcomes.filter((o) => !o.ok).length;
  const summary = `${outcomes.length} checks: ${outcomes.length - failed} passed, ${failed} failed`;
  return `${[header, ...rows].map(line).join("\n")}\n\n${summary}\n`;
}
