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
import { rbacBridges, revisionReleases, revisionTagWebhooks, type RemoteRevision, type RemoteRevisionTag, type RevisionTarget } from "./revisionResources";

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
  /** The chart of `base` (Istio's CRDs): the control plane's, or a canary's when one runs (it is newer). */
  crdChart: ChartSource<Deferrable>;
  /** The revision the default webhooks call (`address` is its address in hostname mode) and `base`'s `defaultRevision`. */
  defaultRevision: string;
  /** The external istiod's revisions other than the unrevisioned one: each gets its release here and the RBAC bridge. */
  revisions: RemoteRevision[];
  /** Revision tags: their webhook configurations here. */
  revisionTags: RemoteRevisionTag[];
}

/** The config cluster's Istio: namespace, `base` (CRDs) and `istiod` with `profile: remote`. Provider via `opts`. */
export class RemoteConfigCluster extends pulumi.ComponentResource {
  readonly namespace: k8s.core.v1.Namespace;
  /** Istio's CRDs in the config cluster. */
  readonly base: k8s.helm.v3.Release;
  /** Webhooks, mesh ConfigMap, and the `istiod` service account the external istiod authenticates as. */
  readonly istiod: k8s.helm.v3.Release;
  /** Each revision's release (not the unrevisioned one), by revision. */
  readonly revisionReleases: Readonly<Record<string, k8s.helm.v3.Release>>;
  /** Each revision's RBAC bridge: `istio-kubeconfig`'s account holds the revision's roles. */
  readonly rbacBridges: Readonly<Record<string, pulumi.CustomResource[]>>;
  /** The revision tags' webhook configurations. */
  readonly revisionTags: k8s.admissionregistration.v1.MutatingWebhookConfiguration[];
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
      chartReleaseArgs({
        chart: "base",
        source: args.crdChart,
        releaseName: "istio-base",
        namespace,
        values: configClusterBaseValues({ ...values, chartVersion: args.crdChart.version }, args.defaultRevision),
      }),
      { parent: this, ...keep, ...(pull ? { dependsOn: [pull] } : {}) },
    );
    // Never removed while any external istiod runs: it owns the ServiceAccount whose token is in `istio-kubeconfig`
    // (every revision's identity here) and the shared mesh config `istio` (docs/canary.md).
    this.istiod = new k8s.helm.v3.Release(
      `${name}-istiod`,
      chartReleaseArgs({ chart: "istiod", source: args.chart, releaseName: "istiod", namespace, values: configClusterIstiodValues(values) }),
      { parent: this, dependsOn: [this.base] },
    );
    const target: RevisionTarget = { name, namespace: args.namespace, namespaceRef: namespace, clusterName: args.clusterName, network: args.network, mode: args.mode, parent: this };
    this.revisionReleases = revisionReleases(
      target,
      args.revisions,
      (revision) => configClusterIstiodValues({ ...values, address: revision.address, chartVersion: revision.chart.version, revision: revision.name }),
      this.base,
    );
    this.rbacBridges = rbacBridges(target, this.revisionReleases);
    this.revisionTags = revisionTagWebhooks(target, args.revisionTags, this.revisionReleases);

    this.injectionUrl = injectionUrl(args.address, args.clusterName, args.network);
    if (args.mode === "hostname") this.validationUrl = validationUrl(args.address);
    this.registerOutputs({ injectionUrl: this.injectionUrl, validationUrl: this.validationUrl });
  }
}
