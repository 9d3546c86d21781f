import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { criticalPath, DependencyCycleError, type GraphNode } from "../../bench/criticalPath";

/** `graph({ b: ["a"] })`: b depends on a; every name mentioned is a resource. */
function graph(deps: Record<string, string[]>): GraphNode[] {
  const names = new Set([...Object.keys(deps), ...Object.values(deps).flat()]);
  return [...names].map((urn) => ({ urn, dependsOn: deps[urn] ?? [] }));
}

describe("criticalPath", () => {
  it("is empty for no resources", () => {
    assert.deepEqual(criticalPath([]), { length: 0, chain: [] });
  });

  it("counts a resource without dependencies as a chain of one", () => {
    assert.deepEqual(criticalPath(graph({ a: [] })), { length: 1, chain: ["a"] });
  });

  it("follows a chain, first to deploy first", () => {
    assert.deepEqual(criticalPath(graph({ b: ["a"], c: ["b"], d: ["c"] })), { length: 4, chain: ["a", "b", "c", "d"] });
  });

  it("gives the same answer whatever the order of the resources", () => {
    const g = graph({ d: ["c"], c: ["b"], b: ["a"] });
    assert.deepEqual(criticalPath([...g].reverse()).chain, ["a", "b", "c", "d"]);
  });

  it("counts a diamond once through its longer side", () => {
    // a -> b -> d and a -> c -> c2 -> d: the chain goes through c.
    const r = criticalPath(graph({ b: ["a"], c: ["a"], c2: ["c"], d: ["b", "c2"] }));
    assert.deepEqual(r, { length: 4, chain: ["a", "c", "c2", "d"] });
  });

  it("takes the longest of independent branches, not their sum", () => {
    const r = criticalPath(graph({ a2: ["a1"], b2: ["b1"], b3: ["b2"], c1: [] }));
    assert.deepEqual(r, { length: 3, chain: ["b1", "b2", "b3"] });
  });

  it("does not grow with parallel branches hanging off a shared prerequisite", () => {
    // The mesh's shape: one control plane, many remotes that wait for it and never for each other.
    const deps: Record<string, string[]> = { cp2: ["cp1"] };
    for (let i = 0; i < 100; i++) deps[`remote${i}`] = ["cp2"];
    assert.equal(criticalPath(graph(deps)).length, 3);
  });

  it("visits shared dependencies once (memoised), so a wide lattice is cheap", () => {
    // 30 layers of 30 resources, each depending on the whole layer below: 2^30 paths if nothing were memoised.
    const nodes: GraphNode[] = [];
    for (let layer = 0; layer < 30; layer++) {
      for (let i = 0; i < 30; i++) {
        nodes.push({ urn: `${layer}/${i}`, dependsOn: layer === 0 ? [] : Array.from({ length: 30 }, (_, j) => `${layer - 1}/${j}`) });
      }
    }
    assert.equal(criticalPath(nodes).length, 30);
  });

  it("handles a chain longer than the JS call stack would allow recursion for", () => {
    const n = 50_000;
    const nodes = Array.from({ length: n }, (_, i) => ({ urn: `r${i}`, dependsOn: i === 0 ? [] : [`r${i - 1}`] }));
    assert.equal(criticalPath(nodes).length, n);
  });

  it("detects a cycle and names it", () => {
    const err = captureError(() => criticalPath(graph({ a: ["c"], b: ["a"], c: ["b"], d: ["a"] })));
    assert.ok(err instanceof DependencyCycleError);
    assert.equal(err.cycle[0], err.cycle[err.cycle.length - 1]);
    assert.deepEqual(new Set(err.cycle), new Set(["a", "b", "c"]));
  });

  it("detects a resource that depends on itself", () => {
    const err = captureError(() => criticalPath([{ urn: "a", dependsOn: ["a"] }]));
    assert.ok(err instanceof DependencyCycleError);
    assert.deepEqual(err.cycle, ["a", "a"]);
  });

  it("rejects a dependency on a URN outside the set", () => {
    assert.throws(() => criticalPath([{ urn: "a", dependsOn: ["missing"] }]), /a depends on missing/);
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail("expected an error");
}
