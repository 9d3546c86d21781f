/**
 * The guide's "Enable gateways" (mesh admin): ingress and optional egress gateways on a remote cluster, in its
 * control plane namespace, injected by the external istiod with the `gateway` template.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ImageSource } from "../config/model";
import { mergeValues, type ValuesMap } from "../config/values";
import { chartReleaseArgs, typeToken, type HelmValues, type ReleaseSource } from "./common";
import { gatewayPullSecrets } from "./images";
import { DEFAULT_IMAGES } from "./remoteValues";
import { loadBalancerAddress } from "./controlPlaneGateway";

export const INGRESS_GATEWAY_RELEASE = "istio-ingressgateway";
export const EGRESS_GATEWAY_RELEASE = "istio-egressgateway";

/**
 * The chart's defaults: a LoadBalancer on 15021/80/443 and the `gateway` injection template (the image comes from
 * the external istiod's injection template, so from `istio.hub`); the pull secrets; `istio.values.gateways` under them.
 */
export function ingressGatewayValues(images: ImageSource = DEFAULT_IMAGES, values?: ValuesMap): HelmValues {
  return mergeValues({ ...gatewayPullSecrets(images) }, values);
}

/** Egress stays inside the cluster. */
export function egressGatewayValues(images: ImageSource = DEFAULT_IMAGES, values?: ValuesMap): HelmValues {
  return mergeValues({ ...gatewayPullSecrets(images), service: { type: "ClusterIP" } }, values);
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
  /** `istio.imagePullSecrets` (the hub reaches the pods through injection); unset: none. */
  images?: ImageSource;
  /** `istio.values.gateways`, already checked against the chart. */
  values?: ValuesMap;
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
      const ingress = release(INGRESS_GATEWAY_RELEASE, ingressGatewayValues(args.images, args.values));
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
    if (args.egress) this.egress = release(EGRESS_GATEWAY_RELEASE, egressGatewayValues(args.images, args.values));

    this.registerOutputs({ ingressAddress: this.ingressAddress });
  }
}
