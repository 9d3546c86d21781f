/**
 * Issue 15: the whole mesh's two parts as public components, `ExternalControlPlane` (the mesh operator's) and
 * `MeshWorkloads` (the mesh admins'), as a program of any language uses them: together in one program, or the
 * workloads alone against an operator stack's outputs, constructed by the plugin host from another language's
 * arguments.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import * as server from "@pulumi/pulumi/provider/server";
import { specialOutputValueSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { MeshArgsError } from "../component/config/args";
import { ExternalControlPlane } from "../component/externalControlPlane";
import { ExternalControlPlaneMesh } from "../component/externalControlPlaneMesh";
import { EastWestGatewayMode, ExposureMode, RemoteClusterRole, type ExternalControlPlaneArgs, type ExternalControlPlaneMeshArgs, type RemoteCluster } from "../component/meshArgs";
import { MeshWorkloads, servedCluster, WORKLOADS_TYPE } from "../component/meshWorkloads";
import { evaluate, ProgramError } from "../render/evaluate";
import { toRendered, type Rendered } from "../render/model";
import { RELEASE } from "./support/render";
import { splitDifference } from "./support/split";

const PROJECT_DIR = path.resolve(__dirname, "..");

const remote = (name: string, network: string, gateways: RemoteCluster["gateways"] = {}): RemoteCluster => ({
  name,
  context: `ctx-${name}`,
  apiServer: `https://api.${name}.example.com:6443`,
  network,
  gateways,
});

const MESH: ExternalControlPlaneMeshArgs = {
  istio: { version: "1.28.10" },
  clusters: {
    external: { name: "external", context: "ctx-external" },
    config: remote("cluster1", "network1", { ingress: true, egress: true }),
    remotes: [remote("cluster2", "network2", { ingress: true }), remote("cluster3", "network2")],
  },
  exposure: { mode: ExposureMode.Hostname, hostname: "istiod.mesh.example.com", tls: { secretName: "istiod-tls" } },
  eastWestGateways: EastWestGatewayMode.Auto,
  samples: true,
};

const run = (program: () => unknown, stack = "parts") => evaluate({ project: "istio-mesh", stack, config: {}, secretKeys: [], program });

/** The operator's and the admins' parts of MESH, in one TypeScript program. */
function bothParts() {
  const { samples, clusters, ...operatorArgs } = MESH;
  const withoutGateways = ({ gateways: _g, ...c }: RemoteCluster) => c;
  const controlPlane = new ExternalControlPlane("mesh", {
    ...operatorArgs,
    clusters: { external: clusters.external, config: withoutGateways(clusters.config), remotes: (clusters.remotes ?? []).map(withoutGateways) },
  });
  const team = (c: RemoteCluster) => ({ name: c.name, context: c.context, ...(c.gateways ? { gateways: c.gateways } : {}) });
  const workloads = new MeshWorkloads("mesh", {
    controlPlane: { externalIstiodAddress: controlPlane.externalIstiodAddress, remotes: controlPlane.remotes },
    clusters: { config: team(clusters.config), remotes: (clusters.remotes ?? []).map(team) },
    ...(samples !== undefined ? { samples } : {}),
  });
  return { controlPlane, workloads };
}

test("ExternalControlPlane and MeshWorkloads together are the whole mesh: the same resources and values", async () => {
  const whole = toRendered(await run(() => void new ExternalControlPlaneMesh("mesh", MESH), "whole"));
  const parts = toRendered(await run(() => void bothParts()));
  assert.deepEqual(splitDifference(whole, [parts]), { missing: [], extra: [], changed: [], duplicated: [] });
});

test("MeshWorkloads in the same program waits for everything of the control plane its pods need, as the whole mesh's do", async () => {
  const whole = toRendered(await run(() => void new ExternalControlPlaneMesh("mesh", MESH), "whole"));
  const parts = toRendered(await run(() => void bothParts()));
  /** The Kubernetes objects (not components) a resource waits for, by name, directly or through others. */
  const waitsFor = (r: Rendered, name: string) => {
    const byUrn = new Map(r.resources.map((x) => [x.urn, x]));
    const seen = new Set<string>();
    const next = [...(r.resources.find((x) => x.name === name)?.dependsOn ?? [])];
    while (next.length > 0) {
      const x = byUrn.get(next.pop()!);
      if (!x || seen.has(x.name)) continue;
      if (x.type.startsWith("kubernetes:")) seen.add(x.name);
      next.push(...x.dependsOn);
    }
    return seen;
  };
  for (const name of ["cluster2-istio-ingressgateway", "cluster1-helloworld-v1", "cluster1-helloworld-gateway", "cluster3-sleep"]) {
    const inWhole = waitsFor(whole, name);
    const inParts = waitsFor(parts, name);
    assert.ok(inWhole.size > 3, `${name}: ${[...inWhole].join(", ")}`);
    const missing = [...inWhole].filter((d) => !inParts.has(d));
    assert.deepEqual(missing, [], `${name} waits for what it waits for in the whole mesh`);
  }
});

test("ExternalControlPlane refuses the admins' keys, MeshWorkloads the operator's, each naming the component and the argument", async () => {
  const { clusters, ...rest } = MESH;
  // As a caller in a dynamic language could: the whole mesh's arguments, gateways and samples included.
  const meshArgs: unknown = { ...rest, clusters };
  const err = await run(() => void new ExternalControlPlane("cp", meshArgs as ExternalControlPlaneArgs)).then(
    () => undefined,
    (e: unknown) => (e as ProgramError).error,
  );
  assert.ok(err instanceof MeshArgsError);
  assert.deepEqual(err.problems, [
    `ExternalControlPlane "cp": samples: is the mesh admins' setting: set it in MeshWorkloads (the mesh admins' component)`,
    `ExternalControlPlane "cp": clusters.config.gateways: the ingress and egress gateways are the mesh admins': set them in MeshWorkloads (the mesh admins' component)`,
    `ExternalControlPlane "cp": clusters.remotes[0].gateways: the ingress and egress gateways are the mesh admins': set them in MeshWorkloads (the mesh admins' component)`,
    `ExternalControlPlane "cp": clusters.remotes[1].gateways: the ingress and egress gateways are the mesh admins': set them in MeshWorkloads (the mesh admins' component)`,
  ]);

  const workloadsErr = await run(
    () =>
      void new MeshWorkloads("team", {
        controlPlane: { externalIstiodAddress: "istiod.mesh.example.com", remotes: {} },
        clusters: { external: { name: "external", context: "ctx" }, remotes: [{ name: "cluster2", context: "ctx-2", network: "n2" }] },
      } as never),
  ).then(
    () => undefined,
    (e: unknown) => (e as ProgramError).error,
  );
  assert.ok(workloadsErr instanceof MeshArgsError);
  assert.deepEqual(workloadsErr.problems, [
    `MeshWorkloads "team": clusters.external: the mesh admins never reach the external cluster (ExternalControlPlane owns it): remove clusters.external, and its context from this stack's kubeconfig`,
    `MeshWorkloads "team": clusters.remotes[0].network: is the mesh operator's setting (it labels the cluster's control plane and east-west gateway): remove it here; ExternalControlPlane sets it`,
  ]);
});

const served = { role: RemoteClusterRole.Config, network: "network1", namespace: "external-istiod", istioVersion: "1.28.10", controlPlaneRevision: "r1" };
const team9 = { remotes: [{ name: "cluster9", context: "ctx-9", gateways: { ingress: true } }] };

test("MeshWorkloads refuses a cluster its control plane does not serve: before registering anything when the record is plain", async () => {
  const failure = await run(
    () => void new MeshWorkloads("team", { controlPlane: { externalIstiodAddress: "istiod.mesh.example.com", remotes: { cluster1: served } }, clusters: team9 }),
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(failure instanceof ProgramError, "the program fails");
  assert.ok(failure.error instanceof MeshArgsError);
  assert.deepEqual(failure.error.problems, [
    `MeshWorkloads "team": clusters.remotes[0].name: "cluster9" is not a remote cluster of the control plane (it serves cluster1); ask the mesh operator to add it there first, or fix the name`,
  ]);
  assert.deepEqual(failure.registrations, [], "nothing was registered");
});

test("servedCluster, the check of a record that arrives as an Output (a StackReference's): served, and in the listed role", () => {
  const at = (name: string, role: RemoteClusterRole, path = "clusters.remotes[0]") => ({ cluster: { name, context: "ctx", gateways: { ingress: false, egress: false } }, role, path });
  assert.throws(
    () => servedCluster({ cluster1: served }, at("cluster9", RemoteClusterRole.Remote)),
    /^Error: MeshWorkloads: clusters\.remotes\[0\]\.name: "cluster9" is not a remote cluster of the control plane \(it serves cluster1\); ask the mesh operator to add it there first/,
  );
  assert.throws(
    () => servedCluster({ cluster1: served }, at("cluster1", RemoteClusterRole.Remote)),
    /MeshWorkloads: clusters\.remotes\[0\]\.name: "cluster1" is the config cluster of the control plane: list it under clusters\.config/,
  );
  assert.throws(() => servedCluster(undefined, at("cluster1", RemoteClusterRole.Config)), /MeshWorkloads: controlPlane\.remotes: the control plane serves no remote cluster \(an operator stack that has not been deployed\?\)/);
  assert.equal(servedCluster({ cluster1: served }, at("cluster1", RemoteClusterRole.Config, "clusters.config")), served);
});

/** `deserializeInputs` is internal to the SDK (no typings); the host's `construct` calls it first. */
type DeserializeInputs = (inputs: { toJavaScript(): unknown }, dependencies: Map<string, never>) => Promise<pulumi.Inputs>;
const { deserializeInputs } = server as unknown as { deserializeInputs: DeserializeInputs };

test("constructed by the plugin host for another language's admin program, with an operator stack's outputs as an output value", async () => {
  // What a C# program sends after `var op = new StackReference(...)`: the outputs arrive as an output value.
  const remotes = {
    [specialSigKey]: specialOutputValueSig,
    value: { cluster2: { role: "remote", namespace: "istio-cp", istioVersion: "1.27.4", controlPlaneRevision: "abc", network: "network2" } },
  };
  const wire = {
    controlPlane: { externalIstiodAddress: "istiod.mesh.example.com", remotes },
    clusters: { remotes: [{ name: "cluster2", context: "ctx-2", gateways: { ingress: true } }] },
  };
  const evaluation = await run(async () => {
    const inputs = await deserializeInputs({ toJavaScript: () => wire }, new Map<string, never>());
    const host = new ComponentProvider({ name: "istio-mesh", dirname: PROJECT_DIR, components: [MeshWorkloads] });
    const { state } = await host.construct("team", WORKLOADS_TYPE, inputs, {});
    // As stack outputs, unset members (no helloworldUrl without samples) left out, as the program leaves them.
    return Object.fromEntries(Object.entries(state).filter(([, v]) => v !== undefined));
  });
  const rendered = toRendered(evaluation);
  const ingress = rendered.resources.find((r) => r.type === RELEASE && r.name === "cluster2-istio-ingressgateway");
  assert.equal(ingress?.inputs.version, "1.27.4");
  assert.equal(ingress?.inputs.namespace, "istio-cp");
  assert.equal(ingress?.cluster, "cluster2");
  const clusters = rendered.outputs.clusters as Record<string, Record<string, unknown>>;
  assert.equal(clusters.cluster2?.controlPlaneRevision, "abc");
});
