/**
 * A Helm chart repository over http(s), read as `helm pull` reads it: `index.yaml` lists each chart version with
 * its archive URLs (relative to the repository URL, or absolute) and the archive's sha256 digest.
 */
import { createHash } from "node:crypto";
import { parse } from "yaml";

const INDEX_TIMEOUT_MS = 60_000;
const ARCHIVE_TIMEOUT_MS = 120_000;

export interface ChartVersionEntry {
  name: string;
  version: string;
  /** Absolute archive URL. */
  url: string;
  /** sha256 of the archive, lower-case hex. */
  digest: string;
}

export class ChartDigestMismatch extends Error {
  constructor(entry: ChartVersionEntry, actual: string) {
    super(`refused ${entry.url}: its sha256 is ${actual}, index.yaml says ${entry.digest} (a corrupt download or a tampered mirror)`);
  }
}

/** `https://host/charts` and `https://host/charts/` name one repository; URLs in index.yaml resolve below it. */
export function repositoryBase(repository: string): URL {
  let url: URL;
  try {
    url = new URL(repository);
  } catch {
    throw new Error(`ISTIO_CHART_REPOSITORY must be an http(s):// URL of a Helm chart repository, got "${repository}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`ISTIO_CHART_REPOSITORY must be an http(s):// URL of a Helm chart repository, got "${repository}"`);
  }
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

async function get(url: URL, timeoutMs: number): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
  if (!response.ok) throw new Error(`GET ${url.href}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

export interface ChartIndex {
  entry(name: string, version: string): ChartVersionEntry;
}

export async function fetchIndex(repository: string): Promise<ChartIndex> {
  const base = repositoryBase(repository);
  const indexUrl = new URL("index.yaml", base);
  const index = parse((await get(indexUrl, INDEX_TIMEOUT_MS)).toString("utf8")) as {
    entries?: Record<string, { version?: string; urls?: string[]; digest?: string }[] | null>;
  } | null;
  return {
    entry(name, version) {
      const found = index?.entries?.[name]?.find((e) => e.version === version);
      const url = found?.urls?.[0];
      if (!found || !url) throw new Error(`${indexUrl.href} lists no ${name} chart at version ${version}`);
      if (!found.digest) throw new Error(`${indexUrl.href} gives no digest for ${name} ${version}, so its archive cannot be verified`);
      return { name, version, url: new URL(url, base).href, digest: found.digest.toLowerCase() };
    },
  };
}

export const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

/** The archive, only if its sha256 is the one index.yaml gives. */
export async function downloadArchive(entry: ChartVersionEntry): Promise<Buffer> {
  const archive = await get(new URL(entry.url), ARCHIVE_TIMEOUT_MS);
  const actual = sha256(archive);
  if (actual !== entry.digest) throw new ChartDigestMismatch(entry, actual);
  return archive;
}
