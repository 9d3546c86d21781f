/**
 * Where the stack's outputs come from, in this order: `--outputs <file>` (`-` for stdin), a pipe on stdin
 * (`pulumi stack output --json --show-secrets | npm run verify -- ...`), else the Pulumi CLI if it is installed.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { UsageError } from "./usageError";

export interface OutputsRequest {
  outputsFile?: string;
  stack: string;
  /** Where `Pulumi.yaml` is: the Pulumi CLI runs there. */
  projectDir: string;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export interface OutputsText {
  text: string;
  /** For messages: the file, "stdin" or the command. */
  source: string;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const HOW = "pipe `pulumi stack output --json --show-secrets --stack <name>` into this command, or pass --outputs <file>";

function runPulumi(stack: string, cwd: string): Promise<OutputsText> {
  const args = ["stack", "output", "--json", "--stack", stack];
  const source = `pulumi ${args.join(" ")}`;
  return new Promise((resolve, reject) => {
    execFile("pulumi", args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === "ENOENT") {
        reject(new UsageError(`no stack outputs: the pulumi CLI is not on PATH; ${HOW}`));
      } else if (err) {
        reject(new UsageError(`${source} failed: ${stderr.trim() || err.message}`));
      } else {
        resolve({ text: stdout, source });
      }
    });
  });
}

export async function readOutputsText(req: OutputsRequest): Promise<OutputsText> {
  if (req.outputsFile === "-") return { text: await readAll(req.stdin), source: "stdin" };
  if (req.outputsFile !== undefined) {
    try {
      return { text: await readFile(req.outputsFile, "utf8"), source: req.outputsFile };
    } catch (err) {
      throw new UsageError(`cannot read --outputs ${req.outputsFile}: ${(err as Error).message}`);
    }
  }
  if (!req.stdin.isTTY) {
    // An empty stdin (CI without a pipe, `< /dev/null`) means "not given": fall through to the CLI.
    const text = await readAll(req.stdin);
    if (text.trim() !== "") return { text, source: "stdin" };
  }
  return runPulumi(req.stack, req.projectDir);
}
