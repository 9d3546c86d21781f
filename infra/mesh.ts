/**
 * The mesh: the guide's steps as components, wired so each value the guide copies by hand flows as an Output.
 *
 *   ControlPlaneGateway (external) --address--> RemoteConfigCluster (config) --istiod SA--> ExternalIstiod (external)
 *                                    \--address--> AdditionalRemote (each further remote) --remote secret--> external
 *   then, per remote, what is injected: MeshGateways, EastWestGateway, SampleApps.
 *
 * Remotes never wait for each other: only the control plane is a shared prerequisite.
 *
 * An upgrade (`istio.version` changed on a deployed mesh, README "Upgrading Istio") keeps these edges and adds one:
 * the config cluster's `base` (the CRDs, always at the control plane's version) and `istiod` first, because the
 * external istiod waits for the `istiod` service account; then the external control plane; then every further
 * remote's charts (the added edge, `MeshOrder`) and every gateway. The config cluster's `istiod` cannot come after
 * the external istiod: that would be a cycle with the first install.
 */
import * as pulumi from "@pulumi/pulumi";
import { AdditionalRemote } from "../package/components/additionalRemote";
import { ControlPlaneGateway, type ControlPlaneExposure } from "../package/components/controlPlaneGateway";
import { EastWestGateway } from "../package/components/eastWestGateway";
import { ExternalIstiod } from "../package/components/externalIstiod";
import { MeshGateways } from "../package/components/meshGateways";
import { RemoteConfigCluster } from "../package/components/remoteConfigCluster";
import { SampleApps } from "../package/components/sampleApps";
import type { MeshConfig, RemoteCluster } from "../package/config/model";
import { providerFor, type ClusterProviders } from "./providers";

/** Secret stack config the mesh needs, as Pulumi secrets. */
export interface MeshSecrets {
  tlsCertificate?: pulumi.Output<string>;
  tlsKey?: pulumi.Output<string>;
}

/** Per remote cluster: what a mesh admin needs to know about it. */
export interface RemoteOutputs {
  role: "config" | "remote";
  network: string;
  injectionUrl: pulumi.Output<string>;
  validationUrl?: pulumi.Output<string | undefined>;
  /** The Secret in the external cluster's control plane namespace that holds this cluster's credentials. */
  remoteSecretName: pulumi.Output<string>;
  ingressGatewayAddress?: pulumi.Output<string>;
}

export interface MeshOutputs {
  EXTERNAL_ISTIOD_ADDR: pulumi.Output<string>;
  /** Where DNS for the hostname must point (hostname mode); the same as the address in loadBalancer mode. */
  controlPlaneLoadBalancer: pulumi.Output<string>;
  remotes: Record<string, RemoteOutputs>;
  /** The URL the guide curls (`http://$GATEWAY_URL/hello`), when samples are on. */
  helloworldUrl?: pulumi.Output<string>;
}

function controlPlaneExposure(cfg: MeshConfig, secrets: MeshSecrets): ControlPlaneExposure {
  if (cfg.exposure.mode === "loadBalancer") return { mode: "loadBalancer" };
  const { hostname, tls } = cfg.exposure;
  return {
    mode: "hostname",
    hostname,
    tls: tls.create ? { secretName: tls.secretName, certificate: secrets.tlsCertificate, privateKey: secrets.tlsKey } : { secretName: tls.secretName },
  };
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

export function buildMesh(cfg: MeshConfig, providers: ClusterProviders, secrets: MeshSecrets, order: MeshOrder): MeshOutputs {
  const external = providerFor(providers, cfg.external);
  const mode = cfg.exposure.mode;
  const ns = cfg.namespace;

  const cpGateway = new ControlPlaneGateway(
    cfg.external.name,
    { chart: cfg.chart, exposure: controlPlaneExposure(cfg, secrets), istioSystem: cfg.external.istioSystem, protect: cfg.protect },
    { provider: external },
  );
  const address = cpGateway.address;

  const config = cfg.configCluster;
  const configProvider = providerFor(providers, config);
  const configCluster = new RemoteConfigCluster(
    config.name,
    // Its CRDs follow the control plane whatever the cluster's own version: the external istiod reads them.
    { chart: config.chart, crdsChart: cfg.chart, namespace: ns, clusterName: config.name, network: config.network, address, mode, protect: cfg.protect },
    { provider: configProvider },
  );

  // ExternalIstiod also writes the config cluster's token, so its children set their providers explicitly; the
  // external provider in `opts` only records where the component mostly lives.
  const externalIstiod = new ExternalIstiod(cfg.external.name, {
    chart: cfg.chart,
    namespace: ns,
    meshId: cfg.meshId,
    address,
    exposure: cfg.exposure.mode === "hostname" ? { mode: "hostname", tlsSecretName: cfg.exposure.tls.secretName } : { mode: "loadBalancer" },
    externalProvider: external,
    configCluster: {
      name: config.name,
      network: config.network,
      apiServer: config.apiServer,
      provider: configProvider,
      namespace: configCluster.namespace.metadata.name,
      serviceAccountRelease: configCluster.istiod,
    },
    gatewayNamespace: cpGateway.gatewayNamespace,
    crds: cpGateway.base,
    rotation: cfg.remoteSecretRotation,
    protect: cfg.protect,
  }, { provider: external });
  // The control plane every injected pod depends on (the injection webhook fails closed until it answers), and
  // every further remote's charts wait for (the data plane moves after its control plane).
  const controlPlane: pulumi.Resource[] = [cpGateway.gateway, externalIstiod];

  const remotes: Record<string, RemoteOutputs> = {};

  /** What runs injected on a remote: gateways and samples, after `injectionReady`. Returns the ingress address. */
  const workloads = (
    cluster: RemoteCluster,
    isConfig: boolean,
    namespace: pulumi.Output<string>,
    injectionReady: pulumi.Resource[],
    crds: pulumi.Resource,
  ) => {
    const provider = providerFor(providers, cluster);
    const gateways =
      cluster.gateways.ingress || cluster.gateways.egress
        ? new MeshGateways(
            cluster.name,
            { chart: cluster.chart, namespace, ingress: cluster.gateways.ingress, egress: cluster.gateways.egress, injectionReady },
            { provider },
          )
        : undefined;
    if (cfg.eastWestGateways) {
      new EastWestGateway(
        cluster.name,
        { chart: cluster.chart, namespace, network: cluster.network, exposeServices: isConfig, injectionReady, crds },
        { provider },
      );
    }
    if (cfg.samples) {
      new SampleApps(
        cluster.name,
        { istioVersion: cluster.chart.version, helloworldVersion: isConfig ? "v1" : "v2", exposeThroughIngress: isConfig, injectionReady, crds },
        { provider },
      );
    }
    return gateways?.ingressAddress;
  };

  const configIngress = workloads(config, true, configCluster.namespace.metadata.name, [...controlPlane, configCluster.istiod], configCluster.base);
  remotes[config.name] = {
    role: "config",
    network: config.network,
    injectionUrl: configCluster.injectionUrl,
    validationUrl: configCluster.validationUrl,
    remoteSecretName: externalIstiod.configSecret.secretName,
    ingressGatewayAddress: configIngress,
  };
  // The guide curls helloworld through the config cluster's ingress gateway (config requires it with samples).
  const helloworldUrl = cfg.samples && configIngress ? pulumi.interpolate`http://${configIngress}/hello` : undefined;

  for (const remote of cfg.remotes) {
    const remoteProvider = providerFor(providers, remote);
    const added = new AdditionalRemote(remote.name, {
      chart: remote.chart,
      namespace: ns,
      clusterName: remote.name,
      network: remote.network,
      apiServer: remote.apiServer,
      configClusterName: config.name,
      address,
      mode,
      provider: remoteProvider,
      externalProvider: external,
      externalNamespace: externalIstiod.namespace.metadata.name,
      rotation: cfg.remoteSecretRotation,
      protect: cfg.protect,
      controlPlane: order.upgradingControlPlane ? controlPlane : [],
    }, { provider: remoteProvider });
    remotes[remote.name] = {
      role: "remote",
      network: remote.network,
      injectionUrl: added.injectionUrl,
      remoteSecretName: added.remoteSecret.secretName,
      // Only the leading istiod writes istio-ca-root-cert, which injected pods mount: wait for the remote secret.
      ingressGatewayAddress: workloads(remote, false, added.namespace.metadata.name, [...controlPlane, added.istiod, added.remoteSecret], added.base),
    };
  }

  return {
    EXTERNAL_ISTIOD_ADDR: address,
    controlPlaneLoadBalancer: cpGateway.loadBalancerAddress,
    remotes,
    ...(helloworldUrl ? { helloworldUrl } : {}),
  };
}
