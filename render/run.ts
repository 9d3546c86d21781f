/**
 * Renders a stack offline: reads `Pulumi.yaml` and the stack file, evaluates the real program under the mock
 * runtime, and returns the render model, or the config problems.
 */
import * as path from "node:path";
import { format } from "node:util";
import type * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../infra/config/load";
import { program } from "../infra/program";
import { qualifiedStackName } from "../infra/stackNames";
import { evaluate, MOCK_ORGANIZATION, ProgramError, type Evaluation } from "./evaluate";
import { toRendered, type Rendered } from "./model";
import { readProjectName, readStackConfig, StackFileError, type StackConfig } from "./stackFile";

export const PROJECT_DIR = path.resolve(__dirname, "..");

export interface RenderRequest {
  stack: string;
  /** A stack file to read instead of `Pulumi.<stack>.yaml`, like the CLI's `--config-file`. */
  configFile?: string;
  projectDir?: string;
  /**
   * The stack's outputs from its last `pulumi up` (`pulumi stack output --json`), which the program reads through
   * a StackReference to itself to refuse changes of immutable keys. Without them the stack is as never deployed.
   */
  deployedOutputs?: Record<string, unknown>;
  /**
   * For an admin stack: its operator stack's outputs (`pulumi stack output --json` of that stack, or the `outputs`
   * of its JSON render), read through the StackReference its `operatorStack` names. Without them, that stack has no
   * outputs, and the admin stack's control plane values are unknown, as in a preview before the operator's first
   * `pulumi up`. Values the file shows as "[unknown]" or "[secret]" stay shown so.
   */
  operatorOutputs?: Record<string, unknown>;
  /**
   * What the engine answers instead of a preview's (outputs = inputs, reads unknown): for tests that stand for a
   * `pulumi up`, such as one whose untargeted releases keep their previous outputs.
   */
  engine?: { mocks: pulumi.runtime.Mocks; preview: boolean };
}

export type RenderResult =
  /** `diagnostics`: what the program logged (`pulumi.log`), e.g. `warning: ...`, for stderr, never in the render. */
  | { ok: true; rendered: Rendered; evaluation: Evaluation; diagnostics: readonly string[] }
  /**
   * Invalid stack config: every problem, and how many resources had been registered (none, by design; a refused
   * change of an immutable key follows only the read of the stack's own previous outputs).
   */
  | { ok: false; problems: readonly string[]; registered: number };

/** `pulumi.log` with no engine behind it writes `<severity>: [runtime] <message>` to the console. */
const RUNTIME_LOG = /^(debug|info|warning|error): \[runtime\] ([\s\S]*)$/;

/**
 * Runs `fn` keeping what the program logs through `pulumi.log` as diagnostics (`warning: <message>`) instead of
 * letting the SDK print it to the console (stdout, for `info`), so the render's stdout stays the render.
 */
export async function keepingLogs<T>(fn: () => Promise<T>): Promise<{ value: T; diagnostics: string[] }> {
  const diagnostics: string[] = [];
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
  const keep =
    (fallback: (...args: unknown[]) => void) =>
    (...args: unknown[]): void => {
      const m = RUNTIME_LOG.exec(format(...args));
      if (m) diagnostics.push(`${m[1]}: ${m[2]}`);
      else fallback(...args);
    };
  Object.assign(console, { log: keep(saved.log), info: keep(saved.info), warn: keep(saved.warn), error: keep(saved.error), debug: keep(saved.debug) });
  try {
    return { value: await fn(), diagnostics };
  } finally {
    Object.assign(console, saved);
  }
}

/** Renders run one at a time, never concurrently (the Pulumi runtime is global). */
export async function renderStack(req: RenderRequest): Promise<RenderResult> {
  const projectDir = req.projectDir ?? PROJECT_DIR;
  const project = readProjectName(projectDir);
  const file = req.configFile ?? path.join(projectDir, `Pulumi.${req.stack}.yaml`);
  const source = req.configFile ?? `Pulumi.${req.stack}.yaml`;
  let stackConfig: StackConfig;
  try {
    stackConfig = readStackConfig(file, project, source);
  } catch (err) {
    if (err instanceof StackFileError) return { ok: false, problems: [err.message], registered: 0 };
    throw err;
  }
  const { config, secretKeys } = stackConfig;
  try {
    const operatorStack = config[`${project}:operatorStack`];
    const stackOutputs = {
      ...(req.deployedOutputs ? { [qualifiedStackName(req.stack, MOCK_ORGANIZATION, project)]: req.deployedOutputs } : {}),
      ...(req.operatorOutputs && operatorStack !== undefined ? { [qualifiedStackName(operatorStack, MOCK_ORGANIZATION, project)]: req.operatorOutputs } : {}),
    };
    const { value: evaluation, diagnostics } = await keepingLogs(() =>
      evaluate({ project, stack: req.stack, config, secretKeys, stackOutputs, ...req.engine, program: () => program({ source }) }),
    );
    return { ok: true, rendered: toRendered(evaluation), evaluation, diagnostics };
  } catch (err) {
    if (err instanceof ProgramError && err.error instanceof ConfigError) {
      return { ok: false, problems: err.error.problems, registered: err.registrations.length };
    }
    throw err instanceof ProgramError ? err.error : err;
  }
}
