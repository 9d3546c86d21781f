/**
 * The validated, normalised mesh topology every component is built from: defaults applied, `auto` resolved, each
 * cluster's charts known. Produced only by `validateMeshDocument` (`document.ts`), from the stack file or from the
 * component's arguments. It holds no credential.
 *
 * The values that come from other resources in a program that creates its clusters (an API server, the hostname,
 * the TLS Secret's name, the chart repository, the rotation value) are `S`: plain strings from a stack file, and
 * strings or Outputs from the component's arguments (`Deferrable`), checked with the same rules when they resolve
 * (`args.ts`). Nothing decides which resources exist from them.
 */
import type * as pulumi from "@pulumi/pulumi";

/** A value known when the program runs, or one another resource gives (an Output). */
export type Deferrable = string | pulumi.Output<string>;
import type { IstioValues } from "./values";

/** Where Helm fetches Istio's charts from, and which version; the chart version is the Istio version. */
export interface ChartSource<S extends Deferrable = string> {
  version: string;
  /** An https:// Helm repository, or an oci:// registry path holding `base`, `istiod`, `gateway`. */
  repository: S;
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

export interface RemoteCluster<S extends Deferrable = string> extends ClusterRef {
  /** API server URL as istiod in the external cluster reaches it (written into its remote secret). */
  apiServer: S;
  network: string;
  gateways: { ingress: boolean; egress: boolean };
  /**
   * The charts of this cluster's own releases: its `istioVersion`, else the control plane's `istio.version`. What a
   * pin holds back: a further remote's `base` (its CRDs and the reader service account), the gateways (ingress,
   * egress, east-west) and the samples. What the external istiod uses here follows `MeshConfig.chart` (issue 20).
   */
  chart: ChartSource<S>;
}

export type Exposure<S extends Deferrable = string> =
  | {
      mode: "hostname";
      hostname: S;
      /** The `kubernetes.io/tls` Secret for the hostname in the external cluster's `istio-system`. */
      tls: { secretName: S; create: boolean };
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

/**
 * One external istiod (issue 24, docs/canary.md): the stable revision (`istio.version`, `istio.revision`) or the
 * canary (`istio.canary`). Its resources are named after it, so a canary that becomes the stable revision keeps them.
 */
export interface ControlPlaneRevision<S extends Deferrable = string> {
  /** `default` for the unrevisioned install, else the revision (`1-30-3`). */
  name: string;
  role: "stable" | "canary";
  /** Its charts: the external istiod, and its releases in every remote. */
  chart: ChartSource<S>;
  /** hostname mode: the DNS name its proxies and webhooks use, and the TLS Secret of that name. */
  hostname?: { name: S; tlsSecretName: S };
}

export interface MeshConfig<S extends Deferrable = string> {
  /**
   * The control plane's charts (`istio.version`): the external cluster's releases, the external istiod, and what the
   * external istiod uses in every remote: the config cluster's `base` (the CRDs it reads, never lagging it) and each
   * remote's `istiod` release (the RBAC of the service accounts it authenticates as, the webhooks that call it, the
   * mesh config it reads).
   */
  chart: ChartSource<S>;
  meshId: string;
  /** The control plane namespace in every cluster (the guide's `external-istiod`). */
  namespace: string;
  external: ExternalCluster;
  /** The first remote: it runs workloads and holds the mesh configuration. */
  configCluster: RemoteCluster<S>;
  /** Further remote clusters (the guide's "Adding clusters to the mesh"). */
  remotes: RemoteCluster<S>[];
  exposure: Exposure<S>;
  /** East-west gateways on every remote (resolved from "auto": on when the remotes span several networks). */
  eastWestGateways: boolean;
  samples: boolean;
  protect: boolean;
  /** Changing this value rotates every remote-secret token (new tokens before old ones are deleted). */
  remoteSecretRotation: S;
  images: ImageSource;
  values: ReleaseValues;
  /** The running external istiods, the stable one first. */
  revisions: ControlPlaneRevision<S>[];
  /** The revision that injects default-labelled namespaces and the gateways, and validates config. */
  defaultRevision: string;
  /** Revision tags: tag -> revision. */
  revisionTags: Record<string, string>;
}

/** The stable revision: what `istio.version` runs. */
export function stableRevision<S extends Deferrable>(cfg: Pick<MeshConfig<S>, "revisions">): ControlPlaneRevision<S> {
  return cfg.revisions[0]!;
}

/** The canary, when one runs. */
export function canaryRevision<S extends Deferrable>(cfg: Pick<MeshConfig<S>, "revisions">): ControlPlaneRevision<S> | undefined {
  return cfg.revisions.find((r) => r.role === "canary");
}

/**
 * The chart of a cluster's `base` (Istio's CRDs): its own version, but never behind a canary's. Istio upgrades the
 * CRDs first, and both revisions read the one set of CRDs a cluster has ("Upgrade the Istio base chart [...]
 * cluster-wide resources" before the control plane: https://istio.io/latest/docs/setup/upgrade/helm/).
 */
export function crdChart<S extends Deferrable>(cfg: Pick<MeshConfig<S>, "revisions">, own: ChartSource<S>): ChartSource<S> {
  const canary = canaryRevision(cfg);
  return canary ? { ...own, version: canary.chart.version } : own;
}

/** Every remote cluster, the config cluster first. */
export function allRemotes<S extends Deferrable>(cfg: MeshConfig<S>): RemoteCluster<S>[] {
  return [cfg.configCluster, ...cfg.remotes];
}

/** The distinct networks of the remote clusters, in config order. */
export function networksOf(remotes: readonly Pick<RemoteCluster<Deferrable>, "network">[]): string[] {
  return [...new Set(remotes.map((r) => r.network))];
}
