/**
 * Whether a certificate the mesh creates serves a revision's DNS name (issue 24): a canary without its own TLS Secret
 * shares the stable hostname's, which must then cover the canary's name too (a subjectAltName, or a wildcard). Envoy
 * would serve it anyway, and every remote's webhook and proxy would refuse the name mismatch. Pure.
 */
import { X509Certificate } from "node:crypto";

/**
 * False only when the PEM is a certificate that does not cover `host` (node's `checkHost`: subjectAltName DNS
 * entries, wildcards in the leftmost label). Material that does not parse is left to the gateway to refuse.
 */
export function certificateCovers(pem: string, host: string): boolean {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    return true;
  }
  return certificate.checkHost(host) !== undefined;
}

/** The problem of a shared certificate that does not cover the canary's name; never echoes the certificate. */
export function uncoveredCanaryMessage(host: string, secretName: string): string {
  return (
    `istio.canary.hostname: "${host}" is not covered by the certificate of exposure.tls (the Secret ${secretName}, which the canary shares ` +
    `when istio.canary.tls is unset): add the name to the certificate (a subjectAltName, or a wildcard), or give the canary its own Secret ` +
    `in istio.canary.tls.secretName (docs/canary.md: Before you start)`
  );
}
