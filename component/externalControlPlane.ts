/**
 * The mesh operator's public component (issue 15): istio.io's "Mesh operator steps" and "Register the new
 * cluster", for an operator stack or any Pulumi program that deploys the control plane apart from the workloads.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONTROL_PLANE_COMPONENT, MeshArgsError, validateControlPlaneArgs } from "./config/args";
import { typeToken } from "./components/common";
import { knownIssueWarnings } from "./config/knownIssues";
import { kubeconfigsByCluster, placementUnder, registrySecrets, tlsSecrets } from "./componentInputs";
import { keepDeployedState } from "./deployedState";
import { buildControlPlanePart, deployedParts, servedClusterInfo } from "./mesh";
import { revisionInfo } from "./meshRevisions";
import type { ControlPlaneRevisionInfo, ExternalControlPlaneArgs, ServedRemoteCluster } from "./meshArgs";
import { withoutPromiseStackTraces } from "./promiseStackTraces";
import { createProviders } from "./providers";

/** `istio-mesh:index:ExternalControlPlane`. */
export const CONTROL_PLANE_TYPE = typeToken(CONTROL_PLANE_COMPONENT);

/**
 * The mesh operator's part of Istio with an external control plane: the external cluster (the gateway that exposes
 * istiod, the external istiod and its routing, the remote secrets) and, in every remote cluster, the control plane's
 * parts (the control plane namespace, `base`, `istiod` with the remote profile, the service account the remote
 * secret's token belongs to) and the east-west gateways. The mesh admins' gateways and samples are `MeshWorkloads`,
 * which takes this component's outputs (or an operator stack's, through a StackReference).
 *
 * It creates one Kubernetes provider per cluster, from each cluster's context and kubeconfig. The arguments are
 * validated before anything is registered, every problem at once.
 */
export class ExternalControlPlane extends pulumi.ComponentResource {
  /** The control plane's address, the guide's EXTERNAL_ISTIOD_ADDR: the hostname, or the load balancer's IP in loadBalancer mode. */
  readonly externalIstiodAddress: pulumi.Output<string>;
  /** The control plane gateway's load-balancer address (IP or hostname): where DNS for the hostname must point. */
  readonly controlPlaneLoadBalancer: pulumi.Output<string>;
  /** The external cluster's name. */
  readonly externalCluster: string;
  /** Each remote cluster the control plane serves, by name: what the mesh admins' `MeshWorkloads` need. */
  readonly remotes: Record<string, ServedRemoteCluster>;
  /** The running external istiods by revision (`default`: the unrevisioned one): version, role, default, address. */
  readonly revisions: Record<string, ControlPlaneRevisionInfo>;
  /** Revision tags: tag -> revision. */
  readonly revisionTags: Record<string, string>;

  /**
   * @param name the control plane's name in the stack
   * @param args the mesh operator's settings
   * @param opts options of the component; its resources get their providers from `args`
   * @throws MeshArgsError listing every problem of `args`, before anything is registered
   */
  constructor(name: string, args: ExternalControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
    const validated = validateControlPlaneArgs(args, name);
    if (!validated.ok) throw new MeshArgsError(name, validated.problems, CONTROL_PLANE_COMPONENT);
    super(CONTROL_PLANE_TYPE, name, {}, opts);
    const cfg = validated.config;
    for (const warning of knownIssueWarnings(cfg)) void pulumi.log.warn(warning, this);
    // E.g. a patch release whose `istio.values` were checked against its minor's chart data.
    for (const note of cfg.values.notes) void pulumi.log.warn(note, this);
    const placement = placementUnder(this, false);
    const kubeconfigs = kubeconfigsByCluster([args.clusters.external, args.clusters.config, ...(args.clusters.remotes ?? [])]);

    const part = withoutPromiseStackTraces(() => {
      const providers = createProviders(cfg, kubeconfigs, placement);
      return buildControlPlanePart(cfg, providers, { ...tlsSecrets(cfg, args.exposure.tls), ...registrySecrets(args.istio.registryCredentials) }, { upgradingControlPlane: args.upgradingControlPlane ?? false }, placement);
    });
    this.externalIstiodAddress = part.controlPlane.address;
    this.controlPlaneLoadBalancer = part.controlPlane.gateway.loadBalancerAddress;
    this.externalCluster = cfg.external.name;
    this.remotes = Object.fromEntries(part.served.map((target) => [target.cluster.name, servedClusterInfo(part.controlPlane, target)]));
    this.revisions = revisionInfo(cfg, part.controlPlane.address);
    this.revisionTags = { ...cfg.revisionTags };
    keepDeployedState(this, deployedParts(part));
    this.registerOutputs({
      externalIstiodAddress: this.externalIstiodAddress,
      controlPlaneLoadBalancer: this.controlPlaneLoadBalancer,
      externalCluster: this.externalCluster,
      remotes: this.remotes,
      revisions: this.revisions,
      revisionTags: this.revisionTags,
    });
  }
}
