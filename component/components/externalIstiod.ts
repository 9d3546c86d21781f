/**
 * The guide's "Set up the control plane in the external cluster": the control plane namespace, the config
 * cluster's credentials (`istio-kubeconfig`), the external istiod, and its routing behind the control plane gateway.
 *
 * It writes to two clusters (the config cluster's service-account token comes from there), so it takes both
 * providers explicitly and sets one on every child.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ChartSource, Deferrable } from "../config/model";
import { pullSecret, type PulledImages } from "./images";
import type { ValuesMap } from "../config/values";
import { chartReleaseArgs, protection, typeToken } from "./common";
import { externalIstiodValues } from "./externalIstiodValues";
import {
  externalIstiodDestinationRule,
  externalIstiodGateway,
  externalIstiodVirtualService,
  type IstioObject,
  type RoutingInput,
} from "./externalIstiodRouting";
import { IstiodPluginCa, istiodTrustSecretName } from "./istiodPluginCa";
import { RemoteSecret } from "./remoteSecret";
import { DEFAULT_IMAGES } from "./remoteValues";

export type ExternalIstiodExposure = { mode: "hostname"; tlsSecretName: pulumi.Input<string> } | { mode: "loadBalancer" };

export interface ExternalIstiodArgs {
  chart: ChartSource<Deferrable>;
  /** The control plane namespace (the guide's `external-istiod`). */
  namespace: string;
  meshId: string;
  /** `EXTERNAL_ISTIOD_ADDR`. */
  address: pulumi.Input<string>;
  exposure: ExternalIstiodExposure;
  externalProvider: k8s.Provider;
  /** The config cluster, whose API server is istiod's source of configuration. */
  configCluster: {
    name: string;
    network: string;
    apiServer: pulumi.Input<string>;
    provider: k8s.Provider;
    /** Its control plane namespace (an Output of its Namespace, to order after it). */
    namespace: pulumi.Input<string>;
    /** The config cluster's istiod release, which creates the `istiod` service account. */
    serviceAccountRelease: pulumi.Resource;
  };
  /** The control plane gateway's namespace (`istio-system`): its TLS and CA-trust Secrets live there. */
  gatewayNamespace: pulumi.Input<string>;
  /** The external cluster's `base` release: Gateway, VirtualService and DestinationRule need its CRDs. */
  crds: pulumi.Resource;
  /** Rotation value of the config cluster's token. */
  rotation: pulumi.Input<string>;
  protect: boolean;
  /**
   * `istio.hub` and `istio.imagePullSecrets`: istiod's image and every sidecar it injects; unset: the chart's
   * defaults. With the pull Secret's content, the Secret is created in this namespace before istiod.
   */
  images?: PulledImages;
  /** `istio.values.controlPlane`, already checked against the chart: merged under the program's values. */
  values?: ValuesMap;
}

export class ExternalIstiod extends pulumi.ComponentResource {
  readonly namespace: k8s.core.v1.Namespace;
  /** `istio-kubeconfig`: the config cluster's credentials. */
  readonly configSecret: RemoteSecret;
  readonly istiod: k8s.helm.v3.Release;
  /** Gateway, VirtualService (and in hostname mode DestinationRule) in front of istiod. */
  readonly routing: k8s.apiextensions.CustomResource[];

  constructor(name: string, args: ExternalIstiodArgs, opts?: pulumi.ComponentResourceOptions) {
    super(typeToken("ExternalIstiod"), name, {}, opts);
    const provider = args.externalProvider;
    const keep = protection(args.protect);

    this.namespace = new k8s.core.v1.Namespace(`${name}-${args.namespace}`, { metadata: { name: args.namespace } }, { parent: this, provider, ...keep });
    const namespace = this.namespace.metadata.name;
    const pull = pullSecret(`${name}-${args.namespace}`, namespace, args.images, { parent: this, provider });

    // `istio-kubeconfig` is read once, when istiod starts: it must exist first. The mount is optional and client-go
    // skips a missing KUBECONFIG file and falls back to in-cluster config, so an istiod started without it would
    // treat the external cluster as the config cluster (day2-review.md #1). Hence the Secret is never deleted to
    // change it: providers update Secrets in place (`enableSecretMutable`, component/providers.ts).
    this.configSecret = new RemoteSecret(
      `${name}-config`,
      {
        type: "config",
        clusterName: args.configCluster.name,
        apiServer: args.configCluster.apiServer,
        namespace: args.configCluster.namespace,
        externalNamespace: namespace,
        remoteProvider: args.configCluster.provider,
        externalProvider: provider,
        serviceAccountRelease: args.configCluster.serviceAccountRelease,
        rotation: args.rotation,
      },
      { parent: this },
    );

    const pluginCa =
      args.exposure.mode === "hostname"
        ? new IstiodPluginCa(
            `${name}-ca`,
            {
              namespace,
              gatewayNamespace: args.gatewayNamespace,
              trustSecretName: istiodTrustSecretName(args.namespace),
              protect: args.protect,
            },
            { parent: this, provider },
          )
        : undefined;

    this.istiod = new k8s.helm.v3.Release(
      `${name}-istiod`,
      chartReleaseArgs({
        chart: "istiod",
        source: args.chart,
        releaseName: "istiod",
        namespace,
        values: externalIstiodValues({
          address: args.address,
          mode: args.exposure.mode,
          namespace: args.namespace,
          meshId: args.meshId,
          configClusterName: args.configCluster.name,
          network: args.configCluster.network,
          kubeconfigDigest: this.configSecret.kubeconfigDigest,
          chartVersion: args.chart.version,
          images: args.images ?? DEFAULT_IMAGES,
          ...(args.values ? { values: args.values } : {}),
        }),
      }),
      {
        parent: this,
        provider,
        dependsOn: [this.configSecret.secret, ...(pluginCa ? [pluginCa.cacerts] : []), ...(pull ? [pull] : [])],
      },
    );

    const routingInput: RoutingInput = {
      mode: args.exposure.mode,
      namespace: args.namespace,
      namespaceRef: namespace,
      address: args.address,
      ...(args.exposure.mode === "hostname"
        ? { tlsSecretName: args.exposure.tlsSecretName, istiodTrustSecretName: istiodTrustSecretName(args.namespace) }
        : {}),
    };
    const objects: [string, IstioObject][] = [
      ["gateway", externalIstiodGateway(routingInput)],
      ["virtualservice", externalIstiodVirtualService(routingInput)],
      ...(args.exposure.mode === "hostname" ? [["destinationrule", externalIstiodDestinationRule(routingInput)] as [string, IstioObject]] : []),
    ];
    this.routing = objects.map(
      ([suffix, object]) =>
        new k8s.apiextensions.CustomResource(`${name}-${suffix}`, object, {
          parent: this,
          provider,
          dependsOn: pluginCa ? [args.crds, pluginCa.trust] : [args.crds],
        }),
    );

    this.registerOutputs({ configSecretName: this.configSecret.secretName });
  }
}
