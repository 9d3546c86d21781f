/**
 * Outputs that still hold `[unknown]`: what `npm run render` and `pulumi preview` show for values known only once
 * the resources exist (the control plane's load-balancer address, say). Verifying against them would read the
 * clusters for addresses that do not exist; they are refused before any cluster is read.
 */
import { UNKNOWN } from "../render/model";
import { UsageError } from "./usageError";

/** The paths (`remotes.cluster1.ingressGatewayAddress`) of every string that holds `[unknown]`. */
export function unknownOutputPaths(value: unknown, at = ""): string[] {
  if (typeof value === "string") return value.includes(UNKNOWN) ? [at || "(root)"] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownOutputPaths(v, `${at}[${i}]`));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => unknownOutputPaths(v, at ? `${at}.${k}` : k));
  }
  return [];
}

/** @throws UsageError naming the outputs that hold `[unknown]`, and where real ones come from */
export function refuseUnknownOutputs(outputs: unknown, source: string): void {
  const unknown = unknownOutputPaths(outputs);
  if (unknown.length === 0) return;
  throw new UsageError(
    `the stack outputs from ${source} still hold ${UNKNOWN} (a render's or a preview's, not a deployment's): ${unknown.join(", ")}. ` +
      "verify reads a deployed mesh: run `pulumi up`, then pipe `pulumi stack output --json --show-secrets --stack <name>` into this command (or pass --outputs <file> with that output); nothing was checked",
  );
}
