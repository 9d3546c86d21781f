/**
 * Preloaded (`--import`) into the `npm run verify` processes the CLI tests start: the control plane address probes
 * of a real process must not leave this machine. DNS answers only `localhost` (any other name is ENOTFOUND, as from a
 * resolver that has no record of it), and a TLS dial to an address off loopback goes to 127.0.0.1 instead, where
 * nothing listens on the mesh's ports. verify's own code is unchanged; it takes `lookup` and `tls.connect` from the
 * modules at the time of the call.
 */
import { createRequire } from "node:module";
import { isIP } from "node:net";

const load = createRequire(__filename);
const dns = load("node:dns/promises") as typeof import("node:dns/promises");
const tls = load("node:tls") as typeof import("node:tls");

const LOOPBACK = /^(127\.|::1$|localhost$)/;

dns.lookup = ((host: string, options?: unknown) => {
  if (host === "localhost") return Promise.resolve([{ address: "127.0.0.1", family: 4 }]);
  const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND", hostname: host });
  void options;
  return Promise.reject(err);
}) as typeof dns.lookup;

const connect = tls.connect.bind(tls);
tls.connect = ((options: import("node:tls").ConnectionOptions, ...rest: unknown[]) => {
  const host = options.host ?? "localhost";
  const local = isIP(host) === 0 ? host === "localhost" : LOOPBACK.test(host);
  return (connect as (...a: unknown[]) => import("node:tls").TLSSocket)(local ? options : { ...options, host: "127.0.0.1" }, ...rest);
}) as typeof tls.connect;
