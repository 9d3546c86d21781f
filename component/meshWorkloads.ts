/**
 * The mesh admins' public component (issue 15): istio.io's "Mesh admin steps" on a team's remote clusters, for an
 * admin stack or any Pulumi program, against a control plane deployed elsewhere (`ExternalControlPlane`, or an
 * operator stack read through a StackReference).
 */
import * as pulumi from "@pulumi/pulumi";
import { MeshArgsError, validateWorkloadsArgs, WORKLOADS_COMPONENT } from "./config/args";
import { isRecord } from "./config/document";
import type { Deferrable } from "./config/model";
import { servedClusterProblem, workloadClusters, type WorkloadClusterPlacement, type WorkloadsDocument } from "./config/workloads";
import { withoutTrailingSlash } from "./config/fields";
import { typeToken } from "./components/common";
import { kubeconfigsByCluster } from "./componentInputs";
import { buildWorkloads, helloworldUrlOf } from "./mesh";
import { RemoteClusterRole, type ControlPlaneReference, type MeshWorkloadsArgs, type WorkloadClusterInfo } from "./meshArgs";
import { withoutPromiseStackTraces } from "./promiseStackTraces";
import { clusterProvider } from "./providers";

/** `istio-mesh:index:MeshWorkloads`. */
export const WORKLOADS_TYPE = typeToken(WORKLOADS_COMPONENT);

/** A served cluster's values, plain. */
interface Served {
  role: string;
  network: string;
  namespace: string;
  istioVersion: string;
  controlPlaneRevision: string;
}

/** How the component's messages name the control plane. */
const CONTROL_PLANE = "the control plane";

/**
 * The control plane's record of one of the team's clusters, checked with the rules of `servedClusterProblem`.
 * Thrown inside an apply when the record is an Output (an operator stack's, through a StackReference), so the
 * deployment stops before anything of that cluster is created.
 */
export function servedCluster<T extends { role: unknown }>(remotes: Readonly<Record<string, T | undefined>> | undefined, placement: WorkloadClusterPlacement): T {
  if (remotes === undefined || remotes === null) {
    throw new Error(`${WORKLOADS_COMPONENT}: controlPlane.remotes: ${CONTROL_PLANE} serves no remote cluster (an operator stack that has not been deployed?)`);
  }
  const roles = Object.fromEntries(Object.entries(remotes).map(([name, r]) => [name, r?.role as RemoteClusterRole]));
  const problem = servedClusterProblem(placement, { roles }, CONTROL_PLANE);
  if (problem) throw new Error(`${WORKLOADS_COMPONENT}: ${problem.path}: ${problem.message}`);
  return remotes[placement.cluster.name]!;
}

/** A served cluster's values as the workloads take them, and what they wait for. */
interface ServedValues {
  network: pulumi.Output<string>;
  namespace: pulumi.Output<string>;
  istioVersion: pulumi.Output<string>;
  controlPlaneRevision: pulumi.Output<string>;
  /** Resolves once the control plane's readiness marker does, carrying its resources: the workloads' `dependsOn`. */
  ready: pulumi.Output<pulumi.Resource[]>;
}

/**
 * The `remotes` output of the operator stack `controlPlane.operatorStack`, read through a StackReference under the
 * component; checked per cluster like any record that is an Output (`servedCluster`).
 */
function operatorRemotes(name: string, operatorStack: string, parent: pulumi.Resource): pulumi.Output<unknown> {
  const reference = new pulumi.StackReference(`${name}-operator`, { name: operatorStack }, { parent });
  return reference.getOutput("remotes");
}

/** A record given as it is, not (yet) an Output or a Promise of one. */
const isPlainRecord = (v: unknown): v is Record<string, unknown> => isRecord(v) && !pulumi.Output.isInstance(v) && !(v instanceof Promise);

/**
 * One cluster's values from `controlPlane.remotes`. A plain record (`ExternalControlPlane.remotes` in the same
 * program) gives each field on its own, so a value known in a preview stays known while the marker is not; a
 * record or entry that is one Output (an operator stack's, through a StackReference) gives its fields through one
 * check of the cluster's role.
 */
function servedValues(remotes: NonNullable<ControlPlaneReference["remotes"]>, placement: WorkloadClusterPlacement): ServedValues {
  const name = placement.cluster.name;
  let field: (key: keyof Served) => pulumi.Output<string>;
  const entry = isPlainRecord(remotes) ? remotes[name] : undefined;
  if (isPlainRecord(entry)) {
    const plain = entry as unknown as Record<keyof Served, pulumi.Input<string>>;
    // The role decides where the cluster is listed; check it with the namespace, which everything uses.
    const checked = pulumi.output(plain.role).apply((r) => servedCluster({ [name]: { role: r } }, placement));
    field = (key) => (key === "namespace" ? pulumi.all([checked, plain.namespace]).apply(([, ns]) => ns) : pulumi.output(plain[key]));
  } else {
    const record =
      entry !== undefined
        ? pulumi.output(entry as pulumi.Input<Served>).apply((e) => servedCluster({ [name]: e }, placement))
        : (pulumi.output(remotes) as pulumi.Output<Record<string, Served | undefined> | undefined>).apply((r) => servedCluster(r, placement));
    field = (key) => record.apply((s) => s[key]);
  }
  const controlPlaneRevision = field("controlPlaneRevision");
  return {
    network: field("network"),
    namespace: field("namespace"),
    istioVersion: field("istioVersion"),
    controlPlaneRevision,
    ready: controlPlaneRevision.apply((): pulumi.Resource[] => []),
  };
}

/**
 * The team's clusters against a control plane's plain record (`ExternalControlPlane.remotes`), before anything is
 * registered; what is not plain yet (the record, an entry, a role) is checked when it resolves (`servedCluster`).
 */
function plainServedProblems(doc: WorkloadsDocument<Deferrable>, remotes: ControlPlaneReference["remotes"]) {
  if (!isPlainRecord(remotes)) return [];
  const roles: Record<string, RemoteClusterRole> = {};
  const roleLater = new Set<string>();
  for (const [name, entry] of Object.entries(remotes)) {
    if (isPlainRecord(entry) && typeof entry.role === "string") roles[name] = entry.role as RemoteClusterRole;
    else roleLater.add(name);
  }
  return workloadClusters(doc).flatMap((placement) => {
    const name = placement.cluster.name;
    // Served, its role not plain yet: checked when it resolves.
    if (roleLater.has(name)) return [];
    return servedClusterProblem(placement, { roles }, CONTROL_PLANE) ?? [];
  });
}

/**
 * The mesh admin's part of Istio with an external control plane on a team's remote clusters: the ingress and egress
 * gateways and, when on, Istio's helloworld and sleep samples. Every value of the control plane (each cluster's
 * control plane namespace and Istio version) comes from `controlPlane`, and everything here waits for it: the pods
 * are injected by that control plane.
 *
 * It creates one Kubernetes provider per cluster, from each cluster's context and kubeconfig; it never reaches the
 * external cluster.
 */
export class MeshWorkloads extends pulumi.ComponentResource {
  /** Each cluster by name: its ingress address and the control plane revision its workloads were deployed against. */
  readonly clusters: Record<string, WorkloadClusterInfo>;
  /** The URL the guide curls (http://<ingress>/hello), when samples are on and the config cluster is among these. */
  readonly helloworldUrl?: pulumi.Output<string>;

  /**
   * @param name the workloads' name in the stack
   * @param args the team's clusters and the control plane that serves them
   * @param opts options of the component; its resources get their providers from `args`
   * @throws MeshArgsError listing every problem of `args`, before anything is registered
   */
  constructor(name: string, args: MeshWorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    const validated = validateWorkloadsArgs(args, name);
    const problems = validated.ok ? plainServedProblems(validated.document, args.controlPlane.remotes) : validated.problems;
    if (!validated.ok || problems.length > 0) throw new MeshArgsError(name, problems, WORKLOADS_COMPONENT);
    super(WORKLOADS_TYPE, name, {}, opts);
    const doc = validated.document;
    const remotes = args.controlPlane.remotes ?? (operatorRemotes(name, args.controlPlane.operatorStack!, this) as NonNullable<ControlPlaneReference["remotes"]>);
    const kubeconfigOf = kubeconfigsByCluster([...(args.clusters.config ? [args.clusters.config] : []), ...(args.clusters.remotes ?? [])]);

    const clusters: Record<string, WorkloadClusterInfo> = {};
    let configIngress: pulumi.Output<string> | undefined;
    withoutPromiseStackTraces(() => {
      for (const placement of workloadClusters(doc)) {
        const { cluster, role } = placement;
        const provider = clusterProvider(cluster, kubeconfigOf(cluster.name), { parent: this });
        // Every value below comes through the checked record, so nothing is created for a cluster the control plane
        // does not serve, and everything waits for the control plane's readiness marker.
        const served = servedValues(remotes, placement);
        const ingress = buildWorkloads(
          {
            cluster,
            chart: { version: served.istioVersion, repository: typeof doc.istio.chartRepository === "string" ? withoutTrailingSlash(doc.istio.chartRepository) : doc.istio.chartRepository },
            isConfig: role === RemoteClusterRole.Config,
            namespace: served.namespace,
            injectionReady: served.ready,
            images: { ...(doc.istio.hub !== undefined ? { hub: doc.istio.hub } : {}), imagePullSecrets: doc.istio.imagePullSecrets },
          },
          doc.samples,
          provider,
          { parent: this },
        ).ingressAddress;
        if (role === RemoteClusterRole.Config) configIngress = ingress;
        clusters[cluster.name] = {
          role,
          network: served.network,
          namespace: served.namespace,
          istioVersion: served.istioVersion,
          controlPlaneRevision: served.controlPlaneRevision,
          ...(ingress ? { ingressGatewayAddress: ingress } : {}),
        };
      }
    });
    this.clusters = clusters;
    if (doc.samples && configIngress) this.helloworldUrl = helloworldUrlOf(configIngress);
    this.registerOutputs({ clusters: this.clusters, helloworldUrl: this.helloworldUrl });
  }
}
