/**
 * The critical path of a render: the longest chain of resources that each wait for the previous one through
 * `dependsOn`, counted in resources. A deploy can run everything else in parallel, so this chain is the part of
 * `pulumi up` that no amount of parallelism shortens.
 */

/** The part of a rendered resource the graph needs (`RenderedResource` fits). */
export interface GraphNode {
  urn: string;
  dependsOn: readonly string[];
}

export interface CriticalPath {
  /** Resources on the longest chain; 0 for no resources. */
  length: number;
  /** One longest chain, first resource to deploy first. */
  chain: string[];
}

export class DependencyCycleError extends Error {
  constructor(readonly cycle: readonly string[]) {
    super(`dependency cycle: ${cycle.join(" -> ")}`);
    this.name = "DependencyCycleError";
  }
}

/**
 * Longest chain through `dependsOn`, by depth-first search memoised per resource (each resource is visited once,
 * so the cost is linear in resources plus edges).
 *
 * The DFS keeps its own stack instead of recursing: a long chain must not overflow the JS call stack.
 * @throws DependencyCycleError when resources wait for each other (the engine would refuse that graph)
 * @throws Error when a resource depends on a URN that is not in `resources` (a render never does that, so the
 *   graph would be incomplete and its length wrong)
 */
export function criticalPath(resources: readonly GraphNode[]): CriticalPath {
  const byUrn = new Map<string, GraphNode>();
  for (const r of resources) byUrn.set(r.urn, r);
  for (const r of resources) {
    for (const d of r.dependsOn) if (!byUrn.has(d)) throw new Error(`${r.urn} depends on ${d}, which is not a resource of the set`);
  }

  // depth: the longest chain ending at the resource (itself included); next: the dependency that chain goes through.
  const depth = new Map<string, number>();
  const next = new Map<string, string | undefined>();
  const onStack = new Set<string>();

  for (const root of resources) {
    if (depth.has(root.urn)) continue;
    // Each frame is a resource and how many of its dependencies have been looked at.
    const stack: { urn: string; i: number }[] = [{ urn: root.urn, i: 0 }];
    onStack.add(root.urn);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const deps = byUrn.get(frame.urn)!.dependsOn;
      if (frame.i < deps.length) {
        const dep = deps[frame.i++]!;
        if (depth.has(dep)) continue;
        if (onStack.has(dep)) {
          const from = stack.findIndex((f) => f.urn === dep);
          throw new DependencyCycleError([...stack.slice(from).map((f) => f.urn), dep]);
        }
        onStack.add(dep);
        stack.push({ urn: dep, i: 0 });
        continue;
      }
      // All dependencies are done: this resource's chain is the longest of theirs plus itself.
      let best: string | undefined;
      for (const d of deps) if (best === undefined || depth.get(d)! > depth.get(best)!) best = d;
      depth.set(frame.urn, best === undefined ? 1 : depth.get(best)! + 1);
      next.set(frame.urn, best);
      onStack.delete(frame.urn);
      stack.pop();
    }
  }

  let end: string | undefined;
  for (const r of resources) if (end === undefined || depth.get(r.urn)! > depth.get(end)!) end = r.urn;
  const chain: string[] = [];
  for (let u = end; u !== undefined; u = next.get(u)) chain.push(u);
  return { length: chain.length, chain: chain.reverse() };
}
