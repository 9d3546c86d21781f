/**
 * The guide's "Enable gateways" (mesh admin): ingress and optional egress gateways on a remote cluster, in its
 * control plane namespace, injected by the external istiod with the `gateway` template.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { chartReleaseArgs, typeToken, type HelmValues, type ReleaseSource } from "./common";
import { loadBalancerAddress } from "./controlPlaneGateway";

export const INGRESS_GATEWAY_RELEASE = "istio-ingressgateway";
export const EGRESS_GATEWAY_RELEASE = "istio-egressgateway";

/** The chart's defaults: a LoadBalancer on 15021/80/443 and the `gateway` injection template. */
export function ingressGatewayValues(): HelmValues {
  return {};
}

/** Egress stays inside the cluster. */
export function egressGatewayValues(): HelmValues {
  return { service: { type: "ClusterIP" } };
}

export interface MeshGatewaysArgs {
  chart: ReleaseSource;
  /** The control plane namespace of this cluster (a Namespace Output orders the releases after it). */
  namespace: pulumi.Input<string>;
  ingress: boolean;
  egress: boolean;
  /**
   * What must be in place before an injected pod can be created here: the external istiod and its routing (the
   * injection webhook fails closed), this cluster's istiod release (the webhook) and, on a further remote, its
   * remote secret (istiod writes `istio-ca-root-cert` only into clusters it leads). DESIGN §3.
   */
  injectionReady: pulumi.Input<pulumi.Resource[]>;
}

/** Gateways of one remote cluster. Provider via `opts`. */
export class MeshGateways extends pulumi.ComponentResource {
  readonly ingress?: k8s.helm.v3.Release;
  readonly egress?: k8s.helm.v3.Release;
  /** The ingress gateway's load-balancer address (IP or hostname), when there is an ingress gateway. */
  readonly ingressAddress?: pulumi.Output<string>;

  constructor(name: string, args: MeshGatewaysArgs, opts?: pulumi.ComponentResourceOptions) {
    super(typeToken("MeshGateways"), name, {}, opts);
    const release = (releaseName: string, values: HelmValues) =>
      new k8s.helm.v3.Release(
        `${name}-${releaseName}`,
        chartReleaseArgs({ chart: "gateway", source: args.chart, releaseName, namespace: args.namespace, values }),
        { parent: this, dependsOn: args.injectionReady },
      );

    if (args.ingress) {
      const ingress = release(INGRESS_GATEWAY_RELEASE, ingressGatewayValues());
      const service = k8s.core.v1.Service.get(
        `${name}-${INGRESS_GATEWAY_RELEASE}-service`,
        pulumi.interpolate`${ingress.status.namespace}/${ingress.status.name}`,
        { parent: this, dependsOn: [ingress] },
      );
      this.ingress = ingress;
      this.ingressAddress = pulumi
        .all([service.status.loadBalancer.ingress, ingress.status.namespace, ingress.status.name])
        .apply(([i, ns, n]) => loadBalancerAddress(i, `${ns}/${n}`));
    }
    if (args.egress) this.egress = release(EGRESS_GATEWAY_RELEASE, egressGatewayValues());

    this.registerOutputs({ ingressAddress: this.ingressAddress });
  }
}
