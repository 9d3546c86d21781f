/**
 * The network probes of the control plane address, as `npm run verify` runs them from where it runs: DNS through
 * the system resolver, TLS handshakes verified against the system roots. Injected into the plan, so the tests run
 * them against loopback with a test CA and a fake resolver.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import * as tls from "node:tls";
import type { TlsAnswer } from "./checks/address";

/** The addresses of a name (an IP is its own address); throws the resolver's error. */
export type Resolver = (host: string) => Promise<string[]>;

export interface TlsTarget {
  /** Where to connect. */
  host: string;
  port: number;
  /** The name the certificate must be valid for (SNI too); none for an IP address. */
  servername?: string;
}

export type TlsDialer = (target: TlsTarget) => Promise<TlsAnswer>;

export interface AddressProbes {
  resolve: Resolver;
  dialTls: TlsDialer;
}

export const systemResolver: Resolver = async (host) => (isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address));

const errorText = (err: unknown): string => {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code}${e.message && !e.message.startsWith(e.code) ? `: ${e.message}` : ""}` : String(e.message ?? err);
};

/** A DNS subjectAltName matches the name: equal, or a wildcard for its first label. */
function sanMatches(san: string, name: string): boolean {
  const [first, ...rest] = name.toLowerCase().split(".");
  const pattern = san.toLowerCase();
  return pattern === name.toLowerCase() || (pattern.startsWith("*.") && first !== undefined && pattern.slice(2) === rest.join("."));
}

/**
 * Why the certificate is not valid for the name, as Go's clients judge it (kube-apiserver calling the webhooks,
 * istio-proxy): only DNS subjectAltNames count. Node's own check still falls back to the CN, which Go stopped
 * doing in 1.15, so a CN-only certificate that Node accepts is refused here.
 */
function nameProblem(name: string, cert: tls.PeerCertificate): string | undefined {
  const sans = (cert.subjectaltname ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.startsWith("DNS:"))
    .map((s) => s.slice("DNS:".length));
  if (sans.some((san) => sanMatches(san, name))) return undefined;
  const cn = typeof cert.subject?.CN === "string" ? cert.subject.CN : undefined;
  return sans.length === 0
    ? `it has no DNS subjectAltName${cn ? `, only the CN ${cn}` : ""}`
    : `its subjectAltName names ${sans.join(", ")}, not ${name}`;
}

/**
 * A dialer that verifies against `ca` (default: Node's bundled roots, the system roots of the machine's Node) and
 * gives up after `timeoutMs`. It never sends anything after the handshake.
 */
export function tlsDialer(options: { ca?: string[]; timeoutMs: number }): TlsDialer {
  return (target) =>
    new Promise<TlsAnswer>((resolve) => {
      const socket = tls.connect({
        host: target.host,
        port: target.port,
        ...(target.servername && !isIP(target.servername) ? { servername: target.servername } : {}),
        ...(options.ca ? { ca: options.ca } : {}),
        // Judged below, to say why, instead of failing the connection.
        rejectUnauthorized: false,
      });
      const done = (answer: TlsAnswer) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(answer);
      };
      const timer = setTimeout(() => done({ error: `no TLS handshake within ${options.timeoutMs / 1000} s` }), options.timeoutMs);
      socket.once("secureConnect", () => {
        const cert = socket.getPeerCertificate();
        const identityError = target.servername ? nameProblem(target.servername, cert) : undefined;
        done({
          authorized: socket.authorized,
          ...(socket.authorizationError ? { authorizationError: String(socket.authorizationError) } : {}),
          ...(identityError ? { identityError } : {}),
        });
      });
      socket.once("error", (err) => done({ error: errorText(err) }));
    });
}
