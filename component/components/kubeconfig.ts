/**
 * The kubeconfig `istioctl create-remote-secret` writes: one cluster, one token user, one context, all named after
 * the cluster (istio/istio istioctl/pkg/multicluster/remote_secret.go).
 */
import { createHash } from "node:crypto";
import { stringify } from "yaml";

export interface KubeconfigSpec {
  clusterName: string;
  /** API server URL reachable from the external cluster. */
  server: string;
  /** `ca.crt` of the token Secret exactly as the Secret's `data` holds it (already base64). */
  certificateAuthorityData: string;
  /** The service-account token, decoded (the Secret's `data.token` is base64). */
  token: string;
}

export function buildKubeconfig(spec: KubeconfigSpec): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: spec.clusterName, cluster: { "certificate-authority-data": spec.certificateAuthorityData, server: spec.server } }],
    contexts: [{ name: spec.clusterName, context: { cluster: spec.clusterName, user: spec.clusterName } }],
    "current-context": spec.clusterName,
    preferences: {},
    users: [{ name: spec.clusterName, user: { token: spec.token } }],
  });
}

/**
 * Builds the kubeconfig from a filled `kubernetes.io/service-account-token` Secret's `data`.
 * @throws when the token controller has not filled the Secret (its service account is missing)
 */
export function kubeconfigFromTokenSecret(clusterName: string, server: string, data: Record<string, string> | undefined): string {
  const ca = data?.["ca.crt"];
  const token = data?.token;
  if (!ca || !token) {
    throw new Error(
      `the service-account token Secret for cluster "${clusterName}" has no ${!ca ? "ca.crt" : "token"}; ` +
        "does its service account exist in the control plane namespace?",
    );
  }
  return buildKubeconfig({
    clusterName,
    server,
    certificateAuthorityData: ca,
    token: Buffer.from(token, "base64").toString("utf8"),
  });
}

/** A digest that changes with the kubeconfig and reveals nothing of the token (SHA-256). */
export function kubeconfigDigest(kubeconfig: string): string {
  return createHash("sha256").update(kubeconfig).digest("hex");
}
