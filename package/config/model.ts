/**
 * The validated, normalised mesh topology every component is built from: defaults applied, `auto` resolved, each
 * cluster's charts known. Produced only by `validateMeshDocument` (`document.ts`), from the stack file or from the
 * component's arguments. It holds no credential.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { IstioValues } from "./values";

/** Where Helm fetches Istio's charts from, and which version; the chart version is the Istio version. */
export interface ChartSource {
  version: string;
  /** An https:// Helm repository, or an oci:// registry path holding `base`, `istiod`, `gateway`. */
  repository: string;
}

export interface ClusterRef {
  /** The cluster's name in the mesh (Istio's cluster ID); also the Pulumi name prefix of its resources. */
  name: string;
  /** The kubeconfig context Pulumi uses to reach it. */
  context: string;
}

/**
 * `istio-system` of the external cluster: "create" makes it (and, with `protect`, keeps it); "existing" uses the
 * namespace that is already there without owning it (it holds a certificate issued before the first `pulumi up`).
 */
export type IstioSystemNamespace = "create" | "existing";

export interface ExternalCluster extends ClusterRef {
  istioSystem: IstioSystemNamespace;
}

export interface RemoteCluster extends ClusterRef {
  /** API server URL as istiod in the external cluster reaches it (written into its remote secret). */
  apiServer: string;
  network: string;
  gateways: { ingress: boolean; egress: boolean };
  /**
   * This cluster's charts: its `istioVersion`, else the control plane's `istio.version`. For the config cluster,
   * all but `base`: its CRDs are the control plane's (`MeshConfig.chart`).
   */
  chart: ChartSource;
}

export type Exposure =
  | {
      mode: "hostname";
      hostname: string;
      /** The `kubernetes.io/tls` Secret for the hostname in the external cluster's `istio-system`. */
      tls: { secretName: string; create: boolean };
    }
  | { mode: "loadBalancer" };

/**
 * Where every image the mesh deploys comes from (`istio.hub`, `istio.imagePullSecrets`): istiod, the gateways, the
 * samples, and every sidecar the external istiod injects (its injection template takes `global.hub` and
 * `global.imagePullSecrets`, so one hub serves every remote cluster).
 */
export interface ImageSource {
  /** The registry path of every image; unset: each chart's and sample's own registry. An Output on the component. */
  hub?: pulumi.Input<string>;
  /** Names of `kubernetes.io/dockerconfigjson` Secrets, in each namespace where a pod pulls; none by default. */
  imagePullSecrets: string[];
}

/** `istio.values`, checked against the charts, and what the check had to say that is not a problem. */
export interface ReleaseValues extends IstioValues {
  /** E.g. a patch release checked against its minor's chart data: logged as warnings when the mesh is built. */
  notes: string[];
}

export interface MeshConfig {
  /**
   * The control plane's charts (`istio.version`): the external cluster's releases, the external istiod, and the
   * config cluster's `base`, whose CRDs the external istiod reads and so never lag it.
   */
  chart: ChartSource;
  meshId: string;
  /** The control plane namespace in every cluster (the guide's `external-istiod`). */
  namespace: string;
  external: ExternalCluster;
  /** The first remote: it runs workloads and holds the mesh configuration. */
  configCluster: RemoteCluster;
  /** Further remote clusters (the guide's "Adding clusters to the mesh"). */
  remotes: RemoteCluster[];
  exposure: Exposure;
  /** East-west gateways on every remote (resolved from "auto": on when the remotes span several networks). */
  eastWestGateways: boolean;
  samples: boolean;
  protect: boolean;
  /** Changing this value rotates every remote-secret token (new tokens before old ones are deleted). */
  remoteSecretRotation: string;
  images: ImageSource;
  values: ReleaseValues;
}

/** Every remote cluster, the config cluster first. */
export function allRemotes(cfg: MeshConfig): RemoteCluster[] {
  return [cfg.configCluster, ...cfg.remotes];
}

/** The distinct networks of the remote clusters, in config order. */
export function networksOf(remotes: readonly RemoteCluster[]): string[] {
  return [...new Set(remotes.map((r) => r.network))];
}
