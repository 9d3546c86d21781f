/**
 * With `istio.hub`, every container of the mesh's pods (istiod, gateways, sidecars, the samples) runs an image from
 * the hub: a pod created before the hub was set, or injected by an istiod that had another hub, still pulls from
 * the old registry, which a locked-down network refuses at its next restart. Pure.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { fail, pass, type CheckResult } from "../result";

const podRef = (pod: V1Pod): string => `${pod.metadata?.namespace ?? "?"}/${pod.metadata?.name ?? "?"}`;

export function checkImagesFromHub(pods: readonly V1Pod[], hub: string): CheckResult {
  const prefix = `${hub.replace(/\/+$/, "")}/`;
  const foreign = pods
    .filter((pod) => pod.metadata?.deletionTimestamp === undefined)
    .flatMap((pod) =>
      [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]
        .filter((c) => c.image !== undefined && !c.image.startsWith(prefix))
        .map((c) => `${podRef(pod)} ${c.name}: ${c.image}`),
    );
  if (foreign.length === 0) return pass();
  return fail(
    `not from istio.hub ${hub}: ${foreign.join("; ")}. Pods take their images when they are created: restart them ` +
      "(kubectl rollout restart) once the hub is deployed; a sidecar or gateway image comes from the external istiod's injection template",
  );
}
