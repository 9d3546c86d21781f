/**
 * The stack file as the component's arguments: the program is the first user of `ExternalControlPlaneMesh`, and its
 * stack config is only another way to write the same arguments (the same shape; the secrets as separate keys).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { MeshDocument, RemoteClusterEntry } from "../package/config/document";
import type { ExternalControlPlaneMeshArgs, RemoteCluster } from "../package/meshArgs";

/** The stack's secret keys, read as Pulumi secrets. */
export interface StackSecrets {
  /** `kubeconfig`: content with every cluster's context. */
  kubeconfig?: pulumi.Output<string>;
  tlsCertificate?: pulumi.Output<string>;
  tlsKey?: pulumi.Output<string>;
}

/** What only the program knows about this run. */
export interface RunFacts {
  /** This run changes the control plane's version of the deployed mesh (from the stack's recorded outputs). */
  upgradingControlPlane: boolean;
}

/**
 * The arguments of the stack's mesh, from its validated settings. Every cluster gets the one `kubeconfig`, or none
 * (the user's kubeconfig file). The stack's resources were created at its root before the mesh became one
 * component, so they are adopted in place (`adoptRootLevelResources`).
 */
export function meshArgsFromStack(doc: MeshDocument, secrets: StackSecrets, run: RunFacts): ExternalControlPlaneMeshArgs {
  const kubeconfig = secrets.kubeconfig !== undefined ? { kubeconfig: secrets.kubeconfig } : {};
  const remote = (cluster: RemoteClusterEntry): RemoteCluster => ({ ...cluster, ...kubeconfig });
  const { tls } = doc.exposure;
  return {
    istio: doc.istio,
    mesh: doc.mesh,
    clusters: {
      external: { ...doc.clusters.external, ...kubeconfig },
      config: remote(doc.clusters.config),
      remotes: doc.clusters.remotes.map(remote),
    },
    exposure: {
      ...doc.exposure,
      ...(tls
        ? {
            tls: {
              ...tls,
              ...(secrets.tlsCertificate !== undefined ? { certificate: secrets.tlsCertificate } : {}),
              ...(secrets.tlsKey !== undefined ? { privateKey: secrets.tlsKey } : {}),
            },
          }
        : {}),
    },
    eastWestGateways: doc.eastWestGateways,
    samples: doc.samples,
    protect: doc.protect,
    remoteSecretRotation: doc.remoteSecretRotation,
    upgradingControlPlane: run.upgradingControlPlane,
    adoptRootLevelResources: true,
  };
}
