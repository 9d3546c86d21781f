/**
 * Renders a stack offline: reads `Pulumi.yaml` and the stack file, evaluates the real program under the mock
 * runtime, and returns the render model, or the config problems.
 */
import * as path from "node:path";
import { ConfigError } from "../infra/config/load";
import { program } from "../infra/program";
import { evaluate } from "./evaluate";
import { toRendered, type Rendered } from "./model";
import { readProjectName, readStackConfig } from "./stackFile";

export const PROJECT_DIR = path.resolve(__dirname, "..");

export interface RenderRequest {
  stack: string;
  /** A stack file to read instead of `Pulumi.<stack>.yaml`, like the CLI's `--config-file`. */
  configFile?: string;
  projectDir?: string;
}

export type RenderResult = { ok: true; rendered: Rendered } | { ok: false; problems: readonly string[] };

/** One render per process (the Pulumi runtime is global). */
export async function renderStack(req: RenderRequest): Promise<RenderResult> {
  const projectDir = req.projectDir ?? PROJECT_DIR;
  const project = readProjectName(projectDir);
  const file = req.configFile ?? path.join(projectDir, `Pulumi.${req.stack}.yaml`);
  const source = req.configFile ?? `Pulumi.${req.stack}.yaml`;
  const { config, secretKeys } = readStackConfig(file, project, source);
  try {
    const ev = await evaluate({ project, stack: req.stack, config, secretKeys, program: () => program({ source }) });
    return { ok: true, rendered: toRendered(ev) };
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, problems: err.problems };
    throw err;
  }
}
