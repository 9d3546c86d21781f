/**
 * The guide's `kubectl get pod` checks, as pure functions over the pods of a namespace.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { allOf, fail, pass, type CheckResult } from "../result";

/** The container Istio injects; as a native sidecar it is an init container that keeps running. */
export const SIDECAR_CONTAINER = "istio-proxy";

/** Which pods a check is about: every label must match. */
export interface PodSelector {
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

const podRef = (pod: V1Pod): string => `${pod.metadata?.namespace ?? "?"}/${pod.metadata?.name ?? "?"}`;
const selectorText = (s: PodSelector): string =>
  Object.entries(s.labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");

export function selectPods(pods: readonly V1Pod[], selector: PodSelector): V1Pod[] {
  return pods.filter((pod) => {
    const labels = pod.metadata?.labels ?? {};
    return (pod.metadata?.namespace ?? selector.namespace) === selector.namespace && Object.entries(selector.labels).every(([k, v]) => labels[k] === v);
  });
}

/** Pods on their way out (deleted, evicted, completed) say nothing about the current rollout. */
function isLive(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return pod.metadata?.deletionTimestamp === undefined && phase !== "Succeeded" && phase !== "Failed";
}

/** The containers kubectl counts in READY: regular ones plus native sidecars (init containers with restartPolicy Always). */
function countedContainers(pod: V1Pod): string[] {
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always").map((c) => c.name);
  return [...(pod.spec?.containers ?? []).map((c) => c.name), ...sidecars];
}

/** kubectl's READY column, e.g. 2/2. */
export function readyCounts(pod: V1Pod): { ready: number; total: number } {
  const counted = new Set(countedContainers(pod));
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const ready = statuses.filter((s) => counted.has(s.name) && s.ready).length;
  return { ready, total: counted.size };
}

const hasSidecar = (pod: V1Pod): boolean => countedContainers(pod).includes(SIDECAR_CONTAINER);

function podReady(pod: V1Pod): CheckResult {
  const { ready, total } = readyCounts(pod);
  const phase = pod.status?.phase ?? "Unknown";
  if (phase === "Running" && ready === total && total > 0) return pass();
  return fail(`pod ${podRef(pod)} is ${phase} with ${ready}/${total} containers ready`);
}

function livePods(pods: readonly V1Pod[], selector: PodSelector): V1Pod[] | CheckResult {
  const live = selectPods(pods, selector).filter(isLive);
  return live.length > 0 ? live : fail(`no pod with labels ${selectorText(selector)} in namespace ${selector.namespace}`);
}

/** Control plane pods: at least one, and every live one Running with all containers ready. */
export function checkPodsReady(pods: readonly V1Pod[], selector: PodSelector): CheckResult {
  const live = livePods(pods, selector);
  if (!Array.isArray(live)) return live;
  return allOf(live.map(podReady));
}

/** Workload pods: as above, and each with the istio-proxy sidecar the injection webhook adds (the guide's 2/2). */
export function checkInjectedPodsReady(pods: readonly V1Pod[], selector: PodSelector): CheckResult {
  const live = livePods(pods, selector);
  if (!Array.isArray(live)) return live;
  return allOf(
    live.map((pod) => {
      if (hasSidecar(pod)) return podReady(pod);
      const { ready, total } = readyCounts(pod);
      // A pod is injected only when it is created; one created while the webhook could not reach istiod (or
      // before the namespace was labelled) stays without a sidecar until it is recreated.
      return fail(
        `pod ${podRef(pod)} has ${ready}/${total} containers ready, expected ${total + 1}/${total + 1}: no ${SIDECAR_CONTAINER} sidecar was injected ` +
          `(is namespace ${selector.namespace} labelled istio-injection=enabled? delete the pod to have it recreated with one)`,
      );
    }),
  );
}
