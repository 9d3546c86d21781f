/**
 * The chart data the package ships, one file per supported minor release (`component/chartData/<major.minor>.json`,
 * written by `npm run chart-data` from Istio's charts, `tools/chartData.ts`): what `istio.values` is checked against
 * before anything is registered. A patch release without its own data is checked against its minor's, and says so.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseIstioVersion } from "./versions";

/** The folder, relative to the project (the script writes it) and to this file (the package reads it). */
export const CHART_DATA_DIR = path.join("component", "chartData");
const SHIPPED_DIR = path.join(__dirname, "..", "chartData");

/** What a chart's values may hold: key lists of Istio's charts (README of `../shared/istio`). */
export interface ChartKeys {
  /** Every key path of the chart's values.yaml. */
  valuesPaths: string[];
  /** Every `.Values.<path>` its templates read, including keys values.yaml lacks. */
  templateRefs: string[];
  /** Keys whose default is `{}`/`[]` (and the maps Istio documents as free-form): anything may go under them. */
  freeForm: string[];
  /** Maps the templates read whole (`toYaml`): anything may go under them too. */
  readWhole: string[];
}

export interface ShippedChartData {
  /** The Istio release the data was derived from. */
  version: string;
  istiod: ChartKeys;
  gateway: ChartKeys & { schema: Record<string, unknown> };
}

let cache: Map<string, ShippedChartData> | undefined;

/** Every shipped data set, by `major.minor`. */
export function shippedChartData(): ReadonlyMap<string, ShippedChartData> {
  if (!cache) {
    cache = new Map();
    for (const file of readdirSync(SHIPPED_DIR).filter((f) => f.endsWith(".json")).sort()) {
      const data = JSON.parse(readFileSync(path.join(SHIPPED_DIR, file), "utf8")) as ShippedChartData;
      cache.set(file.slice(0, -".json".length), data);
    }
  }
  return cache;
}

/** `1.28` of `1.28.3`; undefined for a string that is not a release version. */
export function minorOf(version: string): string | undefined {
  const v = parseIstioVersion(version);
  return v ? `${v.major}.${v.minor}` : undefined;
}

export type ChartDataLookup =
  | { found: true; data: ShippedChartData; /** Set when the data is another patch release's. */ note?: string }
  | { found: false; /** The releases that have data. */ available: string[] };

/** The data for a chart version: its own, else its minor's (with a note saying so), else what is available. */
export function chartDataFor(version: string): ChartDataLookup {
  const all = shippedChartData();
  const minor = minorOf(version);
  const data = minor === undefined ? undefined : all.get(minor);
  if (!data) return { found: false, available: [...all.values()].map((d) => d.version) };
  if (data.version === version) return { found: true, data };
  return {
    found: true,
    data,
    note: `Istio ${version} has no chart data of its own in this package: its values were checked against the keys of ${data.version}, the same minor release`,
  };
}
