/**
 * Cross-cutting checks over a rendered stack. Each returns its violations (empty = pass), so tests can also show
 * that a check catches a broken input.
 */
import { Ajv, type ValidateFunction } from "ajv";
import type { Rendered } from "../../render/model";
import { K8S_PROVIDER_TYPE } from "../../render/model";
import { compileCrdRules } from "./cel";
import { readWholePaths } from "../../tools/chartData";
import { chartDefaults, crdSchemas, gatewaySchema, templateRefs, valuesPaths, type Chart } from "./istioData";
import type { ClusterObject, HelmRelease } from "./objects";

/** Every Kubernetes resource is bound to the provider of a cluster named in the stack config. */
export function unboundResources(rendered: Rendered, clusters: ReadonlySet<string>): string[] {
  return rendered.resources
    .filter((r) => r.type.startsWith("kubernetes:"))
    .filter((r) => r.cluster === null || !clusters.has(r.cluster))
    .map((r) => `${r.urn}: bound to ${r.cluster === null ? "no cluster (default provider?)" : `unknown cluster "${r.cluster}"`}`);
}

/** Providers carry what strict mode requires: kubeconfig and context (and a stable identity). */
export function providerProblems(rendered: Rendered): string[] {
  return rendered.resources
    .filter((r) => r.type === K8S_PROVIDER_TYPE)
    .flatMap((r) =>
      ["kubeconfig", "context", "clusterIdentifier"].filter((k) => typeof r.inputs[k] !== "string" || r.inputs[k] === "").map((k) => `${r.urn}: no ${k}`),
    );
}

/**
 * No two resources own the same object in a cluster (same kind, namespace and name; for Helm, the same release),
 * which the engine would accept and the API server would make a fight over. Names unknown before deploy are skipped.
 */
export function duplicateObjects(rendered: Rendered): string[] {
  const owners = new Map<string, string>();
  const dupes: string[] = [];
  for (const r of rendered.resources) {
    if (r.cluster === null || !r.type.startsWith("kubernetes:") || Object.keys(r.inputs).length === 0) continue;
    const i = r.inputs as { name?: unknown; namespace?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    const isRelease = r.type === "kubernetes:helm.sh/v3:Release";
    const name = isRelease ? i.name : i.metadata?.name;
    const namespace = isRelease ? i.namespace : i.metadata?.namespace;
    if (typeof name !== "string" || name === "[unknown]") continue;
    const key = `${r.cluster} ${r.type} ${typeof namespace === "string" ? namespace : ""}/${name}`;
    const owner = owners.get(key);
    if (owner) dupes.push(`${key}: owned by ${owner} and ${r.urn}`);
    else owners.set(key, r.urn);
  }
  return dupes;
}

export function duplicateUrns(rendered: Rendered): string[] {
  const seen = new Set<string>();
  const dupes: string[] = [];
  for (const r of rendered.resources) {
    if (seen.has(r.urn)) dupes.push(r.urn);
    seen.add(r.urn);
  }
  return dupes;
}

// ---- Kubernetes schemas ----

type Validator = (obj: Record<string, unknown>) => string | undefined;

/** Core kinds through kubernetes-models (ESM-only, hence the dynamic imports). */
async function coreValidators(): Promise<Map<string, Validator>> {
  const v1 = await import("kubernetes-models/v1");
  const apps = await import("kubernetes-models/apps/v1");
  const rbac = await import("kubernetes-models/rbac.authorization.k8s.io/v1");
  const admission = await import("kubernetes-models/admissionregistration.k8s.io/v1");
  const wrap =
    <T>(Model: new (o: T) => { validate(): void }): Validator =>
    (o) => {
      try {
        // The model's constructor types what it takes; `validate` then judges the object as it is.
        new Model(o as T).validate();
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    };
  return new Map<string, Validator>([
    ["v1/Namespace", wrap(v1.Namespace)],
    ["v1/Secret", wrap(v1.Secret)],
    ["v1/Service", wrap(v1.Service)],
    ["v1/ServiceAccount", wrap(v1.ServiceAccount)],
    ["apps/v1/Deployment", wrap(apps.Deployment)],
    // A canary's RBAC bridge and revision tags (issue 24).
    ["rbac.authorization.k8s.io/v1/ClusterRoleBinding", wrap(rbac.ClusterRoleBinding)],
    ["rbac.authorization.k8s.io/v1/RoleBinding", wrap(rbac.RoleBinding)],
    ["admissionregistration.k8s.io/v1/MutatingWebhookConfiguration", wrap(admission.MutatingWebhookConfiguration)],
  ]);
}

/**
 * CRD schemas are structural: the API server prunes unknown fields instead of rejecting them. A pruned field is a
 * silent mistake, so every object schema without `x-kubernetes-preserve-unknown-fields` is closed here.
 */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjectsBelow);
  if (typeof schema !== "object" || schema === null) return schema;
  // The root lists only spec/status; apiVersion, kind and metadata are the API server's, not the CRD's.
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, closeObjectsBelow(v)]));
}

function closeObjectsBelow(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjectsBelow);
  if (typeof schema !== "object" || schema === null) return schema;
  const s = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, closeObjectsBelow(v)])) as Record<string, unknown>;
  if (s.type === "object" && s.properties && s.additionalProperties === undefined && s["x-kubernetes-preserve-unknown-fields"] !== true) {
    s.additionalProperties = false;
  }
  return s;
}

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  // The OpenAPI formats the CRDs use; int32 is checked, the others are accepted as the API server's own concern.
  ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  for (const format of ["int64", "double", "float", "date-time", "byte", "binary"]) ajv.addFormat(format, true);
  for (const kw of ["x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string", "x-kubernetes-validations", "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type", "x-kubernetes-embedded-resource"]) {
    ajv.addKeyword(kw);
  }
  return ajv;
}

const errorsText = (fn: ValidateFunction): string =>
  (fn.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`).join("; ");

const istioValidatorCache = new Map<string, Map<string, Validator>>();
/** Istio kinds through ajv against the CRDs of that Istio version, then through the CRDs' CEL rules. */
function istioValidators(version: string): Map<string, Validator> {
  const cached = istioValidatorCache.get(version);
  if (cached) return cached;
  const ajv = newAjv();
  const out = new Map<string, Validator>();
  for (const crd of crdSchemas(version)) {
    const fn = ajv.compile(closeObjects(crd.schema) as object);
    const rules = compileCrdRules(crd.schema);
    // CEL rules assume a value of the schema's shape, so they run on what passed the schema.
    out.set(`${crd.group}/${crd.version}/${crd.kind}`, (o) => (fn(o) ? rules.check(o).violations.join("; ") || undefined : errorsText(fn)));
  }
  istioValidatorCache.set(version, out);
  return out;
}

/**
 * The Istio version of each cluster's CRDs: the chart version of its `base` release (the config cluster's follows
 * the control plane, a further remote's its own `istioVersion`).
 */
export function crdVersionsByCluster(rendered: Rendered): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of rendered.resources) {
    if (r.type !== "kubernetes:helm.sh/v3:Release" || r.cluster === null) continue;
    const chart = String(r.inputs.chart);
    if (chart.slice(chart.lastIndexOf("/") + 1) === "base") out.set(r.cluster, String(r.inputs.version));
  }
  return out;
}

/** Every object valid against its schema, Istio kinds against the CRDs of the object's own cluster. */
export async function schemaViolationsByCluster(objects: readonly ClusterObject[], rendered: Rendered): Promise<string[]> {
  const clusterOf = new Map(rendered.resources.map((r) => [r.urn, r.cluster]));
  const crds = crdVersionsByCluster(rendered);
  const byVersion = new Map<string, ClusterObject[]>();
  const out: string[] = [];
  for (const o of objects) {
    const cluster = clusterOf.get(o.urn);
    const version = cluster ? crds.get(cluster) : undefined;
    if (version === undefined) {
      out.push(`${o.urn}: no istio-base release in cluster ${cluster ?? "(none)"}, so no CRDs to check against`);
      continue;
    }
    byVersion.set(version, [...(byVersion.get(version) ?? []), o]);
  }
  for (const [version, objs] of byVersion) out.push(...(await schemaViolations(objs, version)));
  return out;
}

/** Every object valid against its schema (core kinds, and Istio kinds for `istioVersion`). */
export async function schemaViolations(objects: readonly ClusterObject[], istioVersion: string): Promise<string[]> {
  const validators = new Map([...(await coreValidators()), ...istioValidators(istioVersion)]);
  const out: string[] = [];
  for (const { urn, object } of objects) {
    const key = `${String(object.apiVersion)}/${String(object.kind)}`;
    const validate = validators.get(key);
    if (!validate) {
      out.push(`${urn}: no schema for ${key}`);
      continue;
    }
    const error = validate(object);
    if (error) out.push(`${urn}: ${error}`);
  }
  return out;
}

// ---- Helm values ----

/** Leaf paths of plain data, as segment lists (arrays and empty maps are leaves). */
export function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== "object" || value === null || Array.isArray(value) || Object.keys(value).length === 0) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

/** Keys whose default is `{}`/`[]`: anything may go under them. */
function freeFormPaths(defaults: Record<string, unknown>, chart: Chart): Set<string> {
  const out = new Set<string>(chart === "istiod" ? ["meshConfig"] : chart === "gateway" ? ["global"] : []);
  const walk = (v: unknown, p: string[]) => {
    if (Array.isArray(v) || (typeof v === "object" && v !== null && Object.keys(v).length === 0)) {
      out.add(p.join("."));
      return;
    }
    if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(defaults, []);
  return out;
}

/**
 * Every values path the program sets exists in its chart: in values.yaml, read by a template, under a free-form
 * map, or (istiod) under the legacy `pilot.` prefix. Anything else is a typo Helm would silently ignore.
 */
export function unknownValuePaths(release: HelmRelease, chartVersion: string): string[] {
  const chart = release.chart as Chart;
  const known = new Set([...valuesPaths(chartVersion, chart), ...templateRefs(chartVersion, chart)]);
  // istio.io's Helm instructions install `base` with `--set profile=remote` (DESIGN §4); the 1.28/1.30 base
  // templates no longer read it (profile-remote.yaml sets nothing base uses), so it is a documented no-op there.
  if (chart === "base") known.add("profile");
  const free = freeFormPaths(chartDefaults(chartVersion, chart), chart);
  // Maps a template reads whole (`toYaml .Values.resources`): what is under them goes to Kubernetes as given.
  if (chart !== "base") for (const p of readWholePaths(chartDefaults(chartVersion, chart), [...templateRefs(chartVersion, chart)].sort())) free.add(p);
  const ok = (segs: string[]): boolean => {
    if (known.has(segs.join("."))) return true;
    for (let i = 1; i < segs.length; i++) if (free.has(segs.slice(0, i).join("."))) return true;
    return chart === "istiod" && segs[0] === "pilot" && segs.length > 1 && ok(segs.slice(1));
  };
  return leafPaths(release.values)
    .filter((segs) => segs.length > 0 && !ok(segs))
    .map((segs) => `${release.urn}: ${chart} ${chartVersion} has no value "${segs.join(".")}"`);
}

const gatewaySchemaCache = new Map<string, ValidateFunction>();
/** `gateway` values against the chart's values.schema.json (top level `additionalProperties: false`). */
export function gatewaySchemaViolations(release: HelmRelease, chartVersion: string): string[] {
  let fn = gatewaySchemaCache.get(chartVersion);
  if (!fn) {
    const { $schema: _ignored, ...schema } = gatewaySchema(chartVersion);
    fn = newAjv().compile(schema);
    gatewaySchemaCache.set(chartVersion, fn);
  }
  return fn(release.values) ? [] : [`${release.urn}: ${errorsText(fn)}`];
}
