/**
 * Reads the stack's `istio-mesh:*` config from the Pulumi runtime and validates it before anything is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import type { StackSettings } from "./validate";
import { formatProblems, validateStackConfig } from "./validate";

/** The config namespace: the Pulumi project name, so `pulumi config set <key>` needs no prefix. */
export const CONFIG_NAMESPACE = "istio-mesh";

/**
 * A config error: printed by Pulumi without a stack trace (RunError), one problem per line.
 * The problems are kept for the render and the tests.
 */
export class ConfigError extends pulumi.RunError {
  constructor(readonly problems: readonly string[]) {
    super(`invalid stack configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** `isConfigSecret` is internal to the SDK (no typings) but is how the runtime itself tracks secret keys. */
const isConfigSecret = (key: string): boolean =>
  (runtimeConfig as unknown as { isConfigSecret: (key: string) => boolean }).isConfigSecret(key);

/**
 * Loads and validates the config of the running stack, as the kind of stack `stackKind` says.
 * @param source the stack file's name for messages; defaults to `Pulumi.<stack>.yaml`
 * @throws ConfigError listing every problem
 */
export function loadStackSettings(source = `Pulumi.${pulumi.getStack()}.yaml`): StackSettings {
  const all = pulumi.runtime.allConfig();
  const result = validateStackConfig(all, Object.keys(all).filter(isConfigSecret), CONFIG_NAMESPACE, source);
  if (!result.ok) throw new ConfigError(formatProblems(source, result.problems));
  return result.config;
}
