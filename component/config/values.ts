/**
 * `istio.values`: chart values the program does not own, merged into its releases (the external istiod's, the mesh
 * gateways', the control plane gateway's). Every key path is checked against the value keys of the chart version it
 * goes into (the package's chart data, `chartData.ts`), and keys the program sets itself are refused: a value Helm
 * does not know is silently ignored, and one the program sets would be silently overridden (or break the topology).
 * Pure: no Pulumi runtime.
 */
import { chartDataFor, type ChartKeys, type ShippedChartData } from "./chartData";
import { editDistance } from "./editDistance";
import { schemaViolations } from "./gatewaySchema";
import type { Problem } from "./problems";

/** Free-form chart values (the schema's Any): plain data. */
export type ValuesMap = Record<string, unknown>;

/** The three places of `istio.values`. */
export interface IstioValues {
  /** Merged into the external istiod's release (`istiod` chart, `istio.version`). */
  controlPlane: ValuesMap;
  /** Merged into every mesh gateway release: ingress, egress, east-west (`gateway` chart, each cluster's version). */
  gateways: ValuesMap;
  /** Merged into the control plane gateway's release in the external cluster (`gateway` chart, `istio.version`). */
  controlPlaneGateway: ValuesMap;
}

export const VALUES_KEYS = ["controlPlane", "gateways", "controlPlaneGateway"] as const;
export type ValuesKey = (typeof VALUES_KEYS)[number];

/** A key the program sets, and why a user may not. */
interface Owned {
  path: readonly string[];
  why: string;
}

const owned = (path: string, why: string): Owned => ({ path: path.split("."), why });
const annotation = (at: string, key: string, why: string): Owned => ({ path: [...at.split("."), key], why });

const WRAPPERS: Owned[] = [
  owned("_internal_defaults_do_not_set", "it is the chart's own wrapper of its defaults (set the keys themselves)"),
  owned("defaults", "it is the chart's old wrapper of its defaults, which the chart refuses (set the keys themselves)"),
];

/** The external istiod's keys (`externalIstiodValues`): each decides how it serves the remote clusters. */
const CONTROL_PLANE_OWNED: Owned[] = [
  ...WRAPPERS,
  owned("pilot", "it is the legacy prefix of the chart's keys, copied over them (write the key without it)"),
  owned("profile", "the external istiod runs the default profile (the remote clusters run profile remote)"),
  owned("revision", "each external istiod's revision is the program's: istio.revision, or the canary's (istio.canary.version)"),
  owned("revisionTags", "the tags are the program's own webhook configurations on every remote cluster: set istio.revisionTags instead"),
  owned("global.externalIstiod", "the external istiod serves remote clusters from outside them"),
  owned("global.caAddress", "it is the control plane address, port 15012"),
  owned("global.istioNamespace", "it is mesh.controlPlaneNamespace"),
  owned("global.operatorManageWebhooks", "the remote clusters own the webhooks; the external istiod must not create its own"),
  owned("global.configValidation", "validation runs through the config cluster's webhooks"),
  owned("global.configCluster", "the config cluster's release sets it, not the external istiod's"),
  owned("global.remotePilotAddress", "the remote clusters' releases set it in loadBalancer mode"),
  owned("global.omitSidecarInjectorConfigMap", "the external istiod's injector ConfigMap is the injection template of every remote cluster"),
  owned("global.meshID", "it is mesh.id"),
  owned("global.multiCluster.clusterName", "it is the config cluster's name (istiod's CLUSTER_ID)"),
  owned("global.network", "it is the config cluster's network"),
  owned("global.resourceScope", "the external istiod's RBAC is scoped to its namespace"),
  owned("global.hub", "set istio.hub instead"),
  owned("global.imagePullSecrets", "set istio.imagePullSecrets instead"),
  owned("istiodRemote", "it belongs to the remote clusters' profile; the external istiod runs the Deployment"),
  owned("configMap", "the external istiod reads its own mesh ConfigMap, mounted by the program"),
  owned("meshConfig.rootNamespace", "it is mesh.controlPlaneNamespace"),
  owned("meshConfig.defaultConfig.discoveryAddress", "it is the control plane address, port 15012, that every proxy connects to"),
  annotation("meshConfig.defaultConfig.proxyMetadata", "XDS_ROOT_CA", "proxies verify the control plane's certificate with it (hostname mode)"),
  annotation("meshConfig.defaultConfig.proxyMetadata", "CA_ROOT_CA", "proxies verify the control plane's certificate with it (hostname mode)"),
  annotation("env", "INJECTION_WEBHOOK_CONFIG_NAME", "it names the remote webhook the external istiod patches (none in hostname mode)"),
  annotation("env", "VALIDATION_WEBHOOK_CONFIG_NAME", "it names the remote webhook the external istiod patches (none in hostname mode)"),
  annotation("env", "LOCAL_CLUSTER_SECRET_WATCHER", "it makes the external istiod read the remote secrets in its own cluster"),
  annotation("env", "SHARED_MESH_CONFIG", "it merges the config cluster's mesh ConfigMap into the external istiod's"),
  annotation("env", "EXTERNAL_ISTIOD", "it follows global.externalIstiod"),
  annotation("env", "CLUSTER_ID", "it is the config cluster's name, which the chart sets from global.multiCluster.clusterName"),
  annotation("env", "KUBECONFIG", "it is the config cluster's kubeconfig, mounted from istio-kubeconfig"),
  owned("volumes", "they mount the revision's ConfigMaps istio and istio-sidecar-injector, which a list here would replace"),
  owned("volumeMounts", "they mount the revision's ConfigMaps istio and istio-sidecar-injector, which a list here would replace"),
  annotation("podAnnotations", "istio-mesh.io/istio-kubeconfig-sha256", "it restarts istiod when the config cluster's credentials change"),
];

const GATEWAY_OWNED_COMMON: Owned[] = [
  ...WRAPPERS,
  owned("name", "it is the release name, from which the chart names the Service and the selector labels"),
  owned("revision", "the gateways are injected by istio.defaultRevision through the default webhooks, and move with it"),
  owned("imagePullSecrets", "set istio.imagePullSecrets instead"),
  annotation("labels", "app", "it is the label the program's Gateways select the gateway by"),
  annotation("labels", "istio", "it is the label the program's Gateways select the gateway by"),
  annotation("labels", "topology.istio.io/network", "the chart sets it from networkGateway"),
];

/** Every mesh gateway's keys (`meshGateways.ts`, `eastWestGateway.ts`). */
const GATEWAYS_OWNED: Owned[] = [
  ...GATEWAY_OWNED_COMMON,
  owned("networkGateway", "it is the east-west gateway's network"),
  owned("networkGatewayPorts", "they are the east-west gateway's ports, which the other networks connect to"),
  owned("service.type", "the egress gateway is ClusterIP, the ingress and east-west gateways are LoadBalancers whose address the program reads"),
  owned("service.ports", "a list here would replace the ports of every gateway alike (the east-west gateway's 15443, the ingress gateway's 80 and 443)"),
];

/** The control plane gateway's keys (`controlPlaneGateway.ts`). */
const CONTROL_PLANE_GATEWAY_OWNED: Owned[] = [
  ...GATEWAY_OWNED_COMMON,
  owned("service.type", "it is a LoadBalancer whose address the program reads"),
  owned("service.ports", "they are 15021, 15012 and 15017, which the remote clusters connect to"),
  owned("networkGateway", "the control plane gateway is not a network gateway"),
];

interface Target {
  chart: "istiod" | "gateway";
  release: string;
  owned: readonly Owned[];
}

const TARGETS: Record<ValuesKey, Target> = {
  controlPlane: { chart: "istiod", release: "the external istiod", owned: CONTROL_PLANE_OWNED },
  gateways: { chart: "gateway", release: "the mesh gateways", owned: GATEWAYS_OWNED },
  controlPlaneGateway: { chart: "gateway", release: "the control plane gateway", owned: CONTROL_PLANE_GATEWAY_OWNED },
};

const isMap = (v: unknown): v is ValuesMap => typeof v === "object" && v !== null && !Array.isArray(v);

/** Leaf paths as segment lists: lists, scalars and empty maps are leaves. */
function leaves(value: ValuesMap, at: string[] = []): string[][] {
  return Object.entries(value).flatMap(([k, v]) => (isMap(v) && Object.keys(v).length > 0 ? leaves(v, [...at, k]) : [[...at, k]]));
}

const startsWith = (path: readonly string[], prefix: readonly string[]): boolean => prefix.length <= path.length && prefix.every((s, i) => path[i] === s);

/** Whether a chart knows a key path: listed, read by a template, or under a free-form or wholly read map. */
export function chartKnows(keys: ChartKeys, path: readonly string[]): boolean {
  const joined = path.join(".");
  if (keys.valuesPaths.includes(joined) || keys.templateRefs.includes(joined)) return true;
  const open = [...keys.freeForm, ...keys.readWhole];
  for (let i = 1; i < path.length; i++) if (open.includes(path.slice(0, i).join("."))) return true;
  return false;
}

/** The first unknown segment of a path, and the keys known at that place (for "did you mean"). */
function firstUnknown(keys: ChartKeys, path: readonly string[]): { index: number; known: string[] } {
  const all = [...keys.valuesPaths, ...keys.templateRefs];
  for (let i = 0; i < path.length; i++) {
    const prefix = path.slice(0, i + 1).join(".");
    if (!all.some((p) => p === prefix || p.startsWith(`${prefix}.`))) {
      const parent = path.slice(0, i).join(".");
      const known = [
        ...new Set(all.filter((p) => (parent === "" ? true : p.startsWith(`${parent}.`))).map((p) => p.split(".")[i]!)),
      ].filter((k) => k !== "_internal_defaults_do_not_set" && k !== "defaults");
      return { index: i, known };
    }
  }
  return { index: path.length - 1, known: [] };
}

function closest(key: string, known: readonly string[]): string | undefined {
  return known
    .map((k) => ({ k, d: editDistance(key, k) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(key.length / 3)))
    .sort((x, y) => x.d - y.d)[0]?.k;
}

/** Where each place's values go: the chart versions of its releases. */
export interface ValuesVersions {
  /** `istio.version`: the external istiod and the control plane gateway. */
  controlPlane: string;
  /** `istio.canary.version`: the canary's external istiod takes `istio.values.controlPlane` too. */
  canary?: string;
  /** Each version the mesh gateways run at (the remote clusters' chart versions). */
  gateways: readonly string[];
}

export interface ValuesValidation {
  problems: Problem[];
  /** Things worth saying that are not problems (a patch release checked against its minor's data). */
  notes: string[];
}

const PREFIX = "istio.values";

/** A problem before its chart is named: the same mistake against several versions is reported once, naming them all. */
interface Finding {
  path: string;
  message: (chart: string) => string;
  /** Identifies the mistake across versions. */
  key: string;
}

/** The findings of one place's values against one chart version's data. */
function findingsAgainst(values: ValuesMap, key: ValuesKey, data: ShippedChartData): Finding[] {
  const target = TARGETS[key];
  const keys = target.chart === "istiod" ? data.istiod : data.gateway;
  const out: Finding[] = [];
  const at = (path: readonly (string | number)[]) => [PREFIX, key, ...path].join(".");
  const refusedPaths: string[][] = [];
  for (const path of leaves(values)) {
    const own = target.owned.find((o) => startsWith(path, o.path));
    if (own) {
      refusedPaths.push(path);
      out.push({ path: at(own.path), key: "owned", message: (chart) => `is owned by the program in ${target.release} (${chart}): ${own.why}; remove it` });
      continue;
    }
    if (!chartKnows(keys, path)) {
      refusedPaths.push(path);
      const { index, known } = firstUnknown(keys, path);
      const hint = closest(path[index]!, known);
      out.push({
        path: at(path.slice(0, index + 1)),
        key: `unknown ${hint ?? ""}`,
        message: (chart) => `unknown key of ${chart}${hint ? ` (did you mean "${hint}"?)` : ""}: Helm would ignore it`,
      });
    }
  }
  if (target.chart === "gateway") {
    const { $schema: _ignored, ...schema } = data.gateway.schema;
    for (const v of schemaViolations(values, schema)) {
      const segs = v.path.split(".");
      // A key already refused above is not reported twice.
      if (refusedPaths.some((p) => startsWith(segs, p) || startsWith(p, segs))) continue;
      out.push({ path: at(segs.filter(Boolean)), key: `schema ${v.message}`, message: (chart) => `${v.message} (the values schema of ${chart})` });
    }
  }
  return out;
}

/**
 * Values that are not plain data (an Output or a resource from a program, which the schema's Any lets through):
 * they cannot be checked against the chart's keys, nor merged key by key.
 */
function notPlainData(value: unknown, at: string): Problem[] {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => notPlainData(v, `${at}[${i}]`));
  if (typeof value === "object" && isPlain(value)) return Object.entries(value).flatMap(([k, v]) => notPlainData(v, `${at}.${k}`));
  return [{ path: at, message: "must be plain data known when the program runs (strings, numbers, booleans, lists, mappings): it is checked against the chart's keys before anything is deployed" }];
}

/** Checks `istio.values` (as parsed: each place a mapping) against the chart versions its places go into. */
export function validateIstioValues(values: Partial<IstioValues>, versions: ValuesVersions): ValuesValidation {
  const opaque = VALUES_KEYS.flatMap((key) => notPlainData(values[key] ?? {}, `${PREFIX}.${key}`));
  if (opaque.length > 0) return { problems: opaque, notes: [] };
  const problems: Problem[] = [];
  const notes = new Set<string>();
  const places: [ValuesKey, readonly string[]][] = [
    ["controlPlane", versions.canary !== undefined ? [versions.controlPlane, versions.canary] : [versions.controlPlane]],
    ["gateways", versions.gateways],
    ["controlPlaneGateway", [versions.controlPlane]],
  ];
  for (const [key, chartVersions] of places) {
    const given = values[key];
    if (!given || Object.keys(given).length === 0) continue;
    const chart = TARGETS[key].chart;
    // path + mistake -> the finding and every version it is found in, in order of first appearance.
    const found = new Map<string, { finding: Finding; versions: string[] }>();
    for (const version of [...new Set(chartVersions)].sort()) {
      const lookup = chartDataFor(version);
      if (!lookup.found) {
        problems.push({
          path: `${PREFIX}.${key}`,
          message: `cannot be checked for Istio ${version}: this package has the ${chart} chart's value keys of ${lookup.available.join(", ")} only (one release per minor version); remove ${PREFIX}.${key} or use one of those minor releases`,
        });
        continue;
      }
      if (lookup.note) notes.add(`${PREFIX}.${key}: ${lookup.note}`);
      for (const finding of findingsAgainst(given, key, lookup.data)) {
        const id = `${finding.path} ${finding.key}`;
        const entry = found.get(id) ?? found.set(id, { finding, versions: [] }).get(id)!;
        if (!entry.versions.includes(version)) entry.versions.push(version);
      }
    }
    for (const { finding, versions: vs } of found.values()) {
      problems.push({ path: finding.path, message: finding.message(`the ${chart} chart ${vs.join(" and ")}`) });
    }
  }
  return { problems, notes: [...notes] };
}

/**
 * The program's values with the user's merged under them: maps merged key by key, the program's value kept wherever
 * both set one (keys the program owns are refused before this, so this only decides for what the rules let through).
 */
export function mergeValues<T extends Record<string, unknown>>(program: T, user: ValuesMap | undefined): T {
  if (!user) return program;
  const out: Record<string, unknown> = { ...user };
  for (const [k, v] of Object.entries(program)) {
    const u = out[k];
    out[k] = isMap(v) && isMap(u) && isPlain(v) ? mergeValues(v, u) : v;
  }
  return out as T;
}

/** A plain data map, not an Output or other object that only looks like one. */
function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
