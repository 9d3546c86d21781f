/**
 * `ClusterReader`s over the fake clusters of `kubeApi.ts`, in memory: for tests of the check planning, which is pure
 * and takes its readers as arguments. Every read is logged, so a test can tell which clusters a plan reads.
 */
import type {
  V1Deployment,
  V1MutatingWebhookConfiguration,
  V1Pod,
  V1ReplicaSet,
  V1Service,
  V1ValidatingWebhookConfiguration,
} from "@kubernetes/client-node";
import type { ClusterReader } from "../../../verify/kube/clusterReader";
import type { FakeCluster, KubeObject } from "./kubeApi";

export interface ReadLog {
  /** `<cluster> <what>`, one per read. */
  reads: string[];
}

const as = <T>(o: KubeObject | undefined): T | undefined => o as unknown as T | undefined;
const named = (objects: readonly KubeObject[], name: string, namespace?: string) =>
  objects.find((o) => o.metadata.name === name && o.metadata.namespace === namespace);

export function memoryReader(cluster: string, c: FakeCluster, log: ReadLog): ClusterReader {
  const read = <T>(what: string, value: () => T): Promise<T> => {
    log.reads.push(`${cluster} ${what}`);
    return Promise.resolve(value());
  };
  const inNamespace = (ns: string) => (o: KubeObject) => o.metadata.namespace === ns;
  return {
    context: `ctx-${cluster}`,
    checkAccess: () => read("access", () => undefined),
    listReplicaSets: (ns) => read(`replicasets ${ns}`, () => c.replicaSets.filter(inNamespace(ns)) as unknown as V1ReplicaSet[]),
    listPods: (ns) => read(`pods ${ns}`, () => c.pods.filter(inNamespace(ns)) as unknown as V1Pod[]),
    listNamespaces: () => read("namespaces", () => c.namespaces.map((n) => n.metadata)),
    readMutatingWebhookConfiguration: (name) =>
      read(`mutatingwebhookconfiguration ${name}`, () => as<V1MutatingWebhookConfiguration>(named(c.mutatingWebhookConfigurations, name))),
    listValidatingWebhookConfigurations: () =>
      read("validatingwebhookconfigurations", () => c.validatingWebhookConfigurations as unknown as V1ValidatingWebhookConfiguration[]),
    listSecretMetadata: (ns) => read(`secrets ${ns}`, () => c.secrets.filter(inNamespace(ns)).map((s) => s.metadata)),
    readDeployment: (ns, name) => read(`deployment ${ns}/${name}`, () => as<V1Deployment>(named(c.deployments, name, ns))),
    readService: (ns, name) => read(`service ${ns}/${name}`, () => as<V1Service>(named(c.services, name, ns))),
    getFromPod: (ns, pod, port, path) =>
      read(`pod ${ns}/${pod}:${port}${path}`, () => {
        const text = c.podProxy[`${ns}/${pod}:${port}/${path.replace(/^\//, "")}`];
        if (text === undefined) throw new Error(`pods "${pod}" not found`);
        return text;
      }),
  };
}

/** A reader per cluster of `clusters` named in `only` (all by default). */
export function memoryReaders(clusters: ReadonlyMap<string, FakeCluster>, log: ReadLog, only?: readonly string[]): Map<string, ClusterReader> {
  return new Map([...clusters].filter(([name]) => only === undefined || only.includes(name)).map(([name, c]) => [name, memoryReader(name, c, log)]));
}
