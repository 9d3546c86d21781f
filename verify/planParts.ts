/**
 * Checks that every kind of stack plans the same way: gateways, sample pods and helloworld. Each pairs a read
 * (through a `ClusterReader`) with a pure judgement from `checks/`.
 */
import type { Check } from "./check";
import { checkGateway, type GatewayExpectation } from "./checks/gateways";
import { checkHelloworldVersions, type ExpectedVersion, type HelloAnswer } from "./checks/helloworld";
import { checkInjectedPodsReady } from "./checks/pods";
import type { ClusterReader } from "./kube/clusterReader";
import * as names from "./names";
import { fail } from "./result";

/** GETs the helloworld URL until `enough` says so (or a fixed number of times). */
export type HelloProbe = (url: string, enough: (answers: readonly HelloAnswer[]) => boolean) => Promise<HelloAnswer[]>;

/** A reader per cluster, by mesh name: planning fails loudly on a cluster it was not meant to read. */
export function readerFor(readers: ReadonlyMap<string, ClusterReader>, cluster: string): ClusterReader {
  const reader = readers.get(cluster);
  if (reader === undefined) throw new Error(`no reader for cluster ${cluster}`);
  return reader;
}

export function gatewayCheck(cluster: string, reader: ClusterReader, expected: GatewayExpectation): Check {
  return {
    cluster,
    name: `gateway ${expected.namespace}/${expected.name}`,
    attempt: async () => {
      const [deployment, service] = await Promise.all([
        reader.readDeployment(expected.namespace, expected.name),
        expected.loadBalancer ? reader.readService(expected.namespace, expected.name) : Promise.resolve(undefined),
      ]);
      return checkGateway(deployment, service, expected);
    },
  };
}

/** The mesh admins' ingress (LoadBalancer, at the address an output recorded) and egress (ClusterIP) gateways. */
export function workloadGateways(
  cluster: string,
  namespace: string,
  gateways: { ingress: boolean; egress: boolean },
  recordedIngress: string | null | undefined,
): GatewayExpectation[] {
  return [
    ...(gateways.ingress
      ? [
          {
            namespace,
            name: names.INGRESS_GATEWAY,
            loadBalancer: true,
            ...(recordedIngress ? { recordedAddress: { output: `remotes.${cluster}.ingressGatewayAddress`, address: recordedIngress } } : {}),
          },
        ]
      : []),
    // ClusterIP by design: traffic leaves the mesh from inside the cluster.
    ...(gateways.egress ? [{ namespace, name: names.EGRESS_GATEWAY, loadBalancer: false }] : []),
  ];
}

/** helloworld (v1 on the config cluster, v2 on further remotes) and sleep, each with its injected sidecar. */
export function samplePodChecks(cluster: string, reader: ClusterReader, version: names.HelloworldVersion): Check[] {
  const samplePods = (label: string, labels: Record<string, string>): Check => ({
    cluster,
    name: `sample pods ${label} running with sidecar`,
    attempt: async () => checkInjectedPodsReady(await reader.listPods(names.SAMPLE_NAMESPACE), { namespace: names.SAMPLE_NAMESPACE, labels }),
  });
  return [samplePods(`helloworld-${version}`, { app: "helloworld", version }), samplePods("sleep", { app: "sleep" })];
}

/**
 * `curl http://$GATEWAY_URL/hello` through the config cluster's ingress gateway until every expected version
 * answered: the `helloworldUrl` output, else the ingress gateway's recorded address.
 */
export function helloworldCheck(
  configCluster: string,
  outputs: { helloworldUrl?: string | null | undefined; ingressGatewayAddress?: string | null | undefined },
  expected: readonly ExpectedVersion[],
  probe: HelloProbe,
): Check {
  const versions = expected.map((e) => e.version);
  const ingress = outputs.ingressGatewayAddress;
  const url = outputs.helloworldUrl ?? (ingress ? `http://${ingress}/hello` : undefined);
  return {
    cluster: configCluster,
    name: `GET /hello through the ingress gateway answers ${versions.join(", ")}`,
    attempt: async () => {
      if (url === undefined) return fail("the stack has no helloworldUrl output (is the config cluster's ingress gateway enabled?)");
      const answers = await probe(url, (soFar) => checkHelloworldVersions(soFar, expected, url).ok);
      return checkHelloworldVersions(answers, expected, url);
    },
  };
}
