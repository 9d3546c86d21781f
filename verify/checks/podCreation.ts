/**
 * Pods that could not be created. A ReplicaSet whose pods the API server refused carries condition `ReplicaFailure`
 * with reason `FailedCreate`: no pod, so no pod check can say why. The classic one in this topology: the injection
 * webhook (failurePolicy Fail) on the control plane address, port 15017, times out because the remote cluster's API
 * server has no network path to it (istio/istio#39905). Pure.
 */
import type { V1ReplicaSet } from "@kubernetes/client-node";
import { allOf, fail, pass, type CheckResult } from "../result";

export interface PodCreationContext {
  /** The cluster whose API server creates the pods, for the message. */
  cluster: string;
  /** `EXTERNAL_ISTIOD_ADDR`: where the injection webhook is served. */
  address: string;
}

/** A webhook call that never got an answer: the network path, not the webhook, is the problem. */
const UNREACHED = /context deadline exceeded|timeout|timed out|connection refused|no route to host|i\/o timeout|dial tcp|no such host/i;
const WEBHOOK = /failed calling webhook|failed to call webhook/i;

export function checkPodsCanBeCreated(replicaSets: readonly V1ReplicaSet[], ctx: PodCreationContext): CheckResult {
  const failed = replicaSets.flatMap((rs) => {
    // An old ReplicaSet of a finished rollout wants no pods: its last failure is history.
    if ((rs.spec?.replicas ?? 1) === 0) return [];
    const condition = rs.status?.conditions?.find((c) => c.type === "ReplicaFailure" && c.status === "True" && c.reason === "FailedCreate");
    return condition ? [{ rs, message: condition.message ?? "" }] : [];
  });
  if (failed.length === 0) return pass();
  return allOf(
    failed.map(({ rs, message }) => {
      const ref = `ReplicaSet ${rs.metadata?.namespace ?? "?"}/${rs.metadata?.name ?? "?"}`;
      const base = `${ref} cannot create pods: FailedCreate: ${message}`;
      if (WEBHOOK.test(message) && UNREACHED.test(message)) {
        return fail(
          `${base}. ${ctx.cluster}'s API server cannot reach the injection webhook on ${ctx.address}:15017 (failurePolicy Fail): ` +
            `open TCP 15017 from ${ctx.cluster}'s API server (its control plane's outbound addresses) to the control plane load balancer (istio/istio#39905)`,
        );
      }
      return fail(base);
    }),
  );
}
