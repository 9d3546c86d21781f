/**
 * Stack config validation: raw `istio-mesh:*` strings in, the mesh's settings or the full list of problems out.
 *
 * The rules are the package's (`component/config/document.ts`), shared with the `ExternalControlPlaneMesh` component;
 * this is the stack file's surface of them: Pulumi's strings decoded, credentials as top-level secret keys that must
 * be secret, `eastWestGateways` as `auto`/`true`/`false`, keys in a misspelt namespace, and `<stack file>: ` before
 * each message. Pure: no Pulumi runtime, so the render, `npm run verify`, the tests and the program share it.
 */
import { z } from "zod";
import {
  adminKeyProblems,
  documentSchemas,
  editDistance,
  validateMeshDocument,
  type MeshDocument,
  type Surface,
  type TlsMaterial,
} from "../../component/config/document";
import { stackReferenceName } from "../../component/config/fields";
import { validateWorkloadsDocument, workloadsSchemas, type WorkloadsDocument } from "../../component/config/workloads";
import type { MeshConfig } from "../../component/config/model";
import { formatPath, type Problem } from "../../component/config/problems";
import { EastWestGatewayMode } from "../../component/meshArgs";

export { formatPath, type Problem };

/**
 * What a stack deploys (issue 15, docs/operator-admin-stacks.md): the whole mesh, the mesh operator's part
 * (the control plane), or a mesh admins' part (gateways and samples on their remote clusters).
 */
export const STACK_KINDS = ["mesh", "operator", "admin"] as const;
export type StackKind = (typeof STACK_KINDS)[number];

/** The mesh's (or the operator's) settings from a stack file, and what the program needs to know about where they came from. */
export interface StackMeshConfig extends MeshConfig {
  kind: "mesh" | "operator";
  /** The stack file this came from, for messages. */
  source: string;
  /** Whether kubeconfig content is given as the secret key `kubeconfig` (else the user's kubeconfig file is used). */
  kubeconfigInConfig: boolean;
  /** Whether the registry's pull Secret content is given as the secret key `registryCredentials`. */
  registryCredentialsInConfig: boolean;
  /** The stack file's settings as parsed, defaults applied: what the program turns into the component's arguments. */
  document: MeshDocument;
}

/** A mesh admins' settings from a stack file (`stackKind: admin`). */
export interface StackWorkloadsConfig {
  kind: "admin";
  source: string;
  kubeconfigInConfig: boolean;
  /** The operator stack, as the StackReference names it. */
  operatorStack: string;
  document: WorkloadsDocument;
}

export type StackSettings = StackMeshConfig | StackWorkloadsConfig;

export type Validation = { ok: true; config: StackMeshConfig } | { ok: false; problems: Problem[] };
export type StackValidation = { ok: true; config: StackSettings } | { ok: false; problems: Problem[] };

/** Keys whose values are credentials: they must be set with `pulumi config set --secret`. */
export const SECRET_KEYS = ["kubeconfig", "tlsKey", "registryCredentials"] as const;

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

/** A namespace's config entries as the document they spell (objects parsed, booleans as booleans). */
export function decodeEntries(entries: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, decode(k, v)]));
}

/** `eastWestGateways` in YAML: `auto`, or a boolean. */
const eastWestGatewaysInYaml = z
  .union([z.literal("auto"), z.boolean()], { message: 'must be "auto", true or false' })
  .transform((v) => (v === "auto" ? EastWestGatewayMode.Auto : v ? EastWestGatewayMode.Enabled : EastWestGatewayMode.Disabled));

const STACK_SCHEMAS = documentSchemas({
  cluster: {},
  tls: {},
  root: {
    stackKind: z.enum(["mesh", "operator"]).optional(),
    // Secret keys: read as Pulumi secrets, never as plain config. Their content is opaque here.
    kubeconfig: z.string().optional(),
    tlsCertificate: z.string().optional(),
    tlsKey: z.string().optional(),
    // The content of the registry's pull Secret (`.dockerconfigjson`).
    registryCredentials: z.string().optional(),
    // Refused with a message in `ownProblems` (only admin stacks read an operator stack).
    operatorStack: z.unknown().optional(),
  },
  eastWestGateways: eastWestGatewaysInYaml,
});

/** Where a mesh operator's settings send the admins' keys. */
const ADMIN_STACK = "an admin stack (stackKind: admin; docs/operator-admin-stacks.md)";
const OPERATOR_STACK = "the operator stack";

/** Credentials given in plain config, as problems. */
function plainSecretProblems(raw: Readonly<Record<string, unknown>>, secretKeys: ReadonlySet<string>): Problem[] {
  return SECRET_KEYS.filter((key) => raw[key] !== undefined && !secretKeys.has(key)).map((key) => ({
    path: key,
    message: `must be a secret: set it with \`pulumi config set --secret ${key} ...\` (the value was not printed)`,
  }));
}

/** The stack file's surface of the rules for a whole mesh or an operator stack; `secretKeys` are the keys given as secrets. */
function stackSurface(secretKeys: ReadonlySet<string>, kind: "mesh" | "operator"): Surface {
  const material = (raw: Readonly<Record<string, unknown>>, key: "tlsCertificate" | "tlsKey"): TlsMaterial => ({
    path: key,
    given: raw[key] !== undefined,
    howToGive: ` (pulumi config set --secret ${key} < file.pem)`,
  });
  return {
    schemas: STACK_SCHEMAS,
    eastWestGatewaysOff: "false",
    tlsMaterial: (raw) => [material(raw, "tlsCertificate"), material(raw, "tlsKey")],
    registryCredentials: (raw) => ({ path: "registryCredentials", given: raw.registryCredentials !== undefined }),
    ownProblems: (raw) => [
      ...plainSecretProblems(raw, secretKeys),
      ...(raw.operatorStack !== undefined
        ? [{ path: "operatorStack", message: `only an admin stack reads an operator stack (stackKind: admin); remove it from a ${kind === "mesh" ? "whole-mesh" : "mesh operator's"} stack` }]
        : []),
      ...(kind === "operator" ? adminKeyProblems(raw, ADMIN_STACK) : []),
    ],
  };
}

/** An admin stack's surface of the mesh admin's rules. */
function adminStackSurface(secretKeys: ReadonlySet<string>) {
  return {
    clusterKeys: {},
    rootKeys: {
      stackKind: z.literal("admin"),
      // Required, with its own message (`ownProblems`).
      operatorStack: stackReferenceName.optional(),
      kubeconfig: z.string().optional(),
    },
    operator: OPERATOR_STACK,
    docs: "docs/operator-admin-stacks.md",
    ownProblems: (raw: Readonly<Record<string, unknown>>) => [
      ...plainSecretProblems(raw, secretKeys),
      ...(raw.operatorStack === undefined
        ? [{ path: "operatorStack", message: "is required in an admin stack: the operator stack whose control plane serves this stack's clusters, as <stack>, <organization>/<stack> or <organization>/<project>/<stack>" }]
        : []),
    ],
  };
}

/**
 * The zod schemas of a stack file's `istio-mesh:` keys, by kind of stack, without the rules across fields: what
 * `npm run stack-schema` turns into the stack file's JSON Schema (`tools/stackSchema.ts`).
 */
export const STACK_FILE_SCHEMAS = {
  mesh: STACK_SCHEMAS.root,
  admin: workloadsSchemas(adminStackSurface(new Set())).root,
} as const;

/** Keys Pulumi hands a program as strings that the program reads as booleans ("true"/"false" as well as true/false). */
export const STRING_BOOLEAN_KEYS: ReadonlySet<string> = BOOLEAN_KEYS;

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
  const decoded = decodeEntries(entries);
  const kind = decoded.stackKind === "operator" ? "operator" : "mesh";
  const result = validateMeshDocument(decoded, stackSurface(secretKeys, kind));
  if (!result.ok) return result;
  return {
    ok: true,
    config: {
      ...result.config,
      kind,
      source,
      kubeconfigInConfig: decoded.kubeconfig !== undefined,
      registryCredentialsInConfig: decoded.registryCredentials !== undefined,
      document: result.document,
    },
  };
}

/** Validates an admin stack's keys (`stackKind: admin`). */
export function validateAdminConfig(entries: Record<string, string>, secretKeys: ReadonlySet<string>, source: string): StackValidation {
  const decoded = decodeEntries(entries);
  const result = validateWorkloadsDocument(decoded, adminStackSurface(secretKeys));
  if (!result.ok) return result;
  return {
    ok: true,
    config: { kind: "admin", source, kubeconfigInConfig: decoded.kubeconfig !== undefined, operatorStack: String(decoded.operatorStack), document: result.document },
  };
}

/** Validates a stack's keys as the kind of stack its `stackKind` says. */
export function validateStackSettings(entries: Record<string, string>, secretKeys: ReadonlySet<string>, source: string): StackValidation {
  const kind = entries.stackKind ?? "mesh";
  if (!(STACK_KINDS as readonly string[]).includes(kind)) {
    return { ok: false, problems: [{ path: "stackKind", message: `must be "mesh" (the default), "operator" or "admin", got ${JSON.stringify(kind)}` }] };
  }
  return kind === "admin" ? validateAdminConfig(entries, secretKeys, source) : validateMeshConfig(entries, secretKeys, source);
}

/** Namespaces a stack file may also use: the Kubernetes provider's settings and Pulumi's own. */
export const KNOWN_NAMESPACES: ReadonlySet<string> = new Set(["kubernetes", "pulumi"]);
/** How far a namespace may be from ours (edit distance) to count as a typo of it. */
export const NAMESPACE_TYPO_DISTANCE = 3;

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
    if (ns === namespace || KNOWN_NAMESPACES.has(ns) || editDistance(ns, namespace) > NAMESPACE_TYPO_DISTANCE) continue;
    problems.push({ path: key, message: `unknown config namespace "${ns}" (did you mean "${namespace}:${key.slice(colon + 1)}"?)` });
  }
  return problems;
}

/**
 * Validates a whole stack's config as Pulumi passes it (`<namespace>:<key>` -> value): our namespace's keys, and
 * keys whose namespace is a typo of ours.
 */
export function validateStackConfig(config: Record<string, string>, secretKeys: Iterable<string>, namespace: string, source: string): StackValidation {
  const { entries, secretKeys: secrets } = namespaceEntries(config, secretKeys, namespace);
  const typos = namespaceTypoProblems(Object.keys(config), namespace);
  const result = validateStackSettings(entries, secrets, source);
  if (typos.length === 0) return result;
  return { ok: false, problems: [...typos, ...(result.ok ? [] : result.problems)] };
}

/** `<stack file>: <key path>: <what is wrong>`, one line per problem. */
export function formatProblems(source: string, problems: readonly Problem[]): string[] {
  return problems.map((p) => `${source}: ${p.path || "(root)"}: ${p.message}`);
}
