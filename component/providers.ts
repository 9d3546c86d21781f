/**
 * One Kubernetes provider per cluster of the mesh.
 *
 * Every provider gets `context`, `clusterIdentifier` and a `kubeconfig`: the cluster's kubeconfig content (a
 * secret) when given, else the path of the kubeconfig file of the machine running Pulumi. `kubernetes:strictMode`
 * rejects a provider without both (so nothing ever falls back to whatever cluster the ambient kubeconfig points at),
 * and `clusterIdentifier` keeps a changed kubeconfig (a rotated token, another laptop's path) from replacing every
 * resource.
 *
 * `enableSecretMutable` makes a change of a Secret's content an in-place update. By default pulumi-kubernetes
 * treats `.data`/`.stringData` of a Secret as replace-only (`provider/pkg/provider/diff.go` `forceNewProperties`:
 * `if clients.IsSecret(obj) && (!k.enableSecretMutable || ...)`), and for our fixed-name Secrets
 * (`istio-kubeconfig`, `istio-remote-secret-<name>`, the gateway's TLS Secret, `cacerts`) a replacement is
 * delete-then-create (`provider.go` `Diff`: `deleteBeforeReplace := len(replaces) > 0 && metadata.IsNamed(...)`).
 * The external istiod would see the remote secret deleted and drop that cluster's endpoints mesh-wide until it is
 * back (review: shared/reference/day2-review.md #1). Turning it on for an existing stack is a provider update, not
 * a replacement: `DiffConfig` replaces only on `renderYamlToDirectory` or a change of the active cluster.
 */
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { allRemotes, type ClusterRef, type Deferrable, type MeshConfig } from "./config/model";
import type { Placement } from "./mesh";

/** What kubectl reads: the first entry of `KUBECONFIG`, else `~/.kube/config`. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const first = (env.KUBECONFIG ?? "").split(path.delimiter).find((p) => p.length > 0);
  return first ?? path.join(home, ".kube", "config");
}

export function providerArgs(cluster: ClusterRef, kubeconfig: pulumi.Input<string>): k8s.ProviderArgs {
  return { kubeconfig, context: cluster.context, clusterIdentifier: cluster.name, enableSecretMutable: true };
}

export type ClusterProviders = ReadonlyMap<string, k8s.Provider>;

/**
 * A cluster's provider, named after the cluster (a provider's URN is part of every resource's identity).
 * @param content the cluster's kubeconfig content, if given; it is taken as a secret
 */
export function clusterProvider(cluster: ClusterRef, content: pulumi.Input<string> | undefined, placement: Placement): k8s.Provider {
  const kubeconfig = content === undefined ? defaultKubeconfigPath() : pulumi.secret(content);
  return new k8s.Provider(cluster.name, providerArgs(cluster, kubeconfig), placement);
}

/**
 * The providers, each named after its cluster (a provider's URN is part of every resource's identity).
 * @param kubeconfigOf a cluster's kubeconfig content, if given; it is taken as a secret
 */
export function createProviders(
  cfg: MeshConfig<Deferrable>,
  kubeconfigOf: (cluster: string) => pulumi.Input<string> | undefined,
  placement: Placement,
): ClusterProviders {
  const providers = new Map<string, k8s.Provider>();
  for (const cluster of [cfg.external, ...allRemotes(cfg)]) providers.set(cluster.name, clusterProvider(cluster, kubeconfigOf(cluster.name), placement));
  return providers;
}

export function providerFor(providers: ClusterProviders, cluster: ClusterRef): k8s.Provider {
  const provider = providers.get(cluster.name);
  if (!provider) throw new Error(`no provider for cluster "${cluster.name}"`);
  return provider;
}
