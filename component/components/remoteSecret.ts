/**
 * `istioctl create-remote-secret` without istioctl: a service-account token in a remote cluster, turned into a
 * kubeconfig that the external istiod uses to read that cluster, stored as a Secret in the external cluster.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { typeToken } from "./common";
import { kubeconfigDigest, kubeconfigFromTokenSecret } from "./kubeconfig";

/** `config`: the config cluster, mounted by the external istiod as its KUBECONFIG. `remote`: a further remote. */
export type RemoteSecretType = "config" | "remote";

export const MULTICLUSTER_LABEL = "istio/multiCluster";
export const CLUSTER_ANNOTATION = "networking.istio.io/cluster";
export const CONFIG_SECRET_NAME = "istio-kubeconfig";

export interface RemoteSecretLayout {
  /** The service account whose token is used: least privilege for further remotes (the reader). */
  serviceAccount: string;
  secretName: string;
  /** The data key holding the kubeconfig. */
  key: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * Names and labels as istioctl writes them, with one deliberate change: `istio-kubeconfig` carries no
 * `istio/multiCluster` label, else the external istiod's secret watcher registers the config cluster a second time
 * (as a cluster named "config"; DESIGN §1, review #8).
 */
export function remoteSecretLayout(type: RemoteSecretType, clusterName: string): RemoteSecretLayout {
  const annotations = { [CLUSTER_ANNOTATION]: clusterName };
  return type === "config"
    ? { serviceAccount: "istiod", secretName: CONFIG_SECRET_NAME, key: "config", labels: {}, annotations }
    : {
        serviceAccount: "istio-reader-service-account",
        secretName: `istio-remote-secret-${clusterName}`,
        key: clusterName,
        labels: { [MULTICLUSTER_LABEL]: "true" },
        annotations,
      };
}

export interface RemoteSecretArgs {
  type: RemoteSecretType;
  /** The remote cluster's name in the mesh. */
  clusterName: string;
  /** The remote cluster's API server URL as the external cluster's pods reach it. */
  apiServer: pulumi.Input<string>;
  /** Control plane namespace in the remote cluster, where the service account lives. */
  namespace: pulumi.Input<string>;
  /** Control plane namespace in the external cluster, where the external istiod reads the secret. */
  externalNamespace: pulumi.Input<string>;
  remoteProvider: k8s.Provider;
  externalProvider: k8s.Provider;
  /** The release that creates the service account: a token Secret for a missing account is never filled. */
  serviceAccountRelease: pulumi.Resource;
  /** What the external Secret must wait for besides its namespace (a further remote's annotated namespace). */
  secretDependsOn?: pulumi.Resource[];
  /** Changing it creates a new token and kubeconfig; the old token is deleted only after they are in place. */
  rotation: pulumi.Input<string>;
}

/** A remote secret: token Secret in the remote cluster, kubeconfig Secret in the external cluster. */
export class RemoteSecret extends pulumi.ComponentResource {
  /** The Secret in the external cluster (`istio-kubeconfig` or `istio-remote-secret-<name>`). */
  readonly secret: k8s.core.v1.Secret;
  readonly secretName: pulumi.Output<string>;
  readonly tokenSecretName: pulumi.Output<string>;
  /** The kubeconfig, a secret. */
  readonly kubeconfig: pulumi.Output<string>;
  /** SHA-256 of the kubeconfig: changes on rotation; used to roll istiod, which reads `istio-kubeconfig` once. */
  readonly kubeconfigDigest: pulumi.Output<string>;

  constructor(name: string, args: RemoteSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super(typeToken("RemoteSecret"), name, {}, opts);
    const layout = remoteSecretLayout(args.type, args.clusterName);

    // The rotation value is a keeper: changing it replaces the id, hence the token Secret's name, and Pulumi
    // creates the replacement before deleting the old one.
    const rotationId = new random.RandomId(`${name}-token-rotation`, { byteLength: 4, keepers: { rotation: args.rotation } }, { parent: this });
    const tokenSecret = new k8s.core.v1.Secret(
      `${name}-token`,
      {
        metadata: {
          name: pulumi.interpolate`${layout.serviceAccount}-istio-remote-secret-token-${rotationId.hex}`,
          namespace: args.namespace,
          annotations: { "kubernetes.io/service-account.name": layout.serviceAccount },
        },
        type: "kubernetes.io/service-account-token",
      },
      { parent: this, provider: args.remoteProvider, dependsOn: [args.serviceAccountRelease] },
    );
    this.tokenSecretName = tokenSecret.metadata.name;

    this.kubeconfig = pulumi.secret(
      pulumi.all([tokenSecret.data, args.apiServer]).apply(([data, apiServer]) => kubeconfigFromTokenSecret(args.clusterName, apiServer, data)),
    );
    // A SHA-256 of a kubeconfig holding a random token discloses nothing; unsecret it so the istiod values that
    // carry it stay readable in previews.
    this.kubeconfigDigest = pulumi.unsecret(this.kubeconfig.apply(kubeconfigDigest));

    this.secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: {
          name: layout.secretName,
          namespace: args.externalNamespace,
          labels: layout.labels,
          annotations: layout.annotations,
        },
        type: "Opaque",
        stringData: { [layout.key]: this.kubeconfig },
      },
      { parent: this, provider: args.externalProvider, dependsOn: args.secretDependsOn ?? [] },
    );
    this.secretName = this.secret.metadata.name;

    this.registerOutputs({ secretName: this.secretName, tokenSecretName: this.tokenSecretName, kubeconfigDigest: this.kubeconfigDigest });
  }
}
