/**
 * The mesh's wiring: the guide's steps as components, wired so each value the guide copies by hand flows as an
 * Output. `ExternalControlPlaneMesh` calls these pieces; each takes the model, the clusters' providers and where its
 * components go (`Placement`), so a component with a part of the mesh (the operator's, the admin's) can call the
 * same pieces.
 *
 *   ControlPlaneGateway (external) --address--> RemoteConfigCluster (config) --istiod SA--> ExternalIstiod (external)
 *                                    \--address--> AdditionalRemote (each further remote) --remote secret--> external
 *   then, per remote, what is injected: MeshGateways, EastWestGateway, SampleApps.
 *
 * Remotes never wait for each other: only the control plane is a shared prerequisite.
 *
 * The operator's part (`buildControlPlanePart`: everything up to the east-west gateways) and the admins' part
 * (`buildWorkloads`: gateways and samples per remote) are the two public components `ExternalControlPlane` and
 * `MeshWorkloads`; the whole mesh builds both parts under itself (not as nested components, so a stack deployed
 * before the split keeps every URN).
 *
 * An upgrade (`istio.version` changed on a deployed mesh, docs/upgrades.md) keeps these edges and adds one:
 * the config cluster's `base` (the CRDs, always at the control plane's version) and `istiod` first, because the
 * external istiod waits for the `istiod` service account; then the external control plane; then every further
 * remote's charts (the added edge, `MeshOrder`) and every gateway. The config cluster's `istiod` cannot come after
 * the external istiod: that would be a cycle with the first install.
 *
 * Revisions (issue 24, docs/canary.md): each external istiod other than the unrevisioned one has a release in every
 * cluster. On the config cluster its release and the RBAC bridge come first (the istiod reads that cluster with those
 * roles at start-up); then the external istiod and its route; then each further remote's release and every revision
 * tag's webhooks, which call it. The remotes' unrevisioned releases stay as the default webhooks, calling
 * `istio.defaultRevision`; what injects by default (`injectionReady`) waits for that revision only.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { AdditionalRemote } from "./components/additionalRemote";
import { ControlPlaneGateway, type ControlPlaneExposure } from "./components/controlPlaneGateway";
import { EastWestGateway } from "./components/eastWestGateway";
import { ExternalIstiod } from "./components/externalIstiod";
import { MeshGateways } from "./components/meshGateways";
import { RemoteConfigCluster } from "./components/remoteConfigCluster";
import { SampleApps } from "./components/sampleApps";
import type { ReleaseSource } from "./components/common";
import { revisionOf } from "./controlPlaneRevision";
import { lowestVersion, reportedVersion, type DeployedParts } from "./deployedState";
import {
  canaryRevision,
  crdChart,
  stableRevision,
  type Deferrable,
  type MeshConfig as ModelConfig,
  type RemoteCluster as ModelRemoteCluster,
} from "./config/model";
import { DEFAULT_REVISION } from "./config/revisions";
import { coveringSharers, later, proxyAddress, remoteRevisions, revisionInfo, revisionNamed, tagsOf, webhookAddress } from "./meshRevisions";
import type { PulledImages } from "./components/images";
import type { ValuesMap } from "./config/values";
import { RemoteClusterRole, type ControlPlaneRevisionInfo, type RemoteClusterInfo, type ServedRemoteCluster } from "./meshArgs";
import { providerFor, type ClusterProviders } from "./providers";

/** The model as the components take it: values from other resources may be Outputs (`config/model.ts`). */
type MeshConfig = ModelConfig<Deferrable>;
type RemoteCluster = ModelRemoteCluster<Deferrable>;

/** The TLS material of the hostname's Secret, when the mesh creates it; secrets. */
export interface MeshSecrets {
  tlsCertificate?: pulumi.Output<string>;
  tlsKey?: pulumi.Output<string>;
  /** `istio.registryCredentials`: the pull Secret's content, created in every namespace the mesh creates. */
  registryCredentials?: pulumi.Output<string>;
}

/** Where the mesh's images come from, with the pull Secret's content when the mesh creates the Secret. */
function imagesOf(cfg: MeshConfig, secrets: MeshSecrets): PulledImages {
  return { ...cfg.images, ...(secrets.registryCredentials ? { credentials: secrets.registryCredentials } : {}) };
}

/** How this run orders what it changes. */
export interface MeshOrder {
  /**
   * The control plane's version changes on a deployed mesh: every further remote's charts wait for the external
   * control plane (the data plane moves after its control plane). A first install does not wait: nothing there is
   * injected, and the remotes' charts install alongside the control plane (its webhooks fail closed only for pods).
   */
  upgradingControlPlane: boolean;
}

/** Where the mesh's components go: under a parent, with the aliases that keep their earlier URNs. */
export interface Placement {
  parent?: pulumi.Resource;
  aliases?: pulumi.Input<pulumi.Alias>[];
}

/** The mesh's values, as the public component outputs them. */
export interface MeshOutputs {
  /** The guide's EXTERNAL_ISTIOD_ADDR. */
  externalIstiodAddress: pulumi.Output<string>;
  /** Where DNS for the hostname must point (hostname mode); the same as the address in loadBalancer mode. */
  controlPlaneLoadBalancer: pulumi.Output<string>;
  remotes: Record<string, RemoteClusterInfo>;
  /** The URL the guide curls (`http://$GATEWAY_URL/hello`), when samples are on. */
  helloworldUrl?: pulumi.Output<string>;
  /** The running external istiods, by revision (`default`: the unrevisioned one). */
  revisions: Record<string, ControlPlaneRevisionInfo>;
  /** Revision tags: tag -> revision. */
  revisionTags: Record<string, string>;
}


function componentOptions(placement: Placement, provider: pulumi.ProviderResource): pulumi.ComponentResourceOptions {
  return { provider, ...placement };
}

function controlPlaneExposure(cfg: MeshConfig, secrets: MeshSecrets): ControlPlaneExposure {
  if (cfg.exposure.mode === "loadBalancer") return { mode: "loadBalancer" };
  const { hostname, tls } = cfg.exposure;
  return {
    mode: "hostname",
    hostname,
    tls: tls.create ? { secretName: tls.secretName, certificate: coveringSharers(cfg, secrets.tlsCertificate), privateKey: secrets.tlsKey } : { secretName: tls.secretName },
  };
}


/** One external istiod as the rest of the mesh reaches it (issue 24). */
export interface RevisionAccess {
  /** The host its webhooks call: its DNS name in hostname mode; the gateway's IP in loadBalancer mode. */
  webhookAddress: pulumi.Input<string>;
  /** What its webhooks and proxies need in place: its istiod and its route through the control plane gateway. */
  ready: pulumi.Resource[];
}

/** The external control plane and the config cluster it reads its configuration from. */
export interface ControlPlane {
  /** `EXTERNAL_ISTIOD_ADDR`. */
  address: pulumi.Output<string>;
  gateway: ControlPlaneGateway;
  configCluster: RemoteConfigCluster;
  externalIstiod: ExternalIstiod;
  /**
   * What every injected pod depends on (the injection webhook fails closed until it answers), and what every further
   * remote's charts wait for in an upgrade (the data plane moves after its control plane).
   */
  ready: pulumi.Resource[];
  /** The releases at `istio.version` so far: the external cluster's and the config cluster's. */
  releases: k8s.helm.v3.Release[];
  /** The lowest version those releases report (`deployedState.ts`). */
  deployedVersion: pulumi.Output<string | undefined>;
  /** `istio.hub`, `istio.imagePullSecrets` and the pull Secret's content: what every component pulls with. */
  images: PulledImages;
  /** Each running revision, by name. */
  revisions: Record<string, RevisionAccess>;
  /** The canary's revision, when one runs: its releases are the external istiod's and each served cluster's of that name. */
  canary?: string;
}


/** The guide's first three steps: the gateway in the external cluster, the config cluster, the external istiod. */
export function buildControlPlane(cfg: MeshConfig, providers: ClusterProviders, secrets: MeshSecrets, placement: Placement): ControlPlane {
  const external = providerFor(providers, cfg.external);
  const images = imagesOf(cfg, secrets);
  const gateway = new ControlPlaneGateway(
    cfg.external.name,
    {
      chart: cfg.chart,
      exposure: controlPlaneExposure(cfg, secrets),
      istioSystem: cfg.external.istioSystem,
      protect: cfg.protect,
      images,
      values: cfg.values.controlPlaneGateway,
    },
    componentOptions(placement, external),
  );
  const address = gateway.address;

  const config = cfg.configCluster;
  const configProvider = providerFor(providers, config);
  const defaultRevision = revisionNamed(cfg, cfg.defaultRevision);
  // The config cluster's tags wait for their revisions' external istiods, which are built after it.
  const externalReady = later<Record<string, pulumi.Resource[]>>();
  const readyLater = (revision: string) => externalReady.output.apply((ready) => ready[revision] ?? []);
  const configCluster = new RemoteConfigCluster(
    config.name,
    // Its releases follow the control plane whatever the cluster's own version: the external istiod reads its
    // CRDs, its mesh config, and authenticates as its `istiod` service account (issue 20, F4).
    {
      chart: cfg.chart,
      crdChart: crdChart(cfg, cfg.chart),
      namespace: cfg.namespace,
      clusterName: config.name,
      network: config.network,
      address: webhookAddress(defaultRevision, address),
      mode: cfg.exposure.mode,
      protect: cfg.protect,
      images,
      defaultRevision: cfg.defaultRevision,
      // A revision's release here comes before its external istiod (which reads the config cluster with its roles).
      revisions: remoteRevisions(cfg, address, () => []),
      revisionTags: tagsOf(cfg, address, readyLater),
    },
    componentOptions(placement, configProvider),
  );

  // ExternalIstiod also writes the config cluster's token, so its children set their providers explicitly; the
  // external provider in `opts` only records where the component mostly lives.
  const externalIstiod = new ExternalIstiod(
    cfg.external.name,
    {
      revisions: cfg.revisions.map((r) => ({
        name: r.name,
        chart: r.chart,
        address: proxyAddress(cfg, r, address),
        ...(r.hostname ? { tlsSecretName: r.hostname.tlsSecretName } : {}),
        configClusterReady: r.name === DEFAULT_REVISION ? [] : [configCluster.revisionReleases[r.name]!, ...(configCluster.rbacBridges[r.name] ?? [])],
      })),
      defaultRevision: cfg.defaultRevision,
      namespace: cfg.namespace,
      meshId: cfg.meshId,
      mode: cfg.exposure.mode,
      externalProvider: external,
      configCluster: {
        name: config.name,
        network: config.network,
        apiServer: config.apiServer,
        provider: configProvider,
        namespace: configCluster.namespace.metadata.name,
        serviceAccountRelease: configCluster.istiod,
      },
      gatewayNamespace: gateway.gatewayNamespace,
      crds: gateway.base,
      rotation: cfg.remoteSecretRotation,
      protect: cfg.protect,
      images,
      values: cfg.values.controlPlane,
    },
    componentOptions(placement, external),
  );
  const revisions: Record<string, RevisionAccess> = {};
  for (const r of cfg.revisions) {
    // loadBalancer mode: every revision is reached through the guide's Gateway (and the catch-all, for IP clients).
    const route = [...(externalIstiod.routingOf[r.name] ?? []), ...(r.name !== DEFAULT_REVISION && !r.hostname ? (externalIstiod.routingOf[DEFAULT_REVISION] ?? []) : [])];
    revisions[r.name] = { webhookAddress: webhookAddress(r, address), ready: [externalIstiod.istiods[r.name]!, ...route] };
  }
  externalReady.resolve(Object.fromEntries(Object.entries(revisions).map(([name, r]) => [name, r.ready])));
  const stable = stableRevision(cfg);
  const canary = canaryRevision(cfg);
  const releases = [
    gateway.base,
    gateway.istiod,
    gateway.gateway,
    externalIstiod.istiods[stable.name]!,
    configCluster.base,
    configCluster.istiod,
    ...(stable.name !== DEFAULT_REVISION ? [configCluster.revisionReleases[stable.name]!] : []),
  ];
  return {
    address,
    gateway,
    configCluster,
    externalIstiod,
    // What the default webhooks call, and istio-kubeconfig, which every istiod reads.
    ready: [gateway.gateway, externalIstiod.configSecret.secret, ...revisions[cfg.defaultRevision]!.ready],
    releases,
    deployedVersion: pulumi.all(releases.map(reportedVersion)).apply(lowestVersion),
    images,
    revisions,
    ...(canary ? { canary: canary.name } : {}),
  };
}

/** The guide's "Adding clusters": a further remote registered with the external istiod. */
export function buildFurtherRemote(
  cfg: MeshConfig,
  remote: RemoteCluster,
  providers: ClusterProviders,
  controlPlane: ControlPlane,
  order: MeshOrder,
  placement: Placement,
): AdditionalRemote {
  const provider = providerFor(providers, remote);
  const gatewayAddress = controlPlane.address;
  const ready = (revision: string) => controlPlane.revisions[revision]?.ready ?? [];
  return new AdditionalRemote(
    remote.name,
    {
      chart: remote.chart,
      crdChart: crdChart(cfg, remote.chart),
      controlPlaneChart: cfg.chart,
      revisions: remoteRevisions(cfg, gatewayAddress, ready),
      revisionTags: tagsOf(cfg, gatewayAddress, ready),
      namespace: cfg.namespace,
      clusterName: remote.name,
      network: remote.network,
      apiServer: remote.apiServer,
      configClusterName: cfg.configCluster.name,
      address: controlPlane.revisions[cfg.defaultRevision]!.webhookAddress,
      mode: cfg.exposure.mode,
      provider,
      externalProvider: providerFor(providers, cfg.external),
      externalNamespace: controlPlane.externalIstiod.namespace.metadata.name,
      rotation: cfg.remoteSecretRotation,
      protect: cfg.protect,
      controlPlane: order.upgradingControlPlane ? controlPlane.ready : [],
      images: controlPlane.images,
    },
    componentOptions(placement, provider),
  );
}

/** A remote cluster as the control plane serves it, and what its injected workloads wait for. */
export interface ServedCluster {
  cluster: RemoteCluster;
  /** The config cluster: v1 of helloworld, its Gateway and VirtualService, the cross-network Gateway. */
  isConfig: boolean;
  /** Its control plane namespace (an Output of the Namespace, to order after it). */
  namespace: pulumi.Output<string>;
  /** What an injected pod needs in place first (DESIGN §3). */
  injectionReady: pulumi.Resource[];
  /** The release with Istio's CRDs in this cluster. */
  crds: pulumi.Resource;
  /** This cluster's istiod release (the remote profile). */
  istiod: k8s.helm.v3.Release;
  /** The Secret in the external cluster with this cluster's credentials. */
  remoteSecretName: pulumi.Output<string>;
  injectionUrl: pulumi.Output<string>;
  validationUrl?: pulumi.Output<string>;
  /**
   * Everything of the operator's part this cluster's workloads need done, as custom resources (whose outputs resolve
   * once the engine has created or updated them): the readiness marker waits for them all.
   */
  serving: pulumi.CustomResource[];
  /** This cluster's releases that follow its own `istioVersion` (a further remote's `base`, its east-west gateway). */
  pinned: k8s.helm.v3.Release[];
  /** This cluster's releases of the external istiod's revisions (not the unrevisioned one), by revision. */
  revisionReleases: Readonly<Record<string, k8s.helm.v3.Release>>;
}

/** The mesh operator's part: the control plane, every remote cluster's control plane parts, the east-west gateways. */
export interface ControlPlanePart {
  controlPlane: ControlPlane;
  /** Every remote cluster, the config cluster first. */
  served: ServedCluster[];
}

/**
 * The guide's "Mesh operator steps", "Register the new cluster" and "Setup east-west gateways": everything a mesh
 * admin's workloads need in place, and nothing injected but the east-west gateways.
 */
export function buildControlPlanePart(
  cfg: MeshConfig,
  providers: ClusterProviders,
  secrets: MeshSecrets,
  order: MeshOrder,
  placement: Placement,
): ControlPlanePart {
  const controlPlane = buildControlPlane(cfg, providers, secrets, placement);
  const { configCluster, externalIstiod } = controlPlane;
  // What every cluster's workloads need of the external cluster: the gateway that exposes istiod, istiod, its routing.
  const external = [controlPlane.gateway.gateway, ...Object.values(externalIstiod.istiods), ...externalIstiod.routing, externalIstiod.configSecret.secret];
  const configRevisionParts = [...Object.values(configCluster.revisionReleases), ...Object.values(configCluster.rbacBridges).flat(), ...configCluster.revisionTags];
  const served: ServedCluster[] = [
    {
      cluster: cfg.configCluster,
      isConfig: true,
      namespace: configCluster.namespace.metadata.name,
      injectionReady: [...controlPlane.ready, configCluster.istiod],
      crds: configCluster.base,
      istiod: configCluster.istiod,
      remoteSecretName: externalIstiod.configSecret.secretName,
      injectionUrl: configCluster.injectionUrl,
      ...(configCluster.validationUrl ? { validationUrl: configCluster.validationUrl } : {}),
      serving: [...external, configCluster.base, configCluster.istiod, ...configRevisionParts],
      pinned: [],
      revisionReleases: configCluster.revisionReleases,
    },
  ];
  for (const remote of cfg.remotes) {
    const added = buildFurtherRemote(cfg, remote, providers, controlPlane, order, placement);
    served.push({
      cluster: remote,
      isConfig: false,
      namespace: added.namespace.metadata.name,
      // Only the leading istiod writes istio-ca-root-cert, which injected pods mount: wait for the remote secret.
      injectionReady: [...controlPlane.ready, added.istiod, added.remoteSecret],
      crds: added.base,
      istiod: added.istiod,
      remoteSecretName: added.remoteSecret.secretName,
      injectionUrl: added.injectionUrl,
      serving: [...external, added.base, added.istiod, added.remoteSecret.secret, ...Object.values(added.revisionReleases), ...added.revisionTags],
      pinned: [added.base],
      revisionReleases: added.revisionReleases,
    });
  }
  if (cfg.eastWestGateways) {
    for (const target of served) {
      const { cluster, isConfig, namespace, injectionReady, crds } = target;
      const eastWest = new EastWestGateway(
        cluster.name,
        {
          chart: cluster.chart,
          namespace,
          network: cluster.network,
          exposeServices: isConfig,
          injectionReady,
          crds,
          images: controlPlane.images,
          values: cfg.values.gateways,
        },
        componentOptions(placement, providerFor(providers, cluster)),
      );
      target.serving.push(eastWest.gateway, ...(eastWest.crossNetworkGateway ? [eastWest.crossNetworkGateway] : []));
      target.pinned.push(eastWest.gateway);
    }
  }
  return { controlPlane, served };
}

/**
 * The marker, once every resource serving the cluster is done, and carrying them all as dependencies: an operator
 * stack whose update fails on one of them never registers its outputs (the SDK registers a stack's outputs when
 * all of them resolve), and a `MeshWorkloads` in the same program waits for each of them (its `dependsOn`).
 */
function readyMarker(revision: pulumi.Output<string>, serving: readonly pulumi.CustomResource[]): pulumi.Output<string> {
  return pulumi.all([revision, pulumi.all(serving.map((r) => r.urn))]).apply(([marker]) => marker);
}

/**
 * The version a served cluster's workloads follow: its own `istioVersion`, but never ahead of what the control plane's
 * releases report (after a `pulumi up --target` that left some of them behind, issue 20).
 */
function servedVersion(controlPlane: ControlPlane, pin: string): pulumi.Output<string> {
  return controlPlane.deployedVersion.apply((deployed) => lowestVersion([pin, deployed]) ?? pin);
}

/** What the mesh admins need to know about a served cluster (the operator's outputs). */
export function servedClusterInfo(controlPlane: ControlPlane, target: ServedCluster): ServedRemoteCluster {
  return {
    role: target.isConfig ? RemoteClusterRole.Config : RemoteClusterRole.Remote,
    network: target.cluster.network,
    namespace: target.namespace,
    istioVersion: servedVersion(controlPlane, target.cluster.chart.version),
    injectionUrl: target.injectionUrl,
    ...(target.validationUrl ? { validationUrl: target.validationUrl } : {}),
    remoteSecretName: target.remoteSecretName,
    controlPlaneRevision: readyMarker(
      revisionOf([...Object.values(controlPlane.externalIstiod.istiods), target.istiod, ...Object.values(target.revisionReleases), ...target.pinned]),
      target.serving,
    ),
  };
}

/** A remote cluster as the mesh admin's workloads need it. */
export interface WorkloadTarget {
  /** The cluster's name (the prefix of its resources' names) and the admin's gateways there. */
  cluster: { name: string; gateways: { ingress: boolean; egress: boolean } };
  /** This cluster's charts: the version is the cluster's, from the control plane. */
  chart: ReleaseSource;
  /** The config cluster: v1 of helloworld, and its Gateway and VirtualService. */
  isConfig: boolean;
  /** The control plane namespace of this cluster. */
  namespace: pulumi.Input<string>;
  /**
   * What an injected pod needs in place first (DESIGN §3): the resources, when they are in this program; else an
   * Output that resolves once the control plane is ready (its readiness marker), with its resources.
   */
  injectionReady: pulumi.Input<pulumi.Resource[]>;
  /** The release with Istio's CRDs in this cluster, when it is in this stack. */
  crds?: pulumi.Resource;
  /** `istio.hub`, `istio.imagePullSecrets` (and the pull Secret's content); unset: the charts' and samples' defaults. */
  images?: PulledImages;
  /** `istio.values.gateways`, already checked against the chart. */
  gatewayValues?: ValuesMap;
}

/** What the mesh admin's steps created on one remote. */
export interface Workloads {
  /** The ingress gateway's address, when the cluster has one. */
  ingressAddress?: pulumi.Output<string>;
  /** The gateway releases (they follow the cluster's version). */
  releases: k8s.helm.v3.Release[];
  /** Everything created. */
  resources: pulumi.CustomResource[];
}

/** The guide's "Mesh admin steps" on one remote: its gateways and the samples. */
export function buildWorkloads(target: WorkloadTarget, samples: boolean, provider: pulumi.ProviderResource, placement: Placement): Workloads {
  const { cluster, chart, isConfig, namespace, injectionReady, crds, images, gatewayValues } = target;
  const options = componentOptions(placement, provider);
  const gateways =
    cluster.gateways.ingress || cluster.gateways.egress
      ? new MeshGateways(
          cluster.name,
          {
            chart,
            namespace,
            ingress: cluster.gateways.ingress,
            egress: cluster.gateways.egress,
            injectionReady,
            ...(images ? { images } : {}),
            ...(gatewayValues ? { values: gatewayValues } : {}),
          },
          options,
        )
      : undefined;
  const releases = [gateways?.ingress, gateways?.egress].filter((r): r is k8s.helm.v3.Release => r !== undefined);
  const resources: pulumi.CustomResource[] = [...releases];
  if (samples) {
    const apps = new SampleApps(
      cluster.name,
      {
        istioVersion: chart.version,
        helloworldVersion: isConfig ? "v1" : "v2",
        exposeThroughIngress: isConfig,
        injectionReady,
        ...(crds ? { crds } : {}),
        ...(images ? { images } : {}),
      },
      options,
    );
    resources.push(...apps.resources);
  }
  return { ...(gateways?.ingressAddress ? { ingressAddress: gateways.ingressAddress } : {}), releases, resources };
}

/**
 * What a stack's record describes (`deployedState.ts`): the operator's part and, in a whole mesh, the workloads on
 * every remote, by the version each release follows.
 */
export function deployedParts(part: ControlPlanePart, workloads: ReadonlyMap<string, Workloads> = new Map()): DeployedParts {
  const { canary } = part.controlPlane;
  const canaryReleases = canary ? [part.controlPlane.externalIstiod.istiods[canary]!, ...part.served.map((t) => t.revisionReleases[canary]!)] : [];
  // Further remotes: the unrevisioned `istiod` and, in a revisioned stable, the stable revision's release.
  const remoteStable = part.served
    .filter((t) => !t.isConfig)
    .flatMap((t) => [t.istiod, ...Object.entries(t.revisionReleases).flatMap(([name, release]) => (name === canary ? [] : [release]))]);
  const controlPlaneReleases = [...part.controlPlane.releases, ...remoteStable];
  const clusterReleases = Object.fromEntries(
    part.served.map((t) => [t.cluster.name, [...t.pinned, ...(workloads.get(t.cluster.name)?.releases ?? [])]]),
  );
  const resources = new Set<pulumi.CustomResource>(controlPlaneReleases);
  for (const t of part.served) for (const r of [...t.serving, ...t.pinned, ...(workloads.get(t.cluster.name)?.resources ?? [])]) resources.add(r);
  for (const r of canaryReleases) resources.add(r);
  return { controlPlaneReleases, canaryReleases, clusterReleases, resources: [...resources] };
}

/** The guide's URL for helloworld (`http://$GATEWAY_URL/hello`), through the config cluster's ingress gateway. */
export function helloworldUrlOf(configIngress: pulumi.Output<string>): pulumi.Output<string> {
  return pulumi.interpolate`http://${configIngress}/hello`;
}

/** The whole mesh: the operator's part, then the admin's part on every remote. */
export function buildMesh(
  cfg: MeshConfig,
  providers: ClusterProviders,
  secrets: MeshSecrets,
  order: MeshOrder,
  placement: Placement,
): MeshOutputs & { deployed: DeployedParts } {
  const part = buildControlPlanePart(cfg, providers, secrets, order, placement);
  const { controlPlane, served } = part;
  const workloads = new Map<string, Workloads>();
  const remotes: Record<string, RemoteClusterInfo> = {};
  let configIngress: pulumi.Output<string> | undefined;
  for (const target of served) {
    const { cluster, isConfig, namespace, injectionReady, crds } = target;
    const built = buildWorkloads(
      { cluster, chart: cluster.chart, isConfig, namespace, injectionReady, crds, images: controlPlane.images, gatewayValues: cfg.values.gateways },
      cfg.samples,
      providerFor(providers, cluster),
      placement,
    );
    workloads.set(cluster.name, built);
    const ingress = built.ingressAddress;
    if (isConfig) configIngress = ingress;
    remotes[cluster.name] = {
      role: isConfig ? RemoteClusterRole.Config : RemoteClusterRole.Remote,
      network: cluster.network,
      injectionUrl: target.injectionUrl,
      ...(target.validationUrl ? { validationUrl: target.validationUrl } : {}),
      remoteSecretName: target.remoteSecretName,
      ...(ingress ? { ingressGatewayAddress: ingress } : {}),
    };
  }
  // The guide curls helloworld through the config cluster's ingress gateway (the rules require it with samples).
  const helloworldUrl = cfg.samples && configIngress ? helloworldUrlOf(configIngress) : undefined;
  return {
    externalIstiodAddress: controlPlane.address,
    controlPlaneLoadBalancer: controlPlane.gateway.loadBalancerAddress,
    remotes,
    ...(helloworldUrl ? { helloworldUrl } : {}),
    revisions: revisionInfo(cfg, controlPlane.address),
    revisionTags: { ...cfg.revisionTags },
    deployed: deployedParts(part, workloads),
  };
}
