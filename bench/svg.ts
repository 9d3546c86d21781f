/**
 * The chart for BENCHMARKS.md, hand-written SVG (no plotting dependency for one figure): wall time and peak
 * memory against the number of remotes, each with its baseline and the target drawn in, so a reader sees
 * at a glance whether the growth stays under the target.
 */
import type { SizeResult } from "./report";

interface Series {
  label: string;
  color: string;
  points: readonly (readonly [number, number])[];
  dashed?: boolean;
}

interface Panel {
  title: string;
  unit: string;
  series: readonly Series[];
}

const W = 420;
const H = 300;
const M = { left: 56, right: 16, top: 34, bottom: 78 };

/** A step of 1, 2 or 5 times a power of ten that gives about five ticks up to `max`. */
function tickStep(max: number): number {
  const raw = max / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function panel(p: Panel, xMax: number, dx: number): string {
  // At least 1, so an all-zero series still gets an axis.
  const yRaw = Math.max(1, ...p.series.flatMap((s) => s.points.map(([, y]) => y)));
  const step = tickStep(yRaw * 1.05);
  const yMax = Math.ceil((yRaw * 1.05) / step) * step;
  const xStep = tickStep(xMax);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  // Rounded to 0.1 px: finer is invisible and only makes the file noisy.
  const px = (v: number) => Math.round(v * 10) / 10;
  const sx = (x: number) => px(dx + M.left + (x / xMax) * pw);
  const sy = (y: number) => px(M.top + ph - (y / yMax) * ph);
  const out: string[] = [`<text x="${dx + W / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`];
  // Ticks by index, not by adding steps, so labels carry no floating-point residue (0.30000000000000004).
  const label = (v: number) => String(Number(v.toPrecision(6)));
  for (let k = 0; k * step <= yMax + 1e-9; k++) {
    const y = k * step;
    out.push(`<line x1="${sx(0)}" x2="${sx(xMax)}" y1="${sy(y)}" y2="${sy(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${sx(0) - 6}" y="${sy(y) + 4}" text-anchor="end">${label(y)}</text>`);
  }
  for (let k = 0; k * xStep <= xMax + 1e-9; k++) {
    out.push(`<text x="${sx(k * xStep)}" y="${sy(0) + 16}" text-anchor="middle">${label(k * xStep)}</text>`);
  }
  out.push(`<line x1="${sx(0)}" x2="${sx(xMax)}" y1="${sy(0)}" y2="${sy(0)}" stroke="#333"/>`);
  out.push(`<text x="${sx(xMax / 2)}" y="${sy(0) + 32}" text-anchor="middle">remote clusters</text>`);
  out.push(`<text transform="translate(${dx + 14} ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(p.unit)}</text>`);
  p.series.forEach((s, i) => {
    const pts = s.points.map(([x, y]) => `${sx(x)},${sy(y)}`).join(" ");
    const dash = s.dashed ? ` stroke-dasharray="5 4"` : "";
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    if (!s.dashed) for (const [x, y] of s.points) out.push(`<circle cx="${sx(x)}" cy="${sy(y)}" r="3" fill="${s.color}"/>`);
    const lx = dx + M.left + (i % 2) * (pw / 2);
    const ly = H - 22 + Math.floor(i / 2) * 14;
    out.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${lx + 22}" y="${ly}">${esc(s.label)}</text>`);
  });
  return out.join("\n");
}

export function chartSvg(results: readonly SizeResult[]): string {
  const first = results[0];
  if (!first) throw new Error("nothing to chart");
  const xMax = Math.max(...results.map((r) => r.remotes));
  const flat = (y: number) => [[0, y], [xMax, y]] as const;
  const time: Panel = {
    title: "Evaluation time (median, fresh process)",
    unit: "ms",
    series: [
      { label: "wall time, whole process", color: "#1f77b4", points: results.map((r) => [r.remotes, r.wallMs]) },
      { label: "in-process evaluation", color: "#2ca02c", points: results.map((r) => [r.remotes, r.evalMs]) },
      { label: "baseline (imports only)", color: "#7f7f7f", points: flat(first.baselineMs), dashed: true },
      { label: `target: 3x wall at ${first.remotes}`, color: "#d62728", points: flat(3 * first.wallMs), dashed: true },
    ],
  };
  const memory: Panel = {
    title: "Peak memory (max RSS)",
    unit: "MB",
    series: [
      { label: "peak RSS", color: "#9467bd", points: results.map((r) => [r.remotes, r.peakRssMb]) },
      { label: "baseline (imports only)", color: "#7f7f7f", points: flat(first.baselineRssMb), dashed: true },
      { label: "target: 1 GiB", color: "#d62728", points: flat(1024), dashed: true },
    ],
  };
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H}" viewBox="0 0 ${2 * W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel(time, xMax, 0),
    panel(memory, xMax, W),
    `</svg>`,
    "",
  ].join("\n");
}
