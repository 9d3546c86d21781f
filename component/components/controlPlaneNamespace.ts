/**
 * The control plane namespace of a remote cluster (`external-istiod`): where its Istio releases, gateways and
 * the service accounts of the remote secrets live.
 */
import type * as k8s from "@pulumi/kubernetes";

/** istiod reads a cluster's default network from this label on its system namespace (notes §2.7). */
export const NETWORK_LABEL = "topology.istio.io/network";
/** The external istiod manages a further remote only if this names its own cluster ID (notes P14). */
export const CONTROL_PLANE_CLUSTERS_ANNOTATION = "topology.istio.io/controlPlaneClusters";

export interface ControlPlaneNamespaceSpec {
  name: string;
  network: string;
  /** For further remotes: the config cluster's name, the cluster ID of the external istiod that leads them. */
  controlPlaneCluster?: string;
}

export function controlPlaneNamespaceArgs(spec: ControlPlaneNamespaceSpec): k8s.core.v1.NamespaceArgs {
  return {
    metadata: {
      name: spec.name,
      labels: { [NETWORK_LABEL]: spec.network },
      ...(spec.controlPlaneCluster ? { annotations: { [CONTROL_PLANE_CLUSTERS_ANNOTATION]: spec.controlPlaneCluster } } : {}),
    },
  };
}
