/**
 * Gateways (the control plane gateway, ingress, egress, east-west): the Deployment is available, and a
 * LoadBalancer Service has an address (the ClusterIP egress gateway has none, by design).
 */
import type { V1Deployment, V1Service } from "@kubernetes/client-node";
import { allOf, fail, pass, type CheckResult } from "../result";

export interface GatewayExpectation {
  namespace: string;
  /** Release name = Deployment name = Service name (the gateway chart derives them from it). */
  name: string;
  loadBalancer: boolean;
  /** The address a stack output recorded for it, to catch a load balancer that changed since `pulumi up`. */
  recordedAddress?: { output: string; address: string };
}

export function checkDeploymentAvailable(deployment: V1Deployment | undefined, namespace: string, name: string): CheckResult {
  if (deployment === undefined) return fail(`Deployment ${namespace}/${name} not found`);
  const available = deployment.status?.conditions?.find((c) => c.type === "Available");
  if (available?.status === "True") return pass();
  const ready = deployment.status?.readyReplicas ?? 0;
  const wanted = deployment.spec?.replicas ?? 1;
  const why = available?.message ? `: ${available.message}` : "";
  return fail(`Deployment ${namespace}/${name} is not available (${ready}/${wanted} replicas ready)${why}`);
}

/** The first ingress's IP or hostname, as the program reads it. */
export function loadBalancerAddressOf(service: V1Service): string | undefined {
  const first = service.status?.loadBalancer?.ingress?.[0];
  return first?.ip ?? first?.hostname;
}

export function checkLoadBalancer(service: V1Service | undefined, expected: GatewayExpectation): CheckResult {
  const ref = `${expected.namespace}/${expected.name}`;
  if (service === undefined) return fail(`Service ${ref} not found`);
  if (service.spec?.type !== "LoadBalancer") return fail(`Service ${ref} is of type ${service.spec?.type ?? "ClusterIP"}, expected LoadBalancer`);
  const address = loadBalancerAddressOf(service);
  if (address === undefined) {
    return fail(`Service ${ref} has no load-balancer address (status.loadBalancer.ingress is empty): does the cluster have a LoadBalancer implementation?`);
  }
  const recorded = expected.recordedAddress;
  if (recorded !== undefined && recorded.address !== address) {
    return fail(`Service ${ref} has load-balancer address ${address} but stack output ${recorded.output} is ${recorded.address} (run pulumi refresh, then pulumi up)`);
  }
  return pass();
}

export function checkGateway(deployment: V1Deployment | undefined, service: V1Service | undefined, expected: GatewayExpectation): CheckResult {
  const parts = [checkDeploymentAvailable(deployment, expected.namespace, expected.name)];
  if (expected.loadBalancer) parts.push(checkLoadBalancer(service, expected));
  return allOf(parts);
}
