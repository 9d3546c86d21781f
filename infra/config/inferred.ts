/**
 * A stack deployed before `deployedConfig` existed (issue 20, F2/F8): its outputs hold no record, but every
 * version of this program exported `EXTERNAL_ISTIOD_ADDR` and `remotes` (each remote by name, with its `role` and,
 * in hostname mode, the config cluster's `validationUrl`). What they tell is checked like the record; what they do
 * not tell is named on every run until a `pulumi up` writes the record. Pure.
 */
import { isIP } from "node:net";
import { isRecord } from "../../component/config/document";
import type { MeshConfig } from "../../component/config/model";
import type { Problem } from "../../component/config/problems";
import { DEPLOYED_CONFIG_OUTPUT, WHY_IMMUTABLE } from "./deployed";

/** What the outputs of an unrecorded stack tell about its deployment. */
export interface InferredDeployment {
  /** From the address (an IP in loadBalancer mode) and the config cluster's `validationUrl` (hostname mode only). */
  exposureMode?: "hostname" | "loadBalancer";
  /** The remote listed with `role: config`. */
  configCluster?: string;
  /** The further remotes' names. */
  remotes: string[];
}

export function inferDeployment(address: unknown, remotes: unknown): InferredDeployment {
  const entries = isRecord(remotes) ? Object.entries(remotes).filter((e): e is [string, Record<string, unknown>] => isRecord(e[1])) : [];
  const config = entries.find(([, r]) => r.role === "config");
  const exposureMode =
    config && typeof config[1].validationUrl === "string"
      ? "hostname"
      : typeof address === "string" && address !== ""
        ? isIP(address) !== 0
          ? "loadBalancer"
          : "hostname"
        : undefined;
  return {
    ...(exposureMode ? { exposureMode } : {}),
    ...(config ? { configCluster: config[0] } : {}),
    remotes: entries.filter(([, r]) => r.role === "remote").map(([name]) => name),
  };
}

const DOC = "docs/configuration.md: A stack deployed before deployedConfig existed";

/** The changes the outputs show: the exposure mode and the config cluster's name. */
export function inferredProblems(inferred: InferredDeployment, cfg: MeshConfig): Problem[] {
  const problems: Problem[] = [];
  const from = `(read from the stack's outputs: it has no ${DEPLOYED_CONFIG_OUTPUT} yet)`;
  if (inferred.exposureMode && inferred.exposureMode !== cfg.exposure.mode) {
    problems.push({
      path: "exposure.mode",
      message: `is "${cfg.exposure.mode}", but the deployed stack has "${inferred.exposureMode}" ${from}; ${WHY_IMMUTABLE.exposureMode}. Keep "${inferred.exposureMode}" (${DOC})`,
    });
  }
  if (inferred.configCluster && inferred.configCluster !== cfg.configCluster.name) {
    problems.push({
      path: "clusters.config.name",
      message: `is "${cfg.configCluster.name}", but the deployed stack has "${inferred.configCluster}" ${from}; ${WHY_IMMUTABLE.clusterName}, so a new name would replace everything in that cluster. Keep "${inferred.configCluster}" (${DOC})`,
    });
  }
  return problems;
}

/**
 * Said on every run of an unrecorded stack: which keys this run cannot check, and what makes the next one checked.
 * istio-system is safe whatever the stack file says; the control plane namespace is protected only by `protect`
 * (docs/configuration.md, same section).
 */
export function unrecordedWarning(source: string, inferred: InferredDeployment): string {
  const checked = [...(inferred.exposureMode ? ["exposure.mode"] : []), ...(inferred.configCluster ? ["clusters.config.name"] : [])];
  return (
    `${source}: the deployed stack has outputs but no ${DEPLOYED_CONFIG_OUTPUT} (it was deployed by an older version of this program), ` +
    `so this run cannot check istio.version and each cluster's istioVersion (version jumps), mesh.controlPlaneNamespace, ` +
    `clusters.external.name, clusters.external.istioSystem and the further remotes' names against it` +
    (checked.length > 0 ? `; ${checked.join(" and ")} are checked against its other outputs` : "") +
    `. Make this pulumi up with the stack file as deployed: it records ${DEPLOYED_CONFIG_OUTPUT}, and the next run checks every key (${DOC})`
  );
}
