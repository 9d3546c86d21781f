/** The command line of `npm run verify`. */
import { parseArgs } from "node:util";
import { UsageError } from "./usageError";

export const USAGE =
  "usage: npm run verify -- --stack <name> [--config-file <path>] [--outputs <file>|-] [--json] [--timeout <seconds>] [--interval <seconds>] [--kubeconfig <file>]";

export const DEFAULT_TIMEOUT_SECONDS = 120;
export const DEFAULT_INTERVAL_SECONDS = 5;

export interface VerifyArgs {
  help: boolean;
  stack: string;
  configFile?: string;
  /** A file with `pulumi stack output --json`, or "-" for stdin. */
  outputsFile?: string;
  json: boolean;
  timeoutMs: number;
  intervalMs: number;
  /** Instead of the user's kubeconfig (KUBECONFIG, else ~/.kube/config). */
  kubeconfig?: string;
}

function seconds(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback * 1000;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < 0) throw new UsageError(`--${flag} must be a number of seconds, got "${raw}"`);
  return value * 1000;
}

/** @throws UsageError */
export function parseVerifyArgs(argv: readonly string[]): VerifyArgs {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string" },
        "config-file": { type: "string" },
        outputs: { type: "string" },
        json: { type: "boolean", default: false },
        timeout: { type: "string" },
        interval: { type: "string" },
        kubeconfig: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return { help: true, stack: "", json: false, timeoutMs: 0, intervalMs: 0 };
  if (values.stack === undefined || values.stack === "") throw new UsageError("--stack <name> is required");
  return {
    help: false,
    stack: values.stack,
    ...(values["config-file"] !== undefined ? { configFile: values["config-file"] } : {}),
    ...(values.outputs !== undefined ? { outputsFile: values.outputs } : {}),
    json: values.json,
    timeoutMs: seconds("timeout", values.timeout, DEFAULT_TIMEOUT_SECONDS),
    intervalMs: seconds("interval", values.interval, DEFAULT_INTERVAL_SECONDS),
    ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
  };
}
