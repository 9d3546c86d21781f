/**
 * `npm run verify`: the guide's confirm steps against the live clusters of a stack, read-only: those of the clusters
 * the stack owns, whatever its kind (a whole mesh, a mesh operator's stack, a mesh admins' stack; `plan.ts`).
 * Exit status: 0 every check passed, 1 a check failed, 2 usage or config error (nothing was checked).
 */
import * as path from "node:path";
import { splitByAccess } from "./access";
import { addressChecks } from "./addressPlan";
import { systemResolver, tlsDialer, type AddressProbes } from "./addressProbes";
import { parseVerifyArgs, USAGE, type VerifyArgs } from "./args";
import { getHelloworld } from "./helloworldProbe";
import { clientReader } from "./kube/clientReader";
import type { ClusterReader } from "./kube/clusterReader";
import { kubeConfigFor } from "./kube/kubeconfig";
import { clustersToRead, planChecks } from "./plan";
import { readOutputsText } from "./outputsSource";
import { imageChecks } from "./imagesPlan";
import { podCreationChecks } from "./podCreationPlan";
import { formatTable, toJsonReport } from "./report";
import { runChecks } from "./runner";
import { loadStackSettings } from "./stackConfig";
import { matchOutputsToConfig, parseStackOutputs } from "./stackOutputs";
import { UsageError } from "./usageError";

export const PROJECT_DIR = path.resolve(__dirname, "..");

export interface CommandIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** How the control plane address is probed from here; default DNS and TLS against the system roots. */
  addressProbes?: AddressProbes;
}

/** A TLS handshake that has not completed by then will not. */
const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/** The guide sends ten requests; helloworld answers in milliseconds, so a few seconds each is generous. */
const HELLO_REQUESTS = 10;
const HELLO_REQUEST_TIMEOUT_MS = 5_000;

const KIND_TEXT = { mesh: "a whole mesh", operator: "a mesh operator's stack", admin: "a mesh admins' stack" } as const;

async function verify(args: VerifyArgs, io: CommandIo, projectDir: string): Promise<number> {
  const settings = loadStackSettings({ stack: args.stack, projectDir, ...(args.configFile !== undefined ? { configFile: args.configFile } : {}) });
  const { text, source } = await readOutputsText({
    stack: args.stack,
    projectDir,
    stdin: io.stdin,
    ...(args.outputsFile !== undefined ? { outputsFile: args.outputsFile } : {}),
  });
  const target = matchOutputsToConfig(settings, parseStackOutputs(text, source), source);

  // Only the clusters the stack owns: an admin's kubeconfig need not know the external cluster.
  const kubeconfig = args.kubeconfig !== undefined ? { file: args.kubeconfig } : {};
  const clusters = clustersToRead(settings);
  const readers = new Map<string, ClusterReader>(clusters.map((c) => [c.name, clientReader(c.context, kubeConfigFor(c.context, kubeconfig))]));
  const checks = [
    ...planChecks({
      target,
      readers,
      probeHelloworld: (url, enough) => getHelloworld(url, { requests: HELLO_REQUESTS, timeoutMs: HELLO_REQUEST_TIMEOUT_MS, enough }),
    }),
    ...podCreationChecks(target, readers),
    ...imageChecks(target, readers),
  ];
  const probes = io.addressProbes ?? { resolve: systemResolver, dialTls: tlsDialer({ timeoutMs: TLS_HANDSHAKE_TIMEOUT_MS }) };
  const address = addressChecks(target, probes);

  const policy = { timeoutMs: args.timeoutMs, intervalMs: args.intervalMs };
  const progress = (line: string) => io.stderr.write(`${line}\n`);
  io.stderr.write(
    `verifying stack ${args.stack}: ${checks.length + address.length} checks of ${KIND_TEXT[target.kind]} on ${clusters.map((c) => c.name).join(", ")}, ` +
      `retried for up to ${args.timeoutMs / 1000} s\n`,
  );
  const { runnable, unreachable } = await splitByAccess(checks, address, readers, policy, progress);
  const outcomes = [...unreachable, ...(await runChecks(runnable, policy, progress))];
  const report = toJsonReport(outcomes);
  io.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `\n${formatTable(outcomes)}`);
  return report.ok ? 0 : 1;
}

export async function runVerify(argv: readonly string[], io: CommandIo, projectDir = PROJECT_DIR): Promise<number> {
  let args: VerifyArgs;
  try {
    args = parseVerifyArgs(argv);
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    return await verify(args, io, projectDir);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
