/**
 * The one loader of Istio's chart data (values, key lists, schemas, CRDs), per version, for every test and check.
 * The data comes from `ISTIO_DATA_DIR`, else `../shared/istio`, else Istio's charts downloaded into the cache
 * (charts/source.ts); `npm test` prepares it once before the tests (charts/cli.ts), so reading here is synchronous.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { dataFile, type Chart } from "./charts/layout";
import { resolveDataSource } from "./charts/source";

/** The Istio versions whose charts the tests check against, and the only place they are named. */
export const ISTIO_VERSIONS = ["1.28.10", "1.29.6", "1.30.3"] as const;
export type IstioVersion = (typeof ISTIO_VERSIONS)[number];
export type { Chart };

/** The folder read, laid out like `../shared/istio`. */
export const ISTIO_DATA_DIR = resolveDataSource().dataDir;

function read(version: string, file: string): string {
  const p = path.join(ISTIO_DATA_DIR, version, file);
  // Only a run that skipped `npm test`'s preparation step gets here; say so instead of an ENOENT stack.
  if (!existsSync(p)) throw new Error(`no Istio chart data at ${p}: run \`npm test\`, whose first step prepares it (docs/development.md: Istio chart data)`);
  return readFileSync(p, "utf8");
}
const lines = (text: string) => text.split("\n").map((l) => l.trim()).filter(Boolean);

export function valuesPaths(version: string, chart: Chart): Set<string> {
  return new Set(lines(read(version, dataFile.valuesPaths(chart))));
}
export function templateRefs(version: string, chart: Chart): Set<string> {
  return new Set(lines(read(version, dataFile.templateRefs(chart))));
}

/** The chart's values.yaml, without the `_internal_defaults_do_not_set` wrapper. */
export function chartDefaults(version: string, chart: Chart): Record<string, unknown> {
  const doc = parse(read(version, dataFile.values(chart))) as Record<string, unknown>;
  return (doc._internal_defaults_do_not_set as Record<string, unknown> | undefined) ?? doc;
}

export function gatewaySchema(version: string): Record<string, unknown> {
  return JSON.parse(read(version, dataFile.gatewaySchema)) as Record<string, unknown>;
}

/** What `profile: remote` sets in the istiod chart. */
export function remoteProfile(version: string): Record<string, unknown> {
  return parse(read(version, dataFile.remoteProfile)) as Record<string, unknown>;
}

export interface CrdVersionSchema {
  group: string;
  kind: string;
  version: string;
  schema: Record<string, unknown>;
}

export function crdSchemas(version: string): CrdVersionSchema[] {
  const out: CrdVersionSchema[] = [];
  for (const doc of parseAllDocuments(read(version, dataFile.crds))) {
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
