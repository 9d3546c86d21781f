/**
 * The CEL rules of a CRD schema (`x-kubernetes-validations`), compiled and evaluated as the API server does on
 * create: each rule with `self` bound to the value at the schema node that declares it, typed by that node.
 * Transition rules (those reading `oldSelf`) only apply to updates; we only create, so they are skipped and counted.
 *
 * @marcbachmann/cel-js, not @bufbuild/cel: its public type checker compiles a rule against declared variable and
 * function types, so a rule that the API server would refuse to compile (an unknown function, a wrong overload)
 * fails here too, and it has opaque custom types for Kubernetes' `url()`. @bufbuild/cel 0.6 exports no checker
 * (unknown functions surface only when a rule happens to be evaluated) and no custom types.
 */
import { Environment } from "@marcbachmann/cel-js";
import { registerKubernetesLibrary } from "./celKubernetesLibrary";

type Schema = Record<string, unknown>;

interface Rule {
  rule: string;
  message?: string;
}

interface CompiledRule {
  rule: string;
  message: string;
  evaluate: (context: { self: unknown }) => unknown;
}

/** The schema tree, pruned to the nodes on a path to some rule. */
interface RuleNode {
  schema: Schema;
  rules: CompiledRule[];
  properties: Map<string, RuleNode>;
  items?: RuleNode;
  additionalProperties?: RuleNode;
}

export interface CrdRules {
  /** Rules compiled (and evaluated wherever their node has a value). */
  compiled: number;
  /** Transition rules, skipped: they compare with the stored object, and we only create. */
  skippedTransitionRules: number;
  /** Violations as `<instance path> <message>`, and how many rule evaluations ran. */
  check(object: unknown): { violations: string[]; evaluated: number };
}

const kubernetesEnvironment = registerKubernetesLibrary(new Environment());
const environments = new Map<string, Environment>();
/** One environment per type of `self`, cloned from the one holding the Kubernetes functions. */
function environmentFor(selfType: string): Environment {
  let env = environments.get(selfType);
  if (!env) {
    env = kubernetesEnvironment.clone().registerVariable("self", selfType);
    environments.set(selfType, env);
  }
  return env;
}

const isObject = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

/** The CEL type Kubernetes gives a schema node; objects are maps here (field typing is the schema check's job). */
function celType(schema: Schema | undefined): string {
  if (!schema || schema["x-kubernetes-int-or-string"] === true || schema["x-kubernetes-preserve-unknown-fields"] === true) return "dyn";
  switch (schema.type) {
    case "string":
      return "string";
    case "integer":
      return "int";
    case "number":
      return "double";
    case "boolean":
      return "bool";
    case "array":
      return `list<${celType(isObject(schema.items) ? schema.items : undefined)}>`;
    case "object":
      return `map<string, ${isObject(schema.additionalProperties) ? celType(schema.additionalProperties) : "dyn"}>`;
    default:
      return "dyn";
  }
}

/** A JSON value as CEL sees it under `schema`: integers are CEL ints (bigint), whatever JSON number they came as. */
function toCel(value: unknown, schema: Schema | undefined): unknown {
  if (typeof value === "number") return schema?.type === "number" || !Number.isInteger(value) ? value : BigInt(value);
  if (Array.isArray(value)) return value.map((v) => toCel(v, isObject(schema?.items) ? schema.items : undefined));
  if (isObject(value)) {
    const properties = isObject(schema?.properties) ? schema.properties : {};
    const additional = isObject(schema?.additionalProperties) ? schema.additionalProperties : undefined;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v, isObject(properties[k]) ? properties[k] : additional)]));
  }
  return value;
}

function compileNode(schema: Schema, at: string, counts: { compiled: number; skipped: number }): RuleNode | undefined {
  const rules: CompiledRule[] = [];
  for (const { rule, message } of (schema["x-kubernetes-validations"] as Rule[] | undefined) ?? []) {
    if (/\boldSelf\b/.test(rule)) {
      counts.skipped++;
      continue;
    }
    const env = environmentFor(celType(schema));
    const checked = env.check(rule);
    if (!checked.valid) throw new Error(`the CEL rule at ${at || "/"} does not compile: ${rule}\n${checked.error?.message ?? ""}`);
    rules.push({ rule, message: message ?? `failed rule: ${rule}`, evaluate: env.parse(rule) });
    counts.compiled++;
  }
  const properties = new Map<string, RuleNode>();
  for (const [name, child] of Object.entries(isObject(schema.properties) ? schema.properties : {})) {
    const node = isObject(child) ? compileNode(child, `${at}/${name}`, counts) : undefined;
    if (node) properties.set(name, node);
  }
  const items = isObject(schema.items) ? compileNode(schema.items, `${at}/items`, counts) : undefined;
  const additionalProperties = isObject(schema.additionalProperties) ? compileNode(schema.additionalProperties, `${at}/additionalProperties`, counts) : undefined;
  if (rules.length === 0 && properties.size === 0 && !items && !additionalProperties) return undefined;
  return { schema, rules, properties, items, additionalProperties };
}

function checkNode(node: RuleNode, value: unknown, at: string, out: { violations: string[]; evaluated: number }): void {
  // A field that is absent (or null, which the API server prunes) has no rules to meet.
  if (value === undefined || value === null) return;
  if (node.rules.length > 0) {
    const self = toCel(value, node.schema);
    for (const { rule, message, evaluate } of node.rules) {
      out.evaluated++;
      try {
        if (evaluate({ self }) !== true) out.violations.push(`${at || "/"} ${message}`);
      } catch (err) {
        out.violations.push(`${at || "/"} ${(err as Error).message.split("\n")[0]} evaluating rule: ${rule}`);
      }
    }
  }
  if (Array.isArray(value)) {
    if (node.items) value.forEach((item, i) => checkNode(node.items!, item, `${at}/${i}`, out));
  } else if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const declared = isObject(node.schema.properties) && key in node.schema.properties;
      const childNode = declared ? node.properties.get(key) : node.additionalProperties;
      if (childNode) checkNode(childNode, child, `${at}/${key}`, out);
    }
  }
}

/** Compiles every rule of a CRD version's schema; throws on a rule that does not compile. */
export function compileCrdRules(schema: Schema): CrdRules {
  const counts = { compiled: 0, skipped: 0 };
  const root = compileNode(schema, "", counts);
  return {
    compiled: counts.compiled,
    skippedTransitionRules: counts.skipped,
    check(object) {
      const out = { violations: [] as string[], evaluated: 0 };
      if (root) checkNode(root, object, "", out);
      return out;
    },
  };
}
