/**
 * A remote cluster's resources for the external istiod's revisions (issue 24): each revision's release (the remote
 * profile with `revision`), the RBAC bridge on the config cluster, and the revision tags' webhook configurations.
 * `RemoteConfigCluster` and `AdditionalRemote` create them for their own cluster.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ChartSource, Deferrable } from "../config/model";
import { DEFAULT_REVISION } from "../config/revisions";
import { chartReleaseArgs, type HelmValues } from "./common";
import { istiodName, rbacBridge, revisionTagWebhook, revisionWebhookService, type TagClientConfig } from "./revisionObjects";
import type { ExposureMode } from "./remoteValues";
import { injectionPath, injectionUrl } from "./urls";

/** A revision of the external istiod (not the unrevisioned one), as a remote cluster's webhooks reach it. */
export interface RemoteRevision {
  /** The revision, e.g. `1-30-3`. */
  name: string;
  /** Its charts: the release here follows the revision's version. */
  chart: ChartSource<Deferrable>;
  /** hostname mode: its DNS name (its webhooks' URLs); loadBalancer mode: the gateway's IP (`remotePilotAddress`). */
  address: pulumi.Input<string>;
  /** What its webhooks wait for: the revision's external istiod and its route (empty on the config cluster, which they wait for). */
  ready: pulumi.Input<pulumi.Resource[]>;
}

/** A revision tag, as a remote cluster's webhooks reach its revision. */
export interface RemoteRevisionTag {
  tag: string;
  /** The tag's revision (`default`: the unrevisioned istiod). */
  revision: string;
  /** hostname mode: the revision's DNS name. */
  address: pulumi.Input<string>;
  /** What its webhooks call first: the revision's external istiod and route. */
  ready: pulumi.Input<pulumi.Resource[]>;
}

/** What a cluster's component knows, for these resources. */
export interface RevisionTarget {
  /** The component's name: the prefix of the resources' names. */
  name: string;
  namespace: string;
  /** The control plane namespace, as an Output of the Namespace resource. */
  namespaceRef: pulumi.Input<string>;
  clusterName: string;
  network: string;
  mode: ExposureMode;
  parent: pulumi.Resource;
  /** Set on components that take the cluster's provider explicitly (`AdditionalRemote`). */
  provider?: pulumi.ProviderResource;
}

/** Each revision's release in this cluster, after `base` (its CRDs) and what the revision needs first. */
export function revisionReleases(
  target: RevisionTarget,
  revisions: readonly RemoteRevision[],
  valuesOf: (revision: RemoteRevision) => HelmValues,
  base: pulumi.Resource,
): Record<string, k8s.helm.v3.Release> {
  const releases: Record<string, k8s.helm.v3.Release> = {};
  for (const revision of revisions) {
    releases[revision.name] = new k8s.helm.v3.Release(
      `${target.name}-istiod-${revision.name}`,
      chartReleaseArgs({ chart: "istiod", source: revision.chart, releaseName: istiodName(revision.name), namespace: target.namespaceRef, values: valuesOf(revision) }),
      {
        parent: target.parent,
        ...(target.provider ? { provider: target.provider } : {}),
        dependsOn: pulumi.output(revision.ready).apply((ready) => [base, ...ready]),
      },
    );
  }
  return releases;
}

/**
 * The RBAC bridge of each revision on the config cluster (`rbacBridge`), after the revision's release there, which
 * creates the roles it binds.
 */
export function rbacBridges(target: RevisionTarget, releases: Readonly<Record<string, k8s.helm.v3.Release>>): Record<string, pulumi.CustomResource[]> {
  const out: Record<string, pulumi.CustomResource[]> = {};
  for (const [revision, release] of Object.entries(releases)) {
    const options = { parent: target.parent, ...(target.provider ? { provider: target.provider } : {}), dependsOn: [release] };
    out[revision] = rbacBridge(target.namespace, revision).map(({ key, object }) => {
      const name = `${target.name}-istiod-${revision}-kubeconfig-${key}`;
      return object.kind === "RoleBinding"
        ? new k8s.rbac.v1.RoleBinding(name, { ...object, metadata: { ...object.metadata, namespace: target.namespaceRef } } as unknown as k8s.rbac.v1.RoleBindingArgs, options)
        : new k8s.rbac.v1.ClusterRoleBinding(name, object as unknown as k8s.rbac.v1.ClusterRoleBindingArgs, options);
    });
  }
  return out;
}

/**
 * Each tag's webhook configuration in this cluster, named by the tag only, so moving it to another revision updates
 * the one object in place. It waits for its revision (and, in loadBalancer mode, for the Service `istiod-<rev>` the
 * revision's release renders here).
 */
export function revisionTagWebhooks(
  target: RevisionTarget,
  tags: readonly RemoteRevisionTag[],
  releases: Readonly<Record<string, pulumi.Resource>>,
): k8s.admissionregistration.v1.MutatingWebhookConfiguration[] {
  return tags.map((t) => {
    const path = injectionPath(target.clusterName, target.network);
    const clientConfig: TagClientConfig =
      target.mode === "hostname" ? { url: injectionUrl(t.address, target.clusterName, target.network) } : revisionWebhookService(target.namespace, t.revision, path);
    const own = t.revision === DEFAULT_REVISION ? [] : [releases[t.revision]].filter((r): r is pulumi.Resource => r !== undefined);
    return new k8s.admissionregistration.v1.MutatingWebhookConfiguration(
      `${target.name}-revision-tag-${t.tag}`,
      revisionTagWebhook(t.tag, t.revision, target.namespace, clientConfig) as unknown as k8s.admissionregistration.v1.MutatingWebhookConfigurationArgs,
      {
        parent: target.parent,
        ...(target.provider ? { provider: target.provider } : {}),
        dependsOn: pulumi.output(t.ready).apply((ready) => [...ready, ...own]),
      },
    );
  });
}
