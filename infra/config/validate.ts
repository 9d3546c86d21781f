/**
 * Stack config validation: raw `istio-mesh:*` strings in, a `MeshConfig` or the full list of problems out.
 * Pure: no Pulumi runtime, so the render, the tests and the real program share it.
 */
import { z } from "zod";
import { configSchema, externalClusterSchema, remoteClusterSchema, SECRET_KEYS, type RawConfig } from "./schema";
import { networksOf, type MeshConfig, type RemoteCluster } from "../../package/config/model";
import { clusterVersionProblems } from "../../package/config/versions";
import { formatPath, type Problem } from "../../package/config/problems";

export { formatPath, type Problem };


export type Validation = { ok: true; config: MeshConfig } | { ok: false; problems: Problem[] };

const OBJECT_KEYS = new Set(["istio", "mesh", "clusters", "exposure"]);
const BOOLEAN_KEYS = new Set(["samples", "protect", "eastWestGateways"]);

/**
 * Pulumi hands config to programs as strings: structured values as JSON, booleans as "true"/"false".
 * Decode each key by what it should be, so a string such as a version is never mistaken for a number.
 */
function decode(key: string, raw: string): unknown {
  if (OBJECT_KEYS.has(key)) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  if (BOOLEAN_KEYS.has(key)) {
    if (raw === "true") return true;
    if (raw === "false") return false;
  }
  return raw;
}


function describe(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "an object";
  return `a ${typeof input}`;
}

/** Zod's messages, reworded for people editing YAML; values of secret keys are never echoed. */
const errorMap: z.core.$ZodErrorMap = (iss) => {
  if (iss.code === "invalid_type") {
    if (iss.input === undefined) return "is required";
    const expected = iss.expected === "object" ? "a mapping" : iss.expected === "array" ? "a list" : `a ${iss.expected}`;
    return `must be ${expected}, got ${describe(iss.input)}`;
  }
  return undefined;
};

/** Walks the schema to the object at `path` and lists its keys (for "did you mean"). */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let node: z.core.$ZodType = configSchema;
  const unwrap = (n: z.core.$ZodType): z.core.$ZodType => {
    let cur = n;
    for (;;) {
      const def = cur._zod.def as { type: string; innerType?: z.core.$ZodType };
      if (def.innerType && ["default", "prefault", "optional", "nullable"].includes(def.type)) cur = def.innerType;
      else return cur;
    }
  };
  for (const seg of path) {
    node = unwrap(node);
    const def = node._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    if (typeof seg === "number" && def.type === "array" && def.element) node = def.element;
    else if (typeof seg === "string" && def.type === "object" && def.shape?.[seg]) node = def.shape[seg];
    else return [];
  }
  const def = unwrap(node)._zod.def as { type: string; shape?: Record<string, unknown> };
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function unknownKeyMessage(key: string, known: string[]): string {
  const close = known
    .map((k) => ({ k, d: editDistance(key, k) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(key.length / 3)))
    .sort((x, y) => x.d - y.d)[0];
  const hint = close ? `did you mean "${close.k}"?` : `expected one of: ${known.join(", ")}`;
  return `unknown key (${hint})`;
}

function schemaProblems(error: z.ZodError): Problem[] {
  const out: Problem[] = [];
  for (const iss of error.issues) {
    if (iss.code === "unrecognized_keys") {
      const known = knownKeysAt(iss.path);
      for (const key of iss.keys) out.push({ path: formatPath([...iss.path, key]), message: unknownKeyMessage(key, known) });
    } else {
      out.push({ path: formatPath(iss.path), message: iss.message });
    }
  }
  return out;
}

/** Namespaces the control plane must not take, and why. */
const RESERVED_NAMESPACES: Record<string, string> = {
  "istio-system": "it hosts the external cluster's gateway and its own istiod",
  sample: "the sample application uses it",
  "kube-system": "it belongs to Kubernetes",
  "kube-public": "it belongs to Kubernetes",
  "kube-node-lease": "it belongs to Kubernetes",
  default: "workloads run there",
};

/** A cluster entry that is valid on its own, for the rules across clusters. */
interface ClusterEntry {
  path: string;
  role: "external" | "config" | "remote";
  name: string;
  context: string;
  apiServer?: string;
  network?: string;
  ingress?: boolean;
  istioVersion?: string;
}

/**
 * Every cluster entry that parses on its own, so one bad field in one cluster does not hide a duplicate name,
 * context or API server elsewhere.
 */
function clusterEntries(raw: unknown): ClusterEntry[] {
  if (typeof raw !== "object" || raw === null) return [];
  const c = raw as Record<string, unknown>;
  const out: ClusterEntry[] = [];
  const ext = externalClusterSchema.safeParse(c.external);
  if (ext.success) out.push({ path: "clusters.external", role: "external", name: ext.data.name, context: ext.data.context });
  const remote = (value: unknown, path: string, role: "config" | "remote") => {
    const r = remoteClusterSchema.safeParse(value);
    if (r.success) {
      const { gateways, ...rest } = r.data;
      out.push({ path, role, ...rest, ingress: gateways.ingress });
    }
  };
  remote(c.config, "clusters.config", "config");
  if (Array.isArray(c.remotes)) c.remotes.forEach((r, i) => remote(r, `clusters.remotes[${i}]`, "remote"));
  return out;
}

/** `https://h`, `https://h/` and `https://h:443` are one API server. */
function serverKey(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * Rules across fields. They run on every part of the config that is valid on its own, so a config with a typo in
 * one place still gets every other problem reported in the same run.
 */
function crossFieldProblems(cfg: Partial<RawConfig>, rawClusters: unknown, secretKeys: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const clusters = clusterEntries(rawClusters);
  clusterProblems(clusters, add);
  const reserved = cfg.mesh ? RESERVED_NAMESPACES[cfg.mesh.controlPlaneNamespace] : undefined;
  if (cfg.mesh && reserved) {
    add("mesh.controlPlaneNamespace", `"${cfg.mesh.controlPlaneNamespace}" is reserved (${reserved}); use a dedicated namespace such as "external-istiod"`);
  }
  if (cfg.exposure) exposureProblems(cfg, cfg.exposure, add);
  for (const key of SECRET_KEYS) {
    if (cfg[key] !== undefined && !secretKeys.has(key)) {
      add(key, `must be a secret: set it with \`pulumi config set --secret ${key} ...\` (the value was not printed)`);
    }
  }
  const remotes = clusters.filter((c) => c.role !== "external");
  const networks = [...new Set(remotes.flatMap((r) => (r.network ? [r.network] : [])))];
  if (cfg.eastWestGateways === false && networks.length > 1) {
    add(
      "eastWestGateways",
      `is false, but the remote clusters span ${networks.length} networks (${networks.join(", ")}); traffic between networks needs east-west gateways`,
    );
  }
  if (cfg.istio) {
    const pinned = remotes.flatMap((r) => (r.istioVersion ? [{ path: `${r.path}.istioVersion`, version: r.istioVersion }] : []));
    problems.push(...clusterVersionProblems(cfg.istio.version, pinned));
  }
  const config = clusters.find((c) => c.role === "config");
  if (cfg.samples === true && config && !config.ingress) {
    add("samples", "needs clusters.config.gateways.ingress: true (the guide reaches helloworld through the config cluster's ingress gateway)");
  }
  return problems;
}

type Add = (path: string, message: string) => void;

function clusterProblems(clusters: readonly ClusterEntry[], add: Add): void {
  const seen = new Map<string, string>();
  const seenContext = new Map<string, string>();
  const seenServer = new Map<string, string>();
  for (const c of clusters) {
    const byName = seen.get(c.name);
    if (byName) add(`${c.path}.name`, `"${c.name}" is already the name of ${byName}; cluster names must be unique`);
    else seen.set(c.name, c.path);

    const byContext = seenContext.get(c.context);
    if (byContext === "clusters.external") {
      add(`${c.path}.context`, `"${c.context}" is the external cluster's context; the external cluster cannot also be a remote cluster`);
    } else if (byContext) {
      add(`${c.path}.context`, `"${c.context}" is already the context of ${byContext}; each cluster needs its own context`);
    } else seenContext.set(c.context, c.path);

    if (c.apiServer) {
      const byServer = seenServer.get(serverKey(c.apiServer));
      if (byServer) add(`${c.path}.apiServer`, `"${c.apiServer}" is already the API server of ${byServer}`);
      else seenServer.set(serverKey(c.apiServer), c.path);
    }
  }
}

function exposureProblems(cfg: Partial<RawConfig>, exposure: RawConfig["exposure"], add: Add): void {
  if (exposure.mode === "hostname") {
    if (exposure.hostname === undefined) add("exposure.hostname", "is required in hostname mode (the DNS name remotes use to reach istiod)");
    if (exposure.tls === undefined) add("exposure.tls", "is required in hostname mode (the Secret with the hostname's publicly trusted certificate)");
  } else {
    if (exposure.hostname !== undefined) add("exposure.hostname", 'is only allowed in hostname mode (mode "loadBalancer" uses the load balancer\'s IP)');
    if (exposure.tls !== undefined) add("exposure.tls", "is only allowed in hostname mode");
  }
  const createTls = exposure.mode === "hostname" && exposure.tls?.create === true;
  for (const key of ["tlsCertificate", "tlsKey"] as const) {
    const given = cfg[key] !== undefined;
    if (createTls && !given) {
      add(key, `is required when exposure.tls.create is true (pulumi config set --secret ${key} < file.pem)`);
    } else if (!createTls && given) {
      add(key, "is set but exposure.tls.create is not true; remove it, or set exposure.tls.create to create the Secret from it");
    }
  }
}

function validTopLevelKeys(decoded: Record<string, unknown>): Partial<RawConfig> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(configSchema.shape)) {
    const r = (schema as z.ZodType).safeParse(decoded[key]);
    if (r.success) out[key] = r.data;
  }
  return out;
}

function normalise(cfg: RawConfig, source: string): MeshConfig {
  const { exposure } = cfg;
  const repository = cfg.istio.chartRepository.replace(/\/+$/, "");
  // A remote without `istioVersion` follows the control plane.
  const remote = ({ istioVersion, ...rest }: RawConfig["clusters"]["config"]): RemoteCluster => ({
    ...rest,
    chart: { version: istioVersion ?? cfg.istio.version, repository },
  });
  const configCluster = remote(cfg.clusters.config);
  const remotes = cfg.clusters.remotes.map(remote);
  return {
    source,
    chart: { version: cfg.istio.version, repository },
    meshId: cfg.mesh.id,
    namespace: cfg.mesh.controlPlaneNamespace,
    external: cfg.clusters.external,
    configCluster,
    remotes,
    exposure:
      exposure.mode === "hostname"
        ? { mode: "hostname", hostname: exposure.hostname!, tls: exposure.tls! }
        : { mode: "loadBalancer" },
    eastWestGateways: cfg.eastWestGateways === "auto" ? networksOf([configCluster, ...remotes]).length > 1 : cfg.eastWestGateways,
    samples: cfg.samples,
    protect: cfg.protect,
    remoteSecretRotation: cfg.remoteSecretRotation,
    kubeconfigInConfig: cfg.kubeconfig !== undefined,
  };
}

/**
 * One namespace's keys of full config (`<namespace>:<key>` -> value, as Pulumi passes it), without the prefix,
 * and which of them are secret.
 */
export function namespaceEntries(
  config: Record<string, string>,
  secretKeys: Iterable<string>,
  namespace: string,
): { entries: Record<string, string>; secretKeys: Set<string> } {
  const prefix = `${namespace}:`;
  const entries: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) if (key.startsWith(prefix)) entries[key.slice(prefix.length)] = value;
  const secrets = new Set([...secretKeys].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)));
  return { entries, secretKeys: secrets };
}

/**
 * Validates the stack's `istio-mesh:*` config.
 * @param entries key (without namespace) -> raw string value, as Pulumi passes config to programs
 * @param secretKeys keys that were given as secrets
 * @param source the stack file's name, for messages
 */
export function validateMeshConfig(entries: Record<string, string>, secretKeys: ReadonlySet<string>, source: string): Validation {
  const decoded = Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, decode(k, v)]));
  const parsed = configSchema.safeParse(decoded, { error: errorMap });
  // Cross-field rules see every top-level key that is valid on its own, so one typo does not hide other problems.
  const validParts: Partial<RawConfig> = parsed.success ? parsed.data : validTopLevelKeys(decoded);
  const problems = [...(parsed.success ? [] : schemaProblems(parsed.error)), ...crossFieldProblems(validParts, decoded.clusters, secretKeys)];
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, config: normalise(parsed.data, source) };
}

/** Namespaces a stack file may also use: the Kubernetes provider's settings and Pulumi's own. */
const KNOWN_NAMESPACES = new Set(["kubernetes", "pulumi"]);

/**
 * Keys in a namespace that looks like a typo of ours (`istio-mseh:protect`): they would otherwise be ignored
 * silently, and production would, say, run unprotected.
 */
export function namespaceTypoProblems(keys: Iterable<string>, namespace: string): Problem[] {
  const problems: Problem[] = [];
  for (const key of keys) {
    const colon = key.indexOf(":");
    if (colon < 0) continue;
    const ns = key.slice(0, colon);
    if (ns === namespace || KNOWN_NAMESPACES.has(ns) || editDistance(ns, namespace) > 3) continue;
    problems.push({ path: key, message: `unknown config namespace "${ns}" (did you mean "${namespace}:${key.slice(colon + 1)}"?)` });
  }
  return problems;
}

/**
 * Validates a whole stack's config as Pulumi passes it (`<namespace>:<key>` -> value): our namespace's keys, and
 * keys whose namespace is a typo of ours.
 */
export function validateStackConfig(config: Record<string, string>, secretKeys: Iterable<string>, namespace: string, source: string): Validation {
  const { entries, secretKeys: secrets } = namespaceEntries(config, secretKeys, namespace);
  const typos = namespaceTypoProblems(Object.keys(config), namespace);
  const result = validateMeshConfig(entries, secrets, source);
  if (typos.length === 0) return result;
  return { ok: false, problems: [...typos, ...(result.ok ? [] : result.problems)] };
}

/** `<stack file>: <key path>: <what is wrong>`, one line per problem. */
export function formatProblems(source: string, problems: readonly Problem[]): string[] {
  return problems.map((p) => `${source}: ${p.path || "(root)"}: ${p.message}`);
}
