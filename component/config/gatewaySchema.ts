/**
 * The gateway chart's `values.schema.json`, applied as Helm applies it, before anything is registered: a value the
 * schema refuses would fail `helm install` minutes into a `pulumi up`. The schemas of Istio 1.28-1.30 use a small
 * part of JSON Schema (`type`, `enum`, `properties`, `additionalProperties`, `items`, `required`, a `$ref` into
 * `$defs`), and so does this validator; `isSchemaSupported` refuses a schema that uses more, so the chart-data
 * script (`tools/chartData.ts`) never ships one that would pass half-checked. Pure.
 */

type Schema = Record<string, unknown>;

const CHECKED = new Set(["type", "enum", "properties", "additionalProperties", "items", "required", "$ref"]);
/** Keywords that say nothing about a value. */
const ANNOTATIONS = new Set(["description", "$schema", "$defs", "defaults", "title", "default"]);

const isSchema = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

/** true, or the first keyword (with its place) this validator does not check. */
export function isSchemaSupported(schema: unknown, at = "#"): true | string {
  if (typeof schema === "boolean") return true;
  if (!isSchema(schema)) return `a non-schema value at ${at}`;
  for (const [key, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(key) && key !== "$defs") continue;
    if (!CHECKED.has(key) && key !== "$defs") return `"${key}" at ${at}`;
    const children: [string, unknown][] =
      key === "properties" || key === "$defs"
        ? Object.entries(value as Schema).map(([k, v]) => [`${at}/${key}/${k}`, v])
        : key === "additionalProperties" || key === "items"
          ? [[`${at}/${key}`, value]]
          : [];
    for (const [place, child] of children) {
      const r = isSchemaSupported(child, place);
      if (r !== true) return r;
    }
    if (key === "$ref" && (typeof value !== "string" || !value.startsWith("#/$defs/"))) return `a $ref other than #/$defs/<name> at ${at}`;
  }
  return true;
}

function typeOf(value: unknown): string[] {
  if (value === null) return ["null"];
  if (Array.isArray(value)) return ["array"];
  if (typeof value === "number") return Number.isInteger(value) ? ["integer", "number"] : ["number"];
  return [typeof value];
}

/** A value path as the messages write it: `service.ports[0].port`. */
function join(at: string, key: string | number): string {
  if (typeof key === "number") return `${at}[${key}]`;
  return at === "" ? key : `${at}.${key}`;
}

export interface SchemaViolation {
  /** The value's path in the chart's values (`service.type`). */
  path: string;
  message: string;
}

/**
 * What the schema refuses in `values`, each with its path. `root` is the whole schema document (for `$ref`).
 */
export function schemaViolations(values: unknown, schema: Schema, root: Schema = schema, at = ""): SchemaViolation[] {
  const ref = schema.$ref;
  if (typeof ref === "string") {
    const target = (root.$defs as Record<string, Schema> | undefined)?.[ref.slice("#/$defs/".length)];
    return target ? schemaViolations(values, target, root, at) : [{ path: at, message: `the schema's ${ref} is missing` }];
  }
  const out: SchemaViolation[] = [];
  const types = schema.type === undefined ? undefined : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  if (types && !typeOf(values).some((t) => types.includes(t))) {
    return [{ path: at, message: `must be ${types.map((t) => (t === "object" ? "a mapping" : t === "array" ? "a list" : t === "integer" ? "an integer" : t === "null" ? "null" : `a ${t}`)).join(" or ")}` }];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(values)) {
    out.push({ path: at, message: `must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}` });
  }
  if (isSchema(values)) {
    const properties = isSchema(schema.properties) ? schema.properties : {};
    for (const name of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
      if (!(name in values)) out.push({ path: join(at, name), message: "is required" });
    }
    for (const [key, child] of Object.entries(values)) {
      const sub = properties[key];
      if (isSchema(sub)) out.push(...schemaViolations(child, sub, root, join(at, key)));
      else if (schema.additionalProperties === false) out.push({ path: join(at, key), message: "is not allowed by the chart's values schema" });
      else if (isSchema(schema.additionalProperties)) out.push(...schemaViolations(child, schema.additionalProperties, root, join(at, key)));
    }
  }
  if (Array.isArray(values) && isSchema(schema.items)) {
    const items = schema.items;
    values.forEach((item, i) => out.push(...schemaViolations(item, items, root, join(at, i))));
  }
  return out;
}
