/**
 * The public component: the whole of istio.io's "Install Istio with an External Control Plane" from one set of
 * arguments, for any Pulumi language (`index.ts` is the plugin's entry point).
 */
import * as pulumi from "@pulumi/pulumi";
import { MESH_COMPONENT, MeshArgsError, validateMeshArgs } from "./config/args";
import { typeToken } from "./components/common";
import { knownIssueWarnings } from "./config/knownIssues";
import { kubeconfigsByCluster, placementUnder, registrySecrets, tlsSecrets } from "./componentInputs";
import { keepDeployedState } from "./deployedState";
import { buildMesh } from "./mesh";
import type { ControlPlaneRevisionInfo, ExternalControlPlaneMeshArgs, RemoteClusterInfo } from "./meshArgs";
import { withoutPromiseStackTraces } from "./promiseStackTraces";
import { createProviders } from "./providers";

/** `istio-mesh:index:ExternalControlPlaneMesh`. */
export const MESH_TYPE = typeToken(MESH_COMPONENT);

/**
 * Istio with an external control plane: istiod runs in an external cluster and serves remote clusters that run the
 * workloads (istio.io, "Install Istio with an External Control Plane"), optional parts included: the mesh admin's
 * gateways, the sample application, further remote clusters and east-west gateways. It creates one Kubernetes provider
 * per cluster, from each cluster's context and kubeconfig.
 *
 * It is the two parts a mesh operator and mesh admins can also deploy apart, `ExternalControlPlane` and
 * `MeshWorkloads`, built under this one component.
 *
 * The arguments are validated before anything is registered, every problem at once. The mesh's resources are named
 * after their clusters (Istio's cluster IDs), so two meshes in one stack need different cluster names.
 */
export class ExternalControlPlaneMesh extends pulumi.ComponentResource {
  /** The control plane's address, the guide's EXTERNAL_ISTIOD_ADDR: the hostname, or the load balancer's IP in loadBalancer mode. */
  readonly externalIstiodAddress: pulumi.Output<string>;
  /** The control plane gateway's load-balancer address (IP or hostname): where DNS for the hostname must point. */
  readonly controlPlaneLoadBalancer: pulumi.Output<string>;
  /** Each remote cluster by name: its role, network, webhook URLs, remote secret and ingress address. */
  readonly remotes: Record<string, RemoteClusterInfo>;
  /** The URL the guide curls (http://<ingress>/hello), when samples are on. */
  readonly helloworldUrl?: pulumi.Output<string>;
  /** The running external istiods by revision (`default`: the unrevisioned one): version, role, default, address. */
  readonly revisions: Record<string, ControlPlaneRevisionInfo>;
  /** Revision tags: tag -> revision. */
  readonly revisionTags: Record<string, string>;

  /**
   * @param name the mesh's name in the stack
   * @param args the whole mesh
   * @param opts options of the component; its resources get their providers from `args`
   * @throws MeshArgsError listing every problem of `args`, before anything is registered
   */
  constructor(name: string, args: ExternalControlPlaneMeshArgs, opts?: pulumi.ComponentResourceOptions) {
    const validated = validateMeshArgs(args, name);
    if (!validated.ok) throw new MeshArgsError(name, validated.problems);
    super(MESH_TYPE, name, {}, opts);
    const cfg = validated.config;
    for (const warning of knownIssueWarnings(cfg)) void pulumi.log.warn(warning, this);
    // E.g. a patch release whose `istio.values` were checked against its minor's chart data.
    for (const note of cfg.values.notes) void pulumi.log.warn(note, this);

    // Before istio-mesh 0.2 the program created these resources at the stack's root.
    const placement = placementUnder(this, args.adoptRootLevelResources);
    const kubeconfigs = kubeconfigsByCluster([args.clusters.external, args.clusters.config, ...(args.clusters.remotes ?? [])]);
    const secrets = { ...tlsSecrets(cfg, args.exposure.tls), ...registrySecrets(args.istio.registryCredentials) };

    const mesh = withoutPromiseStackTraces(() => {
      const providers = createProviders(cfg, kubeconfigs, placement);
      return buildMesh(cfg, providers, secrets, { upgradingControlPlane: args.upgradingControlPlane ?? false }, placement);
    });
    this.externalIstiodAddress = mesh.externalIstiodAddress;
    this.controlPlaneLoadBalancer = mesh.controlPlaneLoadBalancer;
    this.remotes = mesh.remotes;
    if (mesh.helloworldUrl) this.helloworldUrl = mesh.helloworldUrl;
    this.revisions = mesh.revisions;
    this.revisionTags = mesh.revisionTags;
    keepDeployedState(this, mesh.deployed);
    this.registerOutputs({
      externalIstiodAddress: this.externalIstiodAddress,
      controlPlaneLoadBalancer: this.controlPlaneLoadBalancer,
      remotes: this.remotes,
      helloworldUrl: this.helloworldUrl,
      revisions: this.revisions,
      revisionTags: this.revisionTags,
    });
  }
}
