/**
 * The names the program gives what it deploys, as the checks look them up.
 *
 * Mirrored from `component/components/` rather than imported: those modules load the Pulumi SDK, which a read-only tool
 * has no use for. `tests/verify/names.test.ts` compares every value here with the component's own, so they
 * cannot drift apart silently.
 */

/** The external cluster's own Istio and the control plane gateway live here (not the mesh's control plane). */
export const ISTIO_SYSTEM = "istio-system";
/** Release, Deployment and Service name of the gateway that exposes the external istiod. */
export const CONTROL_PLANE_GATEWAY = "istio-ingressgateway";
/** Pods of every istiod Deployment carry `app: istiod`. */
export const ISTIOD_APP = "istiod";
/** istiod's container (its image is `pilot`), in the istiod chart's Deployment. */
export const ISTIOD_CONTAINER = "discovery";
/** The proxy container of a gateway pod (injected; `image: auto` in the gateway chart). */
export const PROXY_CONTAINER = "istio-proxy";

export const INGRESS_GATEWAY = "istio-ingressgateway";
export const EGRESS_GATEWAY = "istio-egressgateway";
export const EASTWEST_GATEWAY = "istio-eastwestgateway";

/** The config cluster's credentials in the external cluster; deliberately without the multicluster label. */
export const CONFIG_SECRET_NAME = "istio-kubeconfig";
export const MULTICLUSTER_LABEL = "istio/multiCluster";
export const remoteSecretName = (cluster: string): string => `istio-remote-secret-${cluster}`;

export const SAMPLE_NAMESPACE = "sample";
/** v1 runs on the config cluster, v2 on every further remote. */
export type HelloworldVersion = "v1" | "v2";

/** Port of the control plane gateway that serves the injection and validation webhooks. */
export const WEBHOOK_PORT = 15017;

const segment = (s: string) => s.replaceAll("/", "--slash--");

/** `/inject/cluster/<cluster>/net/<network>`, with '/' in a segment written as istiod expects it. */
export function injectionPath(cluster: string, network: string): string {
  return `/inject/cluster/${segment(cluster)}/net/${segment(network)}`;
}

/** Names of the webhook configurations the remote charts render for control plane namespace `ns`. */
export function webhookConfigNames(ns: string): { injection: string; validation: string } {
  return { injection: `istio-sidecar-injector-${ns}`, validation: `istio-validator-${ns}` };
}

/** Rendered by the `base` chart when `defaultRevision` is "default": on the config cluster only. */
export const DEFAULT_VALIDATOR = "istiod-default-validator";

/** The istiod chart's injector: rev.namespace, rev.object, namespace and object webhooks. */
export const INJECTION_WEBHOOK_COUNT = 4;
