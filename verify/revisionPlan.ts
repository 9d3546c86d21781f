/**
 * The checks of a stack whose outputs list its revisions (issue 24, docs/verify.md "Revisions"): per revision its
 * external istiod and, per remote, its injection webhook; per revision tag its webhook; per remote, each
 * injection-labelled namespace's revision and proxy versions. Each pairs a read with a pure judgement from `checks/`.
 */
import { compareIstioVersions, parseIstioVersion } from "../component/config/versions";
import type { RemoteCluster } from "../component/config/model";
import type { Check } from "./check";
import { checkIstiodRevision } from "./checks/istiodRevision";
import { checkNamespaceRevisions, namespaceRevision } from "./checks/namespaceRevisions";
import { checkRevisionWebhook, type WebhookTarget } from "./checks/webhooks";
import type { ClusterReader } from "./kube/clusterReader";
import * as names from "./names";
import { revisionText, type Revision, type Revisions } from "./revisions";

export type ExposureMode = "hostname" | "loadBalancer";

/** Port of a revision's istiod Service that its webhooks call (the istiod chart's webhook clientConfig). */
const ISTIOD_WEBHOOK_SERVICE_PORT = 443;

/**
 * How a revision's own webhooks (and a tag's pointing at it) call it: hostname mode a URL on its address;
 * loadBalancer mode its `istiod-<rev>` Service on 443, which the remote chart points at the load balancer.
 */
export function revisionWebhookTarget(mode: ExposureMode, namespace: string, revision: Revision): WebhookTarget {
  return mode === "hostname"
    ? { mode, address: revision.address, addressName: `revision ${revision.name}'s address` }
    : { mode, namespace, service: names.istiodName(revision.name), port: ISTIOD_WEBHOOK_SERVICE_PORT };
}

/**
 * The unrevisioned webhooks (the default pointer): hostname mode the default revision's address; loadBalancer mode
 * the `istiod` Service, which the control plane gateway routes to the default revision.
 */
export function defaultPointerTarget(mode: ExposureMode, namespace: string, revisions: Revisions, externalIstiodAddr: string): WebhookTarget {
  if (mode === "loadBalancer") return { mode, namespace };
  const d = revisions.defaultRevision;
  return d.address === externalIstiodAddr ? { mode, address: d.address } : { mode, address: d.address, addressName: `the default revision ${d.name}'s address` };
}

/** The newest revision's version: what `base` (the CRDs) runs while a canary runs. */
export function newestVersion(revisions: Revisions): string {
  return revisions.all
    .map((r) => r.version)
    .reduce((a, b) => {
      const [pa, pb] = [parseIstioVersion(a), parseIstioVersion(b)];
      return pa && pb && compareIstioVersions(pb, pa) > 0 ? b : a;
    });
}

/** Per revision, its external istiod in the control plane namespace: pods ready, at the revision's version. */
export function istiodRevisionChecks(cluster: string, reader: ClusterReader, namespace: string, revisions: Revisions): Check[] {
  return revisions.all.map((r) => {
    const deployment = names.istiodName(r.name);
    return {
      cluster,
      name: `${revisionText(r)}: ${deployment} pods ready in ${namespace}, at ${r.version}`,
      attempt: async () => checkIstiodRevision(await reader.listPods(namespace), { namespace, revision: r.name, deployment, version: r.version }),
    };
  });
}

/** In one remote: each revision's own injection webhook (not `default`'s: that is the unrevisioned one) and each tag's. */
export function revisionWebhookChecks(remote: RemoteCluster, reader: ClusterReader, mode: ExposureMode, namespace: string, revisions: Revisions): Check[] {
  const path = names.injectionPath(remote.name, remote.network);
  const own = revisions.all
    .filter((r) => r.name !== names.DEFAULT_REVISION)
    .map((r): Check => {
      const configName = names.injectorConfigName(namespace, r.name);
      return {
        cluster: remote.name,
        name: `${revisionText(r)}: injection webhook ${configName}`,
        attempt: async () =>
          checkRevisionWebhook(await reader.readMutatingWebhookConfiguration(configName), {
            configName,
            revision: r.name,
            path,
            target: revisionWebhookTarget(mode, namespace, r),
            installedBy: `revision ${r.name}'s ${names.istiodName(r.name)} release`,
          }),
      };
    });
  const tags = revisions.tags.map(({ tag, revision }): Check => {
    const configName = names.revisionTagConfigName(namespace, tag);
    return {
      cluster: remote.name,
      name: `revision tag ${tag} -> ${revision.name}: webhook ${configName}`,
      attempt: async () =>
        checkRevisionWebhook(await reader.readMutatingWebhookConfiguration(configName), {
          configName,
          revision: revision.name,
          path,
          target: revisionWebhookTarget(mode, namespace, revision),
          installedBy: `the revision tag ${tag}`,
        }),
    };
  });
  return [...own, ...tags];
}

/** In one remote: each namespace labelled for injection, its revision and its pods' proxy versions. */
export function namespaceRevisionsCheck(cluster: string, reader: ClusterReader, revisions: Revisions): Check {
  return {
    cluster,
    name: "injected namespaces: revision and proxy versions",
    attempt: async () => {
      // Only the pods of namespaces a label injects are read.
      const labelled = (await reader.listNamespaces()).filter((n) => namespaceRevision(n.labels ?? {}, revisions).injected);
      const namespaces = await Promise.all(
        labelled.map(async (n) => {
          const name = n.name ?? "?";
          return { name, labels: n.labels ?? {}, pods: await reader.listPods(name) };
        }),
      );
      return checkNamespaceRevisions(namespaces, revisions);
    },
  };
}
