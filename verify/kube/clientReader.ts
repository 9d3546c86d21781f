/**
 * `ClusterReader` over `@kubernetes/client-node`: GET requests only (read and list).
 */
import { AdmissionregistrationV1Api, ApiException, AppsV1Api, CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { ClusterReader } from "./clusterReader";

/** The API server's own explanation (a Status object's message), else the HTTP code. */
function apiMessage(err: ApiException<unknown>): string {
  let body: unknown = err.body;
  const raw = err.body;
  if (typeof raw === "string") {
    try {
      body = JSON.parse(raw) as unknown;
    } catch {
      return `HTTP ${err.code}${raw ? `: ${raw.slice(0, 200)}` : ""}`;
    }
  }
  const message = typeof body === "object" && body !== null && "message" in body ? String(body.message) : "";
  return message ? `HTTP ${err.code}: ${message}` : `HTTP ${err.code}`;
}

/** The network error under a failed request (`connect ECONNREFUSED 10.0.0.1:6443`, `getaddrinfo ENOTFOUND api...`). */
function causeOf(err: unknown): string {
  const seen: string[] = [];
  for (let e: unknown = err; e instanceof Error && seen.length < 4; e = e.cause) {
    if (!seen.includes(e.message)) seen.push(e.message);
  }
  return seen.join(": ");
}

/** Errors a person can read: which context, what the API server (or the network) said. */
function explain(context: string, what: string, err: unknown): Error {
  if (err instanceof ApiException) return new Error(`${what} in context ${context}: ${apiMessage(err)}`);
  return new Error(`${what} in context ${context}: ${causeOf(err) || String(err)}`);
}

async function read<T>(context: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw explain(context, what, err);
  }
}

/** A read that may legitimately find nothing: 404 is an answer, not an error. */
async function readOptional<T>(context: string, what: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) return undefined;
    throw explain(context, what, err);
  }
}

export function clientReader(context: string, kc: KubeConfig): ClusterReader {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const admission = kc.makeApiClient(AdmissionregistrationV1Api);
  const server = kc.getCurrentCluster()?.server ?? "(no server)";
  return {
    context,
    checkAccess: async () => {
      await read(context, `reaching the API server ${server}`, () => core.getAPIResources());
    },
    listReplicaSets: async (namespace) => (await read(context, `listing ReplicaSets in ${namespace}`, () => apps.listNamespacedReplicaSet({ namespace }))).items,
    listPods: async (namespace) => (await read(context, `listing pods in ${namespace}`, () => core.listNamespacedPod({ namespace }))).items,
    listNamespaces: async () => (await read(context, "listing namespaces", () => core.listNamespace())).items.map((n) => n.metadata ?? {}),
    readMutatingWebhookConfiguration: (name) =>
      readOptional(context, `reading MutatingWebhookConfiguration ${name}`, () => admission.readMutatingWebhookConfiguration({ name })),
    listValidatingWebhookConfigurations: async () =>
      (await read(context, "listing ValidatingWebhookConfigurations", () => admission.listValidatingWebhookConfiguration())).items,
    listSecretMetadata: async (namespace) => {
      const list = await read(context, `listing Secrets in ${namespace}`, () => core.listNamespacedSecret({ namespace }));
      // Keep names and labels only; the kubeconfigs (tokens) in these Secrets are dropped here.
      return list.items.map((s) => s.metadata ?? {});
    },
    readDeployment: (namespace, name) =>
      readOptional(context, `reading Deployment ${namespace}/${name}`, () => apps.readNamespacedDeployment({ namespace, name })),
    readService: (namespace, name) => readOptional(context, `reading Service ${namespace}/${name}`, () => core.readNamespacedService({ namespace, name })),
    getFromPod: (namespace, pod, port, path) =>
      read(context, `reading ${path} of pod ${namespace}/${pod}:${port}`, () =>
        core.connectGetNamespacedPodProxyWithPath({ namespace, name: `${pod}:${port}`, path: path.replace(/^\//, "") }),
      ),
  };
}
