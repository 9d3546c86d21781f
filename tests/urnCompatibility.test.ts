/**
 * Issue 14: a deployed stack sees no replacement. Every URN the program registered before the mesh became one
 * component (`tests/fixtures/urns/*.json`, recorded from the renders at 5cbd172 and never regenerated) is either
 * still registered, or an alias of exactly one resource the program registers now, which the engine then updates in
 * place. The only resource without a prior identity is the mesh component itself.
 *
 * Reads are the exception both ways: a read is never created, updated or deleted (a read that is gone is dropped from
 * the state: "Deleting an External resource is a no-op", pulumi/pulumi `pkg/resource/deploy/step.go`), so an old
 * read nothing answers and a new read change nothing deployed. (prod's istio-system read moved to the created
 * Namespace's URN in issue 20, so the engine relinquishes the namespace a stack created before it said "existing".)
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import type { AliasRecord, Evaluation, Registration } from "../render/evaluate";
import { renderStack } from "../render/run";
import { expectRendered, renderConfig } from "./support/render";
import { aliasUrns, canaryConfig, everyResourceKindConfig } from "./support/urns";

const MESH_TYPE = "istio-mesh:index:ExternalControlPlaneMesh";

interface Baseline {
  stack: string;
  urns: string[];
  /** Which of `urns` were reads. */
  reads?: string[];
}

function baseline(name: string): Baseline {
  return JSON.parse(readFileSync(path.join(__dirname, "fixtures", "urns", `${name}.json`), "utf8")) as Baseline;
}

/** For each old URN, the resources now answering to it (by URN or alias). */
function claims(ev: Evaluation, old: readonly string[]): Map<string, string[]> {
  const aliases = aliasUrns(ev.registrations, ev.stack, ev.project);
  const out = new Map<string, string[]>(old.map((u) => [u, []]));
  for (const r of ev.registrations) {
    for (const u of [r.urn, ...(aliases.get(r.urn) ?? [])]) out.get(u)?.push(r.urn);
  }
  return out;
}

async function evaluationOf(name: string): Promise<Evaluation> {
  if (name === "dev" || name === "prod") return expectRendered(await renderStack({ stack: name })).evaluation;
  // `canary`: a promoted canary as issue 24 shipped it, so a later change cannot rename what a running canary holds.
  return expectRendered(await renderConfig(name === "canary" ? canaryConfig() : everyResourceKindConfig(), name)).evaluation;
}

for (const name of ["dev", "prod", "full", "canary"]) {
  test(`${name}: every resource keeps its identity`, async (t) => {
    const old = baseline(name);
    const ev = await evaluationOf(name);
    assert.ok(old.urns.length > 30, "the baseline lists the stack's resources");
    const claimed = claims(ev, old.urns);

    const reads = new Set(old.reads ?? []);
    await t.test("each old URN is answered by exactly one resource of the same type", () => {
      for (const [urn, by] of claimed) {
        if (reads.has(urn) && by.length === 0) continue;
        assert.equal(by.length, 1, `${urn}: claimed by ${by.length} resources (${by.join(", ")})`);
        const type = (u: string) => u.split("::")[2]!.split("$").at(-1);
        assert.equal(type(by[0]!), type(urn), urn);
      }
    });

    await t.test("no resource is new but the mesh component", () => {
      const answering = new Set([...claimed.values()].flat());
      const fresh = ev.registrations.filter((r) => !answering.has(r.urn) && r.kind !== "read").map((r) => r.type);
      assert.deepEqual(fresh.filter((type) => type !== MESH_TYPE), []);
    });
  });
}

test("aliasUrns: a spec without a parent means the root; a child inherits its parent's prior URN", () => {
  const registration = (urn: string, parent: string | undefined, aliases: AliasRecord[]): Registration => {
    const [, , qualified, name] = urn.split("::");
    return {
      kind: "register", urn, type: qualified!.split("$").at(-1)!, name: name!, custom: false, ...(parent ? { parent } : {}), providers: {},
      dependencies: [], protect: false, retainOnDelete: false, ignoreChanges: [], deleteBeforeReplace: false, aliases, inputs: {},
    };
  };
  const mesh = registration("urn:pulumi:s::p::m:index:Mesh::mesh", undefined, []);
  const part = registration("urn:pulumi:s::p::m:index:Mesh$m:index:Part::a", mesh.urn, [{ parent: null }]);
  const leaf = registration("urn:pulumi:s::p::m:index:Mesh$m:index:Part$k:v1:Secret::a-s", part.urn, []);
  const aliases = aliasUrns([mesh, part, leaf], "s", "p");
  assert.deepEqual([...aliases.get(part.urn)!], ["urn:pulumi:s::p::m:index:Part::a"]);
  assert.deepEqual([...aliases.get(leaf.urn)!], ["urn:pulumi:s::p::m:index:Part$k:v1:Secret::a-s"]);
  assert.deepEqual([...aliases.get(mesh.urn)!], []);
});

test("prod deployed at 65cc772 created istio-system; the stack file's `existing` now reads it under that URN and id, so the engine relinquishes it (issue 20, F2)", async () => {
  const created = "urn:pulumi:prod::istio-mesh::istio-mesh:index:ControlPlaneGateway$kubernetes:core/v1:Namespace::cp-eu-west-istio-system";
  const ev = await evaluationOf("prod");
  const [by] = claims(ev, [created]).get(created)!;
  const read = ev.registrations.find((r) => r.urn === by);
  assert.equal(read?.kind, "read", "answered by the read");
  assert.equal(read.id, "istio-system", "with the id the provider gave the created namespace (its name)");
});
