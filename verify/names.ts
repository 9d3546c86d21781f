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

// Revisions (issue 24, docs/canary.md). A revision is one external istiod; `default` is the unrevisioned install.

/** Istio's name of the unrevisioned install: `REVISION=default`, label `istio.io/rev=default`. */
export const DEFAULT_REVISION = "default";
/** On istiod pods, on each revision's and tag's webhook configuration, and on namespaces a revision injects. */
export const REVISION_LABEL = "istio.io/rev";
/** A namespace labelled `istio-injection=enabled` is injected by the default revision, whatever its `istio.io/rev`. */
export const INJECTION_LABEL = "istio-injection";

/** Deployment (external cluster) and Service (loadBalancer mode, each remote) of a revision's istiod. */
export const istiodName = (revision: string): string => (revision === DEFAULT_REVISION ? "istiod" : `istiod-${revision}`);

/** A revision's injection webhook configuration in each remote; the unrevisioned one is the default pointer. */
export const injectorConfigName = (ns: string, revision: string): string =>
  revision === DEFAULT_REVISION ? webhookConfigNames(ns).injection : `istio-sidecar-injector-${revision}-${ns}`;

/** A revision tag's webhook configuration in each remote (the chart appends the namespace outside istio-system). */
export const revisionTagConfigName = (ns: string, tag: string): string => `istio-revision-tag-${tag}-${ns}`;

/** loadBalancer mode: the name a revision's proxies and webhooks send as SNI to the load balancer's IP. */
export const revisionServiceHost = (ns: string, revision: string): string => `${istiodName(revision)}.${ns}.svc`;

/** loadBalancer mode: the VirtualService in the external cluster that routes a revision's SNI to its istiod. */
export const revisionVirtualServiceName = (revision: string): string => `external-istiod-vs-${revision}`;

/** The webhooks a revision's or tag's configuration has (the `namespace.` and `object.` ones are the unrevisioned chart's). */
export const REVISION_WEBHOOKS = ["rev.namespace.sidecar-injector.istio.io", "rev.object.sidecar-injector.istio.io"] as const;
