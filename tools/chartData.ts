/**
 * The chart data the package ships (`component/chartData/<minor>.json`), derived from Istio's chart data laid out like
 * `../shared/istio/<version>/` (its README says where each file comes from): per supported minor release, the value
 * keys of the `istiod` and `gateway` charts and the gateway chart's values schema. The program checks
 * `istio.values` against them before anything is registered (`component/config/values.ts`); it has no other chart
 * data at run time.
 *
 *   npm run chart-data              # rewrite component/chartData from ../shared/istio (or ISTIO_DATA_DIR)
 *
 * `tests/shippedChartData.test.ts` derives the same files from the tests' chart data and compares them.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { isSchemaSupported } from "../component/config/gatewaySchema";
import { CHART_DATA_DIR, type ChartKeys, type ShippedChartData } from "../component/config/chartData";

export const PROJECT_DIR = path.resolve(__dirname, "..");
/** The Istio releases whose chart data the package ships, one per minor (the newest patch we have data for). */
export const SHIPPED_VERSIONS = ["1.28.10", "1.29.6", "1.30.3"] as const;

const lines = (text: string): string[] =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * Keys whose default is `{}` or `[]` (anything may go under them: `env`, `nodeSelector`, `service.annotations`...),
 * and the maps the notes name free-form: the istiod chart's `meshConfig` (its values.yaml lists one key of the
 * MeshConfig API), the gateway chart's `global` (free-form in its schema).
 */
export function freeFormPaths(defaults: Record<string, unknown>, chart: "istiod" | "gateway"): string[] {
  const out = new Set<string>(chart === "istiod" ? ["meshConfig"] : ["global"]);
  const walk = (value: unknown, at: string[]) => {
    if (Array.isArray(value) || (typeof value === "object" && value !== null && Object.keys(value).length === 0)) {
      if (at.length > 0) out.add(at.join("."));
      return;
    }
    if (typeof value === "object" && value !== null) for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
  };
  walk(defaults, []);
  return [...out].sort();
}

/**
 * Keys the templates read whole (`toYaml .Values.resources`): a template reads the key and nothing below it, and its
 * default is a map. Anything under such a key goes to Kubernetes as given (`resources.limits`, `affinity.*`).
 */
export function readWholePaths(defaults: Record<string, unknown>, templateRefs: readonly string[]): string[] {
  const at = (p: string): unknown => p.split(".").reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined), defaults);
  return templateRefs
    .filter((ref) => !templateRefs.some((other) => other.startsWith(`${ref}.`)))
    .filter((ref) => {
      const value = at(ref);
      return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
    })
    .sort();
}

function chartKeys(dir: string, chart: "istiod" | "gateway"): ChartKeys {
  const doc = parse(readFileSync(path.join(dir, `${chart}-values.yaml`), "utf8")) as Record<string, unknown>;
  const defaults = (doc._internal_defaults_do_not_set as Record<string, unknown> | undefined) ?? doc;
  const templateRefs = lines(readFileSync(path.join(dir, "keys", `${chart}-template-refs.txt`), "utf8"));
  return {
    valuesPaths: lines(readFileSync(path.join(dir, "keys", `${chart}-values-paths.txt`), "utf8")),
    templateRefs,
    freeForm: freeFormPaths(defaults, chart),
    readWhole: readWholePaths(defaults, templateRefs),
  };
}

/** One version's shipped data, from a data folder laid out like `../shared/istio`. */
export function deriveShippedChartData(dataDir: string, version: string): ShippedChartData {
  const dir = path.join(dataDir, version);
  const schema = JSON.parse(readFileSync(path.join(dir, "gateway-values.schema.json"), "utf8")) as Record<string, unknown>;
  // The package validates with its own small validator: a schema using more of JSON Schema must not pass half-checked.
  const unsupported = isSchemaSupported(schema);
  if (unsupported !== true) throw new Error(`${dir}/gateway-values.schema.json uses ${unsupported}, which component/config/gatewaySchema.ts does not check`);
  return { version, istiod: chartKeys(dir, "istiod"), gateway: { ...chartKeys(dir, "gateway"), schema } };
}

/** The file name of a minor's data: `1.28.json`. */
export const shippedFileName = (version: string): string => `${version.split(".").slice(0, 2).join(".")}.json`;

/** The text written for one version (stable: sorted lists, two-space JSON, a final newline). */
export const shippedText = (data: ShippedChartData): string => `${JSON.stringify(data, null, 2)}\n`;

function main(): void {
  const dataDir = process.env.ISTIO_DATA_DIR ?? path.resolve(PROJECT_DIR, "..", "shared", "istio");
  const target = path.join(PROJECT_DIR, CHART_DATA_DIR);
  const stale = readdirSync(target).filter((f) => f.endsWith(".json") && !SHIPPED_VERSIONS.map(shippedFileName).includes(f));
  if (stale.length > 0) console.warn(`not shipped any more, remove: ${stale.join(", ")}`);
  for (const version of SHIPPED_VERSIONS) {
    const file = path.join(target, shippedFileName(version));
    writeFileSync(file, shippedText(deriveShippedChartData(dataDir, version)));
    console.log(`wrote ${path.relative(PROJECT_DIR, file)} from ${path.join(dataDir, version)}`);
  }
}

if (require.main === module) main();
