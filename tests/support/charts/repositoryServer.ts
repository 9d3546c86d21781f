/**
 * A Helm chart repository on 127.0.0.1 for tests: `index.yaml` and the archives it lists, every request recorded.
 * It stops when closed, and by itself after a bound, so a failed test cannot leave it running.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { stringify } from "yaml";
import type { ChartArchive } from "./fakeCharts";
import { sha256 } from "./helmRepository";

const LIFETIME_MS = 120_000;

export interface RepositoryServer {
  /** The repository URL, as ISTIO_CHART_REPOSITORY takes it. */
  url: string;
  /** Request paths, in order. */
  requests: string[];
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Archives listed by absolute URL (on another path of the server) instead of relative to the repository. */
  absolute?: (chart: ChartArchive) => boolean;
  /** The digest index.yaml gives, when a test wants it wrong. */
  digest?: (chart: ChartArchive) => string;
}

export async function serveRepository(charts: readonly ChartArchive[], options: ServeOptions = {}): Promise<RepositoryServer> {
  const requests: string[] = [];
  const files = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    requests.push(url);
    const body = files.get(url);
    res.writeHead(body ? 200 : 404).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const entries: Record<string, object[]> = {};
  for (const chart of charts) {
    const file = `${chart.name}-${chart.version}.tgz`;
    const absolute = options.absolute?.(chart) ?? false;
    files.set(absolute ? `/archives/${file}` : `/charts/${file}`, chart.archive);
    (entries[chart.name] ??= []).push({
      apiVersion: "v2",
      name: chart.name,
      version: chart.version,
      digest: options.digest?.(chart) ?? sha256(chart.archive),
      urls: [absolute ? `${origin}/archives/${file}` : file],
    });
  }
  files.set("/charts/index.yaml", Buffer.from(stringify({ apiVersion: "v1", entries })));

  const close = () =>
    new Promise<void>((resolve) => {
      clearTimeout(bound);
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const bound = setTimeout(() => void close(), LIFETIME_MS);
  bound.unref();
  return { url: `${origin}/charts`, requests, close };
}
