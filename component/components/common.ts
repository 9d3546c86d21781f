/**
 * What every component shares: the type-token package, Istio chart releases, protection options.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseIstioVersion } from "../config/versions";
import type * as k8s from "@pulumi/kubernetes";

/** Type tokens of all components: `istio-mesh:index:<Component>`. */
export const typeToken = (component: string): string => `istio-mesh:index:${component}`;

export type IstioChart = "base" | "istiod" | "gateway";

/** The minor version of an Istio release (`"1.28.10"` -> 28): chart keys come and go with minor releases. */
export function istioMinor(version: string): number {
  const parsed = parseIstioVersion(version);
  if (!parsed) throw new Error(`not an Istio release version: "${version}"`);
  return parsed.minor;
}

/**
 * The first minor release whose `base` and `istiod` charts read `base.validationFailurePolicy` and
 * `global.resourceScope` (both absent from the 1.24-1.27 templates; `shared/istio/<version>/keys`).
 */
export const FIRST_MINOR_WITH_SCOPED_RBAC_AND_FAILURE_POLICY = 28;

/** Seconds Helm may take per install or upgrade before the release fails (pulling images on new nodes is slow). */
export const RELEASE_TIMEOUT_SECONDS = 600;

/** Helm values: plain data, possibly with Outputs at the leaves (e.g. the control plane address). */
export type HelmValues = { [key: string]: pulumi.Input<unknown> };

/**
 * Where a release's chart comes from. The version is an Input: a mesh admin's stack takes each cluster's version
 * from the operator stack's outputs. The repository may be an Output too (a mirror created in the same program).
 */
export interface ReleaseSource {
  version: pulumi.Input<string>;
  repository: string | pulumi.Output<string>;
}

export interface ChartReleaseSpec {
  chart: IstioChart;
  source: ReleaseSource;
  /** The Helm release name, always explicit: the gateway chart derives Service names and `istio:` labels from it. */
  releaseName: string;
  namespace: pulumi.Input<string>;
  values: HelmValues;
}

/** Arguments of a `helm.v3.Release` of one of Istio's charts, from Istio's repository or a mirror. */
export function chartReleaseArgs(spec: ChartReleaseSpec): k8s.helm.v3.ReleaseArgs {
  const { chart, repositoryOpts } = chartLocation(spec.chart, spec.source.repository);
  return {
    name: spec.releaseName,
    chart,
    version: spec.source.version,
    ...(repositoryOpts !== undefined ? { repositoryOpts } : {}),
    namespace: spec.namespace,
    createNamespace: false,
    values: spec.values,
    timeout: RELEASE_TIMEOUT_SECONDS,
    // A failed upgrade removes what it created instead of leaving half a release behind.
    cleanupOnFail: true,
  };
}

/** An OCI registry's chart is named by its full reference; a Helm repository's by name, with the repository. */
function chartLocation(chart: IstioChart, repository: ReleaseSource["repository"]): Pick<k8s.helm.v3.ReleaseArgs, "chart" | "repositoryOpts"> {
  const isOci = (repo: string) => repo.startsWith("oci://");
  if (typeof repository === "string") {
    return isOci(repository) ? { chart: `${repository}/${chart}` } : { chart, repositoryOpts: { repo: repository } };
  }
  // Known only when the repository resolves: both fields follow it (an OCI reference has no repository options).
  return {
    chart: repository.apply((repo) => (isOci(repo) ? `${repo}/${chart}` : chart)),
    repositoryOpts: repository.apply((repo) => (isOci(repo) ? {} : { repo })),
  };
}

/**
 * Options for what must outlive a mistake in production: namespaces, the `base` releases (CRDs, default validator,
 * the reader service account of the remote secrets) and the plug-in root CA. See docs/protecting-production.md: Decommissioning.
 */
export function protection(protect: boolean): Pick<pulumi.CustomResourceOptions, "protect" | "retainOnDelete"> {
  return protect ? { protect: true, retainOnDelete: true } : {};
}
