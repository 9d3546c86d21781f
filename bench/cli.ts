/**
 * `npm run bench [-- --json] [--runs N] [--remotes 1,10,50,100] [--svg <file>] [--node-arg <flag>]...`
 *
 * What the program costs as the mesh grows: for each topology size, evaluates the real program in fresh processes
 * (`evaluateOnce.ts`) and a baseline that only loads the same modules (`baselineOnce.ts`), and reports medians.
 * Results on stdout (a table, or one JSON object per size with `--json`); progress on stderr.
 * Exit status: 0 done, 2 usage or a failed run.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { topologyStackYaml } from "../render/topology";
import { runChild, type Timed } from "./measure";
import { BaselineReport, WorkerReport, formatTable, formatTargets, jsonLine, median, round1, type SizeResult } from "./report";
import { chartSvg } from "./svg";

const USAGE = "usage: npm run bench -- [--json] [--runs N] [--remotes 1,10,50,100] [--svg <file>] [--node-arg <flag>]...";
const NETWORKS = 2;
const KIB_PER_MIB = 1024;

interface Options {
  json: boolean;
  runs: number;
  remotes: number[];
  svg?: string;
  /** Passed to every child's node, e.g. `--node-arg=--cpu-prof --node-arg=--cpu-prof-dir=prof`. */
  nodeArgs: string[];
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: "boolean", default: false },
      runs: { type: "string", default: "5" },
      remotes: { type: "string", default: "1,10,50,100" },
      svg: { type: "string" },
      "node-arg": { type: "string", multiple: true, default: [] },
    },
    strict: true,
  });
  const positive = (s: string, what: string) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer, not "${s}"`);
    return n;
  };
  const remotes = values.remotes.split(",").map((s) => positive(s.trim(), "--remotes"));
  return {
    json: values.json,
    runs: positive(values.runs, "--runs"),
    remotes: [...new Set(remotes)].sort((a, b) => a - b),
    nodeArgs: values["node-arg"],
    ...(values.svg !== undefined ? { svg: values.svg } : {}),
  };
}

const progress = (s: string) => process.stderr.write(`${s}\n`);

async function bench(opts: Options, dir: string): Promise<SizeResult[]> {
  const files = new Map<number, string>();
  for (const n of opts.remotes) {
    const file = path.join(dir, `Pulumi.bench-${n}.yaml`);
    writeFileSync(file, topologyStackYaml({ remoteClusters: n, networks: NETWORKS }));
    files.set(n, file);
  }
  const evaluate = (n: number) => runChild("evaluateOnce.ts", ["--config-file", files.get(n)!], WorkerReport, opts.nodeArgs);
  const baselineRun = () => runChild("baselineOnce.ts", [], BaselineReport, opts.nodeArgs);

  // One untimed round fills tsx's transform cache and the OS file cache, which every later run then finds warm
  // (as the second `pulumi preview` in a row would).
  progress("warm-up");
  await baselineRun();
  await evaluate(opts.remotes[0]!);

  // Rounds interleave the baseline and all sizes, so a slow spell of the machine hits every size alike.
  const baseline: Timed<BaselineReport>[] = [];
  const runs = new Map<number, Timed<WorkerReport>[]>(opts.remotes.map((n) => [n, []]));
  for (let i = 1; i <= opts.runs; i++) {
    const b = await baselineRun();
    baseline.push(b);
    progress(`run ${i}/${opts.runs}: baseline ${b.wallMs.toFixed(0)} ms`);
    for (const n of opts.remotes) {
      const r = await evaluate(n);
      runs.get(n)!.push(r);
      progress(`run ${i}/${opts.runs}: ${n} remotes, ${r.report.resources} resources, ${r.wallMs.toFixed(0)} ms, ${(r.report.maxRssKiB / KIB_PER_MIB).toFixed(0)} MB`);
    }
  }

  const baselineMs = median(baseline.map((b) => b.wallMs));
  const baselineRssMb = median(baseline.map((b) => b.report.maxRssKiB)) / KIB_PER_MIB;
  return opts.remotes.map((n) => {
    const rs = runs.get(n)!;
    const last = rs[rs.length - 1]!.report;
    // Evaluation is deterministic: a resource count or critical path that changes between runs is a bug.
    if (rs.some((r) => r.report.resources !== last.resources || r.report.criticalPath !== last.criticalPath)) {
      throw new Error(`${n} remotes: runs disagree on resources or critical path`);
    }
    return {
      remotes: n,
      resources: last.resources,
      wallMs: round1(median(rs.map((r) => r.wallMs))),
      baselineMs: round1(baselineMs),
      peakRssMb: round1(median(rs.map((r) => r.report.maxRssKiB)) / KIB_PER_MIB),
      criticalPath: last.criticalPath,
      loadMs: round1(median(rs.map((r) => r.report.loadMs))),
      evalMs: round1(median(rs.map((r) => r.report.evalMs))),
      baselineRssMb: round1(baselineRssMb),
      chain: last.chain,
    };
  });
}

async function main(argv: string[]): Promise<number> {
  let opts: Options;
  try {
    opts = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "istio-mesh-bench-"));
  try {
    const extra = opts.nodeArgs.length > 0 ? `; node ${opts.nodeArgs.join(" ")}` : "";
    progress(`${os.cpus().length} CPUs, Node ${process.version}; ${opts.runs} runs of remotes ${opts.remotes.join(", ")}; stack files in ${dir}${extra}`);
    const results = await bench(opts, dir);
    if (opts.json) for (const r of results) process.stdout.write(`${jsonLine(r)}\n`);
    else {
      process.stdout.write(formatTable(results));
      process.stdout.write(formatTargets(results));
      const longest = results[results.length - 1]!;
      process.stdout.write(`\ncritical path at ${longest.remotes} remotes:\n${longest.chain.map((u) => `  ${u}`).join("\n")}\n`);
    }
    if (opts.svg !== undefined) {
      writeFileSync(opts.svg, chartSvg(results));
      progress(`wrote ${opts.svg}`);
    }
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
