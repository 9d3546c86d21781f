/**
 * The guide's "Set up the remote config cluster": the first remote cluster runs workloads and holds the mesh's
 * configuration (CRDs, mesh ConfigMap); its webhooks call the external istiod.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ChartSource, Deferrable } from "../config/model";
import { pullSecret, type PulledImages } from "./images";
import { chartReleaseArgs, protection, typeToken } from "./common";
import { controlPlaneNamespaceArgs } from "./controlPlaneNamespace";
import { configClusterBaseValues, configClusterIstiodValues, remoteValuesInput, type ExposureMode } from "./remoteValues";
import { injectionUrl, validationUrl } from "./urls";

export interface RemoteConfigClusterArgs {
  /**
   * Where the releases' images come from (`istio.hub`, `istio.imagePullSecrets`); unset: the charts' defaults. With
   * the pull Secret's content, the Secret is created in the control plane namespace before the releases.
   */
  images?: PulledImages;
  /**
   * The control plane's charts, whatever the cluster's own `istioVersion`: both releases here are what the external
   * istiod uses in this cluster. `base` holds the CRDs it reads (Istio upgrades CRDs before istiod:
   * https://istio.io/latest/docs/setup/upgrade/helm/); `istiod` holds the `istiod` service account it authenticates
   * as, with the RBAC its own version needs (1.30 reads `listenersets/status`, which 1.29's ClusterRole does not
   * grant), the webhooks that call it and the mesh config it reads (`remoteValues.ts`).
   */
  chart: ChartSource<Deferrable>;
  /** The control plane namespace, `external-istiod` in the guide. */
  namespace: string;
  /** The cluster's name in the mesh (`REMOTE_CLUSTER_NAME`), the external istiod's `CLUSTER_ID`. */
  clusterName: string;
  network: string;
  /** `EXTERNAL_ISTIOD_ADDR`. */
  address: pulumi.Input<string>;
  mode: ExposureMode;
  protect: boolean;
}

/** The config cluster's Istio: namespace, `base` (CRDs) and `istiod` with `profile: remote`. Provider via `opts`. */
export class RemoteConfigCluster extends pulumi.ComponentResource {
  readonly namespace: k8s.core.v1.Namespace;
  /** Istio's CRDs in the config cluster. */
  readonly base: k8s.helm.v3.Release;
  /** Webhooks, mesh ConfigMap, and the `istiod` service account the external istiod authenticates as. */
  readonly istiod: k8s.helm.v3.Release;
  readonly injectionUrl: pulumi.Output<string>;
  /** The validation webhook URL (hostname mode); loadBalancer mode validates through the in-cluster `istiod` Service. */
  readonly validationUrl?: pulumi.Output<string>;

  constructor(name: string, args: RemoteConfigClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super(typeToken("RemoteConfigCluster"), name, {}, opts);
    const keep = protection(args.protect);
    const values = remoteValuesInput(args);

    this.namespace = new k8s.core.v1.Namespace(
      `${name}-${args.namespace}`,
      controlPlaneNamespaceArgs({ name: args.namespace, network: args.network }),
      { parent: this, ...keep },
    );
    const namespace = this.namespace.metadata.name;
    // Pods here (gateways, injected later) pull with it; `istiod` and everything injected wait for `base`.
    const pull = pullSecret(`${name}-${args.namespace}`, namespace, args.images, { parent: this });
    this.base = new k8s.helm.v3.Release(
      `${name}-istio-base`,
      chartReleaseArgs({ chart: "base", source: args.chart, releaseName: "istio-base", namespace, values: configClusterBaseValues(values) }),
      { parent: this, ...keep, ...(pull ? { dependsOn: [pull] } : {}) },
    );
    this.istiod = new k8s.helm.v3.Release(
      `${name}-istiod`,
      chartReleaseArgs({ chart: "istiod", source: args.chart, releaseName: "istiod", namespace, values: configClusterIstiodValues(values) }),
      { parent: this, dependsOn: [this.base] },
    );

    this.injectionUrl = injectionUrl(args.address, args.clusterName, args.network);
    if (args.mode === "hostname") this.validationUrl = validationUrl(args.address);
    this.registerOutputs({ injectionUrl: this.injectionUrl, validationUrl: this.validationUrl });
  }
}
