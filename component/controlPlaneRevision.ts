/**
 * The readiness marker the mesh operator exports per remote cluster (issue 15): a digest of what serves that
 * cluster's proxies and webhooks, the external istiod's release and the cluster's own releases (its istiod, which
 * follows the control plane, and those at the cluster's own version: a further remote's `base`, the east-west
 * gateway), each by chart version and values. A Release's outputs resolve once Helm reports it ready, so the marker
 * is known only then; and it changes whenever one of them is redeployed with another chart or other values.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";

/** JSON with object keys sorted, so the digest does not depend on the order a provider returns keys in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The marker of a set of deployed releases, as `{ chart version, values }` each: 16 hex digits of SHA-256. */
export function controlPlaneRevision(releases: readonly { version: unknown; values: unknown }[]): string {
  return createHash("sha256").update(canonicalJson(releases)).digest("hex").slice(0, 16);
}

/** The marker of these releases, from their outputs (so it resolves after them). */
export function revisionOf(releases: readonly k8s.helm.v3.Release[]): pulumi.Output<string> {
  return pulumi
    .all(releases.map((r) => pulumi.all([r.version, r.values])))
    .apply((deployed) => controlPlaneRevision(deployed.map(([version, values]) => ({ version, values }))));
}
