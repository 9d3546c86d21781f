/** The Istio chart data in ../shared/istio (values, key lists, schemas, CRDs), per version. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse, parseAllDocuments } from "yaml";

/** `../shared/istio` beside the repository (as CI lays it out), unless `ISTIO_DATA_DIR` says otherwise. */
export const ISTIO_DATA_DIR = process.env.ISTIO_DATA_DIR ?? path.resolve(__dirname, "../../../shared/istio");
export const ISTIO_VERSIONS = ["1.28.10", "1.29.6", "1.30.3"] as const;
export type IstioVersion = (typeof ISTIO_VERSIONS)[number];
export type Chart = "base" | "istiod" | "gateway";

const file = (version: string, ...parts: string[]) => path.join(ISTIO_DATA_DIR, version, ...parts);
const lines = (p: string) => readFileSync(p, "utf8").split("\n").map((l) => l.trim()).filter(Boolean);

export function valuesPaths(version: string, chart: Chart): Set<string> {
  return new Set(lines(file(version, "keys", `${chart}-values-paths.txt`)));
}
export function templateRefs(version: string, chart: Chart): Set<string> {
  return new Set(lines(file(version, "keys", `${chart}-template-refs.txt`)));
}

/** The chart's values.yaml, without the `_internal_defaults_do_not_set` wrapper. */
export function chartDefaults(version: string, chart: Chart): Record<string, unknown> {
  const doc = parse(readFileSync(file(version, `${chart}-values.yaml`), "utf8")) as Record<string, unknown>;
  return (doc._internal_defaults_do_not_set as Record<string, unknown> | undefined) ?? doc;
}

export function gatewaySchema(version: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file(version, "gateway-values.schema.json"), "utf8")) as Record<string, unknown>;
}

export interface CrdVersionSchema {
  group: string;
  kind: string;
  version: string;
  schema: Record<string, unknown>;
}

export function crdSchemas(version: string): CrdVersionSchema[] {
  const out: CrdVersionSchema[] = [];
  for (const doc of parseAllDocuments(readFileSync(file(version, "crd-all.gen.yaml"), "utf8"))) {
    const crd = doc.toJS() as {
      kind?: string;
      spec?: { group: string; names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema: Record<string, unknown> } }[] };
    } | null;
    if (crd?.kind !== "CustomResourceDefinition" || !crd.spec) continue;
    for (const v of crd.spec.versions) {
      if (v.schema) out.push({ group: crd.spec.group, kind: crd.spec.names.kind, version: v.name, schema: v.schema.openAPIV3Schema });
    }
  }
  return out;
}
