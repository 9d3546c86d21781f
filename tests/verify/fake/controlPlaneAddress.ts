/**
 * The control plane address as `npm run verify` probes it from where it runs, on loopback: a fake resolver (the
 * name -> the load balancer's IP, as public DNS would answer) and a TLS server standing in for the load balancer's
 * ports 15012 and 15017, serving a certificate the test picks; the test CA (`certs/`) stands in for the system roots.
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import * as tls from "node:tls";
import { tlsDialer, type AddressProbes } from "../../../verify/addressProbes";

const CERTS = path.join(__dirname, "certs");
const pem = (file: string) => readFileSync(path.join(CERTS, file), "utf8");

export type ServedCertificate = "valid" | "self-signed" | "cn-only" | "revision";
const FILES: Record<ServedCertificate, string> = { valid: "server", "self-signed": "self-signed", "cn-only": "cn-only", revision: "revision" };

export interface FakeControlPlaneAddress {
  probes: AddressProbes;
  /** What the resolver answers per name; a name not here does not resolve (ENOTFOUND). Tests edit it. */
  dns: Map<string, string[]>;
  /** The ports of the load balancer that accept connections. Tests edit it. */
  openPorts: Set<number>;
  serve(certificate: ServedCertificate): void;
  /** What the load balancer serves for one SNI name (a revision's route); `undefined`: the default (the catch-all). */
  serveFor(servername: string, certificate: ServedCertificate | undefined): void;
  close(): Promise<void>;
}

/** `hostname` resolves to `loadBalancer`, whose 15012 and 15017 serve a valid certificate for `hostname`. */
export async function startFakeControlPlaneAddress(hostname: string, loadBalancer: string): Promise<FakeControlPlaneAddress> {
  const context = (c: ServedCertificate) => ({ cert: pem(`${FILES[c]}.pem`), key: pem(`${FILES[c]}.key`) });
  const bySni = new Map<string, tls.SecureContext>();
  // An SNI without its own certificate gets the default one, as a catch-all route would answer it.
  const server = tls.createServer({ ...context("valid"), SNICallback: (name, cb) => cb(null, bySni.get(name)) }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const dns = new Map<string, string[]>([
    [hostname, [loadBalancer]],
    [loadBalancer, [loadBalancer]],
  ]);
  const openPorts = new Set([15012, 15017]);
  const dial = tlsDialer({ ca: [pem("ca.pem"), pem("revision-ca.pem")], timeoutMs: 2_000 });
  const probes: AddressProbes = {
    resolve: (host) => {
      const answer = dns.get(host);
      if (answer) return Promise.resolve(answer);
      return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" }));
    },
    dialTls: async (target) => {
      const addresses = dns.get(target.host) ?? [];
      if (!addresses.includes(loadBalancer) || !openPorts.has(target.port)) return { error: "ECONNREFUSED" };
      return dial({ ...target, host: "127.0.0.1", port });
    },
  };
  return {
    probes,
    dns,
    openPorts,
    serve: (certificate) => server.setSecureContext(context(certificate)),
    serveFor: (servername, certificate) => {
      if (certificate === undefined) bySni.delete(servername);
      else bySni.set(servername, tls.createSecureContext(context(certificate)));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
