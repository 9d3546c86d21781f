/**
 * The guide's "Adding clusters to the mesh": a further remote cluster that runs workloads and is a source of
 * endpoints (not of configuration), registered with the external istiod through a remote secret.
 *
 * It writes to two clusters (its remote secret lives in the external cluster), so it takes both providers.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ChartSource, Deferrable } from "../config/model";
import { pullSecret, type PulledImages } from "./images";
import { chartReleaseArgs, protection, typeToken } from "./common";
import { controlPlaneNamespaceArgs } from "./controlPlaneNamespace";
import { RemoteSecret } from "./remoteSecret";
import { remoteBaseValues, remoteIstiodValues, remoteValuesInput, type ExposureMode } from "./remoteValues";
import { injectionUrl } from "./urls";
import { revisionReleases, revisionTagWebhooks, type RemoteRevision, type RemoteRevisionTag, type RevisionTarget } from "./revisionResources";

export interface AdditionalRemoteArgs {
  /**
   * Where the releases' images come from (`istio.hub`, `istio.imagePullSecrets`); unset: the charts' defaults. With
   * the pull Secret's content, the Secret is created in the control plane namespace before the releases.
   */
  images?: PulledImages;
  /** This cluster's `base` (its CRDs and the reader service account): its `istioVersion`, else the control plane's. */
  chart: ChartSource<Deferrable>;
  /**
   * The control plane's charts, for this cluster's `istiod` release (remote profile): the reader ClusterRole the
   * external istiod uses here, the webhooks that call it. The access follows the version that uses it, so a cluster
   * held back keeps every rule the control plane's own chart grants (1.29 reads remotes' mesh ConfigMaps).
   */
  controlPlaneChart: ChartSource<Deferrable>;
  namespace: string;
  clusterName: string;
  network: string;
  /** API server URL reachable from the external cluster. */
  apiServer: pulumi.Input<string>;
  /** The config cluster's name: the cluster ID of the external istiod, which must lead this cluster. */
  configClusterName: string;
  address: pulumi.Input<string>;
  mode: ExposureMode;
  provider: k8s.Provider;
  externalProvider: k8s.Provider;
  /** The external cluster's control plane namespace (an Output of its Namespace). */
  externalNamespace: pulumi.Input<string>;
  rotation: pulumi.Input<string>;
  protect: boolean;
  /**
   * The external control plane (its istiod and the gateway in front of it). This cluster's charts wait for it, so
   * a `pulumi up` that changes `istio.version` upgrades the control plane before the data plane it serves, as
   * Istio's skew policy needs (docs/upgrades.md). Nothing in the control plane waits for a further remote.
   */
  controlPlane: pulumi.Resource[];
  /** The chart of `base` (Istio's CRDs): this cluster's, or a canary's when one runs (it is newer). */
  crdChart: ChartSource<Deferrable>;
  /** The external istiod's revisions other than the unrevisioned one: each gets its release here. */
  revisions: RemoteRevision[];
  /** Revision tags: their webhook configurations here. */
  revisionTags: RemoteRevisionTag[];
}

export class AdditionalRemote extends pulumi.ComponentResource {
  readonly namespace: k8s.core.v1.Namespace;
  readonly base: k8s.helm.v3.Release;
  readonly istiod: k8s.helm.v3.Release;
  readonly remoteSecret: RemoteSecret;
  /** Each revision's release (not the unrevisioned one), by revision. */
  readonly revisionReleases: Readonly<Record<string, k8s.helm.v3.Release>>;
  /** The revision tags' webhook configurations. */
  readonly revisionTags: k8s.admissionregistration.v1.MutatingWebhookConfiguration[];
  readonly injectionUrl: pulumi.Output<string>;

  constructor(name: string, args: AdditionalRemoteArgs, opts?: pulumi.ComponentResourceOptions) {
    super(typeToken("AdditionalRemote"), name, {}, opts);
    const provider = args.provider;
    const keep = protection(args.protect);
    const values = remoteValuesInput(args);

    this.namespace = new k8s.core.v1.Namespace(
      `${name}-${args.namespace}`,
      controlPlaneNamespaceArgs({ name: args.namespace, network: args.network, controlPlaneCluster: args.configClusterName }),
      { parent: this, provider, ...keep },
    );
    const namespace = this.namespace.metadata.name;
    const pull = pullSecret(`${name}-${args.namespace}`, namespace, args.images, { parent: this, provider });
    this.base = new k8s.helm.v3.Release(
      `${name}-istio-base`,
      chartReleaseArgs({ chart: "base", source: args.crdChart, releaseName: "istio-base", namespace, values: remoteBaseValues({ ...values, chartVersion: args.crdChart.version }) }),
      // `istiod` waits for `base`, so this orders the whole cluster after the control plane (and its pods after the pull Secret).
      { parent: this, provider, dependsOn: [...args.controlPlane, ...(pull ? [pull] : [])], ...keep },
    );
    this.istiod = new k8s.helm.v3.Release(
      `${name}-istiod`,
      chartReleaseArgs({ chart: "istiod", source: args.controlPlaneChart, releaseName: "istiod", namespace, values: remoteIstiodValues({ ...values, chartVersion: args.controlPlaneChart.version }) }),
      { parent: this, provider, dependsOn: [this.base] },
    );

    // The reader account comes from `base` (its ClusterRoleBinding, up to 1.29, from `istiod`); the external istiod
    // reads the namespace annotation once, when the secret appears, so the annotated namespace must exist first.
    this.remoteSecret = new RemoteSecret(
      `${name}-remote`,
      {
        type: "remote",
        clusterName: args.clusterName,
        apiServer: args.apiServer,
        namespace,
        externalNamespace: args.externalNamespace,
        remoteProvider: provider,
        externalProvider: args.externalProvider,
        serviceAccountRelease: this.base,
        secretDependsOn: [this.namespace, this.istiod],
        rotation: args.rotation,
      },
      { parent: this },
    );

    const target: RevisionTarget = {
      name,
      namespace: args.namespace,
      namespaceRef: namespace,
      clusterName: args.clusterName,
      network: args.network,
      mode: args.mode,
      parent: this,
      provider,
    };
    this.revisionReleases = revisionReleases(
      target,
      args.revisions,
      (revision) => remoteIstiodValues({ ...values, address: revision.address, chartVersion: revision.chart.version, revision: revision.name }),
      this.base,
    );
    this.revisionTags = revisionTagWebhooks(target, args.revisionTags, this.revisionReleases);

    this.injectionUrl = injectionUrl(args.address, args.clusterName, args.network);
    this.registerOutputs({ injectionUrl: this.injectionUrl, remoteSecretName: this.remoteSecret.secretName });
  }
}
