/**
 * The render's human formats: `tree` (clusters -> components -> resources with their key values, Helm releases
 * with the values they are given, then the outputs)
 * and `yaml` (one multi-document stream, cluster by cluster, or one per cluster: Kubernetes objects as manifests,
 * Helm releases as their chart, version, namespace and values).
 */
import { stringify } from "yaml";
import { K8S_PROVIDER_TYPE, UNKNOWN, type Rendered, type RenderedResource } from "./model";

const COMPONENT_PREFIX = "istio-mesh:index:";
/**
 * The public components that span clusters (`MESH_TYPE`, `CONTROL_PLANE_TYPE`, `WORKLOADS_TYPE` of `component/`): the
 * whole mesh, the operator's and an admin's part. Formats read a render, not the program.
 */
const SPANNING_TYPES = new Set(["ExternalControlPlaneMesh", "ExternalControlPlane", "MeshWorkloads"].map((c) => `${COMPONENT_PREFIX}${c}`));
const RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

const str = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Kubernetes kind from a resource type token: `kubernetes:core/v1:Secret` -> `Secret`. */
const kindOf = (type: string): string => type.slice(type.lastIndexOf(":") + 1);

/** One line of key values for a resource. */
export function summary(r: RenderedResource): string {
  const i = r.inputs;
  if (r.type === RELEASE_TYPE) {
    return `helm release ${str(i.name)}: chart ${str(i.chart)} ${str(i.version)} in ${str(i.namespace)}`;
  }
  if (r.type === K8S_PROVIDER_TYPE) return `provider: context ${str(i.context)}`;
  if (r.type.startsWith("kubernetes:")) {
    const meta = isObject(i.metadata) ? i.metadata : {};
    // A generated name is known only after deploy: show the Pulumi name instead.
    const objectName = meta.name === UNKNOWN ? `<${r.name}: name generated at deploy>` : str(meta.name);
    const where = meta.namespace !== undefined ? `${str(meta.namespace)}/${objectName}` : objectName;
    const read = r.inputs.metadata === undefined && Object.keys(r.inputs).length === 0 ? " (read from the cluster, not managed)" : "";
    return `${kindOf(r.type)} ${meta.name === undefined ? r.name : where}${read}`;
  }
  if (r.type.startsWith(COMPONENT_PREFIX)) return `${r.type.slice(COMPONENT_PREFIX.length)} ${r.name}`;
  return `${r.type} ${r.name}`;
}

/** A release's values as `path: value` lines, lists in flow style: what the chart is given, at a glance. */
function valueLines(values: unknown, prefix = ""): string[] {
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    return [`${prefix}: ${typeof values === "string" && values !== "" ? values : JSON.stringify(values)}`];
  }
  const entries = Object.entries(values);
  if (entries.length === 0) return prefix ? [`${prefix}: {}`] : [];
  return entries.flatMap(([k, v]) => valueLines(v, prefix ? `${prefix}.${k}` : k));
}

export function formatTree(rendered: Rendered): string {
  // A component that spans clusters (the mesh, the operator's or an admin's part) heads the tree, and its children
  // are grouped by cluster like resources at the stack's root.
  const meshes = rendered.resources.filter((r) => SPANNING_TYPES.has(r.type));
  const meshUrns = new Set(meshes.map((r) => r.urn));
  const lines: string[] = [`${rendered.project} / ${rendered.stack}`, ...meshes.map((m) => `${summary(m)}: its clusters below`)];
  const children = new Map<string | null, RenderedResource[]>();
  for (const r of rendered.resources) {
    if (meshUrns.has(r.urn)) continue;
    const parent = r.parent !== null && meshUrns.has(r.parent) ? null : r.parent;
    const list = children.get(parent) ?? [];
    list.push(r);
    children.set(parent, list);
  }
  const walk = (r: RenderedResource, depth: number, cluster: string | null) => {
    const elsewhere = r.cluster !== null && r.cluster !== cluster ? `  [cluster ${r.cluster}]` : "";
    const flags = [r.options.protect ? "protected" : "", r.options.retainOnDelete ? "retained on delete" : ""].filter(Boolean);
    lines.push(`${"  ".repeat(depth)}${summary(r)}${elsewhere}${flags.length ? `  (${flags.join(", ")})` : ""}`);
    if (r.type === RELEASE_TYPE) for (const v of valueLines(r.inputs.values ?? {})) lines.push(`${"  ".repeat(depth + 2)}${v}`);
    for (const c of children.get(r.urn) ?? []) walk(c, depth + 1, r.cluster ?? cluster);
  };
  const roots = children.get(null) ?? [];
  const clusters = [...new Set(roots.filter((r) => r.type === K8S_PROVIDER_TYPE).map((r) => r.cluster))];
  for (const cluster of clusters) {
    lines.push("", `cluster ${cluster}`);
    for (const r of roots.filter((x) => x.cluster === cluster)) walk(r, 1, cluster);
  }
  const spanning = roots.filter((r) => r.cluster === null);
  if (spanning.length > 0) {
    lines.push("", "spanning clusters");
    for (const r of spanning) walk(r, 1, null);
  }
  lines.push("", "outputs");
  for (const line of stringify(rendered.outputs).trimEnd().split("\n")) lines.push(`  ${line}`);
  return `${lines.join("\n")}\n`;
}

/** A cluster's objects as YAML documents; `null` for what is not a cluster object (providers, reads, components). */
function document(r: RenderedResource): Record<string, unknown> | null {
  if (!r.type.startsWith("kubernetes:") || Object.keys(r.inputs).length === 0) return null;
  if (r.type === RELEASE_TYPE) {
    const i = r.inputs;
    const repo = isObject(i.repositoryOpts) ? i.repositoryOpts.repo : undefined;
    return {
      helmRelease: {
        name: i.name,
        chart: i.chart,
        version: i.version,
        ...(repo !== undefined ? { repository: repo } : {}),
        namespace: i.namespace,
        values: i.values ?? {},
      },
    };
  }
  return r.inputs;
}

/** Multi-document YAML per cluster (`cluster name -> text`), for one file per cluster. */
export function formatYamlByCluster(rendered: Rendered): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of rendered.resources) {
    const doc = r.cluster === null ? null : document(r);
    if (doc === null || r.cluster === null) continue;
    const text = `# ${r.urn}\n${stringify(doc, { lineWidth: 0 })}`;
    out.set(r.cluster, out.has(r.cluster) ? `${out.get(r.cluster)}---\n${text}` : text);
  }
  return out;
}

/**
 * The whole render as one multi-document YAML stream, cluster by cluster: each cluster's documents after a comment
 * naming it, every document separated by `---`, so that `--format yaml | kubectl ...` or any YAML reader takes it.
 */
export function formatYamlStream(rendered: Rendered): string {
  return [...formatYamlByCluster(rendered)].map(([cluster, text]) => `# ===== cluster ${cluster} =====\n${text}`).join("---\n");
}
