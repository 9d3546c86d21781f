/**
 * The control plane address as the remote clusters meet it, judged from where `npm run verify` runs (no cluster
 * needed): in hostname mode the name must resolve in public DNS to the control plane load balancer (istio/istio#39759:
 * the name existed only in a laptop's hosts file), and ports 15012 (XDS, CA) and 15017 (webhooks) must accept TLS with
 * a certificate for the name that the system roots trust, the only roots remote API servers and proxies use
 * (istio/istio#39780: a self-signed or CN-only certificate). Pure judgements over what the probes saw.
 */
import { fail, pass, type CheckResult } from "../result";

/** What a TLS handshake saw; `error` when none completed (refused, timed out, not TLS). */
export type TlsAnswer =
  | {
      /** Whether the chain verified against the dialer's roots (the system roots, outside tests). */
      authorized: boolean;
      /** Why it did not (`SELF_SIGNED_CERT_IN_CHAIN`, `UNABLE_TO_GET_ISSUER_CERT_LOCALLY`...). */
      authorizationError?: string;
      /** Why the certificate is not for the name (`Hostname/IP does not match certificate's altnames...`). */
      identityError?: string;
    }
  | { error: string };

/** The DNS answer for the hostname, and for the load balancer when it is itself a name (AWS ELBs). */
export interface DnsAnswer {
  hostname: string;
  /** The addresses the hostname resolves to, or why it does not. */
  addresses: string[] | { error: string };
  /** The `controlPlaneLoadBalancer` output. */
  loadBalancer: string;
  /** The load balancer's addresses, when it is a name; its own IP otherwise. */
  loadBalancerAddresses: string[];
}

export function checkHostnameResolves(answer: DnsAnswer): CheckResult {
  const { hostname, addresses, loadBalancer, loadBalancerAddresses } = answer;
  if (!Array.isArray(addresses)) {
    return fail(
      `${hostname} does not resolve from here (${addresses.error}): create a public DNS record for it pointing at ${loadBalancer} (the output controlPlaneLoadBalancer). ` +
        "The remote clusters' API servers and pods resolve it too; a name in a hosts file or a private zone they cannot see breaks injection and proxies (istio/istio#39759)",
    );
  }
  if (addresses.some((a) => loadBalancerAddresses.includes(a))) return pass(`${hostname} -> ${addresses.join(", ")}`);
  return fail(
    `${hostname} resolves to ${addresses.join(", ")}, not to the control plane load balancer ${loadBalancer}` +
      `${loadBalancerAddresses.length > 0 && loadBalancerAddresses[0] !== loadBalancer ? ` (${loadBalancerAddresses.join(", ")})` : ""}: ` +
      "point the DNS record at the output controlPlaneLoadBalancer (istio/istio#39759)",
  );
}

export interface TlsExpectation {
  /** The control plane address (the name in hostname mode, the IP in loadBalancer mode). */
  address: string;
  port: number;
  mode: "hostname" | "loadBalancer";
  /** Where the handshake went when it is not the address (the name does not resolve: the load balancer, directly). */
  dialled?: string;
  loadBalancer?: string;
  /** The `kubernetes.io/tls` Secret in the external cluster's istio-system that the gateway serves (hostname mode). */
  tlsSecret?: string;
}

const PORT_USE: Record<number, string> = {
  15012: "proxies and gateways in every remote cluster connect to it (XDS and certificates)",
  15017: "the remote clusters' API servers call the injection and validation webhooks on it",
};

export function checkTls(answer: TlsAnswer, e: TlsExpectation): CheckResult {
  const where = `${e.address}:${e.port}${e.dialled && e.dialled !== e.address ? ` (dialled ${e.dialled}:${e.port})` : ""}`;
  const use = PORT_USE[e.port] ?? "the remote clusters connect to it";
  if ("error" in answer) {
    return fail(
      `nothing accepts TLS on ${where} from here (${answer.error}); ${use}: open TCP ${e.port} to the control plane load balancer` +
        `${e.loadBalancer ? ` ${e.loadBalancer}` : ""} from the remote clusters, and check that Service istio-system/istio-ingressgateway lists port ${e.port}`,
    );
  }
  // loadBalancer mode passes TLS through to istiod, whose certificate is its own CA's: only the handshake counts.
  if (e.mode === "loadBalancer") return pass();
  const problems: string[] = [];
  if (!answer.authorized) {
    problems.push(
      `the certificate on ${where} is not trusted by the system roots (${answer.authorizationError ?? "unverified"}): ${use} trusting only the system roots, ` +
        `so serve a publicly trusted certificate for ${e.address}${e.tlsSecret ? ` in Secret istio-system/${e.tlsSecret}` : ""} (istio/istio#39780)`,
    );
  }
  if (answer.identityError) {
    problems.push(
      `the certificate on ${where} is not valid for ${e.address} (${answer.identityError}): Go clients (kube-apiserver, istio-proxy) read only the ` +
        `subjectAltName, never the CN; reissue it with DNS:${e.address} in its subjectAltName (istio/istio#39780)`,
    );
  }
  return problems.length === 0 ? pass() : fail(problems.join("; "));
}

/** loadBalancer mode: a revision's SNI on the load balancer's IP (issue 24). */
export interface SniExpectation {
  /** The load balancer's IP. */
  loadBalancer: string;
  port: number;
  /** `istiod-<rev>.<ns>.svc`: what the revision's proxies and webhooks send, and the name its certificate holds. */
  sni: string;
  /** `istiod-<rev>`. */
  istiod: string;
  /** The VirtualService that routes the SNI, for the fix. */
  virtualService: string;
}

/**
 * The control plane gateway passes TLS through by SNI, and a catch-all route takes any other SNI (SNI-less clients):
 * a handshake alone would pass even when the revision's route is missing. So the certificate must be valid for the
 * SNI, as its proxies and the API servers calling its webhooks require; its issuer is istiod's own CA, not judged here.
 */
export function checkTlsSni(answer: TlsAnswer, e: SniExpectation): CheckResult {
  const where = `${e.loadBalancer}:${e.port} for SNI ${e.sni}`;
  const use = PORT_USE[e.port] ?? "the remote clusters connect to it";
  if ("error" in answer) {
    return fail(
      `nothing accepts TLS on ${where} from here (${answer.error}); ${use}: open TCP ${e.port} to the control plane load balancer ${e.loadBalancer} ` +
        `from the remote clusters, and check that Service istio-system/istio-ingressgateway lists port ${e.port}`,
    );
  }
  if (answer.identityError) {
    return fail(
      `the certificate served on ${where} is not ${e.istiod}'s (${answer.identityError}): the control plane gateway does not route ${e.sni} to ${e.istiod} ` +
        `(another route, e.g. the catch-all, takes it): check that VirtualService ${e.virtualService} in the external cluster routes SNI ${e.sni} on port ${e.port} to ${e.istiod}`,
    );
  }
  return pass();
}
