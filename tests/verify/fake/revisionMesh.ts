/**
 * The fake mesh of `mesh.ts` in the middle of a canary upgrade (issue 24, docs/canary.md "Start the canary" and
 * "Move namespaces"): the stable revision `default` at 1.29.6 (the default revision) beside the canary `1-30-3` at
 * 1.30.3, a revision tag `prod-stable` -> 1-30-3, in hostname or loadBalancer mode. What verify should find after
 * `pulumi up`: each revision's istiod, each revision's and the tag's webhook in every remote, and namespaces labelled
 * for each way of selecting a revision, their pods restarted onto it.
 *
 * The stack file knows nothing of the canary (verify takes the revisions from the outputs only).
 */
import type { FakeCluster, KubeObject } from "./kubeApi";
import { ADDR, CONTROL_PLANE_LB, healthyClusters, ISTIO_VERSION, NS, pilotImage, proxyImage, STACK_FILE, stackOutputs, VERSION_LABEL } from "./mesh";
import { injectorConfig, runningPod, type ClientConfig } from "./objects";

export type Mode = "hostname" | "loadBalancer";

export const STABLE = "1.29.6";
export const CANARY = "1.30.3";
export const CANARY_REV = "1-30-3";
export const CANARY_HOST = "istiod-1-30-3.mesh.example.com";
/** loadBalancer mode: the canary's address (the SNI its proxies and webhooks send to the load balancer). */
export const CANARY_SVC = `istiod-1-30-3.${NS}.svc`;
export const TAG = "prod-stable";
export const CA_BUNDLE = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t";

const REMOTES = [
  { name: "cluster1", network: "network1" },
  { name: "cluster2", network: "network2" },
] as const;

/** The whole mesh's stack file at the stable version, in `mode`. */
export function revisionStackFile(mode: Mode): string {
  const stable = STACK_FILE.replace(`version: "${ISTIO_VERSION}"`, `version: "${STABLE}"`);
  return mode === "hostname" ? stable : stable.replace(/ {2}istio-mesh:exposure:\n(?: {4}.*\n)+/, "  istio-mesh:exposure:\n    mode: loadBalancer\n");
}

export interface RevisionState {
  /** Which revision is the default one (docs/canary.md "Promote the canary"). */
  defaultRevision: "default" | typeof CANARY_REV;
  /** Where the tag points. */
  tagTarget: "default" | typeof CANARY_REV;
}

export const START: RevisionState = { defaultRevision: "default", tagTarget: CANARY_REV };

const addressOf = (mode: Mode, revision: string): string =>
  revision === "default" ? (mode === "hostname" ? ADDR : CONTROL_PLANE_LB) : mode === "hostname" ? CANARY_HOST : CANARY_SVC;

/** The whole mesh's outputs with `revisions` and `revisionTags`, as the program exports them (canary-plan.md). */
export function revisionOutputs(mode: Mode, helloworldUrl: string, state: RevisionState = START): Record<string, unknown> {
  const base = stackOutputs("mesh", helloworldUrl) as Record<string, unknown> & { remotes: Record<string, Record<string, unknown>> };
  const own = addressOf(mode, "default");
  const defaultAddress = addressOf(mode, state.defaultRevision);
  for (const [name, r] of Object.entries(base.remotes)) {
    r.injectionUrl = `https://${defaultAddress}:15017/inject/cluster/${name}/net/${String(r.network)}`;
    if (r.validationUrl !== undefined) r.validationUrl = `https://${defaultAddress}:15017/validate`;
  }
  return {
    ...base,
    EXTERNAL_ISTIOD_ADDR: own,
    revisions: {
      default: { version: STABLE, role: "stable", isDefault: state.defaultRevision === "default", address: own },
      [CANARY_REV]: { version: CANARY, role: "canary", isDefault: state.defaultRevision === CANARY_REV, address: addressOf(mode, CANARY_REV) },
    },
    revisionTags: { [TAG]: state.tagTarget },
  };
}

/** How a webhook of `revision` calls it from a remote (`service`: the Service the chart names in loadBalancer mode). */
export function clientConfig(mode: Mode, address: string, service: string, path: string): ClientConfig {
  return mode === "hostname" ? { url: `https://${address}:15017${path}` } : { service: { name: service, namespace: NS, path, port: 443 }, caBundle: CA_BUNDLE };
}

const injectPath = (cluster: string, network: string) => `/inject/cluster/${cluster}/net/${network}`;

/** The unrevisioned injector, the canary's, and the tag's, on one remote. */
export function remoteWebhooks(mode: Mode, cluster: string, network: string, state: RevisionState): KubeObject[] {
  const path = injectPath(cluster, network);
  const serviceOf = (revision: string) => (revision === "default" ? "istiod" : `istiod-${revision}`);
  const labels = { [VERSION_LABEL]: STABLE };
  return [
    // The default pointer: hostname mode the default revision's address; loadBalancer mode Service istiod.
    injectorConfig(`istio-sidecar-injector-${NS}`, clientConfig(mode, addressOf(mode, state.defaultRevision), "istiod", path), 4, labels),
    injectorConfig(`istio-sidecar-injector-${CANARY_REV}-${NS}`, clientConfig(mode, CANARY_HOST, `istiod-${CANARY_REV}`, path), 2, {
      [VERSION_LABEL]: CANARY,
      "istio.io/rev": CANARY_REV,
      release: `istiod-${CANARY_REV}`,
    }),
    injectorConfig(`istio-revision-tag-${TAG}-${NS}`, clientConfig(mode, addressOf(mode, state.tagTarget), serviceOf(state.tagTarget), path), 2, {
      "istio.io/rev": state.tagTarget,
      "istio.io/tag": TAG,
    }),
  ];
}

export function namespace(name: string, labels: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "kubernetes.io/metadata.name": name, ...labels } }, spec: {}, status: { phase: "Active" } };
}

/** An application pod with its injected proxy at `version`; `native`: as a native sidecar (an init container). */
export function appPod(ns: string, name: string, version: string, native = false): KubeObject {
  const pod = runningPod({ namespace: ns, name, labels: { app: name.split("-")[0]! }, containers: ["app"], sidecar: !native, images: { "istio-proxy": proxyImage(version) } });
  if (native) {
    const spec = pod.spec as { initContainers?: unknown[] };
    spec.initContainers = [{ name: "istio-proxy", image: proxyImage(version), restartPolicy: "Always" }];
    const status = pod.status as { initContainerStatuses?: unknown[] };
    status.initContainerStatuses = [{ name: "istio-proxy", ready: true, restartCount: 0, image: proxyImage(version), imageID: "", started: true, state: { running: {} } }];
  }
  return pod;
}

/** Every version string of the healthy mesh (1.28.10) moved to the stable's. */
function atStable(c: FakeCluster): FakeCluster {
  return JSON.parse(JSON.stringify(c).replaceAll(ISTIO_VERSION, STABLE)) as FakeCluster;
}

/**
 * The clusters in `state`: the healthy mesh at 1.29.6, plus the canary's istiod, its and the tag's webhooks in each
 * remote (in `mode`), `base` at the canary's version, and labelled namespaces:
 * cluster1 `sample` (istio-injection=enabled) and `shop` (istio.io/rev=prod-stable); cluster2 `sample` and `beta`
 * (istio.io/rev=1-30-3, native sidecars). Every pod runs its revision's proxy.
 */
export function revisionClusters(mode: Mode, state: RevisionState = START): Map<string, FakeCluster> {
  const clusters = new Map([...healthyClusters()].map(([name, c]) => [name, atStable(c)]));
  const version = (revision: string) => (revision === "default" ? STABLE : CANARY);

  const external = clusters.get("external")!;
  for (const pod of external.pods) if (pod.metadata.labels?.app === "istiod" && pod.metadata.namespace === NS) pod.metadata.labels["istio.io/rev"] = "default";
  const canaryPod = `istiod-${CANARY_REV}-6c9f7b5d48-p2xkq`;
  external.pods.push(
    runningPod({
      namespace: NS,
      name: canaryPod,
      labels: { app: "istiod", istio: "istiod", "istio.io/rev": CANARY_REV, [VERSION_LABEL]: CANARY },
      containers: ["discovery"],
      sidecar: false,
      images: { discovery: pilotImage(CANARY) },
    }),
  );
  external.podProxy[`${NS}/${canaryPod}:15014/metrics`] = 'istiod_remote_cluster_sync_status{cluster="cluster2",state="synced"} 1';

  for (const { name, network } of REMOTES) {
    const c = clusters.get(name)!;
    c.mutatingWebhookConfigurations = remoteWebhooks(mode, name, network, state);
    for (const pod of c.pods) {
      // The samples' proxies, injected by the default revision.
      if (pod.metadata.namespace !== "sample") continue;
      for (const container of (pod.spec as { containers: { name: string; image: string }[] }).containers) {
        if (container.name === "istio-proxy") container.image = proxyImage(version(state.defaultRevision));
      }
    }
    c.namespaces.push(namespace("sample", { "istio-injection": "enabled" }), namespace(NS, {}), namespace("kube-system", {}));
  }
  const cluster1 = clusters.get("cluster1")!;
  cluster1.namespaces.push(namespace("shop", { "istio.io/rev": TAG }));
  cluster1.pods.push(appPod("shop", "cart-5d8f6c7b9-x2v4n", version(state.tagTarget)), appPod("shop", "orders-7f6d5c4b3-k8m2p", version(state.tagTarget)));
  const cluster2 = clusters.get("cluster2")!;
  cluster2.namespaces.push(namespace("beta", { "istio.io/rev": CANARY_REV }));
  cluster2.pods.push(appPod("beta", "reviews-6b7c8d9f5-q4w7e", CANARY, true));

  // `base` runs the newest revision's version while a canary runs; its validator calls the default revision.
  for (const v of cluster1.validatingWebhookConfigurations) {
    const defaultService = state.defaultRevision === "default" ? "istiod" : `istiod-${state.defaultRevision}`;
    const isBase = v.metadata.name === "istiod-default-validator";
    if (isBase) v.metadata.labels = { ...v.metadata.labels, [VERSION_LABEL]: CANARY, "istio.io/rev": state.defaultRevision };
    const webhooks = v.webhooks as { clientConfig: unknown }[];
    for (const w of webhooks) {
      w.clientConfig =
        mode === "hostname"
          ? { url: `https://${addressOf(mode, state.defaultRevision)}:15017/validate` }
          : { service: { name: isBase ? defaultService : "istiod", namespace: NS, path: "/validate", port: 443 } };
    }
  }
  return clusters;
}
