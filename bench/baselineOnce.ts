/**
 * The baseline: a fresh process that loads what `evaluateOnce.ts` loads and registers nothing.
 *
 *   node --import tsx bench/baselineOnce.ts
 *
 * It imports the six libraries and the project's own modules (render -> infra/program -> components), because a
 * user pays for loading them on every `pulumi preview` whatever the mesh size: the difference between an
 * evaluation and this baseline is what registering the mesh costs. Side-effect imports, because a named import
 * that is never used would be dropped by the transpiler and the module never loaded.
 */
import "@pulumi/pulumi";
import "@pulumi/kubernetes";
import "@pulumi/random";
import "@pulumi/tls";
import "yaml";
import "zod";
import "../render/run";
import "./criticalPath";
import type { BaselineReport } from "./report";

const report: BaselineReport = { loadMs: performance.now(), maxRssKiB: process.resourceUsage().maxRSS };
process.stdout.write(`${JSON.stringify(report)}\n`);
