/**
 * One question per cluster before its checks: does its API server answer this context's credentials? A cluster
 * that does not is one failure naming the context and the cause (no route, refused, TLS, 401), and its checks do
 * not run: twenty failures that all say "connection refused" hide what else is wrong. The other clusters' checks
 * run as usual.
 */
import type { Check } from "./check";
import type { ClusterReader } from "./kube/clusterReader";
import type { CheckOutcome, RetryPolicy } from "./runner";

/** How long to keep asking an API server that does not answer, at most (the checks' own deadline is longer). */
const MAX_ACCESS_WAIT_MS = 20_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Asks until it answers, or the wait is over; undefined when it answered, else the last reason. */
async function access(reader: ClusterReader, policy: RetryPolicy): Promise<string | undefined> {
  const deadline = Date.now() + Math.min(policy.timeoutMs, MAX_ACCESS_WAIT_MS);
  for (;;) {
    const remaining = Math.max(deadline - Date.now(), 1_000);
    let timer: NodeJS.Timeout | undefined;
    const reason = await Promise.race([
      reader.checkAccess().then(
        () => undefined,
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      ),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`no answer from the API server of context ${reader.context} within ${(remaining / 1000).toFixed(1)} s`), remaining);
      }),
    ]);
    clearTimeout(timer);
    if (reason === undefined || Date.now() + policy.intervalMs >= deadline) return reason;
    await sleep(policy.intervalMs);
  }
}

export interface AccessSplit {
  /** The checks of clusters that answered, and the checks that read no cluster. */
  runnable: Check[];
  /** One failure per cluster that did not answer. */
  unreachable: CheckOutcome[];
}

/**
 * Splits `checks` by whether their cluster's API server answers. `clusterless` checks (the control plane address,
 * seen from here) always run.
 */
export async function splitByAccess(
  checks: readonly Check[],
  clusterless: readonly Check[],
  readers: ReadonlyMap<string, ClusterReader>,
  policy: RetryPolicy,
  progress: (line: string) => void,
): Promise<AccessSplit> {
  const reasons = new Map(await Promise.all([...readers].map(async ([cluster, reader]) => [cluster, await access(reader, policy)] as const)));
  const unreachable: CheckOutcome[] = [];
  for (const [cluster, reason] of reasons) {
    if (reason === undefined) continue;
    const skipped = checks.filter((c) => c.cluster === cluster).length;
    const context = readers.get(cluster)!.context;
    const text = `${reason}; fix access to this cluster (is context ${context} the right one, its API server up and reachable from here, its credentials current?): its ${skipped} checks did not run`;
    progress(`✗ ${cluster}: API server (context ${context}): ${text}`);
    unreachable.push({ cluster, name: `API server (context ${context})`, ok: false, reason: text, attempts: 1 });
  }
  return { runnable: [...checks.filter((c) => reasons.get(c.cluster) === undefined), ...clusterless], unreachable };
}
