/**
 * Checks of the control plane address from where `npm run verify` runs: they read no cluster, so they run even when
 * no API server answers (a whole mesh's and an operator stack's; an admin stack's config does not say the mode).
 */
import type { Check } from "./check";
import { checkHostnameResolves, checkTls, type DnsAnswer, type TlsExpectation } from "./checks/address";
import type { AddressProbes } from "./addressProbes";
import type { VerifyTarget } from "./stackOutputs";
import { XDS_PORT, WEBHOOK_PORT } from "../component/components/urls";

const errorOf = (err: unknown): { error: string } => {
  const e = err as NodeJS.ErrnoException;
  return { error: e.code ?? (err instanceof Error ? err.message : String(err)) };
};

export function addressChecks(target: VerifyTarget, probes: AddressProbes): Check[] {
  if (target.kind === "admin") return [];
  const { config: cfg, outputs } = target;
  const cluster = cfg.external.name;
  const address = outputs.EXTERNAL_ISTIOD_ADDR;
  const loadBalancer = outputs.controlPlaneLoadBalancer ?? undefined;
  const tlsSecret = cfg.exposure.mode === "hostname" ? cfg.exposure.tls.secretName : undefined;

  /** The name's addresses, or why not; the load balancer's. */
  const dns = async (): Promise<DnsAnswer | undefined> => {
    if (loadBalancer === undefined) return undefined;
    const [addresses, lbAddresses] = await Promise.all([probes.resolve(address).catch(errorOf), probes.resolve(loadBalancer).catch(() => [loadBalancer])]);
    return { hostname: address, addresses, loadBalancer, loadBalancerAddresses: lbAddresses };
  };

  const tlsCheck = (port: number): Check => ({
    cluster,
    name: `TLS on ${address}:${port} from here`,
    attempt: async () => {
      // A name that does not resolve here still gets its certificate checked, on the load balancer directly.
      const resolves = cfg.exposure.mode !== "hostname" || (await probes.resolve(address).then(() => true, () => false));
      const dialled = resolves || loadBalancer === undefined ? address : loadBalancer;
      const expectation: TlsExpectation = {
        address,
        port,
        mode: cfg.exposure.mode,
        dialled,
        ...(loadBalancer ? { loadBalancer } : {}),
        ...(tlsSecret ? { tlsSecret } : {}),
      };
      const answer = await probes.dialTls({ host: dialled, port, ...(cfg.exposure.mode === "hostname" ? { servername: address } : {}) });
      return checkTls(answer, expectation);
    },
  });

  return [
    ...(cfg.exposure.mode === "hostname"
      ? [
          {
            cluster,
            name: `DNS ${address} -> controlPlaneLoadBalancer from here`,
            attempt: async () => {
              const answer = await dns();
              if (answer === undefined) return { ok: false as const, reason: "the stack has no controlPlaneLoadBalancer output: run `pulumi up` first" };
              return checkHostnameResolves(answer);
            },
          },
        ]
      : []),
    tlsCheck(XDS_PORT),
    tlsCheck(WEBHOOK_PORT),
  ];
}
