/**
 * The guide's last step: `curl http://$GATEWAY_URL/hello` through the config cluster's ingress gateway answers
 * from every deployed helloworld version (v1 on the config cluster, v2 on further remotes).
 */
import { fail, pass, type CheckResult } from "../result";

/** One GET: the status and body, or why there was none. */
export type HelloAnswer = { status: number; body: string } | { error: string };

const HELLO = /Hello version: ([^,\s]+), instance: (\S+)/;

/** `Hello version: v1, instance: helloworld-v1-776f57d5f6-s7zfc` -> its version, or undefined for anything else. */
export function helloworldVersion(body: string): string | undefined {
  return HELLO.exec(body)?.[1];
}

function problem(answer: HelloAnswer): string | undefined {
  if ("error" in answer) return answer.error;
  if (answer.status !== 200) return `HTTP ${answer.status}`;
  return helloworldVersion(answer.body) === undefined ? `unexpected body ${JSON.stringify(answer.body.slice(0, 80))}` : undefined;
}

/** A helloworld version and the clusters that run it. */
export interface ExpectedVersion {
  version: string;
  clusters: readonly string[];
}

export function checkHelloworldVersions(answers: readonly HelloAnswer[], expected: readonly ExpectedVersion[], url: string): CheckResult {
  const seen = new Set<string>();
  for (const answer of answers) {
    const version = "body" in answer && answer.status === 200 ? helloworldVersion(answer.body) : undefined;
    if (version !== undefined) seen.add(version);
  }
  const expectedVersions = expected.map((e) => e.version);
  const missing = expected.filter((e) => !seen.has(e.version));
  if (missing.length === 0) return pass();
  const n = answers.length;
  if (seen.size === 0) {
    const first = answers.map(problem).find((p) => p !== undefined) ?? "no request was made";
    return fail(`no helloworld answer in ${n} requests to ${url}: ${first}`);
  }
  // v2 answers cross clusters: through the east-west gateways, with endpoints the external istiod learns from the
  // further remotes' secrets.
  const where = missing.map((m) => `${m.version} runs on ${m.clusters.join(", ")}`).join("; ");
  return fail(
    `only ${[...seen].sort().join(", ")} answered in ${n} requests to ${url}, expected ${expectedVersions.join(", ")} ` +
      `(${where}: check its sample pods, east-west gateway and remote secret)`,
  );
}
