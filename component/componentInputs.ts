/**
 * What the public components take from their arguments besides the validated settings: each cluster's
 * kubeconfig and the TLS material, both as secrets, and where their resources go.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Deferrable, MeshConfig } from "./config/model";
import type { MeshSecrets, Placement } from "./mesh";
import type { ExposureTls } from "./meshArgs";

interface ClusterCredentials {
  name: string;
  kubeconfig?: pulumi.Input<string>;
}

/** Each cluster's kubeconfig content by cluster name (unset: the machine's kubeconfig file). */
export function kubeconfigsByCluster(clusters: readonly ClusterCredentials[]): (cluster: string) => pulumi.Input<string> | undefined {
  const kubeconfigs = new Map(clusters.map((c) => [c.name, c.kubeconfig]));
  return (cluster) => kubeconfigs.get(cluster);
}

/** The TLS material of `exposure.tls`, as secrets, when the mesh creates the hostname's Secret. */
export function tlsSecrets(cfg: MeshConfig<Deferrable>, tls: ExposureTls | undefined): MeshSecrets {
  const given = cfg.exposure.mode === "hostname" && cfg.exposure.tls.create ? tls : undefined;
  return {
    ...(given?.certificate !== undefined ? { tlsCertificate: pulumi.secret(given.certificate) } : {}),
    ...(given?.privateKey !== undefined ? { tlsKey: pulumi.secret(given.privateKey) } : {}),
  };
}

/** The registry's pull Secret content (`istio.registryCredentials`), as a secret, when given. */
export function registrySecrets(credentials: pulumi.Input<string> | undefined): MeshSecrets {
  return credentials !== undefined ? { registryCredentials: pulumi.secret(credentials) } : {};
}

/** Under `component`; with `adoptRootLevelResources`, aliased to the URNs the resources had at the stack's root. */
export function placementUnder(component: pulumi.ComponentResource, adoptRootLevelResources: boolean | undefined): Placement {
  return { parent: component, ...(adoptRootLevelResources ? { aliases: [{ parent: pulumi.rootStackResource }] } : {}) };
}
