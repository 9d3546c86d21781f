/**
 * The one set of rules for a mesh's settings, whichever surface they come from: the stack file of this repository's
 * program (`infra/config/validate.ts`) or the arguments of the `ExternalControlPlaneMesh` component (`args.ts`).
 *
 * Both surfaces have the same shape (the "document": `istio`, `mesh`, `clusters`, `exposure`, ...), so a problem has
 * the same key path in both. They differ only where a surface must: where credentials are given (top-level secret
 * keys in a stack file, `kubeconfig` per cluster and the TLS material under `exposure.tls` in arguments), how
 * east-west gateways are switched (`auto`/`true`/`false` in YAML, an enum in the schema every language reads), and
 * what a surface alone can get wrong (a credential in plain stack config). A `Surface` says exactly that; everything
 * else (each field's rule, the rules across fields and clusters, the version skew, every message) is here.
 *
 * Every problem is reported at once: rules across fields run on every part that is valid on its own, so one typo does
 * not hide another problem. Pure: no Pulumi runtime, so `npm run verify` and the tests use it too.
 */
import { z } from "zod";
import { EastWestGatewayMode, ExposureMode, IstioSystemNamespace } from "../meshArgs";
import {
  apiServerUrl,
  chartRepository,
  DEFAULT_CHART_REPOSITORY,
  DEFAULT_CONTROL_PLANE_NAMESPACE,
  DEFAULT_MESH_ID,
  DEFAULT_REMOTE_SECRET_ROTATION,
  dns1123Label,
  hostname,
  MIN_ISTIO_MINOR,
  istioVersion,
  networkName,
  nonEmpty,
  registryHub,
  imagePullSecretNames,
  secretName,
  withoutTrailingSlash,
} from "./fields";
import { networksOf, type ControlPlaneRevision, type Deferrable, type MeshConfig, type RemoteCluster } from "./model";
import { formatPath, type Problem } from "./problems";
import { editDistance } from "./editDistance";
import { validateIstioValues, type IstioValues } from "./values";
import { clusterVersionProblems } from "./versions";
import { revisionOfVersion, revisionProblems, stableRevisionOf } from "./revisions";

/** A cluster entry as parsed, defaults applied. */
export interface ExternalClusterEntry {
  name: string;
  context: string;
  istioSystem: IstioSystemNamespace;
}

export interface RemoteClusterEntry<S extends Deferrable = string> {
  name: string;
  context: string;
  apiServer: S;
  network: string;
  gateways: { ingress: boolean; egress: boolean };
  istioVersion?: string;
}

/** The settings both surfaces share, as parsed, defaults applied. */
export interface MeshDocument<S extends Deferrable = string> {
  istio: {
    version: string;
    chartRepository: S;
    /** The registry of every image the mesh deploys; on the components' arguments possibly an Output. */
    hub?: S;
    imagePullSecrets: string[];
    values: IstioValues;
    /** The stable external istiod's revision; unset: the unrevisioned install (`default`). */
    revision?: string;
    /** A second external istiod of a newer release, revision `<version with dashes>` (docs/canary.md). */
    canary?: { version: string; hostname?: S; tls?: { secretName: S } };
    /** The revision default-labelled namespaces, the gateways and config validation use; unset: the stable one. */
    defaultRevision?: string;
    /** Revision tags: tag name -> revision name. */
    revisionTags: Record<string, string>;
  };
  mesh: { id: string; controlPlaneNamespace: string };
  clusters: { external: ExternalClusterEntry; config: RemoteClusterEntry<S>; remotes: RemoteClusterEntry<S>[] };
  exposure: { mode: ExposureMode; hostname?: S; tls?: { secretName: S; create: boolean } };
  eastWestGateways: EastWestGatewayMode;
  samples: boolean;
  protect: boolean;
  remoteSecretRotation: S;
}

/** What a surface adds to the shared shape. */
export interface SurfaceKeys {
  /** Keys of every cluster entry besides the shared ones. */
  cluster: z.ZodRawShape;
  /** Keys of `exposure.tls` besides the shared ones. */
  tls: z.ZodRawShape;
  /** Top-level keys besides the shared ones. */
  root: z.ZodRawShape;
  /** `eastWestGateways` as the surface spells it, parsed to the enum. */
  eastWestGateways: z.ZodType<EastWestGatewayMode>;
  /**
   * The rules of the values other resources may give (the component's Inputs: an Output passes here and is checked
   * with the plain rule when it resolves, `args.ts`); unset, the plain rules of `fields.ts`.
   */
  values?: Partial<Record<DeferrableField, z.ZodType>>;
  /** Keys of `istio` besides the shared ones (the registry credentials, in arguments). */
  istio?: z.ZodRawShape;
}

/** The fields whose values may come from other resources. */
export type DeferrableField = "apiServer" | "hostname" | "secretName" | "chartRepository" | "remoteSecretRotation" | "hub";

/** The plain rule of each field whose value may come from another resource. */
export const DEFERRABLE_FIELD_RULES: Readonly<Record<DeferrableField, z.ZodType<string>>> = {
  apiServer: apiServerUrl,
  hostname,
  secretName,
  chartRepository,
  remoteSecretRotation: nonEmpty,
  hub: registryHub,
};

export interface DocumentSchemas<S extends Deferrable = string> {
  /** The whole document; its shape lists the known top-level keys. */
  root: z.ZodObject;
  /** The same schema, typed by what both surfaces share. */
  document: z.ZodType<MeshDocument<S>>;
  external: z.ZodType<ExternalClusterEntry>;
  remote: z.ZodType<RemoteClusterEntry<S>>;
}

/** Where a surface takes one piece of TLS material from, whether it is given, and how to give it. */
export interface TlsMaterial {
  path: string;
  given: boolean;
  /** Appended to "is required when exposure.tls.create is true". */
  howToGive: string;
}

/** One way to give a mesh's settings: the stack file, or the component's arguments. */
export interface Surface<S extends Deferrable = string> {
  schemas: DocumentSchemas<S>;
  /** How the surface writes "no east-west gateways", for messages: `false`, `"disabled"`. */
  eastWestGatewaysOff: string;
  /** The TLS certificate and key, read from the raw input. */
  tlsMaterial(raw: Readonly<Record<string, unknown>>): TlsMaterial[];
  /** Problems only this surface can have, found in the raw input. */
  ownProblems(raw: Readonly<Record<string, unknown>>): Problem[];
  /** Where the surface takes the registry credentials from (the content of the pull Secret), and whether they are given. */
  registryCredentials?(raw: Readonly<Record<string, unknown>>): { path: string; given: boolean };
  /** A message for a value of the wrong type that this surface can explain better (an Output in an argument). */
  typeMismatch?(input: unknown): string | undefined;
}

/**
 * Keys of the mesh admins' part (issue 15): what an operator's settings (`stackKind: operator`, the
 * `ExternalControlPlane` component) refuse, each at its path, saying where it belongs instead.
 */
export function adminKeyProblems(raw: Readonly<Record<string, unknown>>, whereInstead: string): Problem[] {
  const problems: Problem[] = [];
  if (raw.samples !== undefined) problems.push({ path: "samples", message: `is the mesh admins' setting: set it in ${whereInstead}` });
  const clusters = isRecord(raw.clusters) ? raw.clusters : {};
  const entries: [string, unknown][] = [["clusters.config", clusters.config]];
  if (Array.isArray(clusters.remotes)) clusters.remotes.forEach((r, i) => entries.push([`clusters.remotes[${i}]`, r]));
  for (const [path, entry] of entries) {
    if (isRecord(entry) && entry.gateways !== undefined) {
      problems.push({ path: `${path}.gateways`, message: `the ingress and egress gateways are the mesh admins': set them in ${whereInstead}` });
    }
  }
  return problems;
}

/** Free-form chart values (the schema's Any), checked key by key against the charts by `values.ts`. */
const valuesMap = z.record(z.string(), z.unknown()).default({});
const istioValuesSchema = z.strictObject({ controlPlane: valuesMap, gateways: valuesMap, controlPlaneGateway: valuesMap });

/** The shared schemas with a surface's own keys. */
export function documentSchemas<S extends Deferrable = string>(keys: SurfaceKeys): DocumentSchemas<S> {
  const rule = (field: DeferrableField): z.ZodType => keys.values?.[field] ?? DEFERRABLE_FIELD_RULES[field];
  const gateways = z.strictObject({
    /** Helm release `istio-ingressgateway` (LoadBalancer) in the control plane namespace. */
    ingress: z.boolean().default(false),
    /** Helm release `istio-egressgateway` (ClusterIP) in the control plane namespace. */
    egress: z.boolean().default(false),
  });
  const external = z.strictObject({
    name: dns1123Label,
    context: nonEmpty,
    /** Whether the mesh creates `istio-system` or uses the one that is there (e.g. holding the TLS Secret). */
    istioSystem: z.enum(IstioSystemNamespace, { message: 'must be "create" or "existing"' }).default(IstioSystemNamespace.Create),
    ...keys.cluster,
  });
  const remote = z.strictObject({
    name: dns1123Label,
    context: nonEmpty,
    apiServer: rule("apiServer"),
    network: networkName,
    gateways: gateways.prefault({}),
    /** This cluster's chart version (`istiod`, gateways, a further remote's `base`); unset, it follows `istio.version`. */
    istioVersion: istioVersion.optional(),
    ...keys.cluster,
  });
  const root = z.strictObject({
    istio: z.strictObject({
      version: istioVersion,
      chartRepository: rule("chartRepository").default(DEFAULT_CHART_REPOSITORY),
      hub: rule("hub").optional(),
      imagePullSecrets: imagePullSecretNames,
      values: istioValuesSchema.prefault({}),
      revision: z.string().optional(),
      canary: z
        .strictObject({
          version: istioVersion,
          hostname: rule("hostname").optional(),
          tls: z.strictObject({ secretName: rule("secretName") }).optional(),
        })
        .optional(),
      defaultRevision: z.string().optional(),
      revisionTags: z.record(z.string(), z.string()).default({}),
      ...keys.istio,
    }),
    mesh: z
      .strictObject({ id: dns1123Label.default(DEFAULT_MESH_ID), controlPlaneNamespace: dns1123Label.default(DEFAULT_CONTROL_PLANE_NAMESPACE) })
      .prefault({}),
    clusters: z.strictObject({ external, config: remote, remotes: z.array(remote).default([]) }),
    exposure: z.strictObject({
      mode: z.enum(ExposureMode, { message: 'must be "hostname" or "loadBalancer"' }),
      hostname: rule("hostname").optional(),
      tls: z.strictObject({ secretName: rule("secretName"), create: z.boolean().default(false), ...keys.tls }).optional(),
    }),
    eastWestGateways: keys.eastWestGateways.default(EastWestGatewayMode.Auto),
    samples: z.boolean().default(false),
    protect: z.boolean().default(false),
    remoteSecretRotation: rule("remoteSecretRotation").default(DEFAULT_REMOTE_SECRET_ROTATION),
    ...keys.root,
  });
  // The plain rules' types, or what the surface's Input rules let through.
  return { root, document: root as unknown as z.ZodType<MeshDocument<S>>, external, remote: remote as unknown as z.ZodType<RemoteClusterEntry<S>> };
}

export type DocumentValidation<S extends Deferrable = string> = { ok: true; document: MeshDocument<S>; config: MeshConfig<S> } | { ok: false; problems: Problem[] };

/**
 * Validates a mesh's settings as a surface gives them (plain data; a stack file's strings already decoded) and
 * returns the parsed document and the model the components are built from, or every problem.
 */
export function validateMeshDocument<S extends Deferrable = string>(raw: unknown, surface: Surface<S>): DocumentValidation<S> {
  const parsed = surface.schemas.document.safeParse(raw, { error: errorMap(surface) });
  const input = isRecord(raw) ? raw : {};
  // Rules across fields see every top-level key that is valid on its own, so one typo does not hide other problems.
  const validParts = (parsed.success ? parsed.data : validTopLevelKeys(surface.schemas.root, input)) as Partial<MeshDocument<S>>;
  const problems = [
    ...(parsed.success ? [] : schemaProblems(surface.schemas.root, parsed.error)),
    ...crossFieldProblems(validParts, input, surface),
  ];
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, document: parsed.data, config: normalise(parsed.data) };
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function describe(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "an object";
  return `a ${typeof input}`;
}

/** Keys that hold an Istio version, which YAML reads as a number when unquoted. */
const VERSION_KEYS = new Set(["version", "istioVersion"]);

/**
 * A version YAML read as a number (`version: 1.30` is the number 1.3): what to write instead. The minor version is
 * the digits after the point, a trailing zero YAML dropped put back when only one is left (1.3 is 1.30: no Istio
 * 1.3 has the remote profile).
 */
function quoteVersion(n: number): string {
  const [major, minor = ""] = String(n).split(".");
  if (minor === "") return `must be a string, got the number ${n}; quote the full release, e.g. "1.${MIN_ISTIO_MINOR}.0"`;
  const restored = minor.length === 1 ? `${minor}0` : minor;
  return `must be a string, got the number ${n}; quote the full release, e.g. "${major}.${restored}.0"`;
}

/** What a missing key needs, for the keys whose absence has more to say than "is required". */
const REQUIRED_HINTS: Record<string, string> = {
  exposure: `is required: how remote clusters reach the control plane, mode "${ExposureMode.Hostname}" (a DNS name with a publicly trusted certificate) or "${ExposureMode.LoadBalancer}" (the control plane gateway's IP)`,
  "exposure.mode": `is required: "${ExposureMode.Hostname}" or "${ExposureMode.LoadBalancer}"`,
};

/** Zod's messages, reworded for people editing YAML or arguments; values are never echoed here, but numbers. */
export function errorMap(surface: Pick<Surface, "typeMismatch">): z.core.$ZodErrorMap {
  return (iss) => {
    // The only unions are the Inputs of `args.ts`: a plain value with its rule, or an Output.
    if (iss.code === "invalid_union") return iss.input === undefined ? "is required" : `must be a string or an Output of one, got ${describe(iss.input)}`;
    if (iss.code === "invalid_type") {
      if (iss.input === undefined) return REQUIRED_HINTS[formatPath(iss.path ?? [])] ?? "is required";
      const explained = surface.typeMismatch?.(iss.input);
      if (explained !== undefined) return explained;
      if (iss.expected === "string" && typeof iss.input === "number") {
        const key = iss.path?.at(-1);
        if (typeof key === "string" && VERSION_KEYS.has(key)) return quoteVersion(iss.input);
        return `must be a string, got the number ${iss.input}; quote it: "${iss.input}"`;
      }
      const expected = iss.expected === "object" || iss.expected === "record" ? "a mapping" : iss.expected === "array" ? "a list" : `a ${iss.expected}`;
      return `must be ${expected}, got ${describe(iss.input)}`;
    }
    return undefined;
  };
}

/** Walks the schema to the object at `path` and lists its keys (for "did you mean"). */
function knownKeysAt(root: z.ZodObject, path: readonly PropertyKey[]): string[] {
  let node: z.core.$ZodType = root;
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

export { editDistance };

/** The known key an unknown one is most likely a typo of, if any is close. */
function closestKey(key: string, known: readonly string[]): string | undefined {
  return known
    .map((k) => ({ k, d: editDistance(key, k) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(key.length / 3)))
    .sort((x, y) => x.d - y.d)[0]?.k;
}

function unknownKeyMessage(close: string | undefined, known: readonly string[]): string {
  return `unknown key (${close !== undefined ? `did you mean "${close}"?` : `expected one of: ${known.join(", ")}`})`;
}

/**
 * Zod's issues as problems. A misspelt key is one problem: "unknown key (did you mean ...)", not also "is required"
 * for the key it was meant to be.
 */
export function schemaProblems(root: z.ZodObject, error: z.ZodError): Problem[] {
  const out: Problem[] = [];
  const meant = new Set<string>();
  for (const iss of error.issues) {
    if (iss.code !== "unrecognized_keys") continue;
    const known = knownKeysAt(root, iss.path);
    for (const key of iss.keys) {
      const close = closestKey(key, known);
      if (close !== undefined) meant.add(formatPath([...iss.path, close]));
      out.push({ path: formatPath([...iss.path, key]), message: unknownKeyMessage(close, known) });
    }
  }
  for (const iss of error.issues) {
    if (iss.code === "unrecognized_keys") continue;
    const path = formatPath(iss.path);
    if (iss.code === "invalid_type" && meant.has(path) && iss.message.startsWith("is required")) continue;
    out.push({ path, message: iss.message });
  }
  return out;
}

/** Namespaces the control plane must not take, and why. */
export const RESERVED_NAMESPACES: Readonly<Record<string, string>> = {
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
function clusterEntries<S extends Deferrable>(raw: unknown, schemas: DocumentSchemas<S>): ClusterEntry[] {
  if (!isRecord(raw)) return [];
  const out: ClusterEntry[] = [];
  const ext = schemas.external.safeParse(raw.external);
  if (ext.success) out.push({ path: "clusters.external", role: "external", name: ext.data.name, context: ext.data.context });
  const remote = (value: unknown, path: string, role: "config" | "remote") => {
    const r = schemas.remote.safeParse(value);
    if (r.success) {
      const { name, context, apiServer, network, gateways, istioVersion } = r.data;
      // An API server another resource gives is checked against the others when it resolves (`args.ts`).
      const server = typeof apiServer === "string" ? { apiServer } : {};
      out.push({ path, role, name, context, ...server, network, ingress: gateways.ingress, ...(istioVersion !== undefined ? { istioVersion } : {}) });
    }
  };
  remote(raw.config, "clusters.config", "config");
  if (Array.isArray(raw.remotes)) raw.remotes.forEach((r, i) => remote(r, `clusters.remotes[${i}]`, "remote"));
  return out;
}

/** `https://h`, `https://h/` and `https://h:443` are one API server. */
export function serverKey(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

export type Add = (path: string, message: string) => void;

/**
 * Rules across fields. They run on every part of the document that is valid on its own, so a document with a typo
 * in one place still gets every other problem reported in the same run.
 */
function crossFieldProblems<S extends Deferrable>(doc: Partial<MeshDocument<S>>, raw: Readonly<Record<string, unknown>>, surface: Surface<S>): Problem[] {
  const problems: Problem[] = [];
  const add: Add = (path, message) => problems.push({ path, message });
  const clusters = clusterEntries(raw.clusters, surface.schemas);
  clusterProblems(clusters, add);
  const reserved = doc.mesh ? RESERVED_NAMESPACES[doc.mesh.controlPlaneNamespace] : undefined;
  if (doc.mesh && reserved) {
    add("mesh.controlPlaneNamespace", `"${doc.mesh.controlPlaneNamespace}" is reserved (${reserved}); use a dedicated namespace such as "external-istiod"`);
  }
  if (doc.exposure) exposureProblems(doc.exposure, surface.tlsMaterial(raw), add);
  problems.push(...surface.ownProblems(raw));
  const remotes = clusters.filter((c) => c.role !== "external");
  const networks = [...new Set(remotes.flatMap((r) => (r.network ? [r.network] : [])))];
  if (doc.eastWestGateways === EastWestGatewayMode.Disabled && networks.length > 1) {
    add(
      "eastWestGateways",
      `is ${surface.eastWestGatewaysOff}, but the remote clusters span ${networks.length} networks (${networks.join(", ")}); traffic between networks needs east-west gateways`,
    );
  }
  if (doc.istio) {
    const pinned = remotes.flatMap((r) => (r.istioVersion ? [{ path: `${r.path}.istioVersion`, version: r.istioVersion }] : []));
    problems.push(...clusterVersionProblems(doc.istio.version, pinned));
    problems.push(...revisionProblems(doc.istio));
    // The gateways follow the default revision: once that is the canary, a pinned cluster's must suit it too.
    const canary = doc.istio.canary;
    if (canary && doc.istio.defaultRevision === revisionOfVersion(canary.version)) {
      const known = new Set(problems.map((p) => p.path));
      problems.push(
        ...clusterVersionProblems(canary.version, pinned, "istio.canary.version")
          .filter((p) => !known.has(p.path))
          .map((p) => ({ ...p, message: `${p.message} (the canary is istio.defaultRevision, which the gateways follow)` })),
      );
    }
    if (doc.exposure) canaryExposureProblems(canary, doc.exposure, add);
    // loadBalancer mode reaches the unrevisioned istiod's webhooks only through Service `istiod`, whose SNI the
    // gateway routes to the default revision once that is another (`externalIstiodRouting.ts`).
    if (doc.exposure?.mode === ExposureMode.LoadBalancer && doc.istio.defaultRevision !== undefined && doc.istio.defaultRevision !== stableRevisionOf(doc.istio)) {
      for (const [tag, target] of Object.entries(doc.istio.revisionTags)) {
        if (target === stableRevisionOf(doc.istio) && target === "default") {
          add(`istio.revisionTags.${tag}`, `cannot name the unrevisioned istiod once istio.defaultRevision is another revision in loadBalancer mode: its webhooks reach istiod through Service istiod, which then routes to the default revision; move the tag to "${doc.istio.defaultRevision}"`);
        }
      }
    }
    problems.push(...istioValuesCheck(doc.istio, remotes).problems);
    const credentials = surface.registryCredentials?.(raw);
    if (credentials?.given && doc.istio.imagePullSecrets.length === 0) {
      add(credentials.path, "needs istio.imagePullSecrets: the mesh creates the Secret its first entry names, in every namespace it creates");
    }
  }
  const config = clusters.find((c) => c.role === "config");
  if (doc.samples === true && config && !config.ingress) {
    add("samples", "needs clusters.config.gateways.ingress: true (the guide reaches helloworld through the config cluster's ingress gateway)");
  }
  return problems;
}

/** `istio.values` against the chart versions its places go into: the control plane's (and the canary's), and each remote's for the gateways. */
function istioValuesCheck(istio: Pick<MeshDocument<Deferrable>["istio"], "version" | "values" | "canary">, remotes: readonly Pick<ClusterEntry, "istioVersion">[]) {
  return validateIstioValues(istio.values, {
    controlPlane: istio.version,
    ...(istio.canary ? { canary: istio.canary.version } : {}),
    gateways: remotes.length > 0 ? remotes.map((r) => r.istioVersion ?? istio.version) : [istio.version],
  });
}

export function clusterProblems(clusters: readonly Pick<ClusterEntry, "path" | "name" | "context" | "apiServer">[], add: Add): void {
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

/** The canary's own address: a DNS name and certificate in hostname mode, the Service name by SNI in loadBalancer mode. */
function canaryExposureProblems<S extends Deferrable>(canary: MeshDocument<S>["istio"]["canary"], exposure: MeshDocument<S>["exposure"], add: Add): void {
  if (!canary) return;
  if (exposure.mode === ExposureMode.Hostname) {
    if (canary.hostname === undefined) {
      add("istio.canary.hostname", "is required in hostname mode: the canary's own DNS name, pointed at the controlPlaneLoadBalancer output (docs/canary.md: Before you start)");
    } else if (typeof canary.hostname === "string" && canary.hostname === exposure.hostname) {
      add("istio.canary.hostname", `"${canary.hostname}" is exposure.hostname, the stable revision's; the canary needs a DNS name of its own`);
    }
  } else {
    if (canary.hostname !== undefined) add("istio.canary.hostname", 'is only allowed in hostname mode (in mode "loadBalancer" remotes reach the canary as istiod-<revision>.<namespace>.svc on the load balancer\'s IP)');
    if (canary.tls !== undefined) add("istio.canary.tls", "is only allowed in hostname mode");
  }
}

function exposureProblems<S extends Deferrable>(exposure: MeshDocument<S>["exposure"], tlsMaterial: readonly TlsMaterial[], add: Add): void {
  if (exposure.mode === ExposureMode.Hostname) {
    if (exposure.hostname === undefined) add("exposure.hostname", "is required in hostname mode (the DNS name remotes use to reach istiod)");
    if (exposure.tls === undefined) add("exposure.tls", "is required in hostname mode (the Secret with the hostname's publicly trusted certificate)");
  } else {
    if (exposure.hostname !== undefined) add("exposure.hostname", 'is only allowed in hostname mode (mode "loadBalancer" uses the load balancer\'s IP)');
    if (exposure.tls !== undefined) add("exposure.tls", "is only allowed in hostname mode");
  }
  const createTls = exposure.mode === ExposureMode.Hostname && exposure.tls?.create === true;
  for (const material of tlsMaterial) {
    if (createTls && !material.given) {
      add(material.path, `is required when exposure.tls.create is true${material.howToGive}`);
    } else if (!createTls && material.given) {
      add(material.path, "is set but exposure.tls.create is not true; remove it, or set exposure.tls.create to create the Secret from it");
    }
  }
}

export function validTopLevelKeys(root: z.ZodObject, input: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(root.shape)) {
    const r = (schema as z.ZodType).safeParse(input[key]);
    if (r.success) out[key] = r.data;
  }
  return out;
}

/** The model the components are built from: charts per cluster, `auto` resolved, the exposure's two shapes. */
function normalise<S extends Deferrable>(doc: MeshDocument<S>): MeshConfig<S> {
  const { exposure } = doc;
  // An Output comes without its trailing slash already (`args.ts`).
  const repository = (typeof doc.istio.chartRepository === "string" ? withoutTrailingSlash(doc.istio.chartRepository) : doc.istio.chartRepository) as S;
  // A remote without `istioVersion` follows the control plane.
  const remote = ({ name, context, apiServer, network, gateways, istioVersion }: RemoteClusterEntry<S>): RemoteCluster<S> => ({
    name,
    context,
    apiServer,
    network,
    gateways,
    chart: { version: istioVersion ?? doc.istio.version, repository },
  });
  const configCluster = remote(doc.clusters.config);
  const remotes = doc.clusters.remotes.map(remote);
  const { name, context, istioSystem } = doc.clusters.external;
  return {
    chart: { version: doc.istio.version, repository },
    meshId: doc.mesh.id,
    namespace: doc.mesh.controlPlaneNamespace,
    external: { name, context, istioSystem },
    configCluster,
    remotes,
    exposure:
      exposure.mode === ExposureMode.Hostname && exposure.hostname !== undefined && exposure.tls !== undefined
        ? { mode: "hostname", hostname: exposure.hostname, tls: { secretName: exposure.tls.secretName, create: exposure.tls.create } }
        : { mode: "loadBalancer" },
    eastWestGateways:
      doc.eastWestGateways === EastWestGatewayMode.Auto ? networksOf([configCluster, ...remotes]).length > 1 : doc.eastWestGateways === EastWestGatewayMode.Enabled,
    samples: doc.samples,
    protect: doc.protect,
    remoteSecretRotation: doc.remoteSecretRotation,
    images: { ...(doc.istio.hub !== undefined ? { hub: doc.istio.hub } : {}), imagePullSecrets: doc.istio.imagePullSecrets },
    values: {
      ...doc.istio.values,
      notes: istioValuesCheck(doc.istio, [doc.clusters.config, ...doc.clusters.remotes]).notes,
    },
    ...revisionsOf(doc, repository),
  };
}

/** The running external istiods (the stable one first), the default revision and the tags. */
function revisionsOf<S extends Deferrable>(doc: MeshDocument<S>, repository: S): Pick<MeshConfig<S>, "revisions" | "defaultRevision" | "revisionTags"> {
  const { exposure, istio } = doc;
  const stable = stableRevisionOf(istio);
  const hostnameMode = exposure.mode === ExposureMode.Hostname && exposure.hostname !== undefined && exposure.tls !== undefined;
  const revisions: ControlPlaneRevision<S>[] = [
    {
      name: stable,
      role: "stable",
      chart: { version: istio.version, repository },
      ...(hostnameMode ? { hostname: { name: exposure.hostname!, tlsSecretName: exposure.tls!.secretName } } : {}),
    },
  ];
  if (istio.canary) {
    const { version, hostname, tls } = istio.canary;
    revisions.push({
      name: revisionOfVersion(version),
      role: "canary",
      chart: { version, repository },
      ...(hostnameMode && hostname !== undefined ? { hostname: { name: hostname, tlsSecretName: tls?.secretName ?? exposure.tls!.secretName } } : {}),
    });
  }
  return { revisions, defaultRevision: istio.defaultRevision ?? stable, revisionTags: istio.revisionTags };
}
