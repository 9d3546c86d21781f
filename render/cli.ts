/**
 * `npm run render -- --stack <name> [--config-file <path>] [--deployed-outputs <file>] [--operator-outputs <file>] [--format tree|json|yaml] [--out <dir>]`
 *
 * Shows everything `pulumi up` would create for a stack, without a cluster, credentials or the Pulumi CLI.
 * Exit status: 0 rendered, 1 invalid stack config (problems on stderr, nothing on stdout), 2 usage or other error.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { formatTree, formatYamlByCluster, formatYamlStream, isObject } from "./formats";
import { renderStack } from "./run";

const USAGE =
  "usage: npm run render -- --stack <name> [--config-file <path>] [--deployed-outputs <file>] [--operator-outputs <file>] [--format tree|json|yaml] [--out <dir>]\n" +
  "  --deployed-outputs: the stack's outputs as `pulumi stack output --json` prints them, to check a change against the deployed stack\n" +
  "  --operator-outputs: for an admin stack, its operator stack's outputs (pulumi stack output --json, or the `outputs` of its JSON render); without it they are unknown";
const FORMATS = ["tree", "json", "yaml"] as const;
type Format = (typeof FORMATS)[number];

/** The top-level keys of a JSON render (`render/model.ts`). */
const RENDER_KEYS = ["project", "stack", "resources", "outputs"];

/** A JSON object of stack outputs, or what is wrong with the file given to `--<flag>`. */
function readOutputsFile(flag: string, file: string): Record<string, unknown> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    return `--${flag} ${file}: ${(err as Error).message}`;
  }
  if (!isObject(parsed)) return `--${flag} ${file}: expected a JSON object of stack outputs (pulumi stack output --json)`;
  // A whole JSON render of the other stack (`--format json`) has its outputs under `outputs`.
  if (RENDER_KEYS.every((k) => k in parsed) && isObject(parsed.outputs)) return parsed.outputs;
  return parsed;
}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        stack: { type: "string", default: "dev" },
        "config-file": { type: "string" },
        "deployed-outputs": { type: "string" },
        "operator-outputs": { type: "string" },
        format: { type: "string", default: "tree" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const format = args.format as Format;
  if (!FORMATS.includes(format)) {
    process.stderr.write(`unknown --format "${args.format}" (expected ${FORMATS.join(", ")})\n${USAGE}\n`);
    return 2;
  }
  if (args.out !== undefined && format !== "yaml") {
    process.stderr.write(`--out writes one YAML file per cluster; use it with --format yaml\n`);
    return 2;
  }

  const outputs: { deployedOutputs?: Record<string, unknown>; operatorOutputs?: Record<string, unknown> } = {};
  for (const [flag, key] of [
    ["deployed-outputs", "deployedOutputs"],
    ["operator-outputs", "operatorOutputs"],
  ] as const) {
    const file = args[flag];
    if (file === undefined) continue;
    const read = readOutputsFile(flag, file);
    if (typeof read === "string") {
      process.stderr.write(`${read}\n`);
      return 2;
    }
    outputs[key] = read;
  }
  const result = await renderStack({
    stack: args.stack,
    ...(args["config-file"] ? { configFile: args["config-file"] } : {}),
    ...outputs,
  });
  if (!result.ok) {
    process.stderr.write(`${result.problems.join("\n")}\n`);
    return 1;
  }
  const { rendered, diagnostics } = result;
  // Diagnostics go to stderr, so stdout is the render alone and pipes.
  for (const line of diagnostics) process.stderr.write(`${line}\n`);
  if (format === "json") {
    process.stdout.write(`${JSON.stringify(rendered, null, 2)}\n`);
  } else if (format === "tree") {
    process.stdout.write(formatTree(rendered));
  } else {
    if (args.out !== undefined) {
      mkdirSync(args.out, { recursive: true });
      for (const [cluster, text] of formatYamlByCluster(rendered)) {
        const file = path.join(args.out, `${cluster}.yaml`);
        writeFileSync(file, text);
        process.stderr.write(`wrote ${file}\n`);
      }
    } else {
      process.stdout.write(formatYamlStream(rendered));
    }
  }
  return 0;
}

// `npm run render ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`render failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
