/**
 * Per remote cluster the stack owns: whether the API server could create the injected pods the stack deploys there
 * (the control plane namespace's gateways; the samples), from the ReplicaSets' `FailedCreate` conditions.
 */
import { allRemotes } from "../component/config/model";
import { workloadClusters } from "../component/config/workloads";
import type { Check } from "./check";
import { checkPodsCanBeCreated } from "./checks/podCreation";
import type { ClusterReader } from "./kube/clusterReader";
import * as names from "./names";
import { readerFor } from "./planParts";
import type { VerifyTarget } from "./stackOutputs";

function check(cluster: string, reader: ClusterReader, namespaces: readonly string[], address: string): Check {
  return {
    cluster,
    name: `pods can be created in ${namespaces.join(", ")}`,
    attempt: async () => {
      const replicaSets = (await Promise.all(namespaces.map((ns) => reader.listReplicaSets(ns)))).flat();
      return checkPodsCanBeCreated(replicaSets, { cluster, address });
    },
  };
}

export function podCreationChecks(target: VerifyTarget, readers: ReadonlyMap<string, ClusterReader>): Check[] {
  const address = target.outputs.EXTERNAL_ISTIOD_ADDR;
  if (target.kind === "admin") {
    return workloadClusters(target.config.document).map(({ cluster }) => {
      const namespace = target.outputs.remotes[cluster.name]?.namespace;
      const namespaces = [...(namespace ? [namespace] : []), ...(target.config.document.samples ? [names.SAMPLE_NAMESPACE] : [])];
      return check(cluster.name, readerFor(readers, cluster.name), namespaces, address);
    });
  }
  const cfg = target.config;
  // An operator stack deploys only the east-west gateways there; a whole mesh also the admins' gateways and samples.
  const samples = target.kind === "mesh" && cfg.samples;
  return allRemotes(cfg).map((remote) =>
    check(remote.name, readerFor(readers, remote.name), [cfg.namespace, ...(samples ? [names.SAMPLE_NAMESPACE] : [])], address),
  );
}
