/**
 * Generated stack files for meshes of any size: for tests ("20 further remotes") and the benchmark.
 * The clusters alternate between networks; everything else follows the shipped stacks.
 */
import { stringify } from "yaml";

export interface TopologySpec {
  /** Remote clusters in all, the config cluster included (so at least 1). */
  remoteClusters: number;
  /** Networks the remotes are spread over, round robin (default 2). */
  networks?: number;
  mode?: "hostname" | "loadBalancer";
  samples?: boolean;
  protect?: boolean;
  istioVersion?: string;
}

const remoteName = (i: number) => (i === 0 ? "config" : `remote-${String(i).padStart(3, "0")}`);

/** The `config:` block of a stack file for the topology. */
export function topologyConfig(spec: TopologySpec): Record<string, unknown> {
  if (spec.remoteClusters < 1) throw new Error("a mesh needs at least the config cluster");
  const networks = spec.networks ?? 2;
  const mode = spec.mode ?? "hostname";
  const remote = (i: number) => ({
    name: remoteName(i),
    context: `ctx-${remoteName(i)}`,
    apiServer: `https://api.${remoteName(i)}.clusters.example.com:6443`,
    network: `network${(i % networks) + 1}`,
    gateways: { ingress: i === 0, egress: false },
  });
  return {
    "kubernetes:strictMode": "true",
    "istio-mesh:istio": { version: spec.istioVersion ?? "1.28.10" },
    "istio-mesh:mesh": { id: "mesh1", controlPlaneNamespace: "external-istiod" },
    "istio-mesh:clusters": {
      external: { name: "external", context: "ctx-external" },
      config: remote(0),
      remotes: Array.from({ length: spec.remoteClusters - 1 }, (_, i) => remote(i + 1)),
    },
    "istio-mesh:exposure":
      mode === "hostname"
        ? { mode, hostname: "istiod.mesh.example.com", tls: { secretName: "istiod-tls" } }
        : { mode },
    "istio-mesh:samples": spec.samples ?? false,
    "istio-mesh:protect": spec.protect ?? false,
  };
}

/** The topology as stack-file text. */
export function topologyStackYaml(spec: TopologySpec): string {
  return stringify({ config: topologyConfig(spec) });
}
