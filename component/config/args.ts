/**
 * The component's surface of the mesh rules (`document.ts`): `ExternalControlPlaneMeshArgs` as they arrive, from a
 * TypeScript program or, through the plugin host, from any Pulumi language (plain objects; Outputs where the schema
 * has Inputs). Messages name the component and the argument path:
 * `ExternalControlPlaneMesh "prod": clusters.remotes[1].name: "West_2" is not a DNS-1123 label (...)`.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { EastWestGatewayMode } from "../meshArgs";
import { adminKeyProblems, DEFERRABLE_FIELD_RULES, documentSchemas, validateMeshDocument, type DeferrableField, type DocumentValidation, type Surface } from "./document";
import { stackReferenceName } from "./fields";
import type { Deferrable } from "./model";
import type { Problem } from "./problems";
import { checkedInputs, meshInputs, workloadsInputs } from "./resolvedInputs";
import { validateWorkloadsDocument, type WorkloadsSurface, type WorkloadsValidation } from "./workloads";

/** The components' names in their type tokens and messages. */
export const MESH_COMPONENT = "ExternalControlPlaneMesh";
export const CONTROL_PLANE_COMPONENT = "ExternalControlPlane";
export const WORKLOADS_COMPONENT = "MeshWorkloads";

/** A credential: a string, or an Output or Promise of one. Its value is never looked at here, nor echoed. */
const credential = z.custom<pulumi.Input<string>>((v) => typeof v === "string" || pulumi.Output.isInstance(v) || v instanceof Promise, {
  message: "must be a string",
});

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
  istio: { registryCredentials: credential.optional() },
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
  registryCredentials: (raw) => ({
    path: "istio.registryCredentials",
    given: isRecord(raw.istio) && raw.istio.registryCredentials !== undefined,
  }),
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
  hub: INPUT_RULES.hub,
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

/**
 * Validates the component's arguments with the mesh rules: the parsed document and model, or every problem. `name`
 * names the component in the messages of Inputs checked when they resolve.
 */
export function validateMeshArgs(args: unknown, name = ""): DocumentValidation<Deferrable> {
  return validateMeshDocument(checkedInputs(withoutNullMembers(args), meshInputs, failWith(name, MESH_COMPONENT)), ARGS_SURFACE);
}

/** Validates `ExternalControlPlane`'s arguments with the mesh rules, the admins' keys refused. */
export function validateControlPlaneArgs(args: unknown, name = ""): DocumentValidation<Deferrable> {
  return validateMeshDocument(checkedInputs(withoutNullMembers(args), meshInputs, failWith(name, CONTROL_PLANE_COMPONENT)), CONTROL_PLANE_ARGS_SURFACE);
}

/** Validates `MeshWorkloads`' arguments with the mesh admin's rules. */
export function validateWorkloadsArgs(args: unknown, name = ""): WorkloadsValidation<Deferrable> {
  return validateWorkloadsDocument(checkedInputs(withoutNullMembers(args), workloadsInputs, failWith(name, WORKLOADS_COMPONENT)), WORKLOADS_ARGS_SURFACE);
}

/** How an Input that resolves to a bad value fails: as the arguments' problems would, named by the component. */
function failWith(name: string, component: string): (problems: Problem[]) => never {
  return (problems) => {
    throw new MeshArgsError(name, problems, component);
  };
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
