/**
 * One revision's external istiod (issue 24): its pods (`app=istiod`, `istio.io/rev=<rev>`, the labels of the
 * istiod chart's pod template) ready, and each running the revision's version. What `pods.ts` and `versions.ts`
 * judge for the single istiod of a stack without revisions. Pure.
 */
import type { V1Pod } from "@kubernetes/client-node";
import { ISTIOD_APP, ISTIOD_CONTAINER, REVISION_LABEL } from "../names";
import { allOf, fail, pass, type CheckResult } from "../result";
import { checkPodsReady, selectPods } from "./pods";
import { imageVersion, VERSION_LABEL } from "./versions";

export interface IstiodRevisionExpectation {
  /** The control plane namespace of the external cluster. */
  namespace: string;
  revision: string;
  /** `istiod` (the default revision) or `istiod-<rev>`: for the messages. */
  deployment: string;
  version: string;
}

const podRef = (pod: V1Pod): string => `${pod.metadata?.namespace ?? "?"}/${pod.metadata?.name ?? "?"}`;

export function checkIstiodRevision(pods: readonly V1Pod[], e: IstiodRevisionExpectation): CheckResult {
  const selector = { namespace: e.namespace, labels: { app: ISTIOD_APP, [REVISION_LABEL]: e.revision } };
  const ready = checkPodsReady(pods, selector);
  if (!ready.ok) return fail(`Deployment ${e.namespace}/${e.deployment}: ${ready.reason}`);
  // As checkPodsReady counts them: not deleted, not finished.
  const live = selectPods(pods, selector).filter((p) => p.metadata?.deletionTimestamp === undefined && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
  const results = live.map((pod): CheckResult => {
    const image = [...(pod.spec?.containers ?? [])].find((c) => c.name === ISTIOD_CONTAINER)?.image;
    const version = (image && imageVersion(image)) ?? pod.metadata?.labels?.[VERSION_LABEL];
    if (version === undefined) {
      return fail(`cannot tell the version of pod ${podRef(pod)}: its ${ISTIOD_CONTAINER} image ${image ?? "(none)"} has no version tag and it has no ${VERSION_LABEL} label`);
    }
    if (version !== e.version) return fail(`pod ${podRef(pod)} runs ${version} (image ${image ?? "?"}), expected ${e.version} (revision ${e.revision}'s version)`);
    return pass();
  });
  const versions = allOf(results);
  return versions.ok ? pass(`${e.deployment} ${e.version}, ${live.length} ${live.length === 1 ? "pod" : "pods"} ready`) : versions;
}
