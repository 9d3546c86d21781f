/**
 * The only way the checks see a cluster: reads, nothing else. The interface keeps the checks independent of the
 * client library and makes "never mutates a cluster" visible in one place.
 */
import type {
  V1Deployment,
  V1MutatingWebhookConfiguration,
  V1ObjectMeta,
  V1Pod,
  V1ReplicaSet,
  V1Service,
  V1ValidatingWebhookConfiguration,
} from "@kubernetes/client-node";

export interface ClusterReader {
  /** The kubeconfig context, for messages. */
  readonly context: string;
  /**
   * One authenticated request (API discovery): resolves when the API server answers this context's credentials,
   * throws saying why not (no route, refused, TLS, 401...). `npm run verify` asks it once per cluster first, so an
   * unreachable cluster is one failure, not one per check.
   */
  checkAccess(): Promise<void>;
  /** The ReplicaSets of a namespace: a pod the API server refused to create shows only there (`FailedCreate`). */
  listReplicaSets(namespace: string): Promise<V1ReplicaSet[]>;
  listPods(namespace: string): Promise<V1Pod[]>;
  /** Metadata only (names and labels): which revision each namespace is labelled for. */
  listNamespaces(): Promise<V1ObjectMeta[]>;
  /** undefined when it does not exist. */
  readMutatingWebhookConfiguration(name: string): Promise<V1MutatingWebhookConfiguration | undefined>;
  listValidatingWebhookConfigurations(): Promise<V1ValidatingWebhookConfiguration[]>;
  /** Metadata only: the data of Secrets is never kept. */
  listSecretMetadata(namespace: string): Promise<V1ObjectMeta[]>;
  readDeployment(namespace: string, name: string): Promise<V1Deployment | undefined>;
  readService(namespace: string, name: string): Promise<V1Service | undefined>;
  /**
   * A GET on a pod's port through the API server's proxy (`pods/proxy`): what istiod says about itself on its
   * monitoring port. The body as text.
   */
  getFromPod(namespace: string, pod: string, port: number, path: string): Promise<string>;
}
