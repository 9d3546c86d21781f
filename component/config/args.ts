/**
 * The component's surface of the mesh rules (`document.ts`): `ExternalControlPlaneMeshArgs` as they arrive, from a
 * TypeScript program or, through the plugin host, from any Pulumi language (plain objects; Outputs where the schema
 * has Inputs). Messages name the component and the argument path:
 * `ExternalControlPlaneMesh "prod": clusters.remotes[1].name: "West_2" is not a DNS-1123 label (...)`.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { EastWestGatewayMode } from "../meshArgs";
import {
  adminKeyProblems,
  clusterProblems,
  DEFERRABLE_FIELD_RULES,
  documentSchemas,
  errorMap,
  validateMeshDocument,
  type DeferrableField,
  type DocumentValidation,
  type Surface,
} from "./document";
import { stackReferenceName, withoutTrailingSlash } from "./fields";
import type { Deferrable } from "./model";
import type { Problem } from "./problems";
import { validateWorkloadsDocument, type WorkloadsSurface, type WorkloadsValidation } from "./workloads";

/** The components' names in their type tokens and messages. */
export const MESH_COMPONENT = "ExternalControlPlaneMesh";
export const CONTROL_PLANE_COMPONENT = "ExternalControlPlane";
export const WORKLOADS_COMPONENT = "MeshWorkloads";

/** A credential: a string, or an Output or Promise of one. Its value is never looked at here, nor echoed. */
const credential = z.custom<pulumi.Input<string>>((v) => typeof v === "string" || pulumi.Output.isInstance(v) || v instanceof Promise, {
  message: "must be a string",
});

/** A value another resource gives, not yet resolved. */
const isDeferred = (v: unknown): v is pulumi.Output<unknown> | Promise<unknown> => pulumi.Output.isInstance(v) || v instanceof Promise;

/**
 * An Input: a plain value with the field's rule, or an Output, which `checkedInputs` has wrapped to be checked with
 * the same rule when it resolves.
 */
const inputOf = (rule: z.ZodType<string>): z.ZodType => z.union([rule, z.custom<pulumi.Output<string>>((v) => pulumi.Output.isInstance(v))]);

const INPUT_RULES = Object.fromEntries(Object.entries(DEFERRABLE_FIELD_RULES).map(([field, rule]) => [field, inputOf(rule)])) as Record<
  DeferrableField,
  z.ZodType
>;

const ARGS_SCHEMAS = documentSchemas<Deferrable>({
  cluster: { kubeconfig: credential.optional() },
  tls: { certificate: credential.optional(), privateKey: credential.optional() },
  root: { upgradingControlPlane: z.boolean().optional(), adoptRootLevelResources: z.boolean().optional() },
  eastWestGateways: z.enum(EastWestGatewayMode, { message: 'must be "auto", "enabled" or "disabled"' }),
  values: INPUT_RULES,
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const ARGS_SURFACE: Surface<Deferrable> = {
  schemas: ARGS_SCHEMAS,
  eastWestGatewaysOff: '"disabled"',
  tlsMaterial: (raw) => {
    const tls = isRecord(raw.exposure) && isRecord(raw.exposure.tls) ? raw.exposure.tls : {};
    return [
      { path: "exposure.tls.certificate", given: tls.certificate !== undefined, howToGive: " (the PEM certificate chain)" },
      { path: "exposure.tls.privateKey", given: tls.privateKey !== undefined, howToGive: " (the PEM private key)" },
    ];
  },
  // Credentials are taken as secrets whatever the caller marked them (a plain string from another language, say).
  ownProblems: () => [],
  typeMismatch: (input) =>
    pulumi.Output.isInstance(input)
      ? "must be a plain value known when the program runs, not an Output: it decides which resources the mesh has"
      : undefined,
};

/** `ExternalControlPlane`'s arguments: the mesh's, without the admins' gateways and samples. */
const CONTROL_PLANE_ARGS_SURFACE: Surface<Deferrable> = {
  ...ARGS_SURFACE,
  ownProblems: (raw) => adminKeyProblems(raw, `${WORKLOADS_COMPONENT} (the mesh admins' component)`),
};

/** `MeshWorkloads`' arguments: the team's clusters, and the control plane they are served by. */
const WORKLOADS_ARGS_SURFACE: WorkloadsSurface = {
  clusterKeys: { kubeconfig: credential.optional() },
  chartRepository: INPUT_RULES.chartRepository,
  rootKeys: {
    controlPlane: z
      .strictObject({
        operatorStack: stackReferenceName.optional(),
        externalIstiodAddress: z.custom<pulumi.Input<string>>((v) => v !== undefined && v !== null, { message: "is required" }).optional(),
        remotes: z.custom<unknown>((v) => v !== undefined && v !== null, { message: "is required" }).optional(),
      })
      .superRefine((ref, ctx) => {
        const given = (["externalIstiodAddress", "remotes"] as const).filter((k) => ref[k] !== undefined);
        if (ref.operatorStack !== undefined && given.length > 0) {
          for (const k of given) ctx.addIssue({ code: "custom", path: [k], message: "is read from controlPlane.operatorStack: set one or the other" });
        } else if (ref.operatorStack === undefined) {
          for (const k of ["externalIstiodAddress", "remotes"] as const) {
            if (ref[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: "is required (or set controlPlane.operatorStack)" });
          }
        }
      }),
  },
  operator: CONTROL_PLANE_COMPONENT,
  ownProblems: () => [],
  typeMismatch: (input) => ARGS_SURFACE.typeMismatch?.(input),
};

/**
 * Absent and null are one thing to the SDKs of other languages (an unset optional argument may arrive as null), so
 * null object members are dropped. Outputs and resources are left as they are.
 */
function withoutNullMembers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullMembers);
  if (!isRecord(value) || pulumi.Output.isInstance(value) || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (v === null ? [] : [[k, withoutNullMembers(v)]])));
}

/** An Input of the arguments: where it is, and its field's rule. */
interface InputAt {
  path: string;
  field: DeferrableField;
  value: unknown;
  /** Sets the (checked) value in the copy of the arguments. */
  set(value: unknown): void;
}

/** The Inputs of a copy of the mesh's arguments (its objects along the Inputs' paths are copies). */
function meshInputs(args: Record<string, unknown>): InputAt[] {
  const out: InputAt[] = [];
  const at = (parent: Record<string, unknown>, key: string, path: string, field: DeferrableField) => {
    if (parent[key] !== undefined) out.push({ path, field, value: parent[key], set: (v) => void (parent[key] = v) });
  };
  const copy = (parent: Record<string, unknown>, key: string): Record<string, unknown> | undefined =>
    isRecord(parent[key]) && !isDeferred(parent[key]) ? (parent[key] = { ...parent[key] }) : undefined;
  const istio = copy(args, "istio");
  if (istio) at(istio, "chartRepository", "istio.chartRepository", "chartRepository");
  const clusters = copy(args, "clusters");
  const config = clusters && copy(clusters, "config");
  if (config) at(config, "apiServer", "clusters.config.apiServer", "apiServer");
  if (clusters && Array.isArray(clusters.remotes)) {
    const remotes = (clusters.remotes = [...(clusters.remotes as unknown[])]);
    remotes.forEach((r, i) => {
      if (!isRecord(r) || isDeferred(r)) return;
      const remote = (remotes[i] = { ...r });
      at(remote, "apiServer", `clusters.remotes[${i}].apiServer`, "apiServer");
    });
  }
  const exposure = copy(args, "exposure");
  if (exposure) at(exposure, "hostname", "exposure.hostname", "hostname");
  const tls = exposure && copy(exposure, "tls");
  if (tls) at(tls, "secretName", "exposure.tls.secretName", "secretName");
  at(args, "remoteSecretRotation", "remoteSecretRotation", "remoteSecretRotation");
  return out;
}

/** The problems of a resolved Input, with the same rule and messages as a plain value's. */
function resolvedProblems(input: InputAt, value: unknown): Problem[] {
  const r = DEFERRABLE_FIELD_RULES[input.field].safeParse(value, { error: errorMap(ARGS_SURFACE) });
  return r.success ? [] : r.error.issues.map((iss) => ({ path: input.path, message: iss.message }));
}

/**
 * The arguments with every Input that is not plain yet (an Output, a Promise) replaced by an Output of the same
 * value that is checked when it resolves: with its field's rule, and an API server also against the others (no two
 * clusters share one; every API server that is an Output fails on such a duplicate). A problem then fails what depends on the value, before it reaches any resource, with the
 * message a plain value gets. A chart repository resolves without its trailing slash, as a plain one is normalised.
 */
function checkedInputs(args: unknown, inputsOf: (copy: Record<string, unknown>) => InputAt[], name: string, component: string): unknown {
  if (!isRecord(args)) return args;
  const copy = { ...args };
  const inputs = inputsOf(copy);
  if (!inputs.some((i) => isDeferred(i.value))) return args;
  const servers = inputs.filter((i) => i.field === "apiServer");
  const serverProblems = pulumi.all(servers.map((s) => s.value)).apply((values) => {
    const problems: Problem[] = [];
    const entries = servers.flatMap((s, k) => (typeof values[k] === "string" ? [{ path: s.path.replace(/\.apiServer$/, ""), name: s.path, context: s.path, apiServer: values[k] }] : []));
    // Duplicates between plain values stopped the component before anything was registered: these involve an Output.
    clusterProblems(entries, (path, message) => problems.push({ path, message }));
    return problems;
  });
  for (const input of inputs) {
    if (!isDeferred(input.value)) continue;
    // Typed as the rule expects; a value of another type is refused by the rule when it resolves.
    const own = pulumi.output(input.value as pulumi.Input<string>);
    const checked = (input.field === "apiServer" ? pulumi.all([own, serverProblems]) : pulumi.all([own, pulumi.output([] as Problem[])])).apply(
      ([value, others]) => {
        const problems = [...resolvedProblems(input, value), ...others];
        if (problems.length > 0) throw new MeshArgsError(name, problems, component);
        return input.field === "chartRepository" ? withoutTrailingSlash(value) : value;
      },
    );
    input.set(checked);
  }
  return copy;
}

/** The Inputs of `MeshWorkloads`' arguments: its chart repository. */
function workloadsInputs(args: Record<string, unknown>): InputAt[] {
  const istio = isRecord(args.istio) && !isDeferred(args.istio) ? (args.istio = { ...args.istio }) : undefined;
  return istio && istio.chartRepository !== undefined
    ? [{ path: "istio.chartRepository", field: "chartRepository", value: istio.chartRepository, set: (v) => void (istio.chartRepository = v) }]
    : [];
}

/**
 * Validates the component's arguments with the mesh rules: the parsed document and model, or every problem. `name`
 * names the component in the messages of Inputs checked when they resolve.
 */
export function validateMeshArgs(args: unknown, name = ""): DocumentValidation<Deferrable> {
  return validateMeshDocument(checkedInputs(withoutNullMembers(args), meshInputs, name, MESH_COMPONENT), ARGS_SURFACE);
}

/** Validates `ExternalControlPlane`'s arguments with the mesh rules, the admins' keys refused. */
export function validateControlPlaneArgs(args: unknown, name = ""): DocumentValidation<Deferrable> {
  return validateMeshDocument(checkedInputs(withoutNullMembers(args), meshInputs, name, CONTROL_PLANE_COMPONENT), CONTROL_PLANE_ARGS_SURFACE);
}

/** Validates `MeshWorkloads`' arguments with the mesh admin's rules. */
export function validateWorkloadsArgs(args: unknown, name = ""): WorkloadsValidation<Deferrable> {
  return validateWorkloadsDocument(checkedInputs(withoutNullMembers(args), workloadsInputs, name, WORKLOADS_COMPONENT), WORKLOADS_ARGS_SURFACE);
}

/** `<Component> "<name>": <argument path>: <what is wrong>`, one line per problem. */
export function formatArgProblems(name: string, problems: readonly Problem[], component = MESH_COMPONENT): string[] {
  return problems.map((p) => `${component} ${JSON.stringify(name)}: ${p.path || "(root)"}: ${p.message}`);
}

/**
 * Invalid arguments, every problem at once. An `InputPropertiesError`, so the plugin host hands the engine each
 * argument path and reason for the caller's language to show; its message has the same lines for TypeScript callers.
 */
export class MeshArgsError extends pulumi.InputPropertiesError {
  readonly problems: readonly string[];

  constructor(name: string, problems: readonly Problem[], component = MESH_COMPONENT) {
    const lines = formatArgProblems(name, problems, component);
    super({
      message: `invalid arguments:\n  ${lines.join("\n  ")}`,
      errors: problems.map((p) => ({ propertyPath: p.path, reason: p.message })),
    });
    this.name = "MeshArgsError";
    this.problems = lines;
  }
}
