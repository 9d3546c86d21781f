/**
 * A fake of the helloworld sample behind the ingress gateway, on 127.0.0.1: `/hello` answers like Istio's
 * helloworld, cycling through the versions it is given (the mesh load-balances across v1 and v2).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeHelloworld {
  /** The `helloworldUrl` output: `http://127.0.0.1:<port>/hello`. */
  url: string;
  /** The versions to answer with, in turn; tests change it. */
  versions: string[];
  requests: { method: string; url: string }[];
  close(): Promise<void>;
}

const INSTANCES: Record<string, string> = { v1: "helloworld-v1-776f57d5f6-s7zfc", v2: "helloworld-v2-54df5f84b-9hxgw" };

export async function startFakeHelloworld(versions: string[]): Promise<FakeHelloworld> {
  let turn = 0;
  const fake: Omit<FakeHelloworld, "url" | "close"> = { versions, requests: [] };
  const server = createServer((req, res) => {
    fake.requests.push({ method: req.method ?? "?", url: req.url ?? "/" });
    if (req.method !== "GET" || req.url !== "/hello") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    const version = fake.versions[turn++ % fake.versions.length] ?? "v1";
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`Hello version: ${version}, instance: ${INSTANCES[version] ?? version}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}/hello`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  });
}
