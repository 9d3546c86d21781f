/**
 * Builders of Kubernetes objects as the API server returns them (trimmed of fields no check reads, but with the
 * same shape: metadata with uid/resourceVersion/creationTimestamp, spec, status).
 */
import { randomUUID } from "node:crypto";
import type { KubeObject } from "./kubeApi";

const CREATED = "2026-03-02T09:14:27Z";

function metadata(name: string, namespace: string | undefined, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    uid: randomUUID(),
    resourceVersion: "48100",
    creationTimestamp: CREATED,
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    ...extra,
  };
}

export interface PodSpec {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** Application containers; the sidecar comes on top when `sidecar`. */
  containers: string[];
  sidecar: boolean;
  /** Images by container name (default `example/<container>:1.0`). */
  images?: Record<string, string>;
}

/** A Running pod with every container ready (READY 2/2 for an injected one-container pod). */
export function runningPod(spec: PodSpec): KubeObject {
  const names = [...spec.containers, ...(spec.sidecar ? ["istio-proxy"] : [])];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: metadata(spec.name, spec.namespace, spec.labels, {
      generateName: spec.name.replace(/[^-]+$/, ""),
      ...(spec.sidecar ? { annotations: { "sidecar.istio.io/status": '{"initContainers":["istio-init"],"containers":["istio-proxy"]}' } } : {}),
    }),
    spec: {
      containers: names.map((name) => ({ name, image: spec.images?.[name] ?? `example/${name}:1.0`, imagePullPolicy: "IfNotPresent" })),
      ...(spec.sidecar ? { initContainers: [{ name: "istio-init", image: "docker.io/istio/proxyv2:1.28.10" }] } : {}),
      restartPolicy: "Always",
      nodeName: "node-1",
    },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True", lastTransitionTime: CREATED }],
      podIP: "10.244.1.17",
      startTime: CREATED,
      ...(spec.sidecar
        ? {
            initContainerStatuses: [
              { name: "istio-init", ready: true, restartCount: 0, image: "proxyv2", imageID: "", state: { terminated: { exitCode: 0, reason: "Completed" } } },
            ],
          }
        : {}),
      containerStatuses: names.map((name) => ({
        name,
        ready: true,
        started: true,
        restartCount: 0,
        image: spec.images?.[name] ?? `example/${name}:1.0`,
        imageID: "",
        state: { running: { startedAt: CREATED } },
      })),
    },
  };
}

export function deployment(namespace: string, name: string, available = true): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: metadata(name, namespace, { app: name }, { generation: 1 }),
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "istio-proxy", image: "auto" }] } },
    },
    status: {
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: available ? 1 : 0,
      availableReplicas: available ? 1 : 0,
      conditions: [
        {
          type: "Available",
          status: available ? "True" : "False",
          reason: available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
          message: available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
          lastUpdateTime: CREATED,
          lastTransitionTime: CREATED,
        },
        { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", lastUpdateTime: CREATED, lastTransitionTime: CREATED },
      ],
    },
  };
}

/** A gateway Service: LoadBalancer with `ip` in status (or without, while pending), or ClusterIP. */
export function service(namespace: string, name: string, type: "LoadBalancer" | "ClusterIP", ip?: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(name, namespace, { app: name }),
    spec: {
      type,
      clusterIP: "10.96.12.34",
      clusterIPs: ["10.96.12.34"],
      ports: [{ name: "http2", port: 80, protocol: "TCP", targetPort: 80, ...(type === "LoadBalancer" ? { nodePort: 31380 } : {}) }],
      selector: { app: name },
    },
    status: { loadBalancer: ip !== undefined ? { ingress: [{ ip, ipMode: "VIP" }] } : {} },
  };
}

export type ClientConfig = { url: string } | { service: { name: string; namespace: string; path: string; port: number }; caBundle?: string };

const WEBHOOK_COMMON = {
  failurePolicy: "Fail",
  matchPolicy: "Equivalent",
  sideEffects: "None",
  admissionReviewVersions: ["v1beta1", "v1"],
  timeoutSeconds: 10,
  reinvocationPolicy: "Never",
  rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], scope: "*" }],
};

/** The istiod chart's `istio-sidecar-injector-<ns>`: four webhooks calling the same place. */
export function injectorConfig(name: string, clientConfig: ClientConfig, count = 4, labels: Record<string, string> = {}): KubeObject {
  const prefixes = ["rev.namespace.", "rev.object.", "namespace.", "object."].slice(0, count);
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: metadata(name, undefined, { app: "sidecar-injector", "istio.io/rev": "default", release: "istiod", ...labels }),
    webhooks: prefixes.map((p) => ({ name: `${p}sidecar-injector.istio.io`, clientConfig, ...WEBHOOK_COMMON })),
  };
}

export function validatorConfig(name: string, clientConfig: ClientConfig, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: metadata(name, undefined, { app: "istiod", "istio.io/rev": "default", ...labels }),
    webhooks: [{ name: "rev.validation.istio.io", clientConfig, ...WEBHOOK_COMMON, failurePolicy: "Ignore" }],
  };
}

export function secret(namespace: string, name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: "v1", kind: "Secret", metadata: metadata(name, namespace, labels), type: "Opaque", data };
}
