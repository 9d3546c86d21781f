/**
 * Runs every check at once, each retried until it passes or the shared deadline is reached: right after
 * `pulumi up`, pods start, load balancers get addresses and istiod patches webhooks for a while.
 */
import type { Check } from "./check";
import { fail, type CheckResult } from "./result";

export interface RetryPolicy {
  /** Overall deadline, from the start of the run. */
  timeoutMs: number;
  /** Pause between attempts of one check. */
  intervalMs: number;
}

export interface CheckOutcome {
  cluster: string;
  name: string;
  ok: boolean;
  reason?: string;
  /** What a passing check found, when it reports something (e.g. versions). */
  detail?: string;
  attempts: number;
}

/** An attempt may overrun the deadline by this much, so one slow answer near the end still counts. */
const MIN_ATTEMPT_MS = 2_000;
/** A hung connection must not eat the whole deadline: give up on one attempt after this, then retry. */
const MAX_ATTEMPT_MS = 30_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const label = (check: Check) => `${check.cluster}: ${check.name}`;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function attemptOnce(check: Check, limitMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve(fail(`no answer within ${(limitMs / 1000).toFixed(1)} s`)), limitMs);
  });
  try {
    return await Promise.race([check.attempt().catch((err: unknown) => fail(errorText(err))), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function runOne(check: Check, policy: RetryPolicy, deadline: number, progress: (line: string) => void): Promise<CheckOutcome> {
  let attempts = 0;
  for (;;) {
    attempts++;
    const remaining = deadline - Date.now();
    const result = await attemptOnce(check, Math.min(Math.max(remaining, MIN_ATTEMPT_MS), MAX_ATTEMPT_MS));
    if (result.ok) {
      progress(`✓ ${label(check)}`);
      return { cluster: check.cluster, name: check.name, ok: true, attempts, ...(result.detail ? { detail: result.detail } : {}) };
    }
    if (Date.now() + policy.intervalMs >= deadline) {
      progress(`✗ ${label(check)}: ${result.reason}`);
      return { cluster: check.cluster, name: check.name, ok: false, reason: result.reason, attempts };
    }
    // Say once why a check is waiting, so a long wait is not a silent one.
    if (attempts === 1) progress(`… ${label(check)}: ${result.reason} (retrying)`);
    await sleep(policy.intervalMs);
  }
}

/** Outcomes in the order of `checks`; progress lines as checks settle. */
export async function runChecks(checks: readonly Check[], policy: RetryPolicy, progress: (line: string) => void): Promise<CheckOutcome[]> {
  const deadline = Date.now() + policy.timeoutMs;
  return Promise.all(checks.map((check) => runOne(check, policy, deadline, progress)));
}
