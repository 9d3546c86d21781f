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
  loadBalancerVirtualService,
  revisionSniVirtualService,
  type IstioObject,
  type RoutingInput,
} from "./externalIstiodRouting";
import { DEFAULT_REVISION } from "../config/revisions";
import { istiodName, revisionSuffix } from "./revisionObjects";
import type { ExposureMode } from "./remoteValues";
import { IstiodPluginCa, istiodTrustSecretName } from "./istiodPluginCa";
import { RemoteSecret } from "./remoteSecret";
import { DEFAULT_IMAGES } from "./remoteValues";

/** One external istiod: the unrevisioned one (`default`) or a revision (issue 24, docs/canary.md). */
export interface ExternalRevision {
  /** `default`, or the revision (`1-30-3`). */
  name: string;
  chart: ChartSource<Deferrable>;
  /**
   * The host its proxies reach it on, and (hostname mode) its webhooks: its DNS name in hostname mode; in
   * loadBalancer mode the gateway's IP for `default`, `istiod-<rev>.<ns>.svc` for a revision (its SNI: never the IP).
   */
  address: pulumi.Input<string>;
  /** hostname mode: the TLS Secret of its DNS name, in the control plane gateway's namespace. */
  tlsSecretName?: pulumi.Input<string>;
  /** What the config cluster must hold before it starts: its release there and the RBAC bridge (the account's access). */
  configClusterReady: pulumi.Resource[];
}

export interface ExternalIstiodArgs {
  /** The running revisions, the stable one first. */
  revisions: ExternalRevision[];
  /** The revision the default webhooks call (loadBalancer mode routes their SNI to it). */
  defaultRevision: string;
  /** The control plane namespace (the guide's `external-istiod`). */
  namespace: string;
  meshId: string;
  mode: ExposureMode;
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
  /** `istio-kubeconfig`: the config cluster's credentials, shared by every revision (the chart fixes its name). */
  readonly configSecret: RemoteSecret;
  /** Each revision's istiod release, by revision. */
  readonly istiods: Readonly<Record<string, k8s.helm.v3.Release>>;
  /** Each revision's routing behind the control plane gateway, by revision (loadBalancer mode: the shared Gateway and catch-all under `default`'s key). */
  readonly routingOf: Readonly<Record<string, k8s.apiextensions.CustomResource[]>>;
  /** Every routing object. */
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

    const hostname = args.mode === "hostname";
    const pluginCa = hostname
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

    const istiods: Record<string, k8s.helm.v3.Release> = {};
    const routingOf: Record<string, k8s.apiextensions.CustomResource[]> = {};
    const routingOptions = { parent: this, provider, dependsOn: pluginCa ? [args.crds, pluginCa.trust] : [args.crds] };
    const route = (revision: string, suffix: string, object: IstioObject) => {
      const resource = new k8s.apiextensions.CustomResource(`${name}-${suffix}`, object, routingOptions);
      (routingOf[revision] ??= []).push(resource);
    };
    for (const revision of args.revisions) {
      // The unrevisioned release keeps the guide's names; a revision's are suffixed, whatever its role.
      const rev = revisionSuffix(revision.name);
      istiods[revision.name] = new k8s.helm.v3.Release(
        `${name}-istiod${rev}`,
        chartReleaseArgs({
          chart: "istiod",
          source: revision.chart,
          releaseName: istiodName(revision.name),
          namespace,
          values: externalIstiodValues({
            address: revision.address,
            revision: revision.name,
            mode: args.mode,
            namespace: args.namespace,
            meshId: args.meshId,
            configClusterName: args.configCluster.name,
            network: args.configCluster.network,
            kubeconfigDigest: this.configSecret.kubeconfigDigest,
            chartVersion: revision.chart.version,
            images: args.images ?? DEFAULT_IMAGES,
            ...(args.values ? { values: args.values } : {}),
          }),
        }),
        {
          parent: this,
          provider,
          dependsOn: [this.configSecret.secret, ...(pluginCa ? [pluginCa.cacerts] : []), ...(pull ? [pull] : []), ...revision.configClusterReady],
        },
      );
      const input: RoutingInput = {
        mode: args.mode,
        namespace: args.namespace,
        namespaceRef: namespace,
        address: revision.address,
        revision: revision.name,
        ...(hostname ? { tlsSecretName: revision.tlsSecretName, istiodTrustSecretName: istiodTrustSecretName(args.namespace) } : {}),
      };
      if (hostname) {
        route(revision.name, `gateway${rev}`, externalIstiodGateway(input));
        route(revision.name, `virtualservice${rev}`, externalIstiodVirtualService(input));
        route(revision.name, `destinationrule${rev}`, externalIstiodDestinationRule(input));
      } else if (revision.name !== DEFAULT_REVISION) {
        route(revision.name, `virtualservice${rev}`, revisionSniVirtualService(args.namespace, namespace, revision.name));
      }
    }
    if (!hostname) {
      // The guide's Gateway and catch-all stay while any revision runs: IP clients (the unrevisioned istiod's proxies)
      // and the default webhooks (Service `istiod`) reach the control plane through them.
      const unrevisioned = istiods[DEFAULT_REVISION] !== undefined;
      route(DEFAULT_REVISION, "gateway", externalIstiodGateway({ mode: args.mode, namespace: args.namespace, namespaceRef: namespace, address: "*", revision: DEFAULT_REVISION }));
      route(
        DEFAULT_REVISION,
        "virtualservice",
        loadBalancerVirtualService({
          namespace: args.namespace,
          namespaceRef: namespace,
          revision: unrevisioned ? DEFAULT_REVISION : args.defaultRevision,
          ...(unrevisioned && args.defaultRevision !== DEFAULT_REVISION ? { defaultWebhooks: args.defaultRevision } : {}),
        }),
      );
    }
    this.istiods = istiods;
    this.routingOf = routingOf;
    this.routing = Object.values(routingOf).flat();

    this.registerOutputs({ configSecretName: this.configSecret.secretName });
  }
}
