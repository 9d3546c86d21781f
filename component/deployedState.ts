/**
 * What a deployment actually holds, for the stack's record (`infra/config/deployed.ts`, issue 20): the chart
 * version each Helm release reports, and a gate that opens once every resource the record describes is done.
 *
 * Why from the releases' outputs and not from the stack file (shared/reference/day2-review-2.md F1, F3):
 * - `pulumi up --target`/`--exclude` still runs the whole program, and the root stack is always targeted
 *   (pulumi/pulumi `pkg/resource/deploy/step_generator.go`, `isImplicitlyTargetedResource`). An untargeted release
 *   gets a `SameStep` that keeps its old outputs (`step.go`, `SameStep.Apply`: "Retain the ID and outputs"), so its
 *   `status.version` (the chart version of the Helm release itself: pulumi-kubernetes
 *   `provider/pkg/provider/helm_release.go` sets `release.Status.Version = r.Chart.Metadata.Version`, outside previews)
 *   is the version it really runs. An untargeted release
 *   that does not exist yet is a skipped create (`NewSkippedCreateStep`) with no outputs: no `status`. (Its `version`
 *   would not tell: the SDK fills an output the engine did not return with the input, `runtime/resource.js`
 *   `resolveOutputs`.) In a preview `status` is unknown, and what a preview records is never saved: there the
 *   requested `version` stands in, so the offline render shows the record a whole `pulumi up` writes.
 * - Stack outputs are registered once all of them resolve (`@pulumi/pulumi` `runtime/stack.js`), and a failed
 *   update keeps the previous outputs of what it did not register (pulumi/pulumi#15754). A record that waits for
 *   every resource it describes is therefore never written by an update that failed on one of them.
 *
 * The components keep this to themselves (it is not part of the package's schema); the program reads it with
 * `deployedStateOf`.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { compareIstioVersions, parseIstioVersion } from "./config/versions";

/** The releases of a mesh by the version they follow, and everything the record describes. */
export interface DeployedParts {
  /** The releases that follow `istio.version`: the external cluster's, and each remote's `istiod` and the config cluster's `base`. */
  controlPlaneReleases: k8s.helm.v3.Release[];
  /** The canary's releases (`istio.canary.version`): its external istiod and its release in every remote. */
  canaryReleases: k8s.helm.v3.Release[];
  /** Per remote cluster, the releases that follow its own `istioVersion` (a further remote's `base`, the gateways). */
  clusterReleases: Record<string, k8s.helm.v3.Release[]>;
  /** Every custom resource of the mesh (or of the part in this stack). */
  resources: pulumi.CustomResource[];
}

/** The versions the deployment holds, once all of it is done. */
export interface DeployedVersions {
  /** The lowest version among the releases that follow `istio.version`; undefined when none of them exists yet. */
  controlPlane: string | undefined;
  /** The lowest version among the canary's releases; undefined without a canary, or when none of them exists yet. */
  canary: string | undefined;
  /** Per remote cluster: the lowest version among its own releases; undefined when it has none (or none exists yet). */
  clusters: Record<string, string | undefined>;
}

/**
 * The lowest version of those given: what a set of releases that should move together is known to run, so the next
 * step is checked from there. Versions that are not Istio releases (none of ours) and undefined ones are skipped.
 */
export function lowestVersion(versions: readonly (string | undefined)[]): string | undefined {
  let lowest: { text: string; parsed: NonNullable<ReturnType<typeof parseIstioVersion>> } | undefined;
  for (const text of versions) {
    const parsed = text === undefined ? undefined : parseIstioVersion(text);
    if (parsed && (!lowest || compareIstioVersions(parsed, lowest.parsed) < 0)) lowest = { text: text!, parsed };
  }
  return lowest?.text;
}

/** The chart version a release runs, as Helm reports it; undefined for one that does not exist. */
export function reportedVersion(release: k8s.helm.v3.Release): pulumi.Output<string | undefined> {
  if (pulumi.runtime.isDryRun()) return release.version;
  return (release.status as pulumi.Output<{ version?: string } | undefined>).apply((status) => status?.version);
}

/** The releases' reported versions, resolved once every resource in `parts` is done. */
export function deployedVersions(parts: DeployedParts): pulumi.Output<DeployedVersions> {
  const versionsOf = (releases: readonly k8s.helm.v3.Release[]) => pulumi.all(releases.map(reportedVersion));
  const clusters = Object.entries(parts.clusterReleases);
  return pulumi
    .all([
      versionsOf(parts.controlPlaneReleases),
      versionsOf(parts.canaryReleases),
      pulumi.all(clusters.map(([, releases]) => versionsOf(releases))),
      // The gate: a custom resource's URN resolves when the engine has finished its step.
      pulumi.all(parts.resources.map((r) => r.urn)),
    ])
    .apply(([controlPlane, canary, perCluster]) => ({
      controlPlane: lowestVersion(controlPlane),
      canary: lowestVersion(canary),
      clusters: Object.fromEntries(clusters.map(([name], i) => [name, lowestVersion(perCluster[i]!)])),
    }));
}

const states = new WeakMap<pulumi.ComponentResource, pulumi.Output<DeployedVersions>>();

/** Kept by the mesh's components for the program's record. */
export function keepDeployedState(component: pulumi.ComponentResource, parts: DeployedParts): void {
  states.set(component, deployedVersions(parts));
}

/** What a mesh component deployed (`ExternalControlPlaneMesh`, `ExternalControlPlane`). */
export function deployedStateOf(component: pulumi.ComponentResource): pulumi.Output<DeployedVersions> {
  const state = states.get(component);
  if (!state) throw new Error(`${component.constructor.name} keeps no deployed state`);
  return state;
}
