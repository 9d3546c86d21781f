/**
 * Issue 20: the deployed record (`deployedConfig`) tells what the deployment holds. Under mocks that answer as the
 * engine does in a targeted or failed `pulumi up`: untargeted releases keep their previous outputs (a `SameStep`
 * retains them), a release left out that never existed has none (a skipped create), a failed resource never
 * finishes. And a record that cannot be read, or a deployed stack without one, is said so.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import { runtime as pulumiRuntime } from "@pulumi/pulumi";
import { stringify } from "yaml";
import { lowestVersion } from "../component/deployedState";
import { knownIssueWarnings } from "../component/config/knownIssues";
import { parseDeployedConfig } from "../infra/config/deployed";
import { inferDeployment, inferredProblems } from "../infra/config/inferred";
import { evaluate } from "../render/evaluate";
import { renderStack, type RenderRequest, type RenderResult } from "../render/run";
import { readStackConfig } from "../render/stackFile";
import { program } from "../infra/program";
import { topologyConfig, type TopologySpec } from "../render/topology";
import { liveMocks } from "./support/liveMocks";
import { expectRendered, renderTopology } from "./support/render";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const TMP = mkdtempSync(path.join(tmpdir(), "istio-mesh-record-"));
let files = 0;

function stackFile(config: Record<string, unknown>): string {
  const file = path.join(TMP, `Pulumi.record-${++files}.yaml`);
  writeFileSync(file, stringify({ config }));
  return file;
}

async function render(config: Record<string, unknown>, extra: Partial<RenderRequest> = {}): Promise<{ file: string; result: RenderResult }> {
  const file = stackFile(config);
  return { file, result: await renderStack({ stack: "record", configFile: file, ...extra }) };
}

/**
 * `pulumi up` semantics where the releases named in `kept` are untargeted: the engine's SameStep hands the program
 * their previous outputs (`version` among them), whatever the program asked for.
 */
function targetedUp(kept: ReadonlyMap<string, string | undefined>): pulumi.runtime.Mocks {
  const live = liveMocks();
  return {
    newResource: (args) => {
      const result = live.newResource(args) as pulumi.runtime.MockResourceResult;
      if (args.type !== RELEASE || !kept.has(args.name)) return result;
      const previous = kept.get(args.name);
      // A skipped create (the release did not exist and was not targeted) has no outputs at all.
      if (previous === undefined) return { id: result.id, state: {} };
      const status = (result.state as { status: Record<string, unknown> }).status;
      return { id: result.id, state: { ...result.state, version: previous, status: { ...status, version: previous } } };
    },
    call: (args) => live.call(args),
  };
}

const SPEC: TopologySpec = { remoteClusters: 3, mode: "hostname", istioVersion: "1.28.10" };

async function deployedAt(spec: TopologySpec): Promise<Record<string, unknown>> {
  return expectRendered(await renderTopology(spec)).rendered.outputs;
}

test("`pulumi up --target <the external istiod>` of an upgrade records the versions the other releases kept, so the next step is checked from them", async () => {
  const deployed = await deployedAt(SPEC);
  const config = topologyConfig({ ...SPEC, istioVersion: "1.29.6" });
  const allReleases = expectRendered((await render(config, { deployedOutputs: deployed })).result).rendered.resources.filter((r) => r.type === RELEASE);
  // Every release but the targeted external istiod keeps 1.28.10.
  const kept = new Map(allReleases.filter((r) => r.name !== "external-istiod" || !r.urn.includes("ExternalIstiod$")).map((r) => [r.name, "1.28.10"]));
  assert.ok(kept.size === allReleases.length - 1, "one release targeted");
  const up = expectRendered((await render(config, { deployedOutputs: deployed, engine: { mocks: targetedUp(kept), preview: false } })).result);
  const record = up.rendered.outputs.deployedConfig as { istioVersion: string; config: { istioVersion?: string }; remotes: { istioVersion?: string }[] };
  assert.equal(record.istioVersion, "1.28.10", "the control plane's lowest release: not all of it moved");
  assert.equal(record.config.istioVersion, "1.28.10");
  assert.deepEqual(record.remotes.map((r) => r.istioVersion), ["1.28.10", "1.28.10"]);

  // The next step, to 1.30, is then two minors from what most of the control plane runs: refused.
  const { file, result } = await render(topologyConfig({ ...SPEC, istioVersion: "1.30.3" }), { deployedOutputs: { ...deployed, deployedConfig: record } });
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.problems.join("\n"), new RegExp(`${file.replace(/[.]/g, "\\.")}: istio\\.version: "1\\.30\\.3" would upgrade the control plane from the deployed 1\\.28\\.10 by 2 minor versions`));

  // A whole run records the new version everywhere.
  const whole = expectRendered((await render(config, { deployedOutputs: deployed, engine: { mocks: liveMocks(), preview: false } })).result);
  assert.equal((whole.rendered.outputs.deployedConfig as { istioVersion: string }).istioVersion, "1.29.6");
});

test("a further remote left out of a targeted first deploy (a skipped create: no outputs) is not recorded", async () => {
  const config = topologyConfig(SPEC);
  const names = expectRendered((await render(config)).result).rendered.resources.filter((r) => r.type === RELEASE && r.cluster === "remote-002").map((r) => r.name);
  assert.ok(names.length > 0);
  const up = expectRendered((await render(config, { engine: { mocks: targetedUp(new Map(names.map((n) => [n, undefined]))), preview: false } })).result);
  const record = up.rendered.outputs.deployedConfig as { remotes: { name: string }[] };
  assert.deepEqual(record.remotes.map((r) => r.name), ["remote-001"]);
});

test("lowestVersion: the lowest Istio release, skipping what is unknown", () => {
  assert.equal(lowestVersion(["1.29.6", "1.28.10", undefined, "1.30.3"]), "1.28.10");
  assert.equal(lowestVersion(["1.28.10", "1.28.9"]), "1.28.9");
  assert.equal(lowestVersion([undefined]), undefined);
});

test("a record that cannot be read stops the run, naming deployedConfig, what is wrong and how to recover", async () => {
  const deployed = await deployedAt(SPEC);
  for (const garbled of [{ ...(deployed.deployedConfig as object), exposureMode: "nodePort" }, "not a record", [1, 2], { stackKind: "operator" }]) {
    const { file, result } = await render(topologyConfig(SPEC), { deployedOutputs: { ...deployed, deployedConfig: garbled } });
    assert.equal(result.ok, false, JSON.stringify(garbled));
    if (result.ok) continue;
    assert.equal(result.registered, 1, "nothing but the read of the stack's own outputs");
    assert.equal(result.problems.length, 1);
    const [problem] = result.problems;
    assert.ok(problem!.startsWith(`${file}: deployedConfig: the stack output deployedConfig (the record of this stack's last pulumi up) cannot be read: `), problem);
    assert.match(problem!, /pulumi stack export --file state\.json; delete "deployedConfig" from the outputs of the pulumi:pulumi:Stack resource; pulumi stack import/);
  }
  const parsed = parseDeployedConfig({ ...(deployed.deployedConfig as object), exposureMode: "nodePort" });
  assert.equal(parsed.kind, "unreadable");
  if (parsed.kind === "unreadable") assert.match(parsed.message, /cannot be read: exposureMode: invalid option: expected one of "hostname"\|"loadBalancer"\. /);
  assert.deepEqual(parseDeployedConfig(undefined), { kind: "none" }, "no record: nothing deployed yet, or an older program");
  // The stack's own record is accepted without a word.
  const own = expectRendered((await render(topologyConfig(SPEC), { deployedOutputs: deployed })).result);
  assert.ok(own.rendered.outputs.deployedConfig);
});

test("a deployed stack without a record: its other outputs are checked, and every run names deployedConfig and the keys that go unchecked", async () => {
  const legacy = { EXTERNAL_ISTIOD_ADDR: "istiod.mesh.example.com", remotes: { config: { role: "config", network: "network1", validationUrl: "https://istiod.mesh.example.com:15017/validate" }, "remote-002": { role: "remote" } } };
  assert.deepEqual(inferDeployment(legacy.EXTERNAL_ISTIOD_ADDR, legacy.remotes), { exposureMode: "hostname", configCluster: "config", remotes: ["remote-002"] });
  assert.deepEqual(inferDeployment("203.0.113.7", {}), { exposureMode: "loadBalancer", remotes: [] });

  const ok = expectRendered((await render(topologyConfig(SPEC), { deployedOutputs: legacy })).result);
  const said = ok.diagnostics.join("\n");
  assert.match(said, /^warning: .*has outputs but no deployedConfig/m);
  assert.match(said, /mesh\.controlPlaneNamespace/);
  assert.match(said, /exposure\.mode and clusters\.config\.name are checked against its other outputs/);
  const recorded = expectRendered((await render(topologyConfig(SPEC), { deployedOutputs: await deployedAt(SPEC) })).result);
  assert.deepEqual(recorded.diagnostics, [], "a recorded stack: not a word");

  const switched = topologyConfig(SPEC);
  switched["istio-mesh:exposure"] = { mode: "loadBalancer" };
  (switched["istio-mesh:clusters"] as { config: { name: string } }).config.name = "apps";
  const { file, result } = await render(switched, { deployedOutputs: legacy });
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.deepEqual(
      result.problems.map((p) => p.split(": ").slice(0, 2).join(": ")),
      [`${file}: exposure.mode`, `${file}: clusters.config.name`],
    );
  }
  assert.deepEqual(inferredProblems({ remotes: [] }, { exposure: { mode: "hostname" }, configCluster: { name: "x" } } as never), [], "nothing inferred, nothing refused");
});

test("istio/istio#61043 is named for a control plane at 1.30.0 to 1.30.3 with a further remote, and not otherwise", () => {
  const cfg = (version: string, remotes: number) => ({ chart: { version, repository: "r" }, remotes: Array.from({ length: remotes }), namespace: "external-istiod", external: { name: "cp", context: "kind-cp" } }) as never;
  for (const version of ["1.30.0", "1.30.3"]) assert.match(knownIssueWarnings(cfg(version, 1)).join(), /istio\/istio#61043.*next 1\.30 patch.*1\.31\.0.*kubectl --context kind-cp -n external-istiod rollout restart deployment\/istiod/);
  for (const [version, remotes] of [["1.30.3", 0], ["1.29.6", 2], ["1.30.4", 1], ["1.31.0", 1]] as const) assert.deepEqual(knownIssueWarnings(cfg(version, remotes)), [], `${version} with ${remotes}`);
});

test("a whole mesh registers its outputs (the record among them) only once its last resources are done: a failed sample leaves the previous record", async () => {
  const config = topologyConfig({ remoteClusters: 2, mode: "hostname", istioVersion: "1.28.10" });
  config["istio-mesh:samples"] = true;
  const events: string[] = [];
  const live = liveMocks();
  const slow: pulumi.runtime.Mocks = {
    // The samples' Deployments take longest (their pods must become ready), as on a cluster.
    newResource: (args) =>
      args.type === "kubernetes:apps/v1:Deployment"
        ? new Promise((resolve) => setTimeout(() => (events.push(`done ${args.name}`), resolve(live.newResource(args))), 50))
        : live.newResource(args),
    call: (args) => live.call(args),
  };
  const file = stackFile(config);
  const { config: flat, secretKeys } = readStackConfig(file, "istio-mesh", file);
  const ev = await evaluate({
    project: "istio-mesh",
    stack: "record",
    config: flat,
    secretKeys,
    mocks: slow,
    preview: false,
    program: () => {
      const monitor = pulumiRuntime.getMonitor() as unknown as { registerResourceOutputs(req: { getUrn(): string }, cb: unknown): void };
      const register = monitor.registerResourceOutputs.bind(monitor);
      monitor.registerResourceOutputs = (req, cb) => {
        if (req.getUrn().includes("::pulumi:pulumi:Stack::")) events.push("stack outputs");
        register(req, cb);
      };
      return program({ source: file });
    },
  });
  assert.ok(ev.outputs.deployedConfig, "the record is registered");
  const samples = events.filter((e) => e.startsWith("done ")).length;
  assert.equal(samples, 4, "helloworld and sleep on two clusters");
  assert.equal(events.indexOf("stack outputs"), samples, `the outputs come after every sample: ${events.join(", ")}`);
});

test("npm run render -- --deployed-outputs: refuses a garbled record naming deployedConfig, takes the stack's own record without a word, names deployedConfig for outputs without one", () => {
  const root = path.resolve(__dirname, "..");
  const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", path.join(root, "render/cli.ts"), ...args], { cwd: root, encoding: "utf8", timeout: 180_000 });
  const own = cli("--stack", "prod", "--format", "json");
  assert.equal(own.status, 0, own.stderr);
  const outputs = (JSON.parse(own.stdout) as { outputs: Record<string, unknown> }).outputs;
  const write = (name: string, value: unknown) => {
    const file = path.join(TMP, name);
    writeFileSync(file, JSON.stringify(value));
    return file;
  };
  const sound = cli("--stack", "prod", "--format", "json", "--deployed-outputs", write("own.json", outputs));
  assert.equal(sound.status, 0, sound.stderr);
  assert.doesNotMatch(sound.stderr, /deployedConfig/, "the stack's own record: not a word of it");
  const garbled = cli("--stack", "prod", "--deployed-outputs", write("garbled.json", { ...outputs, deployedConfig: { stackKind: "mesh", istioVersion: 1.28 } }));
  assert.equal(garbled.status, 1);
  assert.match(garbled.stderr, /Pulumi\.prod\.yaml: deployedConfig: the stack output deployedConfig .* cannot be read: /);
  const { deployedConfig: _record, ...unrecorded } = outputs;
  const legacy = cli("--stack", "prod", "--format", "json", "--deployed-outputs", write("legacy.json", unrecorded));
  assert.equal(legacy.status, 0, legacy.stderr);
  assert.match(legacy.stderr, /has outputs but no deployedConfig/);
});
