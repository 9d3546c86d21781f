/**
 * A mesh admins' stack (`stackKind: admin`): the checks of the team's own remote clusters only, never of the external
 * cluster (the admin's kubeconfig may not even have its context). What the admin stack deployed (the ingress and
 * egress gateways, the samples) and one read of what the operator installed there and the admin depends on: the
 * injection webhook, pointing at the control plane.
 *
 * Every control plane value comes from the admin stack's outputs (which copied them from the operator stack): the
 * namespace the gateways run in and EXTERNAL_ISTIOD_ADDR.
 */
import { isIP } from "node:net";
import { workloadClusters, type WorkloadClusterPlacement } from "../component/config/workloads";
import { RemoteClusterRole } from "../component/meshArgs";
import type { StackWorkloadsConfig } from "../infra/config/validate";
import type { Check } from "./check";
import type { ExpectedVersion } from "./checks/helloworld";
import { checkInjectionWebhook, type WebhookTarget } from "./checks/webhooks";
import type { ClusterReader } from "./kube/clusterReader";
import * as names from "./names";
import { gatewayCheck, helloworldCheck, readerFor, samplePodChecks, workloadGateways, type HelloProbe } from "./planParts";
import type { AdminOutputs } from "./stackOutputs";

export interface AdminPlanInput {
  config: StackWorkloadsConfig;
  outputs: AdminOutputs;
  /** Readers of the team's clusters only. */
  readers: ReadonlyMap<string, ClusterReader>;
  probeHelloworld: HelloProbe;
}

/**
 * How the operator's webhooks reach the control plane. An admin stack does not know the operator's exposure mode,
 * but its address tells: hostname mode refuses an IP address (it needs a DNS name for its certificate) and
 * loadBalancer mode takes only the load balancer's IPv4 address (`component/config/fields.ts` `hostname`,
 * `component/components/controlPlaneGateway.ts` `loadBalancerIp`).
 */
export function operatorWebhookTarget(address: string, namespace: string): WebhookTarget {
  return isIP(address) === 0 ? { mode: "hostname", address } : { mode: "loadBalancer", namespace };
}

function clusterChecks(input: AdminPlanInput, placement: WorkloadClusterPlacement): Check[] {
  const { cluster: entry, role } = placement;
  const cluster = entry.name;
  const reader = readerFor(input.readers, cluster);
  const out = input.outputs.remotes[cluster];
  // matchOutputsToConfig has checked that every cluster of the config is in the outputs.
  if (out === undefined) throw new Error(`no outputs for cluster ${cluster}`);
  const webhooks = names.webhookConfigNames(out.namespace);
  const checks: Check[] = [
    {
      cluster,
      name: `operator's injection webhook ${webhooks.injection}`,
      attempt: async () =>
        checkInjectionWebhook(await reader.readMutatingWebhookConfiguration(webhooks.injection), {
          configName: webhooks.injection,
          path: names.injectionPath(cluster, out.network),
          target: operatorWebhookTarget(input.outputs.EXTERNAL_ISTIOD_ADDR, out.namespace),
        }),
    },
    ...workloadGateways(cluster, out.namespace, entry.gateways, out.ingressGatewayAddress).map((g) => gatewayCheck(cluster, reader, g)),
  ];
  if (input.config.document.samples) checks.push(...samplePodChecks(cluster, reader, role === RemoteClusterRole.Config ? "v1" : "v2"));
  return checks;
}

/**
 * helloworld through the config cluster's ingress gateway, when the team runs the config cluster: v1 from it, v2
 * from the team's further remotes (other teams' versions may answer too, and are not required).
 */
function adminHelloworldCheck(input: AdminPlanInput): Check[] {
  const { config: cfg, outputs } = input;
  const configCluster = cfg.document.clusters.config;
  if (!cfg.document.samples || configCluster === undefined) return [];
  const remotes = cfg.document.clusters.remotes.map((r) => r.name);
  const expected: ExpectedVersion[] = [{ version: "v1", clusters: [configCluster.name] }, ...(remotes.length > 0 ? [{ version: "v2", clusters: remotes }] : [])];
  const ingressGatewayAddress = outputs.remotes[configCluster.name]?.ingressGatewayAddress;
  return [helloworldCheck(configCluster.name, { helloworldUrl: outputs.helloworldUrl, ingressGatewayAddress }, expected, input.probeHelloworld)];
}

export function adminChecks(input: AdminPlanInput): Check[] {
  return [...workloadClusters(input.config.document).flatMap((placement) => clusterChecks(input, placement)), ...adminHelloworldCheck(input)];
}
