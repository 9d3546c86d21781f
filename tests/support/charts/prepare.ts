/**
 * The one-time step before the tests: makes sure the chosen source holds the chart data of every pinned Istio
 * version, downloading and deriving it into the cache when the source is a chart repository. The loader
 * (`istioData.ts`) then reads plain files, synchronously.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { readChartArchive, type ChartFiles } from "./archive";
import { deriveVersionData } from "./derive";
import { downloadArchive, fetchIndex, sha256, type ChartIndex } from "./helmRepository";
import { CHARTS, missingFiles, type Chart } from "./layout";
import { DEFAULT_CHART_REPOSITORY, DEFAULT_PLACES, describeSource, resolveDataSource, type DataPlaces, type DataSource } from "./source";

/** The data is not there and could not be fetched; `message` is all a user needs to read. */
export class IstioDataUnavailable extends Error {}

export function unavailableMessage(versions: readonly string[], findings: readonly string[]): string {
  return [
    `The tests need Istio's chart data (values, value keys, gateway schema, CRDs) for Istio ${versions.join(", ")}, and could not find it:`,
    ...findings.map((f) => `  - ${f}`),
    "Provide it in one of three ways:",
    "  1. ISTIO_DATA_DIR=<a folder laid out like ../shared/istio: <version>/crd-all.gen.yaml, keys/, ...>",
    "  2. ../shared/istio beside this checkout, as the project's own workspace has it",
    `  3. Istio's Helm charts (base, istiod, gateway) from ${DEFAULT_CHART_REPOSITORY}, or from the Helm`,
    "     repository at ISTIO_CHART_REPOSITORY=http(s)://... (a mirror); downloaded once into .cache/istio-charts/",
  ].join("\n");
}

export interface Prepared {
  source: DataSource;
  /** Archive URLs fetched in this run (empty when everything was already there). */
  downloaded: string[];
}

export async function prepareIstioData(versions: readonly string[], env: NodeJS.ProcessEnv = process.env, places: DataPlaces = DEFAULT_PLACES): Promise<Prepared> {
  const source = resolveDataSource(env, places);
  if (source.kind !== "repository") {
    if (!existsSync(source.dataDir)) throw new IstioDataUnavailable(unavailableMessage(versions, [`${describeSource(source)} does not exist`]));
    const missing = missingFiles(source.dataDir, versions);
    if (missing.length > 0) {
      const more = missing.length > 4 ? `, and ${missing.length - 4} more` : "";
      throw new IstioDataUnavailable(unavailableMessage(versions, [`${describeSource(source)} lacks ${missing.slice(0, 4).join(", ")}${more}`]));
    }
    return { source, downloaded: [] };
  }
  const todo = versions.filter((v) => !existsSync(path.join(source.dataDir, v)));
  if (todo.length === 0) return { source, downloaded: [] };

  const downloaded: string[] = [];
  try {
    const index = await fetchIndex(source.repository);
    for (const version of todo) {
      const charts = await chartsOf(version, index, source.cacheDir, downloaded);
      writeVersionData(path.join(source.dataDir, version), deriveVersionData(charts));
    }
  } catch (err) {
    const findings = ["ISTIO_DATA_DIR is not set", `../shared/istio does not exist (${places.sharedDir})`, `the chart repository ${source.repository} failed: ${reason(err)}`];
    throw new IstioDataUnavailable(unavailableMessage(versions, findings));
  }
  return { source, downloaded };
}

/** The three charts of a version, each archive downloaded unless the cache holds the one index.yaml describes. */
async function chartsOf(version: string, index: ChartIndex, cacheDir: string, downloaded: string[]): Promise<Record<Chart, ChartFiles>> {
  const charts = {} as Record<Chart, ChartFiles>;
  for (const chart of CHARTS) {
    const entry = index.entry(chart, version);
    const cached = path.join(cacheDir, "archives", `${chart}-${version}.tgz`);
    let archive: Buffer | undefined = existsSync(cached) ? readFileSync(cached) : undefined;
    if (!archive || sha256(archive) !== entry.digest) {
      archive = await downloadArchive(entry);
      downloaded.push(entry.url);
      mkdirSync(path.dirname(cached), { recursive: true });
      writeFileSync(cached, archive);
    }
    charts[chart] = await readChartArchive(archive);
  }
  return charts;
}

/** Written beside, then renamed into place: a version folder that exists is complete. */
function writeVersionData(dir: string, files: ReadonlyMap<string, string>): void {
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  for (const [file, content] of files) {
    mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
    writeFileSync(path.join(staging, file), content);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
}

function reason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch() says "fetch failed" and keeps what failed (DNS, refused connection, TLS) in `cause`.
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err.message}${cause}`;
}

/** `npm test`'s first step: one line on success, else one message to show as it is (no stack trace). */
export async function prepareStep(versions: readonly string[], env: NodeJS.ProcessEnv = process.env, places: DataPlaces = DEFAULT_PLACES): Promise<{ ok: boolean; message: string }> {
  try {
    const { source, downloaded } = await prepareIstioData(versions, env, places);
    const fetched = source.kind !== "repository" ? "" : downloaded.length > 0 ? `; downloaded ${downloaded.length} chart archives` : "; nothing downloaded";
    return { ok: true, message: `Istio chart data for ${versions.join(", ")}: ${describeSource(source)}${fetched}` };
  } catch (err) {
    return { ok: false, message: err instanceof IstioDataUnavailable ? err.message : `Istio chart data could not be prepared: ${reason(err)}` };
  }
}
