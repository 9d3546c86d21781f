/**
 * The guide's "Setup east-west gateways": a network gateway on a remote cluster, and once, in the config cluster,
 * the Gateway that exposes every service on it (`expose-services.yaml`).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ChartSource, Deferrable, ImageSource } from "../config/model";
import { mergeValues, type ValuesMap } from "../config/values";
import { chartReleaseArgs, typeToken, type HelmValues } from "./common";
import { gatewayPullSecrets } from "./images";
import { DEFAULT_IMAGES } from "./remoteValues";
import { NETWORKING_API, type IstioObject } from "./externalIstiodRouting";

export const EASTWEST_GATEWAY_RELEASE = "istio-eastwestgateway";

/**
 * `networkGateway` makes the chart label the Service with the network and open 15021/15443/15012/15017.
 * Do not also put the network label into `labels`: the chart appends it, and the key would be duplicated.
 */
export function eastWestGatewayValues(network: string, images: ImageSource = DEFAULT_IMAGES, values?: ValuesMap): HelmValues {
  return mergeValues({ ...gatewayPullSecrets(images), networkGateway: network }, values);
}

/** `samples/multicluster/expose-services.yaml`: mTLS passthrough on 15443 for every `*.local` service. */
export function crossNetworkGateway(namespace: pulumi.Input<string>): IstioObject {
  return {
    apiVersion: NETWORKING_API,
    kind: "Gateway",
    metadata: { name: "cross-network-gateway", namespace },
    spec: {
      selector: { istio: "eastwestgateway" },
      servers: [{ port: { number: 15443, name: "tls", protocol: "TLS" }, tls: { mode: "AUTO_PASSTHROUGH" }, hosts: ["*.local"] }],
    },
  };
}

export interface EastWestGatewayArgs {
  chart: ChartSource<Deferrable>;
  /** This cluster's control plane namespace. */
  namespace: pulumi.Input<string>;
  network: string;
  /** Create the `cross-network-gateway` Gateway here: true for the config cluster only (istiod reads config there). */
  exposeServices: boolean;
  /** Resources that must exist before an injected pod can be created here (see `MeshGatewaysArgs`). */
  injectionReady: pulumi.Resource[];
  /** The release with Istio's CRDs in this cluster (for the Gateway object). */
  crds?: pulumi.Resource;
  /** `istio.imagePullSecrets` (the hub reaches the pods through injection); unset: none. */
  images?: ImageSource;
  /** `istio.values.gateways`, already checked against the chart. */
  values?: ValuesMap;
}

/** East-west gateway of one remote cluster. Provider via `opts`. */
export class EastWestGateway extends pulumi.ComponentResource {
  readonly gateway: k8s.helm.v3.Release;
  readonly crossNetworkGateway?: k8s.apiextensions.CustomResource;

  constructor(name: string, args: EastWestGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super(typeToken("EastWestGateway"), name, {}, opts);
    this.gateway = new k8s.helm.v3.Release(
      `${name}-${EASTWEST_GATEWAY_RELEASE}`,
      chartReleaseArgs({
        chart: "gateway",
        source: args.chart,
        releaseName: EASTWEST_GATEWAY_RELEASE,
        namespace: args.namespace,
        values: eastWestGatewayValues(args.network, args.images, args.values),
      }),
      { parent: this, dependsOn: args.injectionReady },
    );
    if (args.exposeServices) {
      this.crossNetworkGateway = new k8s.apiextensions.CustomResource(`${name}-cross-network-gateway`, crossNetworkGateway(args.namespace), {
        parent: this,
        dependsOn: args.crds ? [args.crds] : [],
      });
    }
    this.registerOutputs({});
  }
}
