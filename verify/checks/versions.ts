/**
 * Which Istio version each cluster runs, against the stack config: the check between two upgrade steps
 * (docs/upgrades.md). Pure functions over what the API server returns.
 *
 * Where a version is read:
 * - a workload's image tag (`docker.io/istio/pilot:1.29.6`, `.../proxyv2:1.29.6-distroless`): what it runs. On a
 *   remote cluster a gateway's `istio-proxy` is injected by the external istiod, from its own injection template, so
 *   its proxy has the control plane's version of the day the pod was created, whatever the cluster's charts;
 * - the `app.kubernetes.io/version` label Istio's charts put on every object they render (the `istio.labels`
 *   helper of the istiod, base and gateway charts, "Labels that should be applied to ALL resources"): which chart
 *   version rendered it. On a gateway pod it tells whether the rollout of the cluster's gateway chart finished.
 */
import type { V1MutatingWebhookConfiguration, V1Pod, V1ValidatingWebhookConfiguration } from "@kubernetes/client-node";
import { parseIstioVersion, skewRuleText, skewText, skewViolation } from "../../component/config/versions";
import { PROXY_CONTAINER } from "../names";
import { fail, pass, type CheckResult } from "../result";
import { selectPods } from "./pods";

export const VERSION_LABEL = "app.kubernetes.io/version";
/** Image variants Istio publishes under the same version: `1.29.6-distroless`, `1.29.6-debug`. */
const VARIANT_SUFFIX = /-(distroless|debug)$/;

/** The Istio version in an image reference's tag, or undefined (no tag, a digest only, not a version). */
export function imageVersion(image: string): string | undefined {
  const withoutDigest = image.split("@")[0]!;
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf("/") + 1);
  const colon = lastSegment.indexOf(":");
  if (colon < 0) return undefined;
  const tag = lastSegment.slice(colon + 1).replace(VARIANT_SUFFIX, "");
  return parseIstioVersion(tag) ? tag : undefined;
}

const podRef = (pod: V1Pod): string => `${pod.metadata?.namespace ?? "?"}/${pod.metadata?.name ?? "?"}`;

/** Pods that are not on their way out (a finished rollout leaves none of the old version). */
const live = (pods: readonly V1Pod[]): V1Pod[] =>
  pods.filter((p) => p.metadata?.deletionTimestamp === undefined && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");

function containerImage(pod: V1Pod, container: string): string | undefined {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  return all.find((c) => c.name === container)?.image;
}

/** "1.29.6", or "1.28.10 and 1.29.6" in the middle of a rollout. */
const versionsText = (versions: Iterable<string>): string => [...new Set(versions)].sort().join(" and ");

/** A workload whose pods must run exactly one version (the control plane's workloads). */
export interface ControlPlaneWorkload {
  /** How the report names it, e.g. `istiod (external-istiod)`. */
  label: string;
  namespace: string;
  /** The pods' `app` label. */
  app: string;
  /** The container whose image tells the version. */
  container: string;
}

/**
 * The external cluster: every pod of the control plane's workloads runs `expected` (istio.version). The
 * istio-system istiod, the gateway it injects and the external istiod all come from charts at that version.
 */
export function checkControlPlaneVersions(pods: readonly V1Pod[], workloads: readonly ControlPlaneWorkload[], expected: string): CheckResult {
  const problems: string[] = [];
  const found: string[] = [];
  for (const w of workloads) {
    const selected = live(selectPods(pods, { namespace: w.namespace, labels: { app: w.app } }));
    if (selected.length === 0) {
      problems.push(`no ${w.app} pod in ${w.namespace} to read a version from`);
      continue;
    }
    const versions: string[] = [];
    for (const pod of selected) {
      const image = containerImage(pod, w.container);
      const version = (image && imageVersion(image)) ?? pod.metadata?.labels?.[VERSION_LABEL];
      if (version === undefined) {
        problems.push(`cannot tell the version of pod ${podRef(pod)}: its ${w.container} image ${image ?? "(none)"} has no version tag and it has no ${VERSION_LABEL} label`);
        continue;
      }
      versions.push(version);
      if (version !== expected) problems.push(`${w.label} pod ${podRef(pod)} runs ${version} (image ${image ?? "?"}), expected ${expected} (istio.version)`);
    }
    if (versions.length > 0) found.push(`${w.label} ${versionsText(versions)}`);
  }
  return problems.length === 0 ? pass(found.join(", ")) : fail(problems.join("; "));
}

export interface RemoteVersionExpectation {
  /** The cluster's chart version: its `istioVersion`, else istio.version. */
  charts: string;
  /** The control plane's version (istio.version): what injects the proxies, and the config cluster's CRDs. */
  controlPlane: string;
  /** The control plane namespace, where the gateways run. */
  namespace: string;
  /** The gateway releases this cluster has (= their pods' `app` label). */
  gateways: readonly string[];
  /** With revisions (issue 24): `base` (the CRDs) runs the newest revision's version. Default: controlPlane. */
  crds?: string;
  /** With revisions: the default revision's version, which injects the gateways' proxies. Default: controlPlane. */
  proxiesFrom?: string;
}

export interface RemoteVersionState {
  /** The istiod release's injection webhook configuration (undefined: not there; the webhook check says so). */
  injector: V1MutatingWebhookConfiguration | undefined;
  /** The config cluster's `istiod-default-validator`, rendered by its `base` (CRDs) release; undefined elsewhere. */
  crdsValidator?: V1ValidatingWebhookConfiguration | undefined;
  pods: readonly V1Pod[];
}

/**
 * A remote cluster: its istiod release at the control plane's version, every gateway pod at the cluster's chart
 * version (the label), every
 * gateway proxy within Istio's skew of the control plane, and on the config cluster the CRDs at the control
 * plane's version. A missing label is reported, not failed: the other checks judge missing objects.
 */
export function checkRemoteVersions(state: RemoteVersionState, expected: RemoteVersionExpectation): CheckResult {
  const problems: string[] = [];
  const found: string[] = [];
  const injecting = expected.proxiesFrom ?? expected.controlPlane;
  const injectingText = expected.proxiesFrom !== undefined ? "the default revision's" : "the control plane's";
  const cp = parseIstioVersion(injecting);

  const labelled = (what: string, labels: Record<string, string> | undefined, want: string, key: string) => {
    const version = labels?.[VERSION_LABEL];
    if (version === undefined) {
      found.push(`${what} not labelled`);
      return;
    }
    found.push(`${what} ${version}`);
    if (version !== want) problems.push(`${what} from the ${version} chart, expected ${want} (${key})`);
  };
  // A remote's istiod release follows the control plane whatever the cluster's own version (issue 20).
  if (state.injector) labelled("istiod", state.injector.metadata?.labels, expected.controlPlane, "istio.version: a remote's istiod follows the control plane");
  if (state.crdsValidator) {
    if (expected.crds !== undefined) labelled("CRDs", state.crdsValidator.metadata?.labels, expected.crds, "the newest revision's version: the CRDs follow the newest control plane");
    else labelled("CRDs", state.crdsValidator.metadata?.labels, expected.controlPlane, "istio.version: the CRDs follow the control plane");
  }

  for (const gateway of expected.gateways) {
    const pods = live(selectPods(state.pods, { namespace: expected.namespace, labels: { app: gateway } }));
    if (pods.length === 0) continue; // the gateway check reports a gateway without pods
    const charts: string[] = [];
    const proxies: string[] = [];
    for (const pod of pods) {
      const chart = pod.metadata?.labels?.[VERSION_LABEL];
      if (chart !== undefined) {
        charts.push(chart);
        if (chart !== expected.charts) {
          problems.push(`${gateway} pod ${podRef(pod)} comes from the ${chart} chart, expected ${expected.charts} (the cluster's version; is its rollout finished?)`);
        }
      }
      const image = containerImage(pod, PROXY_CONTAINER);
      const proxy = image && imageVersion(image);
      if (!proxy) continue;
      proxies.push(proxy);
      const dp = parseIstioVersion(proxy);
      const violation = cp && dp ? skewViolation(cp, dp) : undefined;
      if (violation) {
        problems.push(
          `${gateway} pod ${podRef(pod)} runs proxy ${proxy}, ${skewText(violation)} ${injectingText} ${injecting}; ${skewRuleText(violation)}: ` +
            `restart it (kubectl rollout restart deployment/${gateway} -n ${expected.namespace}) to have the control plane inject its proxy`,
        );
      }
    }
    found.push(`${gateway} ${charts.length > 0 ? versionsText(charts) : "not labelled"}${proxies.length > 0 ? ` (proxy ${versionsText(proxies)})` : ""}`);
  }
  return problems.length === 0 ? pass(found.join(", ")) : fail(problems.join("; "));
}
