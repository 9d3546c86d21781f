/**
 * How the rest of the mesh reaches each revision of the external istiod (issue 24, docs/canary.md): the address its
 * proxies dial and the one its webhooks call, per exposure mode; the tags and revisions as the remote clusters' releases
 * take them; the revisions as the components output them; and the check that a canary sharing the stable hostname's
 * created certificate is covered by it.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ControlPlaneRevision, Deferrable, MeshConfig as ModelConfig } from "./config/model";
import { DEFAULT_REVISION } from "./config/revisions";
import { certificateCovers, uncoveredCanaryMessage } from "./components/certificateCoverage";
import { istiodServiceHost } from "./components/revisionObjects";
import type { RemoteRevision, RemoteRevisionTag } from "./components/revisionResources";
import { RevisionRole, type ControlPlaneRevisionInfo } from "./meshArgs";

type MeshConfig = ModelConfig<Deferrable>;

/** The running external istiods, as the components output them. */
export function revisionInfo(cfg: MeshConfig, gatewayAddress: pulumi.Output<string>): Record<string, ControlPlaneRevisionInfo> {
  return Object.fromEntries(
    cfg.revisions.map((r) => [
      r.name,
      {
        version: r.chart.version,
        role: r.role === "canary" ? RevisionRole.Canary : RevisionRole.Stable,
        isDefault: r.name === cfg.defaultRevision,
        address: pulumi.output(proxyAddress(cfg, r, gatewayAddress)),
      },
    ]),
  );
}

/**
 * The certificate the mesh creates for the hostname, failing (before the Secret is written) when a canary that shares
 * its Secret is not covered by it.
 */
export function coveringSharers(cfg: MeshConfig, certificate: pulumi.Output<string> | undefined): pulumi.Output<string> | undefined {
  if (!certificate || cfg.exposure.mode !== "hostname") return certificate;
  const secretName = cfg.exposure.tls.secretName;
  const sharers = cfg.revisions.filter((r) => r.role === "canary" && r.hostname && r.hostname.tlsSecretName === secretName);
  if (sharers.length === 0) return certificate;
  return pulumi.all([certificate, pulumi.all(sharers.map((r) => r.hostname!.name)), secretName]).apply(([pem, hosts, name]) => {
    for (const host of hosts) if (!certificateCovers(pem, host)) throw new Error(uncoveredCanaryMessage(host, name));
    return pem;
  });
}

/** A revision's address: where its proxies dial (`discoveryAddress`, `caAddress`), per exposure mode. */
export function proxyAddress(cfg: MeshConfig, revision: ControlPlaneRevision<Deferrable>, gatewayAddress: pulumi.Output<string>): pulumi.Input<string> {
  if (revision.hostname) return revision.hostname.name;
  // loadBalancer mode: a revision by its Service's name (its SNI at the gateway); never the IP, which carries no SNI
  // and lands on the catch-all (`externalIstiodRouting.ts`).
  return revision.name === DEFAULT_REVISION ? gatewayAddress : istiodServiceHost(cfg.namespace, revision.name);
}

/**
 * Where a revision's webhooks call it: its DNS name (hostname mode) or, through its Service's endpoints, the gateway's
 * IP. Promotion changes only values of existing releases (the default webhooks' URL, `base`'s `defaultRevision`), which
 * Helm upgrades in place: pulumi-kubernetes replaces a Release only when its name or namespace changes
 * (`provider/pkg/provider/helm_release.go`, `forceNewFields`).
 */
export function webhookAddress(revision: ControlPlaneRevision<Deferrable>, gatewayAddress: pulumi.Output<string>): pulumi.Input<string> {
  return revision.hostname ? revision.hostname.name : gatewayAddress;
}

/** A value known only once later parts of the mesh are built (a tag's revision, for a cluster built before it). */
export function later<T>(): { output: pulumi.Output<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { output: pulumi.output(promise) as pulumi.Output<T>, resolve };
}

/** The revision tags, as a cluster's webhooks reach their revisions. */
export function tagsOf(cfg: MeshConfig, gatewayAddress: pulumi.Output<string>, ready: (revision: string) => pulumi.Input<pulumi.Resource[]>): RemoteRevisionTag[] {
  return Object.entries(cfg.revisionTags).map(([tag, revision]) => ({
    tag,
    revision,
    address: webhookAddress(revisionNamed(cfg, revision), gatewayAddress),
    ready: ready(revision),
  }));
}

export function revisionNamed(cfg: MeshConfig, name: string): ControlPlaneRevision<Deferrable> {
  const revision = cfg.revisions.find((r) => r.name === name);
  if (!revision) throw new Error(`no running revision "${name}"`);
  return revision;
}

/** The revisions other than the unrevisioned one, as a remote cluster's releases take them. */
export function remoteRevisions(cfg: MeshConfig, gatewayAddress: pulumi.Output<string>, ready: (revision: string) => pulumi.Input<pulumi.Resource[]>): RemoteRevision[] {
  return cfg.revisions
    .filter((r) => r.name !== DEFAULT_REVISION)
    .map((r) => ({ name: r.name, chart: r.chart, address: webhookAddress(r, gatewayAddress), ready: ready(r.name) }));
}
