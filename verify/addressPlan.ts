/**
 * Checks of the control plane address from where `npm run verify` runs: they read no cluster, so they run even when
 * no API server answers (a whole mesh's and an operator stack's; an admin stack's config does not say the mode).
 * With revisions (issue 24), also each revision's own address: hostname mode its name (DNS and TLS, as the stack's
 * address); loadBalancer mode its SNI on the load balancer.
 */
import type { Check } from "./check";
import { checkHostnameResolves, checkTls, checkTlsSni, type DnsAnswer, type TlsExpectation } from "./checks/address";
import type { AddressProbes } from "./addressProbes";
import * as names from "./names";
import { revisionsOf } from "./revisions";
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
  const loadBalancer = outputs.controlPlaneLoadBalancer ?? undefined;
  const mode = cfg.exposure.mode;

  /** DNS and TLS of one address; `tlsSecret` when known (the stack's own name), `suffix` names the revision. */
  const addressOf = (address: string, tlsSecret: string | undefined, suffix: string): Check[] => {
    /** The name's addresses, or why not; the load balancer's. */
    const dns = async (): Promise<DnsAnswer | undefined> => {
      if (loadBalancer === undefined) return undefined;
      const [addresses, lbAddresses] = await Promise.all([probes.resolve(address).catch(errorOf), probes.resolve(loadBalancer).catch(() => [loadBalancer])]);
      return { hostname: address, addresses, loadBalancer, loadBalancerAddresses: lbAddresses };
    };

    const tlsCheck = (port: number): Check => ({
      cluster,
      name: `TLS on ${address}:${port} from here${suffix}`,
      attempt: async () => {
        // A name that does not resolve here still gets its certificate checked, on the load balancer directly.
        const resolves = mode !== "hostname" || (await probes.resolve(address).then(() => true, () => false));
        const dialled = resolves || loadBalancer === undefined ? address : loadBalancer;
        const expectation: TlsExpectation = {
          address,
          port,
          mode,
          dialled,
          ...(loadBalancer ? { loadBalancer } : {}),
          ...(tlsSecret ? { tlsSecret } : {}),
        };
        const answer = await probes.dialTls({ host: dialled, port, ...(mode === "hostname" ? { servername: address } : {}) });
        return checkTls(answer, expectation);
      },
    });

    return [
      ...(mode === "hostname"
        ? [
            {
              cluster,
              name: `DNS ${address} -> controlPlaneLoadBalancer from here${suffix}`,
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
  };

  /** loadBalancer mode: a revision's SNI (`istiod-<rev>.<ns>.svc`) on the load balancer's IP. */
  const sniCheck = (revision: string, sni: string, port: number): Check => {
    const ip = loadBalancer ?? outputs.EXTERNAL_ISTIOD_ADDR;
    return {
      cluster,
      name: `TLS on ${ip}:${port} for SNI ${sni} from here (revision ${revision})`,
      attempt: async () =>
        checkTlsSni(await probes.dialTls({ host: ip, port, servername: sni }), {
          loadBalancer: ip,
          port,
          sni,
          istiod: names.istiodName(revision),
          virtualService: names.revisionVirtualServiceName(revision),
        }),
    };
  };

  const own = outputs.EXTERNAL_ISTIOD_ADDR;
  // Each other revision's address; an older deployment's outputs list none.
  const others = revisionsOf(cfg, outputs).all.filter((r) => r.address !== own);
  return [
    ...addressOf(own, cfg.exposure.mode === "hostname" ? cfg.exposure.tls.secretName : undefined, ""),
    ...others.flatMap((r) =>
      mode === "hostname" ? addressOf(r.address, undefined, ` (revision ${r.name})`) : [sniCheck(r.name, r.address, XDS_PORT), sniCheck(r.name, r.address, WEBHOOK_PORT)],
    ),
  ];
}
