/**
 * The stack file as the component's arguments: the program is the first user of `ExternalControlPlaneMesh`, and its
 * stack config is only another way to write the same arguments (the same shape; the secrets as separate keys).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { MeshDocument, RemoteClusterEntry } from "../component/config/document";
import type { WorkloadClusterEntry, WorkloadsDocument } from "../component/config/workloads";
import type {
  ControlPlaneReference,
  ControlPlaneRemoteCluster,
  ExternalControlPlaneArgs,
  ExternalControlPlaneMeshArgs,
  MeshWorkloadsArgs,
  RemoteCluster,
  WorkloadCluster,
} from "../component/meshArgs";

/** The stack's secret keys, read as Pulumi secrets. */
export interface StackSecrets {
  /** `kubeconfig`: content with every cluster's context. */
  kubeconfig?: pulumi.Output<string>;
  tlsCertificate?: pulumi.Output<string>;
  tlsKey?: pulumi.Output<string>;
  /** `registryCredentials`: the content of the registry's pull Secret. */
  registryCredentials?: pulumi.Output<string>;
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
    istio: { ...doc.istio, ...(secrets.registryCredentials !== undefined ? { registryCredentials: secrets.registryCredentials } : {}) },
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

/**
 * The arguments of an operator stack's control plane: the same settings without the admins' gateways and samples
 * (the stack file's rules refuse them). An operator stack is new, so nothing is adopted.
 */
export function controlPlaneArgsFromStack(doc: MeshDocument, secrets: StackSecrets, run: RunFacts): ExternalControlPlaneArgs {
  const { clusters, samples: _samples, adoptRootLevelResources: _adopt, ...mesh } = meshArgsFromStack(doc, secrets, run);
  const withoutGateways = ({ gateways: _gateways, ...cluster }: RemoteCluster): ControlPlaneRemoteCluster => cluster;
  return {
    ...mesh,
    clusters: { external: clusters.external, config: withoutGateways(clusters.config), remotes: (clusters.remotes ?? []).map(withoutGateways) },
  };
}

/** The arguments of an admin stack's workloads: its clusters, each with the stack's one `kubeconfig`, or none. */
export function workloadsArgsFromStack(doc: WorkloadsDocument, controlPlane: ControlPlaneReference, kubeconfig: pulumi.Output<string> | undefined): MeshWorkloadsArgs {
  const withKubeconfig = (cluster: WorkloadClusterEntry): WorkloadCluster => ({ ...cluster, ...(kubeconfig !== undefined ? { kubeconfig } : {}) });
  return {
    controlPlane,
    istio: doc.istio,
    clusters: { ...(doc.clusters.config ? { config: withKubeconfig(doc.clusters.config) } : {}), remotes: doc.clusters.remotes.map(withKubeconfig) },
    samples: doc.samples,
  };
}
