/**
 * The external istiod reads each remote cluster through a kubeconfig Secret in its own namespace: the config
 * cluster's `istio-kubeconfig` (mounted at startup) and, per further remote, `istio-remote-secret-<name>` (found by
 * its `istio/multiCluster` label).
 */
import type { V1ObjectMeta } from "@kubernetes/client-node";
import { CONFIG_SECRET_NAME, MULTICLUSTER_LABEL } from "../names";
import { fail, pass, type CheckResult } from "../result";

export interface RemoteSecretExpectation {
  /** The external cluster's control plane namespace. */
  namespace: string;
  name: string;
  /** The remote cluster whose credentials it holds. */
  cluster: string;
  /** Whether the secret watcher must pick it up (further remotes), or must not (the config cluster). */
  multiCluster: boolean;
}

/** Works on metadata only: the credentials inside are none of a read-only check's business. */
export function checkRemoteSecret(secrets: readonly V1ObjectMeta[], expected: RemoteSecretExpectation): CheckResult {
  const secret = secrets.find((s) => s.name === expected.name);
  if (secret === undefined) {
    return fail(`Secret ${expected.namespace}/${expected.name} not found: the external istiod cannot read cluster ${expected.cluster}`);
  }
  const labelled = secret.labels?.[MULTICLUSTER_LABEL] === "true";
  if (expected.multiCluster && !labelled) {
    return fail(`Secret ${expected.namespace}/${expected.name} lacks the label ${MULTICLUSTER_LABEL}=true: the external istiod ignores it`);
  }
  if (!expected.multiCluster && labelled) {
    return fail(
      `Secret ${expected.namespace}/${expected.name} carries the label ${MULTICLUSTER_LABEL}=true: the external istiod would register ` +
        `cluster ${expected.cluster} a second time (${CONFIG_SECRET_NAME} must not be labelled)`,
    );
  }
  return pass();
}
