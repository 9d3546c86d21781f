/**
 * What a check says about the live mesh: pass (with what it found, when that is worth reporting, e.g. the Istio
 * versions running), or fail with a reason a person can act on.
 */
export type CheckResult = { ok: true; detail?: string } | { ok: false; reason: string };

export const pass = (detail?: string): CheckResult => (detail ? { ok: true, detail } : { ok: true });
export const fail = (reason: string): CheckResult => ({ ok: false, reason });

/** Passes when every part passes; otherwise the reasons of all failing parts, so one run shows every problem. */
export function allOf(results: readonly CheckResult[]): CheckResult {
  const reasons = results.flatMap((r) => (r.ok ? [] : [r.reason]));
  return reasons.length === 0 ? pass() : fail(reasons.join("; "));
}
