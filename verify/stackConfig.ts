/**
 * The stack's settings, read from its stack file and validated exactly as `pulumi up` does: a whole mesh's, a mesh
 * operator's or a mesh admins' (`stackKind`). Secret values cannot be decrypted here and are not needed: checks only
 * use names, contexts and modes.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { formatProblems, validateStackConfig, type StackSettings } from "../infra/config/validate";
import { readProjectName, readStackConfig } from "../render/stackFile";
import { UsageError } from "./usageError";

export interface StackConfigRequest {
  stack: string;
  /** A stack file to read instead of `Pulumi.<stack>.yaml`, like the CLI's `--config-file`. */
  configFile?: string;
  projectDir: string;
}

/** @throws UsageError when the stack file is missing or invalid */
export function loadStackSettings(req: StackConfigRequest): StackSettings {
  const file = req.configFile ?? path.join(req.projectDir, `Pulumi.${req.stack}.yaml`);
  const source = req.configFile ?? `Pulumi.${req.stack}.yaml`;
  if (!existsSync(file)) throw new UsageError(`no stack file ${file} (pass --config-file, or check --stack)`);
  let project: string;
  let stackConfig: ReturnType<typeof readStackConfig>;
  try {
    project = readProjectName(req.projectDir);
    stackConfig = readStackConfig(file, project, source);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const result = validateStackConfig(stackConfig.config, stackConfig.secretKeys, project, source);
  if (!result.ok) throw new UsageError(`invalid stack configuration:\n  ${formatProblems(source, result.problems).join("\n  ")}`);
  return result.config;
}
