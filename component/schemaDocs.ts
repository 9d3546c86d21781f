/**
 * The schema's type descriptions, from the type-level JSDoc of the public API (`meshArgs.ts`). Pulumi's analyzer
 * reads the JSDoc of components and properties but drops that of interfaces and enums, so every generated SDK would
 * show nothing on a class such as `ExposureTlsArgs` or an enum such as `ExposureMode`. The JSDoc stays the one
 * source: this module reads it with the TypeScript compiler the analyzer runs on anyway, and `describeSchema` puts it
 * into the schema the plugin serves (`provider.ts`).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { DEFAULT_CHART_REPOSITORY, DEFAULT_CONTROL_PLANE_NAMESPACE, DEFAULT_MESH_ID, DEFAULT_REMOTE_SECRET_ROTATION } from "./config/fields";

/** The file whose interfaces and enums are the schema's types. */
export const PUBLIC_API_FILE = path.join(__dirname, "meshArgs.ts");

/** Each exported interface's and enum's JSDoc text, by name. */
export function typeDocs(file: string = PUBLIC_API_FILE): Record<string, string> {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const docs: Record<string, string> = {};
  for (const node of source.statements) {
    if ((ts.isInterfaceDeclaration(node) || ts.isEnumDeclaration(node)) && node.name) {
      const text = ts
        .getJSDocCommentsAndTags(node)
        .filter(ts.isJSDoc)
        .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "")
        .join("\n")
        .trim();
      if (text) docs[node.name.text] = text;
    }
  }
  return docs;
}

/**
 * Defaults the SDKs can show and apply, by type (or component) and property: the values the rules apply when the
 * property is unset (`config/fields.ts`, `config/document.ts`), so giving them changes nothing. Only strings and
 * booleans: an enum's default is in its description (`EastWestGatewayMode`, `ExternalCluster.istioSystem`).
 */
export const PROPERTY_DEFAULTS: Readonly<Record<string, Readonly<Record<string, string | boolean>>>> = {
  IstioRelease: { chartRepository: DEFAULT_CHART_REPOSITORY },
  WorkloadCharts: { chartRepository: DEFAULT_CHART_REPOSITORY },
  MeshSettings: { id: DEFAULT_MESH_ID, controlPlaneNamespace: DEFAULT_CONTROL_PLANE_NAMESPACE },
  ClusterGateways: { ingress: false, egress: false },
  ExposureTls: { create: false },
  ExternalControlPlaneMesh: { samples: false, protect: false, remoteSecretRotation: DEFAULT_REMOTE_SECRET_ROTATION, upgradingControlPlane: false },
  ExternalControlPlane: { protect: false, remoteSecretRotation: DEFAULT_REMOTE_SECRET_ROTATION, upgradingControlPlane: false },
  MeshWorkloads: { samples: false },
};

interface PropertySpec {
  description?: string;
  default?: unknown;
}

interface Described {
  description?: string;
  properties?: Record<string, PropertySpec>;
  inputProperties?: Record<string, PropertySpec>;
}

/** The last segment of a type token: `istio-mesh:index:ExposureTls` is `ExposureTls`. */
const typeName = (token: string): string => token.slice(token.lastIndexOf(":") + 1);

/**
 * The analyzer's schema with every type's description and the properties' defaults. Throws when a type has no
 * JSDoc, or a default names a property the schema lacks: the served schema must describe everything it has.
 */
export function describeSchema(schema: Record<string, unknown>, docs: Readonly<Record<string, string>> = typeDocs()): Record<string, unknown> {
  const types = (schema.types ?? {}) as Record<string, Described>;
  const resources = (schema.resources ?? {}) as Record<string, Described>;
  const undocumented = Object.keys(types).filter((token) => docs[typeName(token)] === undefined);
  if (undocumented.length > 0) throw new Error(`no JSDoc for the schema's types ${undocumented.join(", ")} in ${PUBLIC_API_FILE}`);
  const withDefaults = (token: string, properties: Record<string, PropertySpec> | undefined): Record<string, PropertySpec> | undefined => {
    const defaults = PROPERTY_DEFAULTS[typeName(token)];
    if (!properties || !defaults) return properties;
    const out = { ...properties };
    for (const [key, value] of Object.entries(defaults)) {
      if (!out[key]) throw new Error(`a default for ${typeName(token)}.${key}, which the schema does not have`);
      out[key] = { ...out[key], default: value };
    }
    return out;
  };
  return {
    ...schema,
    resources: Object.fromEntries(
      Object.entries(resources).map(([token, r]) => [token, { ...r, ...(r.inputProperties ? { inputProperties: withDefaults(token, r.inputProperties) } : {}) }]),
    ),
    types: Object.fromEntries(
      Object.entries(types).map(([token, t]) => {
        const { description: _ignored, properties, ...rest } = t;
        // The description first, as hand-written schemas have it.
        return [token, { description: docs[typeName(token)], ...rest, ...(properties ? { properties: withDefaults(token, properties) } : {}) }];
      }),
    ),
  };
}
