/**
 * Where the tests' Istio chart data comes from, in order: `ISTIO_DATA_DIR`, else `../shared/istio` beside the
 * checkout, else Istio's Helm charts from a chart repository, cached inside the checkout.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";

export const DEFAULT_CHART_REPOSITORY = "https://istio-release.storage.googleapis.com/charts";

const CHECKOUT_DIR = path.resolve(__dirname, "../../..");

/** The places a checkout looks in; tests pass their own. */
export interface DataPlaces {
  sharedDir: string;
  cacheDir: string;
}

export const DEFAULT_PLACES: DataPlaces = {
  sharedDir: path.resolve(CHECKOUT_DIR, "../shared/istio"),
  cacheDir: path.join(CHECKOUT_DIR, ".cache/istio-charts"),
};

export type DataSource =
  | { kind: "ISTIO_DATA_DIR"; dataDir: string }
  | { kind: "shared"; dataDir: string }
  | { kind: "repository"; repository: string; cacheDir: string; dataDir: string };

/** Files derived from downloaded charts live below the cache, laid out like `../shared/istio`. */
export const cachedDataDir = (cacheDir: string): string => path.join(cacheDir, "data");

/** Picks the source; does not check that it holds the data (see `prepare.ts`). */
export function resolveDataSource(env: NodeJS.ProcessEnv = process.env, places: DataPlaces = DEFAULT_PLACES): DataSource {
  const explicit = env.ISTIO_DATA_DIR;
  if (explicit) return { kind: "ISTIO_DATA_DIR", dataDir: path.resolve(explicit) };
  if (existsSync(places.sharedDir)) return { kind: "shared", dataDir: places.sharedDir };
  return {
    kind: "repository",
    repository: env.ISTIO_CHART_REPOSITORY || DEFAULT_CHART_REPOSITORY,
    cacheDir: places.cacheDir,
    dataDir: cachedDataDir(places.cacheDir),
  };
}

/** How a source reads in messages: the checkout-relative spelling a user recognizes where there is one. */
export function describeSource(source: DataSource): string {
  switch (source.kind) {
    case "ISTIO_DATA_DIR":
      return `ISTIO_DATA_DIR (${source.dataDir})`;
    case "shared":
      return `../shared/istio (${source.dataDir})`;
    case "repository":
      return `${source.repository}, cached in ${path.relative(process.cwd(), source.cacheDir) || "."}`;
  }
}
