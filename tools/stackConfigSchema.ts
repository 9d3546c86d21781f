/**
 * The JSON Schema of a stack file (`Pulumi.<stack>.yaml`), built from the rules the program validates with: the zod
 * schemas of a whole mesh's, an operator's and an admin's `istio-mesh:` keys (`infra/config/validate.ts`
 * `STACK_FILE_SCHEMAS`, built from `component/config/`), turned into JSON Schema by zod, with what zod cannot carry
 * over added from the same constants: the patterns behind the fields' refinements, and the rules across keys that
 * JSON Schema can state (keys by `exposure.mode`, by `exposure.tls.create` and by `stackKind`). Rules across clusters
 * (unique names, version skew) and against deployed stacks stay the program's alone.
 *
 * Editors read it through a `# yaml-language-server: $schema=...` line; `npm run stack-schema` writes it, and
 * `tests/stackSchema.test.ts` checks the committed file is what this builds.
 */
import { z } from "zod";
import {
  apiServerUrl,
  chartRepository,
  DNS1123_LABEL,
  DNS1123_SUBDOMAIN,
  dns1123Label,
  hostname,
  IPV4,
  istioVersion,
  LABEL_VALUE,
  MIN_ISTIO_MINOR,
  networkName,
  secretName,
  SEMVER,
  STACK_NAME_PART,
  stackReferenceName,
} from "../component/config/fields";
import { RESERVED_NAMESPACES } from "../component/config/document";
import {
  KNOWN_NAMESPACES,
  SECRET_KEYS,
  STACK_FILE_SCHEMAS,
  STACK_KINDS,
  STRING_BOOLEAN_KEYS,
} from "../infra/config/validate";
import { CONFIG_NAMESPACE } from "../infra/config/load";

export type JsonSchema = Record<string, unknown>;

/** A regular expression's body without its anchors, to compose patterns. */
const body = (re: RegExp): string => re.source.replace(/^\^/, "").replace(/\$$/, "");

/** A pattern for the decimal numbers >= `min` (no leading zeros). */
export function atLeast(min: number): string {
  const digits = String(min);
  const alternatives: string[] = [];
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i]);
    const rest = digits.length - i - 1;
    const prefix = digits.slice(0, i);
    const lowest = i === digits.length - 1 ? d : d + 1;
    if (lowest <= 9 && !(i === 0 && lowest === 0)) alternatives.push(`${prefix}[${lowest}-9]${rest > 0 ? `\\d{${rest}}` : ""}`);
  }
  alternatives.push(`[1-9]\\d{${digits.length},}`);
  return `(${alternatives.join("|")})`;
}

/** `istioVersion`: a release version of Istio 1.<MIN_ISTIO_MINOR> or newer. */
const SEMVER_PRERELEASE = body(SEMVER).slice(body(SEMVER).lastIndexOf("(-"));
const ISTIO_VERSION = `^1\\.${atLeast(MIN_ISTIO_MINOR)}\\.\\d+${SEMVER_PRERELEASE}$`;

/** Hosts `apiServerUrl` refuses as loopback. */
const LOOPBACK = "(localhost|[^/:@]*\\.localhost|127\\.[0-9.]+|\\[::1\\]|0\\.0\\.0\\.0)(:\\d+)?/?$";

/** What each field's refinement checks, as far as a pattern can say it. */
const FIELD_PATTERNS = new Map<unknown, JsonSchema>([
  [dns1123Label, { pattern: DNS1123_LABEL.source, maxLength: 63 }],
  [secretName, { pattern: DNS1123_SUBDOMAIN.source, maxLength: 253 }],
  [networkName, { pattern: LABEL_VALUE.source, maxLength: 63 }],
  [
    hostname,
    // A DNS name with at least one dot, not an IPv4 address.
    { pattern: `^(?!${body(IPV4)}$)${body(DNS1123_LABEL)}(\\.${body(DNS1123_LABEL)})+$`, maxLength: 253 },
  ],
  // A bare https:// server URL without credentials, not a loopback address.
  [apiServerUrl, { pattern: `^https://(?!${LOOPBACK})[^/?#@\\s]+/?$` }],
  // An https:// Helm repository or an oci:// registry path, without credentials, query or fragment.
  [chartRepository, { pattern: "^(https|oci)://[^/?#@\\s]+(/[^?#\\s]*)?$" }],
  [istioVersion, { pattern: ISTIO_VERSION }],
  [stackReferenceName, { pattern: `^${body(STACK_NAME_PART)}(/${body(STACK_NAME_PART)}){0,2}$` }],
]);

/** Short descriptions the editor shows for each top-level key (the full reference is docs/configuration.md). */
const DESCRIPTIONS: Record<string, string> = {
  stackKind: "What the stack deploys: the whole mesh (default), the mesh operator's part or a mesh admins' part (docs/operator-admin-stacks.md)",
  istio: "The Istio release (version, quoted) and the chart repository",
  mesh: "The mesh ID and the control plane namespace (immutable)",
  clusters: "The external cluster, the config cluster and further remote clusters",
  exposure: "How remote clusters reach the control plane: hostname (with tls) or loadBalancer (immutable)",
  eastWestGateways: 'East-west gateways on every remote: "auto" (when the remotes span several networks), true or false',
  samples: "Istio's helloworld and sleep samples; needs the config cluster's ingress gateway",
  protect: "Protect namespaces, CRD-owning releases and the root CA, and keep them on delete",
  remoteSecretRotation: "Change it to rotate every remote-secret token (docs/rotation.md)",
  kubeconfig: "Kubeconfig content with every context of the stack, as a secret (pulumi config set --secret kubeconfig < file)",
  tlsCertificate: "PEM certificate (chain) for exposure.tls.create: true, as a secret",
  tlsKey: "PEM private key for exposure.tls.create: true, as a secret",
  operatorStack: "An admin stack's operator stack: <stack>, <organization>/<stack> or <organization>/<project>/<stack>",
};

/** One kind's `istio-mesh:` keys (without the namespace) as JSON Schema, from its zod schema. */
function keysOf(root: z.ZodObject): { properties: Record<string, JsonSchema>; required: string[] } {
  const json = z.toJSONSchema(root, {
    target: "draft-7",
    io: "input",
    unrepresentable: "any",
    override: (ctx) => {
      const extra = FIELD_PATTERNS.get(ctx.zodSchema);
      if (extra) Object.assign(ctx.jsonSchema, extra);
    },
  }) as { properties: Record<string, JsonSchema>; required?: string[] };
  const properties: Record<string, JsonSchema> = {};
  for (const [key, schema] of Object.entries(json.properties)) {
    const described = DESCRIPTIONS[key] ? { description: DESCRIPTIONS[key], ...schema } : schema;
    // Pulumi's own CLI writes booleans set with `pulumi config set` as strings.
    properties[key] = STRING_BOOLEAN_KEYS.has(key) ? { ...described, anyOf: [...((described.anyOf as JsonSchema[]) ?? [{ type: "boolean" }]), { enum: ["true", "false"] }], type: undefined } : described;
    if (properties[key].type === undefined) delete properties[key].type;
  }
  return { properties, required: json.required ?? [] };
}

/** A value given with `pulumi config set --secret`: encrypted in the stack file. */
const SECURE: JsonSchema = {
  type: "object",
  properties: { secure: { type: "string" } },
  required: ["secure"],
  additionalProperties: false,
};

const full = (key: string): string => `${CONFIG_NAMESPACE}:${key}`;

/** `properties` for a kind: each key under its full name and its bare one (the CLI adds the project's namespace). */
function bothNames(properties: Record<string, JsonSchema | false>): Record<string, JsonSchema | false> {
  return Object.fromEntries(Object.entries(properties).flatMap(([k, v]) => [[full(k), v], [k, v]]));
}

/** Every key in `keys` present under its full or its bare name. */
const requiredKeys = (keys: readonly string[]): JsonSchema[] => keys.map((k) => ({ anyOf: [{ required: [full(k)] }, { required: [k] }] }));

/** `exposure`: hostname and tls only in hostname mode, and required there. */
function withExposureModes(exposure: JsonSchema): JsonSchema {
  return {
    ...exposure,
    if: { properties: { mode: { const: "hostname" } }, required: ["mode"] },
    then: { required: ["hostname", "tls"] },
    else: { properties: { hostname: false, tls: false } },
  };
}

/** The secret keys: encrypted, never plain (`tlsCertificate` may be plain: a certificate is public). */
function secretKeySchemas(keys: readonly string[]): Record<string, JsonSchema> {
  return Object.fromEntries(
    keys.map((k) => [
      k,
      (SECRET_KEYS as readonly string[]).includes(k)
        ? { description: DESCRIPTIONS[k], ...SECURE }
        : { description: DESCRIPTIONS[k], anyOf: [{ type: "string" }, SECURE] },
    ]),
  );
}

/** The cluster entries' `gateways`, refused by an operator stack (they are the admins'). */
function withoutGateways(clusters: JsonSchema): JsonSchema {
  const props = clusters.properties as Record<string, JsonSchema>;
  const noGateways = (entry: JsonSchema): JsonSchema => ({ ...entry, properties: { ...(entry.properties as JsonSchema), gateways: false } });
  const remotes = props.remotes!;
  return {
    ...clusters,
    properties: { ...props, config: noGateways(props.config!), remotes: { ...remotes, items: noGateways(remotes.items as JsonSchema) } },
  };
}

/** `samples: true` needs the config cluster's ingress gateway (the guide reaches helloworld through it). */
function samplesNeedIngress(): JsonSchema {
  const on = { anyOf: [{ const: true }, { const: "true" }] };
  return {
    if: { anyOf: [{ properties: { [full("samples")]: on }, required: [full("samples")] }, { properties: { samples: on }, required: ["samples"] }] },
    then: {
      properties: bothNames({
        clusters: {
          properties: { config: { properties: { gateways: { properties: { ingress: { const: true } }, required: ["ingress"] } }, required: ["gateways"] } },
          required: ["config"],
        },
      }),
    },
  };
}

/** `mesh.controlPlaneNamespace` not one of the namespaces the control plane must not take. */
function withoutReservedNamespaces(mesh: JsonSchema): JsonSchema {
  const props = mesh.properties as Record<string, JsonSchema>;
  return { ...mesh, properties: { ...props, controlPlaneNamespace: { ...props.controlPlaneNamespace, not: { enum: Object.keys(RESERVED_NAMESPACES) } } } };
}

/** The `config:` keys of a whole mesh's and an operator's stack. */
function meshConfig(operator: boolean): JsonSchema {
  const { properties, required } = keysOf(STACK_FILE_SCHEMAS.mesh);
  const secrets = ["kubeconfig", "tlsCertificate", "tlsKey"];
  const keys: Record<string, JsonSchema | false> = {
    ...properties,
    ...secretKeySchemas(secrets),
    stackKind: { ...properties.stackKind, enum: operator ? ["operator"] : ["mesh"] },
    exposure: withExposureModes(properties.exposure!),
    mesh: withoutReservedNamespaces(properties.mesh!),
    // Only an admin stack reads an operator stack.
    operatorStack: false,
    ...(operator ? { samples: false, clusters: withoutGateways(properties.clusters!) } : {}),
  };
  const tlsCreate = { properties: { tls: { properties: { create: { const: true } }, required: ["create"] } }, required: ["tls"] };
  return {
    properties: bothNames(keys),
    allOf: [
      ...requiredKeys(required),
      ...(operator ? [] : [samplesNeedIngress()]),
      {
        // The TLS material only when the Secret is created from it, and then both.
        if: { properties: { [full("exposure")]: tlsCreate }, required: [full("exposure")] },
        then: { allOf: requiredKeys(["tlsCertificate", "tlsKey"]) },
        else: { properties: bothNames({ tlsCertificate: false, tlsKey: false }) },
      },
    ],
  };
}

/** The `config:` keys of an admin stack: the operator's keys refused. */
function adminConfig(meshKeys: readonly string[]): JsonSchema {
  const { properties, required } = keysOf(STACK_FILE_SCHEMAS.admin);
  const clusters = properties.clusters!;
  const keys: Record<string, JsonSchema | false> = {
    ...Object.fromEntries(meshKeys.map((k) => [k, false])),
    ...properties,
    // At least one of the team's clusters.
    clusters: { ...clusters, anyOf: [{ required: ["config"] }, { properties: { remotes: { minItems: 1 } }, required: ["remotes"] }] },
    ...secretKeySchemas(["kubeconfig"]),
    stackKind: { description: DESCRIPTIONS.stackKind, const: "admin" },
  };
  return { properties: bothNames(keys), allOf: [...requiredKeys([...new Set([...required, "operatorStack", "clusters"])]), samplesNeedIngress()] };
}

/** The whole stack file. */
export function stackConfigSchema(): JsonSchema {
  const meshKeys = Object.keys(bothNamesKeys(STACK_FILE_SCHEMAS.mesh));
  const adminKeys = Object.keys(bothNamesKeys(STACK_FILE_SCHEMAS.admin));
  const known = [...new Set([...meshKeys, ...adminKeys, "kubeconfig", "tlsCertificate", "tlsKey", "stackKind", "operatorStack"])].sort();
  const isKind = (kind: string): JsonSchema => ({
    anyOf: [
      { properties: { [full("stackKind")]: { const: kind } }, required: [full("stackKind")] },
      { properties: { stackKind: { const: kind } }, required: ["stackKind"] },
    ],
  });
  const namespaceTypo = `^(?!${CONFIG_NAMESPACE}:)(?!(${[...KNOWN_NAMESPACES].join("|")}):)(${CONFIG_NAMESPACE.slice(0, 3)}|${CONFIG_NAMESPACE.slice(0, 2)}.|.${CONFIG_NAMESPACE.slice(1, 3)})[^:]{2,10}:`;
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "Pulumi.<stack>.yaml of the istio-mesh program",
    description:
      "Generated by `npm run stack-schema` from the program's config rules (component/config, infra/config); do not edit. The program checks more (rules across clusters, version skew, deployed stacks): `npm run render -- --stack <stack>`.",
    type: "object",
    properties: {
      secretsprovider: { type: "string" },
      encryptedkey: { type: "string" },
      encryptionsalt: { type: "string" },
      environment: {
        description: "Pulumi ESC environments the stack imports (docs/esc.md)",
        anyOf: [{ type: "array", items: { type: "string" } }, { type: "object" }],
      },
      config: {
        type: "object",
        // Only our namespace is closed: provider keys (kubernetes:*, pulumi:*) and other namespaces' keys are not ours.
        propertyNames: {
          anyOf: [{ enum: known.flatMap((k) => [full(k), k]) }, { allOf: [{ pattern: ":" }, { not: { pattern: `^${CONFIG_NAMESPACE}:` } }, { not: { pattern: namespaceTypo } }] }],
        },
        properties: bothNames({ stackKind: { description: DESCRIPTIONS.stackKind, enum: [...STACK_KINDS] } }),
        allOf: [
          { if: isKind("admin"), then: adminConfig(meshKeys.filter((k) => !adminKeys.includes(k))), else: {} },
          { if: isKind("operator"), then: meshConfig(true), else: {} },
          { if: { not: { anyOf: [isKind("admin"), isKind("operator")] } }, then: meshConfig(false), else: {} },
        ],
      },
    },
    required: ["config"],
    additionalProperties: false,
  };
}

/** A kind's top-level keys (bare names). */
function bothNamesKeys(root: z.ZodObject): Record<string, true> {
  return Object.fromEntries(Object.keys(root.shape).map((k) => [k, true]));
}
