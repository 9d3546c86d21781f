/**
 * The guide's `for i in {1..10}; do curl -s "http://$GATEWAY_URL/hello"; done`: plain HTTP GETs, one after another.
 */
import type { HelloAnswer } from "./checks/helloworld";

export interface HelloProbeOptions {
  requests: number;
  /** Per request. */
  timeoutMs: number;
  /** Stop early once the answers so far are enough (every expected version seen). */
  enough: (answers: readonly HelloAnswer[]) => boolean;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === "TimeoutError") return "no answer in time";
  // fetch reports "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND, ...).
  return err.cause instanceof Error ? `${err.message} (${err.cause.message})` : err.message;
}

export async function getHelloworld(url: string, options: HelloProbeOptions): Promise<HelloAnswer[]> {
  const answers: HelloAnswer[] = [];
  for (let i = 0; i < options.requests && !options.enough(answers); i++) {
    try {
      const res = await fetch(url, { method: "GET", redirect: "manual", signal: AbortSignal.timeout(options.timeoutMs) });
      answers.push({ status: res.status, body: await res.text() });
    } catch (err) {
      answers.push({ error: describe(err) });
    }
  }
  return answers;
}
