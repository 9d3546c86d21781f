/**
 * What the program itself creates for a revision of the external istiod beside the charts (issue 24): the names the
 * istiod chart gives a revision's objects, the RBAC bridge on the config cluster, and revision tags. Pure.
 */
import type * as pulumi from "@pulumi/pulumi";
import { DEFAULT_REVISION } from "../config/revisions";

/** `-<revision>`, or nothing for the unrevisioned release: how the istiod chart suffixes its objects (and the program its own). */
export const revisionSuffix = (revision: string): string => (revision === DEFAULT_REVISION ? "" : `-${revision}`);

/** The Helm release (and Deployment, Service, ServiceAccount) of a revision's istiod: `istiod`, `istiod-1-30-3`. */
export const istiodName = (revision: string): string => `istiod${revisionSuffix(revision)}`;

/**
 * The host of a revision's istiod Service in its namespace, as a remote resolves it in loadBalancer mode (the remote
 * chart's `istiod-<revision>` Service and EndpointSlice at the gateway's IP) and as istiod's serving certificate
 * names it ("istiod-<revision>.<ns>.svc" for a non-default revision: `pilot/pkg/bootstrap/server.go`).
 */
export const istiodServiceHost = (namespace: string, revision: string): string => `${istiodName(revision)}.${namespace}.svc`;

/** The ConfigMaps a revision's external istiod mounts (istio-discovery `configmap.yaml`, `istiod-injector-configmap.yaml`). */
export const meshConfigMapName = (revision: string): string => `istio${revisionSuffix(revision)}`;
export const injectorConfigMapName = (revision: string): string => `istio-sidecar-injector${revisionSuffix(revision)}`;

/** A revision tag's webhook configuration outside `istio-system` (istio-discovery `revision-tags-mwc.yaml`). */
export const revisionTagWebhookName = (tag: string, namespace: string): string => `istio-revision-tag-${tag}-${namespace}`;

/** The ServiceAccount every external istiod authenticates to the config cluster as: its token is in `istio-kubeconfig`. */
export const KUBECONFIG_SERVICE_ACCOUNT = "istiod";

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: pulumi.Input<string>; labels?: Record<string, string> };
  [key: string]: unknown;
}

/**
 * The RBAC bridge of a revision on the config cluster. Every external istiod reads the config cluster with the token
 * in `istio-kubeconfig`, whose Secret name the chart fixes (`deployment.yaml` mounts `istio-kubeconfig` and sets
 * KUBECONFIG before the user's env), so a canary runs as ServiceAccount `istiod` of the unrevisioned release, not as
 * its own `istiod-<revision>`. These bindings give that account the roles the revision's chart grants its own
 * account (`clusterrole.yaml`, `role.yaml`): exactly those rules, no wider. The ClusterRoles are cluster-scoped;
 * the Role lives in the control plane namespace. A binding's `roleRef` is immutable (pulumi-kubernetes' `forceNew`
 * table in `provider/pkg/provider/diff.go` replaces a binding whose roleRef changes), so each binding is named after
 * its revision and never points elsewhere.
 */
export function rbacBridge(namespace: string, revision: string): { key: string; object: KubeObject }[] {
  const subjects = [{ kind: "ServiceAccount", name: KUBECONFIG_SERVICE_ACCOUNT, namespace }];
  const clusterBinding = (key: string, role: string) => ({
    key,
    object: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: `${role}-kubeconfig`, labels: bridgeLabels(revision) },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
      subjects,
    },
  });
  const role = istiodName(revision);
  return [
    clusterBinding("clusterrole", `istiod-clusterrole-${revision}-${namespace}`),
    clusterBinding("gateway-controller", `istiod-gateway-controller-${revision}-${namespace}`),
    {
      key: "role",
      object: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: `${role}-kubeconfig`, namespace, labels: bridgeLabels(revision) },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role },
        subjects,
      },
    },
  ];
}

const bridgeLabels = (revision: string): Record<string, string> => ({ app: "istiod", "istio.io/rev": revision });

/** Where a tag's webhooks call its revision: a URL (hostname mode) or the revision's Service (loadBalancer mode). */
export type TagClientConfig = { url: pulumi.Input<string> } | { service: { name: string; namespace: string; path: string; port: number } };

/**
 * A revision tag's MutatingWebhookConfiguration, as istio-discovery `templates/revision-tags-mwc.yaml` renders it
 * (identical in 1.28, 1.29 and 1.30) for a tag other than `default`: the `rev.namespace` and `rev.object` webhooks of
 * the tag's revision, selecting `istio.io/rev=<tag>`. It is the program's own object, not a release's, as upstream
 * applies tags ("are not owned by any Helm chart": https://istio.io/latest/docs/setup/upgrade/helm/, "Stable revision
 * labels"), so moving a tag is an in-place update of this one object: no namespace is left without an injector
 * (pulumi-kubernetes replaces an object only when `.metadata.name` or `.metadata.namespace` changes, or a field its
 * `forceNew` table lists, and it lists none for MutatingWebhookConfiguration: `provider/pkg/provider/provider.go`,
 * `diff.go`).
 * No `caBundle`: in loadBalancer mode the tag's revision patches it, as it patches every webhook configuration
 * labelled with its revision (`pkg/webhooks/webhookpatch.go`); hostname mode uses the public certificate.
 */
export function revisionTagWebhook(tag: string, revision: string, namespace: string, clientConfig: TagClientConfig): KubeObject {
  const webhook = (prefix: string, namespaceSelector: unknown, objectSelector: unknown) => ({
    name: `${prefix}sidecar-injector.istio.io`,
    clientConfig,
    sideEffects: "None",
    rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }],
    failurePolicy: "Fail",
    reinvocationPolicy: "Never",
    admissionReviewVersions: ["v1"],
    namespaceSelector,
    objectSelector,
  });
  const notDisabled = { key: "sidecar.istio.io/inject", operator: "NotIn", values: ["false"] };
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: {
      name: revisionTagWebhookName(tag, namespace),
      labels: { "istio.io/tag": tag, "istio.io/rev": revision, app: "sidecar-injector", "app.kubernetes.io/name": "istiod" },
    },
    webhooks: [
      webhook(
        "rev.namespace.",
        {
          matchExpressions: [
            { key: "istio.io/rev", operator: "In", values: [tag] },
            { key: "istio-injection", operator: "DoesNotExist" },
          ],
        },
        { matchExpressions: [notDisabled] },
      ),
      webhook(
        "rev.object.",
        {
          matchExpressions: [
            { key: "istio.io/rev", operator: "DoesNotExist" },
            { key: "istio-injection", operator: "DoesNotExist" },
          ],
        },
        { matchExpressions: [notDisabled, { key: "istio.io/rev", operator: "In", values: [tag] }] },
      ),
    ],
  };
}

/** The service a revision's webhooks call in loadBalancer mode (the remote chart's `mutatingwebhook.yaml`). */
export function revisionWebhookService(namespace: string, revision: string, path: string): TagClientConfig {
  return { service: { name: istiodName(revision), namespace, path, port: 443 } };
}
