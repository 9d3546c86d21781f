/**
 * With `istio.hub`: per cluster a stack owns, every pod of the namespaces the stack deploys runs images from the hub
 * (the external cluster's `istio-system` and control plane namespace; each remote's control plane namespace, and
 * `sample` with samples on). Nothing without a hub.
 */
import { allRemotes } from "../component/config/model";
import { workloadClusters } from "../component/config/workloads";
import type { Check } from "./check";
import { checkImagesFromHub } from "./checks/images";
import type { ClusterReader } from "./kube/clusterReader";
import * as names from "./names";
import { readerFor } from "./planParts";
import type { VerifyTarget } from "./stackOutputs";

function check(cluster: string, reader: ClusterReader, namespaces: readonly string[], hub: string): Check {
  return {
    cluster,
    name: `images from ${hub} in ${namespaces.join(", ")}`,
    attempt: async () => checkImagesFromHub((await Promise.all(namespaces.map((ns) => reader.listPods(ns)))).flat(), hub),
  };
}

export function imageChecks(target: VerifyTarget, readers: ReadonlyMap<string, ClusterReader>): Check[] {
  const hub = target.config.document.istio.hub;
  // A hub given as a plain string in the stack file (the component's Outputs never reach verify).
  if (typeof hub !== "string") return [];
  if (target.kind === "admin") {
    return workloadClusters(target.config.document).flatMap(({ cluster }) => {
      const namespace = target.outputs.remotes[cluster.name]?.namespace;
      const namespaces = [...(namespace ? [namespace] : []), ...(target.config.document.samples ? [names.SAMPLE_NAMESPACE] : [])];
      return namespaces.length > 0 ? [check(cluster.name, readerFor(readers, cluster.name), namespaces, hub)] : [];
    });
  }
  const cfg = target.config;
  const samples = target.kind === "mesh" && cfg.samples;
  return [
    check(cfg.external.name, readerFor(readers, cfg.external.name), [names.ISTIO_SYSTEM, cfg.namespace], hub),
    ...allRemotes(cfg).map((remote) => check(remote.name, readerFor(readers, remote.name), [cfg.namespace, ...(samples ? [names.SAMPLE_NAMESPACE] : [])], hub)),
  ];
}
