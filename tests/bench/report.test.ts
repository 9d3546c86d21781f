import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatTargets, jsonLine, median, type SizeResult } from "../../bench/report";
import { chartSvg } from "../../bench/svg";

const size = (remotes: number, wallMs: number, peakRssMb: number, criticalPath: number): SizeResult => ({
  remotes,
  resources: 11 * remotes + 19,
  wallMs,
  baselineMs: 900,
  peakRssMb,
  criticalPath,
  loadMs: 850,
  evalMs: wallMs - 850,
  baselineRssMb: 190,
  chain: ["a", "b"],
});

describe("bench report", () => {
  it("prints exactly the issue's fields in --json lines", () => {
    const line = JSON.parse(jsonLine(size(10, 1300, 300, 8))) as Record<string, unknown>;
    assert.deepEqual(Object.keys(line), ["remotes", "resources", "wallMs", "baselineMs", "peakRssMb", "criticalPath"]);
    assert.ok(Object.values(line).every((v) => typeof v === "number"));
  });

  it("takes the median of odd and even counts", () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]));
  });

  it("judges the targets on the largest size against the smallest", () => {
    const met = formatTargets([size(1, 1000, 230, 8), size(100, 2900, 500, 8)]);
    assert.doesNotMatch(met, /MISSED/);
    const missed = formatTargets([size(1, 1000, 230, 8), size(100, 3100, 1100, 9)]);
    assert.equal(missed.match(/MISSED/g)?.length, 3);
  });

  it("draws one line or marker group per series, with no NaN coordinates", () => {
    const svg = chartSvg([size(1, 1000, 230, 8), size(10, 1300, 300, 8), size(100, 4000, 530, 8)]);
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.doesNotMatch(svg, /NaN|Infinity|undefined/);
    assert.equal(svg.match(/<polyline /g)?.length, 7);
  });
});
