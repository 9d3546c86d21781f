/**
 * The Kubernetes objects and Helm releases of a render, with secret values revealed (tests only: schemas check the
 * real content) and values unknown before deploy replaced by a placeholder string.
 */
import type { Evaluation, Wire } from "../../render/evaluate";
import { SECRET_SIG, SIG_KEY, UNKNOWN_SENTINEL } from "../../render/model";
import type { RenderResult } from "../../render/run";

export const UNKNOWN_PLACEHOLDER = "unknown-before-deploy";

/**
 * @param unknown what a value unknown before deploy becomes: a placeholder string (Helm values, whose keys are
 * checked), or nothing (objects validated against schemas: a real preview cannot check those either)
 */
export function reveal(v: Wire, unknown: "placeholder" | "omit" = "placeholder"): unknown {
  const walk = (x: Wire): unknown => {
    if (x === UNKNOWN_SENTINEL) return unknown === "placeholder" ? UNKNOWN_PLACEHOLDER : undefined;
    if (Array.isArray(x)) return x.map(walk).filter((i) => i !== undefined);
    if (typeof x === "object" && x !== null) {
      const o = x as Record<string, unknown>;
      if (o[SIG_KEY] === SECRET_SIG) return walk(o.value);
      return Object.fromEntries(
        Object.entries(o)
          .map(([k, i]) => [k, walk(i)] as const)
          .filter(([, i]) => i !== undefined),
      );
    }
    return x;
  };
  return walk(v);
}

export interface ClusterObject {
  urn: string;
  type: string;
  object: Record<string, unknown>;
}

export interface HelmRelease {
  urn: string;
  chart: string;
  version: string;
  values: Record<string, unknown>;
}

const RELEASE = "kubernetes:helm.sh/v3:Release";

/** Kubernetes objects the program creates (not releases, providers or reads). */
export function clusterObjects(ev: Evaluation): ClusterObject[] {
  return ev.registrations
    .filter((r) => r.kind === "register" && r.custom && r.type.startsWith("kubernetes:") && r.type !== RELEASE)
    .map((r) => ({ urn: r.urn, type: r.type, object: reveal(r.inputs, "omit") as Record<string, unknown> }));
}

export function helmReleases(ev: Evaluation): HelmRelease[] {
  return ev.registrations
    .filter((r) => r.type === RELEASE)
    .map((r) => {
      const inputs = reveal(r.inputs) as { chart: string; version: string; values?: Record<string, unknown> };
      // An oci:// chart reference ends with the chart name.
      return { urn: r.urn, chart: inputs.chart.slice(inputs.chart.lastIndexOf("/") + 1), version: inputs.version, values: inputs.values ?? {} };
    });
}

export function evaluationOf(result: RenderResult): Evaluation {
  if (!result.ok) throw new Error(`expected a render, got:\n${result.problems.join("\n")}`);
  return result.evaluation;
}
