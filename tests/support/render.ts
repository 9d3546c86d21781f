/**
 * Renders stacks for tests: the shipped ones, stack-file text, or a generated topology. Renders run one at a time
 * (the Pulumi runtime is global to the process); node:test runs a file's top-level tests in sequence.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import type { Rendered, RenderedResource } from "../../render/model";
import { renderStack, type RenderRequest, type RenderResult } from "../../render/run";
import { topologyStackYaml, type TopologySpec } from "../../render/topology";

const tmp = mkdtempSync(path.join(os.tmpdir(), "istio-mesh-test-"));
let counter = 0;

/** What a render may read besides the stack file: the stack's own and an operator stack's outputs. */
export type RenderInputs = Pick<RenderRequest, "deployedOutputs" | "operatorOutputs">;

/** Writes stack-file text to a temp file and renders it as stack `stack`. */
export async function renderText(text: string, stack = "test", inputs: RenderInputs = {}): Promise<RenderResult> {
  const file = path.join(tmp, `Pulumi.${stack}-${++counter}.yaml`);
  writeFileSync(file, text);
  return renderStack({ stack, configFile: file, ...inputs });
}

/** Renders a `config:` block given as an object. */
export function renderConfig(config: Record<string, unknown>, stack = "test", inputs: RenderInputs = {}): Promise<RenderResult> {
  return renderText(stringify({ config }), stack, inputs);
}

export function renderTopology(spec: TopologySpec): Promise<RenderResult> {
  return renderText(topologyStackYaml(spec), "generated");
}

export async function renderShipped(stack: "dev" | "prod" | "prod-operator" | "prod-apps", inputs: RenderInputs = {}): Promise<Extract<RenderResult, { ok: true }>> {
  return expectRendered(await renderStack({ stack, ...inputs }));
}

export function expectRendered(result: RenderResult): Extract<RenderResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected a render, got config problems:\n${result.problems.join("\n")}`);
  return result;
}

export const RELEASE = "kubernetes:helm.sh/v3:Release";

/** Resources of a type, optionally filtered by Pulumi name. */
export function ofType(rendered: Rendered, type: string): RenderedResource[] {
  return rendered.resources.filter((r) => r.type === type);
}

export function named(rendered: Rendered, type: string, name: string): RenderedResource {
  const found = rendered.resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) {
    const names = ofType(rendered, type).map((r) => r.name);
    throw new Error(`expected one ${type} named ${name}, found ${found.length} (have: ${names.join(", ")})`);
  }
  return found[0]!;
}

/** The Helm values of a release, as rendered. */
export function valuesOf(r: RenderedResource): Record<string, unknown> {
  return (r.inputs.values ?? {}) as Record<string, unknown>;
}

/** Follows a dotted path into plain data. */
export function at(value: unknown, dotted: string): unknown {
  let cur: unknown = value;
  for (const key of dotted.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Every resource `r` waits for, directly or through others. */
export function transitiveDependencies(rendered: Rendered, r: RenderedResource): Set<string> {
  const byUrn = new Map(rendered.resources.map((x) => [x.urn, x]));
  const seen = new Set<string>();
  const stack = [...r.dependsOn];
  while (stack.length > 0) {
    const urn = stack.pop()!;
    if (seen.has(urn)) continue;
    seen.add(urn);
    stack.push(...(byUrn.get(urn)?.dependsOn ?? []));
  }
  return seen;
}

/** Whether `r` waits (directly or transitively) for `other`. */
export function waitsFor(rendered: Rendered, r: RenderedResource, other: RenderedResource): boolean {
  return transitiveDependencies(rendered, r).has(other.urn);
}
