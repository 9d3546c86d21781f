/**
 * A fake Kubernetes API server on 127.0.0.1 (real HTTP, random port) for the verify tests. Several clusters share
 * it: each is served under its own path prefix (`http://127.0.0.1:<port>/<cluster>`), which is how the test
 * kubeconfig points one context at each. It answers the few GETs the checks make, in the shapes of real API
 * responses (lists without per-item kind/apiVersion, 404 as a Status), and records every request.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** What one cluster holds; tests edit it to break the mesh. */
export interface FakeCluster {
  /** Namespaces, for their labels (only those a test labels; the others need not be listed). */
  namespaces: KubeObject[];
  pods: KubeObject[];
  mutatingWebhookConfigurations: KubeObject[];
  validatingWebhookConfigurations: KubeObject[];
  secrets: KubeObject[];
  deployments: KubeObject[];
  services: KubeObject[];
  replicaSets: KubeObject[];
  /** What a pod's port answers through the API server's proxy, by `<namespace>/<pod>:<port>/<path>`. */
  podProxy: Record<string, string>;
}

export const emptyCluster = (): FakeCluster => ({
  namespaces: [],
  pods: [],
  mutatingWebhookConfigurations: [],
  validatingWebhookConfigurations: [],
  secrets: [],
  deployments: [],
  services: [],
  replicaSets: [],
  podProxy: {},
});

export interface FakeKubeApi {
  /** `http://127.0.0.1:<port>`; a cluster's server is `${url}/${cluster}`. */
  url: string;
  /** Every request received, in order. */
  requests: { method: string; url: string }[];
  close(): Promise<void>;
}

type Answer = { status: number; body: unknown } | { status: number; text: string };

let resourceVersion = 48213;
const nextResourceVersion = () => String(++resourceVersion);

function list(kind: string, apiVersion: string, items: readonly KubeObject[]): Answer {
  // Items of a real list response carry no kind/apiVersion of their own.
  const bare = items.map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest);
  return { status: 200, body: { kind, apiVersion, metadata: { resourceVersion: nextResourceVersion() }, items: bare } };
}

function notFound(resource: string, name: string, group?: string): Answer {
  const qualified = group ? `${resource}.${group}` : resource;
  return {
    status: 404,
    body: {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `${qualified} "${name}" not found`,
      reason: "NotFound",
      details: { name, ...(group ? { group } : {}), kind: resource },
      code: 404,
    },
  };
}

function one(objects: readonly KubeObject[], name: string, namespace: string | undefined, resource: string, group?: string): Answer {
  const found = objects.find((o) => o.metadata.name === name && o.metadata.namespace === namespace);
  return found ? { status: 200, body: found } : notFound(resource, name, group);
}

const inNamespace = (ns: string) => (o: KubeObject) => o.metadata.namespace === ns;
const ADMISSION = "admissionregistration.k8s.io";

/** The routes the checks use, as in the Kubernetes API. */
const routes: [RegExp, (c: FakeCluster, m: string[]) => Answer][] = [
  // API discovery: what `checkAccess` asks first.
  [/^\/api\/v1$/, () => ({ status: 200, body: { kind: "APIResourceList", groupVersion: "v1", resources: [] } })],
  [/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/replicasets$/, (c, [ns]) => list("ReplicaSetList", "apps/v1", c.replicaSets.filter(inNamespace(ns!)))],
  [/^\/api\/v1\/namespaces$/, (c) => list("NamespaceList", "v1", c.namespaces)],
  [/^\/api\/v1\/namespaces\/([^/]+)\/pods$/, (c, [ns]) => list("PodList", "v1", c.pods.filter(inNamespace(ns!)))],
  [
    /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/proxy\/(.*)$/,
    (c, [ns, pod, path]) => {
      const text = c.podProxy[`${ns}/${decodeURIComponent(pod!)}/${path}`];
      return text === undefined ? notFound("pods", pod!) : { status: 200, text };
    },
  ],
  [/^\/api\/v1\/namespaces\/([^/]+)\/secrets$/, (c, [ns]) => list("SecretList", "v1", c.secrets.filter(inNamespace(ns!)))],
  [/^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)$/, (c, [ns, name]) => one(c.services, name!, ns, "services")],
  [/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)$/, (c, [ns, name]) => one(c.deployments, name!, ns, "deployments", "apps")],
  [
    /^\/apis\/admissionregistration\.k8s\.io\/v1\/mutatingwebhookconfigurations\/([^/]+)$/,
    (c, [name]) => one(c.mutatingWebhookConfigurations, name!, undefined, "mutatingwebhookconfigurations", ADMISSION),
  ],
  [
    /^\/apis\/admissionregistration\.k8s\.io\/v1\/validatingwebhookconfigurations$/,
    (c) => list("ValidatingWebhookConfigurationList", `${ADMISSION}/v1`, c.validatingWebhookConfigurations),
  ],
];

function route(clusters: ReadonlyMap<string, FakeCluster>, method: string, rawUrl: string): Answer {
  if (method !== "GET") return { status: 405, body: { kind: "Status", apiVersion: "v1", status: "Failure", message: "read-only fake", code: 405 } };
  const { pathname } = new URL(rawUrl, "http://fake");
  const [, clusterName, ...rest] = pathname.split("/");
  const cluster = clusters.get(clusterName ?? "");
  const apiPath = `/${rest.join("/")}`;
  for (const [pattern, handle] of routes) {
    const m = pattern.exec(apiPath);
    if (cluster && m) return handle(cluster, m.slice(1));
  }
  const message = "the server could not find the requested resource";
  return { status: 404, body: { kind: "Status", apiVersion: "v1", status: "Failure", message, reason: "NotFound", code: 404 } };
}

function send(res: ServerResponse, answer: Answer): void {
  if ("text" in answer) {
    res.writeHead(answer.status, { "content-type": "text/plain" });
    res.end(answer.text);
    return;
  }
  res.writeHead(answer.status, { "content-type": "application/json" });
  res.end(JSON.stringify(answer.body));
}

/** Serves `clusters` (by mesh name) until closed; edits to them are visible to the next request. */
export async function startFakeKubeApi(clusters: ReadonlyMap<string, FakeCluster>): Promise<FakeKubeApi> {
  const requests: { method: string; url: string }[] = [];
  const server = createServer((req, res) => {
    const method = req.method ?? "?";
    const url = req.url ?? "/";
    requests.push({ method, url });
    req.resume();
    req.on("end", () => send(res, route(clusters, method, url)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // The client keeps connections alive; close them, or close() waits for their idle timeout.
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
