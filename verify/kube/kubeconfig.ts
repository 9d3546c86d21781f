/**
 * One KubeConfig per cluster. A client made by `makeApiClient` authenticates with the KubeConfig's *current*
 * context at request time, so clusters must not share one KubeConfig whose context is switched.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { UsageError } from "../usageError";

/** Where kubeconfig comes from: the user's (KUBECONFIG, else ~/.kube/config), or one file. */
export interface KubeconfigSource {
  file?: string;
}

function load(source: KubeconfigSource): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (source.file !== undefined) kc.loadFromFile(source.file);
    else kc.loadFromDefault();
  } catch (err) {
    throw new UsageError(`cannot read kubeconfig${source.file ? ` ${source.file}` : ""}: ${(err as Error).message}`);
  }
  return kc;
}

/** @throws UsageError when the context is not in the kubeconfig */
export function kubeConfigFor(context: string, source: KubeconfigSource): KubeConfig {
  const kc = load(source);
  if (!kc.getContexts().some((c) => c.name === context)) {
    const where = source.file ?? "your kubeconfig (KUBECONFIG or ~/.kube/config)";
    throw new UsageError(`context "${context}" is not in ${where}; the stack config names each cluster by its kubeconfig context`);
  }
  kc.setCurrentContext(context);
  return kc;
}
