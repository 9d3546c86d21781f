/**
 * The stack's outputs (`StackOutputs` in infra/program.ts) as `pulumi stack output --json` prints them, checked
 * against the stack config: verifying a config that was never deployed would only report confusing failures.
 */
import { z } from "zod";
import { allRemotes } from "../package/config/model";
import { formatPath, type StackMeshConfig } from "../infra/config/validate";
import { UsageError } from "./usageError";

const remoteOutputsSchema = z.object({
  role: z.enum(["config", "remote"]),
  network: z.string(),
  injectionUrl: z.string(),
  // An undefined Output is printed as null (or left out).
  validationUrl: z.string().nullish(),
  remoteSecretName: z.string().min(1),
  ingressGatewayAddress: z.string().nullish(),
});

const stackOutputsSchema = z.object({
  EXTERNAL_ISTIOD_ADDR: z.string().min(1),
  controlPlaneLoadBalancer: z.string().nullish(),
  remotes: z.record(z.string(), remoteOutputsSchema),
  helloworldUrl: z.string().nullish(),
});

export type StackOutputs = z.output<typeof stackOutputsSchema>;
export type RemoteOutputs = z.output<typeof remoteOutputsSchema>;

/** @throws UsageError on anything but the outputs of this program */
export function parseStackOutputs(text: string, source: string): StackOutputs {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`stack outputs from ${source} are not JSON (${(err as Error).message}); expected the output of \`pulumi stack output --json\``);
  }
  const parsed = stackOutputsSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${formatPath(i.path) || "(root)"}: ${i.message}`);
    throw new UsageError(`stack outputs from ${source} are not those of this program:\n${problems.join("\n")}`);
  }
  return parsed.data;
}

/** @throws UsageError when the outputs describe another deployment than the config (config changed since `pulumi up`) */
export function assertOutputsMatchConfig(cfg: StackMeshConfig, outputs: StackOutputs, source: string): void {
  const problems: string[] = [];
  if (cfg.exposure.mode === "hostname" && outputs.EXTERNAL_ISTIOD_ADDR !== cfg.exposure.hostname) {
    problems.push(`EXTERNAL_ISTIOD_ADDR is ${outputs.EXTERNAL_ISTIOD_ADDR}, but the config's exposure.hostname is ${cfg.exposure.hostname}`);
  }
  for (const remote of allRemotes(cfg)) {
    const out = outputs.remotes[remote.name];
    if (out === undefined) problems.push(`remotes has no cluster ${remote.name}`);
    else if (out.network !== remote.network) problems.push(`remotes.${remote.name}.network is ${out.network}, but the config says ${remote.network}`);
  }
  if (problems.length > 0) {
    throw new UsageError(
      `the stack outputs (${source}) do not match ${cfg.source}; run \`pulumi up\` first:\n${problems.map((p) => `  ${p}`).join("\n")}`,
    );
  }
}
