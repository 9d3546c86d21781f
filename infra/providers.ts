/**
 * One Kubernetes provider per cluster of the stack config.
 *
 * Every provider gets `context`, `clusterIdentifier` and a `kubeconfig`: the secret content from config when
 * given, else the path of the user's kubeconfig file. `kubernetes:strictMode` rejects a provider without both
 * (so nothing ever falls back to whatever cluster the ambient kubeconfig points at), and `clusterIdentifier`
 * keeps a changed kubeconfig (a rotated token, another laptop's path) from replacing every resource.
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
import { allRemotes, type ClusterRef, type MeshConfig } from "../package/config/model";

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
 * @param kubeconfigContent the secret `kubeconfig` config value, if the stack gives one
 */
export function createProviders(cfg: MeshConfig, kubeconfigContent: pulumi.Output<string> | undefined): ClusterProviders {
  const kubeconfig = kubeconfigContent ?? defaultKubeconfigPath();
  const providers = new Map<string, k8s.Provider>();
  for (const cluster of [cfg.external, ...allRemotes(cfg)]) {
    providers.set(cluster.name, new k8s.Provider(cluster.name, providerArgs(cluster, kubeconfig)));
  }
  return providers;
}

export function providerFor(providers: ClusterProviders, cluster: ClusterRef): k8s.Provider {
  const provider = providers.get(cluster.name);
  if (!provider) throw new Error(`no provider for cluster "${cluster.name}"`);
  return provider;
}
