/**
 * The public API of the `istio-mesh` package: the arguments and outputs of `ExternalControlPlaneMesh`, as every Pulumi
 * language sees them. Pulumi's component analyzer turns these declarations and their JSDoc into the package schema
 * (`schema.json`), from which `pulumi package add` generates the C#, Python, Go and Java SDKs; hence only interfaces,
 * string enums, plain values and `pulumi.Input`/`pulumi.Output` of them.
 *
 * The arguments have the shape of the stack config of this repository's own program (`Pulumi.<stack>.yaml`), so a
 * problem has the same key path in both (`clusters.remotes[1].name`). Values that decide which resources the mesh
 * has (names, versions, modes, switches) are plain: they are all validated, every problem at once, before anything is
 * registered. Values a program may take from other resources (an API server, the hostname and its TLS Secret, the
 * chart repository, the rotation value) are `Input`s: a plain one is validated with the rest, an Output with the same
 * rules when it resolves. Credentials are `Input`s and always handled as secrets.
 */
import type * as pulumi from "@pulumi/pulumi";

/** How remote clusters reach the external control plane. */
export enum ExposureMode {
  /**
   * On a DNS name with a publicly trusted certificate, TLS terminated at the control plane gateway (the guide's main
   * path; production).
   */
  Hostname = "hostname",
  /** On the control plane gateway's load-balancer IP, TLS passed through to istiod (dev clusters without DNS). */
  LoadBalancer = "loadBalancer",
}

/** Whether every remote cluster runs an east-west gateway; default `auto`. */
export enum EastWestGatewayMode {
  /** When the remote clusters span more than one network. */
  Auto = "auto",
  /** On every remote cluster. */
  Enabled = "enabled",
  /** On none; refused when the remote clusters span more than one network. */
  Disabled = "disabled",
}

/** `istio-system` of the external cluster. */
export enum IstioSystemNamespace {
  /** The mesh creates it (and, with `protect`, protects it). */
  Create = "create",
  /**
   * It exists already (typically because it holds the certificate of `exposure.tls`): the mesh reads it and never
   * updates or deletes it.
   */
  Existing = "existing",
}

/** A remote cluster's part in the mesh. */
export enum RemoteClusterRole {
  /** The config cluster: it holds the mesh's configuration, which the external istiod reads. */
  Config = "config",
  /** A further remote cluster: a source of endpoints. */
  Remote = "remote",
}

/** Istio's release for the control plane, and where Helm fetches Istio's charts. */
export interface IstioRelease {
  /**
   * The control plane's Istio release and chart version, e.g. "1.28.10"; 1.24 or newer. It sets the external
   * cluster's charts, the external istiod, the config cluster's CRDs (`base`), and every remote cluster without
   * `istioVersion`. Istio supports moving it one minor version at a time.
   */
  version: string;
  /**
   * The Helm repository (https://) or OCI registry (oci://) holding the `base`, `istiod` and `gateway` charts, for
   * mirrors; default Istio's own repository. Plain http:// and credentials in the URL are refused.
   */
  chartRepository?: pulumi.Input<string>;
  /**
   * The registry every image of the mesh is pulled from (Istio's charts' `global.hub`), e.g.
   * "registry.example.com/istio": istiod, the gateways, every sidecar the external istiod injects in any remote
   * cluster (its injection template names the proxy image), and the samples' images (`<hub>/examples-helloworld-v1:1.0`,
   * `<hub>/curl:8.16.0`). It must hold Istio's images of the charts' versions. Unset: each chart's own registry.
   */
  hub?: pulumi.Input<string>;
  /**
   * Names of `kubernetes.io/dockerconfigjson` Secrets every pod of the mesh pulls with (`global.imagePullSecrets`,
   * the gateway chart's `imagePullSecrets`, the samples' pods); each must exist in the namespace of the pods that
   * use it. None by default.
   */
  imagePullSecrets?: string[];
  /**
   * The content of a `kubernetes.io/dockerconfigjson` Secret (its `.dockerconfigjson`), always handled as a secret:
   * the mesh then creates the Secret named by the first of `imagePullSecrets` in every namespace it creates (the
   * control plane namespace of each cluster, `istio-system` when it creates it, `sample`), before the pods there.
   * Needs `imagePullSecrets`.
   */
  registryCredentials?: pulumi.Input<string>;
  /** Chart values the mesh does not own, merged into its releases; every key path is checked against the chart. */
  values?: IstioReleaseValues;
  /**
   * The stable external istiod's revision. Unset: the unrevisioned install (Istio's revision "default"). Set it to
   * the canary's revision when the canary becomes the stable revision (docs/canary.md: Removing the old revision).
   */
  revision?: string;
  /**
   * A second external istiod of a newer release beside the stable one, with the revision `<version with dashes>`
   * (e.g. "1-30-3"): namespaces labelled `istio.io/rev=<revision>` (or a tag of it) are injected by it.
   */
  canary?: CanaryRelease;
  /**
   * The revision that injects namespaces labelled `istio-injection=enabled`, every gateway, and validates Istio
   * config: "default" (the unrevisioned install), the stable revision or the canary's. Unset: the stable revision.
   */
  defaultRevision?: string;
  /** Revision tags: tag name -> revision. Namespaces labelled `istio.io/rev=<tag>` move with the tag. */
  revisionTags?: Record<string, string>;
}

/** The canary external istiod (docs/canary.md). */
export interface CanaryRelease {
  /** Its Istio release: newer than `istio.version`, at most one minor version ahead (docs/canary.md). */
  version: string;
  /**
   * Its own DNS name (hostname mode only, required there), pointed at `controlPlaneLoadBalancer` like the stable
   * one's. In loadBalancer mode the canary is reached as `istiod-<revision>.<namespace>.svc` on the same IP.
   */
  hostname?: pulumi.Input<string>;
  /** The certificate of that name; unset: the stable hostname's Secret, which must then cover the canary's name too. */
  tls?: CanaryTls;
}

/** The Secret with the canary hostname's certificate. */
export interface CanaryTls {
  /** A `kubernetes.io/tls` Secret in the external cluster's `istio-system`, publicly trusted for the canary's name. */
  secretName: pulumi.Input<string>;
}

/**
 * Chart values merged into the mesh's Helm releases, for what the mesh does not decide (resources, replicas,
 * autoscaling, node selectors, tolerations, Service annotations, `meshConfig` settings...). Each key path must exist
 * in the chart version it goes into, and keys the mesh sets itself are refused, with the reason.
 */
export interface IstioReleaseValues {
  /**
   * Merged into the external istiod's release (`istiod` chart at `istio.version`). `meshConfig` settings reach the
   * mesh configuration the external istiod reads (its own `istio` ConfigMap).
   */
  controlPlane?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form chart values: the schema's Any
  /** Merged into every mesh gateway's release: ingress, egress and east-west (`gateway` chart at each cluster's version). */
  gateways?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form chart values: the schema's Any
  /** Merged into the control plane gateway's release in the external cluster (`gateway` chart at `istio.version`). */
  controlPlaneGateway?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form chart values: the schema's Any
}

/** The mesh's identity. */
export interface MeshSettings {
  /** `global.meshID`; default "mesh1". */
  id?: string;
  /**
   * The control plane namespace in every cluster (not `istio-system`); default "external-istiod". It cannot change
   * on a deployed mesh.
   */
  controlPlaneNamespace?: string;
}

/** How Pulumi reaches a cluster of the mesh, and its name there. */
export interface ClusterAccess {
  /**
   * The cluster's name in the mesh (a DNS label): Istio's cluster ID of a remote cluster, the name of the cluster's
   * Kubernetes provider and the prefix of its resources' names. It cannot change on a deployed mesh, and cluster
   * names must be unique within a stack.
   */
  name: string;
  /** The kubeconfig context Pulumi reaches the cluster through. */
  context: string;
  /**
   * Kubeconfig content holding `context` (or the path of a kubeconfig file), always handled as a secret. Unset: the
   * kubeconfig file of the machine running Pulumi (the first entry of KUBECONFIG, else ~/.kube/config).
   */
  kubeconfig?: pulumi.Input<string>;
}

/** The external cluster: it runs the external istiod and the gateway that exposes it. */
export interface ExternalCluster extends ClusterAccess {
  /** Whether the mesh creates `istio-system` here or uses the existing one; default `create`. Cannot change on a deployed mesh. */
  istioSystem?: IstioSystemNamespace;
}

/** The gateways a mesh admin runs on a remote cluster, in its control plane namespace. */
export interface ClusterGateways {
  /** Helm release `istio-ingressgateway` (a LoadBalancer Service); default false. */
  ingress?: boolean;
  /** Helm release `istio-egressgateway` (a ClusterIP Service); default false. */
  egress?: boolean;
}

/** A remote cluster: it runs workloads whose proxies the external istiod serves. */
export interface RemoteCluster extends ControlPlaneRemoteCluster {
  /** The mesh admin's gateways on this cluster; none by default. */
  gateways?: ClusterGateways;
}

/** The clusters of the mesh. */
export interface MeshClusters {
  /** The cluster that runs the external control plane. */
  external: ExternalCluster;
  /** The config cluster, the first remote: it runs workloads and holds the mesh's configuration. */
  config: RemoteCluster;
  /** Further remote clusters; none by default. */
  remotes?: RemoteCluster[];
}

/** The TLS certificate of the control plane's hostname. */
export interface ExposureTls {
  /**
   * The `kubernetes.io/tls` Secret in the external cluster's `istio-system` that holds a publicly trusted
   * certificate for the hostname (remote webhooks and proxies trust only the system roots).
   */
  secretName: pulumi.Input<string>;
  /**
   * true: create that Secret from `certificate` and `privateKey`. false (default): it exists already, e.g. issued by
   * cert-manager (then `istio-system` exists too: set `clusters.external.istioSystem` to `existing`).
   */
  create?: boolean;
  /** The PEM certificate chain, only with `create`; handled as a secret. */
  certificate?: pulumi.Input<string>;
  /** The PEM private key, only with `create`; handled as a secret. */
  privateKey?: pulumi.Input<string>;
}

/** How remote clusters reach the control plane. */
export interface Exposure {
  /** hostname (production) or loadBalancer (dev clusters without DNS). Cannot change on a deployed mesh. */
  mode: ExposureMode;
  /** The DNS name remotes reach istiod on; hostname mode only, required there. Point it at `controlPlaneLoadBalancer`. */
  hostname?: pulumi.Input<string>;
  /** The hostname's certificate; hostname mode only, required there. */
  tls?: ExposureTls;
}

/** The arguments of `ExternalControlPlaneMesh`: the whole mesh. */
export interface ExternalControlPlaneMeshArgs {
  /** The control plane's Istio release and the chart repository. */
  istio: IstioRelease;
  /** The mesh ID and the control plane namespace; defaults apply when unset. */
  mesh?: MeshSettings;
  /** The external cluster, the config cluster and any further remote clusters. */
  clusters: MeshClusters;
  /** How remote clusters reach the control plane. */
  exposure: Exposure;
  /** East-west gateways on every remote cluster; default `auto` (when the remote clusters span several networks). */
  eastWestGateways?: EastWestGatewayMode;
  /** Istio's helloworld and sleep samples on every remote cluster; needs the config cluster's ingress gateway. Default false. */
  samples?: boolean;
  /**
   * Protect, and keep on delete, what must outlive a mistake: namespaces, every `base` release (Istio's CRDs) and the
   * external istiod's root CA. Default false.
   */
  protect?: boolean;
  /** Change this value (a date is a good one) to rotate every remote-secret token, new tokens before old ones go. */
  remoteSecretRotation?: pulumi.Input<string>;
  /**
   * Set when this deployment changes `istio.version` of a deployed mesh: every further remote's charts then wait for
   * the external control plane, so the data plane moves after its control plane. Default false: a first install does
   * not wait (nothing there is injected yet). The component cannot see what is deployed; the caller can (this
   * repository's program reads its last deployment's outputs).
   */
  upgradingControlPlane?: boolean;
  /**
   * Only for stacks deployed by this repository's program before the mesh became one component (istio-mesh 0.1):
   * aliases the resources the mesh parents to the URNs they had at the stack's root, so such a stack updates them in
   * place instead of replacing them. Leave it unset otherwise: with it, the mesh would take over root-level
   * resources of the same type and name (a Kubernetes provider named like a cluster, say).
   */
  adoptRootLevelResources?: boolean;
}

/** A revision's part in an upgrade (docs/canary.md). */
export enum RevisionRole {
  /** `istio.version`: what the mesh runs. */
  Stable = "stable",
  /** `istio.canary`: a newer release beside it. */
  Canary = "canary",
}

/** One external istiod of the control plane, as `npm run verify` and the mesh admins see it. */
export interface ControlPlaneRevisionInfo {
  /** Its Istio release. */
  version: string;
  role: RevisionRole;
  /** Whether it injects namespaces labelled `istio-injection=enabled` and every gateway, and validates Istio config. */
  isDefault: boolean;
  /**
   * The host its proxies dial on 15012 and its webhooks on 15017: its DNS name in hostname mode; in loadBalancer
   * mode the gateway's IP for the unrevisioned istiod, `istiod-<revision>.<namespace>.svc` for a revision.
   */
  address: pulumi.Output<string>;
}

/** What a mesh admin needs to know about one remote cluster. */
export interface RemoteClusterInfo {
  /** config (the config cluster) or remote. */
  role: RemoteClusterRole;
  /** The cluster's network. */
  network: string;
  /** The URL the cluster's injection webhook calls. */
  injectionUrl: pulumi.Output<string>;
  /** The URL the validation webhooks call; the config cluster in hostname mode only. */
  validationUrl?: pulumi.Output<string>;
  /** The Secret in the external cluster's control plane namespace that holds this cluster's credentials. */
  remoteSecretName: pulumi.Output<string>;
  /** The ingress gateway's load-balancer address, when the cluster has one. */
  ingressGatewayAddress?: pulumi.Output<string>;
}

/** A remote cluster as the mesh operator deploys it: without the mesh admins' gateways. */
export interface ControlPlaneRemoteCluster extends ClusterAccess {
  /**
   * The cluster's API server as pods in the external cluster reach it (https, no path, not loopback): the external
   * istiod watches the cluster through it. An Output (a cluster's endpoint created in the same program) cannot be
   * matched against a stack's record of its deployed clusters, which only this repository's program keeps.
   */
  apiServer: pulumi.Input<string>;
  /** The cluster's network: clusters that share one are a flat network to Istio (their pod IPs routable between them). */
  network: string;
  /**
   * Pins this cluster's charts (its istiod with the remote profile, the mesh admins' gateways, and on a further
   * remote its `base`) to an Istio release: not newer than `istio.version` and at most one minor version older.
   * Unset: `istio.version`.
   */
  istioVersion?: string;
}

/** The clusters the mesh operator deploys to. */
export interface ControlPlaneClusters {
  /** The cluster that runs the external control plane. */
  external: ExternalCluster;
  /** The config cluster, the first remote: it holds the mesh's configuration. */
  config: ControlPlaneRemoteCluster;
  /** Further remote clusters; none by default. */
  remotes?: ControlPlaneRemoteCluster[];
}

/**
 * The arguments of `ExternalControlPlane`: the mesh operator's part of the mesh, the same settings as
 * `ExternalControlPlaneMesh` without the mesh admins' gateways and samples.
 */
export interface ExternalControlPlaneArgs {
  /** The control plane's Istio release and the chart repository. */
  istio: IstioRelease;
  /** The mesh ID and the control plane namespace; defaults apply when unset. */
  mesh?: MeshSettings;
  /** The external cluster, the config cluster and any further remote clusters. */
  clusters: ControlPlaneClusters;
  /** How remote clusters reach the control plane. */
  exposure: Exposure;
  /** East-west gateways on every remote cluster; default `auto` (when the remote clusters span several networks). */
  eastWestGateways?: EastWestGatewayMode;
  /** Protect, and keep on delete, namespaces, every `base` release (Istio's CRDs) and the root CA. Default false. */
  protect?: boolean;
  /** Change this value (a date is a good one) to rotate every remote-secret token, new tokens before old ones go. */
  remoteSecretRotation?: pulumi.Input<string>;
  /** As `ExternalControlPlaneMeshArgs.upgradingControlPlane`. */
  upgradingControlPlane?: boolean;
}

/**
 * A remote cluster the control plane serves, as the mesh admins need it: `ExternalControlPlane.remotes`, and the
 * `remotes` output of an operator stack. Nothing in it is secret.
 */
export interface ServedRemoteCluster {
  /** config (the config cluster) or remote. */
  role: RemoteClusterRole;
  /** The cluster's network. */
  network: string;
  /** The control plane namespace in this cluster: the mesh admins' gateways run there. */
  namespace: pulumi.Output<string>;
  /**
   * The Istio release the mesh admins' gateway charts and samples on this cluster follow: its `istioVersion`, never
   * ahead of what the control plane's releases report.
   */
  istioVersion: pulumi.Output<string>;
  /** The URL the cluster's injection webhook calls. */
  injectionUrl: pulumi.Output<string>;
  /** The URL the validation webhooks call; the config cluster in hostname mode only. */
  validationUrl?: pulumi.Output<string>;
  /** The Secret in the external cluster's control plane namespace that holds this cluster's credentials. */
  remoteSecretName: pulumi.Output<string>;
  /**
   * Changes whenever the control plane serving this cluster is redeployed (the external istiod's or this cluster's
   * istiod chart or values), and is known only once both releases are ready.
   */
  controlPlaneRevision: pulumi.Output<string>;
}

/** A remote cluster as a mesh admin's `MeshWorkloads` reaches it; its name is one the control plane serves. */
export interface WorkloadCluster extends ClusterAccess {
  /** The mesh admin's gateways on this cluster; none by default. */
  gateways?: ClusterGateways;
}

/** The mesh admin's remote clusters; at least one. */
export interface WorkloadClusters {
  /** The config cluster, when the team runs it (it gets helloworld's Gateway and VirtualService with samples). */
  config?: WorkloadCluster;
  /** Further remote clusters of the team. */
  remotes?: WorkloadCluster[];
}

/** Where the mesh admin's charts come from; their versions come from the control plane. */
export interface WorkloadCharts {
  /** As `IstioRelease.chartRepository`; default Istio's own repository. */
  chartRepository?: pulumi.Input<string>;
  /**
   * As `IstioRelease.hub`: the samples' images come from it. The gateways' (and every sidecar's) image comes from
   * the control plane's injection template, so from the operator's `istio.hub`.
   */
  hub?: pulumi.Input<string>;
  /** As `IstioRelease.imagePullSecrets`: on the gateways and the samples' pods. */
  imagePullSecrets?: string[];
}

/**
 * A remote cluster as the control plane serves it: the fields of `ServedRemoteCluster` a mesh admin's workloads use,
 * each taken as it is from `ExternalControlPlane.remotes` or an operator stack's `remotes`.
 */
export interface ServedClusterRecord {
  /** config or remote: must match where the cluster is listed in `clusters`. */
  role: pulumi.Input<RemoteClusterRole>;
  /** The cluster's network (reported in `MeshWorkloads.clusters`). */
  network: pulumi.Input<string>;
  /** The control plane namespace in this cluster. */
  namespace: pulumi.Input<string>;
  /** The Istio release of this cluster's charts. */
  istioVersion: pulumi.Input<string>;
  /** The control plane's readiness marker for this cluster: the workloads wait for it. */
  controlPlaneRevision: pulumi.Input<string>;
}

/**
 * The control plane a mesh admin's workloads are injected by: an operator stack by name (`operatorStack`), or
 * `ExternalControlPlane`'s outputs (`externalIstiodAddress` and `remotes`, both required then).
 */
export interface ControlPlaneReference {
  /**
   * The operator stack that deploys the control plane (`ExternalControlPlane`, or this repository's program with
   * `stackKind: operator`), as a StackReference names it: `<organization>/<project>/<stack>`. The component reads
   * its `remotes` output. Set either this or `externalIstiodAddress` and `remotes`.
   */
  operatorStack?: string;
  /** The control plane's address, the guide's EXTERNAL_ISTIOD_ADDR (`ExternalControlPlane.externalIstiodAddress`). */
  externalIstiodAddress?: pulumi.Input<string>;
  /** The remote clusters the control plane serves, by name (`ExternalControlPlane.remotes`, an operator stack's `remotes`). */
  remotes?: pulumi.Input<Record<string, pulumi.Input<ServedClusterRecord>>>;
}

/** The arguments of `MeshWorkloads`: the mesh admin's part of the mesh on some of its remote clusters. */
export interface MeshWorkloadsArgs {
  /** The control plane that serves these clusters. */
  controlPlane: ControlPlaneReference;
  /** Where Helm fetches the gateway chart. */
  istio?: WorkloadCharts;
  /** The team's remote clusters. */
  clusters: WorkloadClusters;
  /** Istio's helloworld and sleep samples on each of these clusters. Default false. */
  samples?: boolean;
}

/** A mesh admin's remote cluster after deployment. */
export interface WorkloadClusterInfo {
  /** config (the config cluster) or remote. */
  role: RemoteClusterRole;
  /** The cluster's network (from the control plane). */
  network: pulumi.Output<string>;
  /** The control plane namespace in this cluster, where the gateways run (from the control plane). */
  namespace: pulumi.Output<string>;
  /** The Istio release of the gateway charts and samples (from the control plane). */
  istioVersion: pulumi.Output<string>;
  /** The ingress gateway's load-balancer address, when the cluster has one. */
  ingressGatewayAddress?: pulumi.Output<string>;
  /** The control plane revision the workloads were deployed against (`ServedRemoteCluster.controlPlaneRevision`). */
  controlPlaneRevision: pulumi.Output<string>;
}
