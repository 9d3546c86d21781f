/**
 * Issue 22: the values a program may take from other resources (a cluster's endpoint, a DNS record's name, a
 * certificate's Secret, a mirror's URL, a rotation date) are Inputs of the public components. An Output gives the
 * same resources with the same inputs as the plain value; a bad one fails the deployment with the plain value's
 * message, when it resolves; and an admin's `MeshWorkloads` reads its operator stack by name.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { formatArgProblems, MeshArgsError, validateMeshArgs, validateWorkloadsArgs } from "../component/config/args";
import { ExternalControlPlaneMesh } from "../component/externalControlPlaneMesh";
import { ExposureMode, RemoteClusterRole, type ExternalControlPlaneMeshArgs, type MeshWorkloadsArgs, type RemoteCluster } from "../component/meshArgs";
import { MeshWorkloads } from "../component/meshWorkloads";
import { evaluate } from "../render/evaluate";
import { toRendered, type Rendered } from "../render/model";

const remote = (name: string, network: string): RemoteCluster => ({ name, context: `ctx-${name}`, apiServer: `https://api.${name}.example.com:6443`, network });

const MESH: ExternalControlPlaneMeshArgs = {
  istio: { version: "1.28.10", chartRepository: "https://mirror.example.com/istio/" },
  clusters: {
    external: { name: "external", context: "ctx-external" },
    config: { ...remote("cluster1", "network1"), gateways: { ingress: true } },
    remotes: [remote("cluster2", "network2")],
  },
  exposure: { mode: ExposureMode.Hostname, hostname: "istiod.mesh.example.com", tls: { secretName: "istiod-tls" } },
  samples: true,
  remoteSecretRotation: "2026-12-01",
};

/** MESH with every value another resource may give as an Output (one as a Promise, which an Input may be too). */
function meshFromOutputs(overrides: { configApiServer?: string } = {}): ExternalControlPlaneMeshArgs {
  const later = <T>(v: T) => pulumi.output(v);
  const { config, remotes } = MESH.clusters;
  return {
    ...MESH,
    istio: { ...MESH.istio, chartRepository: later(MESH.istio.chartRepository!) },
    clusters: {
      ...MESH.clusters,
      config: { ...config, apiServer: later(overrides.configApiServer ?? (config.apiServer as string)) },
      remotes: (remotes ?? []).map((r) => ({ ...r, apiServer: Promise.resolve(r.apiServer as string) })),
    },
    exposure: { ...MESH.exposure, hostname: later("istiod.mesh.example.com"), tls: { secretName: later("istiod-tls") } },
    remoteSecretRotation: later("2026-12-01"),
  };
}

const render = async (program: () => unknown, stackOutputs?: Record<string, Record<string, unknown>>): Promise<Rendered> =>
  toRendered(await evaluate({ project: "istio-mesh", stack: "inputs", config: {}, secretKeys: [], program, ...(stackOutputs ? { stackOutputs } : {}) }));

/**
 * Runs a program and returns the rejections it leaves unhandled. A value that fails its check rejects every Output
 * derived from it; in a deployment, Pulumi's program host reports each such rejection and fails the update, before
 * any resource that takes the value is created. node:test would report them as failures of the test itself, so its
 * listeners step aside while the program runs.
 */
async function unhandledRejectionsOf(program: () => unknown): Promise<unknown[]> {
  const saved = process.listeners("unhandledRejection");
  const reasons: unknown[] = [];
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", (reason) => void reasons.push(reason));
  try {
    await evaluate({ project: "istio-mesh", stack: "inputs", config: {}, secretKeys: [], program });
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.removeAllListeners("unhandledRejection");
    for (const listener of saved) process.on("unhandledRejection", listener);
  }
  return reasons;
}

test("Outputs where plain values were: the same resources with the same inputs (a mirror's trailing slash dropped alike)", async () => {
  const plain = await render(() => void new ExternalControlPlaneMesh("mesh", MESH));
  const fromOutputs = await render(() => void new ExternalControlPlaneMesh("mesh", meshFromOutputs()));
  assert.ok(plain.resources.length > 30, `${plain.resources.length} resources`);
  assert.deepEqual(
    fromOutputs.resources.map((r) => [r.urn, r.inputs]),
    plain.resources.map((r) => [r.urn, r.inputs]),
  );
  const release = plain.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release");
  assert.deepEqual((release?.inputs as { repositoryOpts?: unknown }).repositoryOpts, { repo: "https://mirror.example.com/istio" });
});

test("a bad Output fails the deployment when it resolves, with the message the plain value gets", async () => {
  const bad = "http://api.cluster1.example.com:6443";
  const plainProblems = validateMeshArgs({ ...MESH, clusters: { ...MESH.clusters, config: { ...MESH.clusters.config, apiServer: bad } } });
  assert.ok(!plainProblems.ok);
  const [line] = formatArgProblems("mesh", plainProblems.problems);
  assert.equal(line, `ExternalControlPlaneMesh "mesh": clusters.config.apiServer: "${bad}" must use https`);
  // Before anything resolves, the arguments are valid: the Output is checked when it resolves.
  assert.ok(validateMeshArgs(meshFromOutputs({ configApiServer: bad }), "mesh").ok);
  const reasons = await unhandledRejectionsOf(() => void new ExternalControlPlaneMesh("mesh", meshFromOutputs({ configApiServer: bad })));
  assert.ok(reasons.length > 0, "the deployment fails");
  for (const reason of reasons) assert.ok(String(reason).includes(line), `${String(reason).slice(0, 200)}: the plain value's message`);
  assert.ok(reasons.some((r) => r instanceof MeshArgsError));
});

test("an API server that is an Output is checked against the others when it resolves", async () => {
  const taken = MESH.clusters.remotes![0]!.apiServer as string;
  const reasons = await unhandledRejectionsOf(() => void new ExternalControlPlaneMesh("mesh", meshFromOutputs({ configApiServer: taken })));
  assert.ok(reasons.length > 0, "the deployment fails");
  const line = `ExternalControlPlaneMesh "mesh": clusters.remotes[0].apiServer: "${taken}" is already the API server of clusters.config`;
  for (const reason of reasons) assert.ok(String(reason).includes(line), String(reason).slice(0, 200));
});

test("a value of the wrong type is refused before anything is registered, an Output's rule waiting for its value", () => {
  const result = validateMeshArgs({ ...MESH, exposure: { ...MESH.exposure, hostname: 42 } });
  assert.ok(!result.ok);
  assert.deepEqual(result.problems, [{ path: "exposure.hostname", message: "must be a string or an Output of one, got a number" }]);
});

const SERVED = {
  cluster1: { role: RemoteClusterRole.Config, network: "network1", namespace: "external-istiod", istioVersion: "1.28.10", controlPlaneRevision: "r1" },
};
const TEAM: Omit<MeshWorkloadsArgs, "controlPlane"> = { clusters: { config: { name: "cluster1", context: "ctx-cluster1", gateways: { ingress: true } } } };

test("MeshWorkloads reads its operator stack by name: the same workloads as from the stack's outputs given by hand", async () => {
  const operatorStack = "organization/istio-mesh/prod-operator";
  const byHand = await render(() => void new MeshWorkloads("team", { ...TEAM, controlPlane: { externalIstiodAddress: "istiod.mesh.example.com", remotes: SERVED } }));
  const byName = await render(() => void new MeshWorkloads("team", { ...TEAM, controlPlane: { operatorStack } }), { [operatorStack]: { remotes: SERVED } });
  const reference = byName.resources.find((r) => r.type === "pulumi:pulumi:StackReference");
  assert.equal((reference?.inputs as { name?: unknown }).name, operatorStack);
  assert.equal(reference?.urn.endsWith("::team-operator"), true);
  const withoutReference = byName.resources.filter((r) => r !== reference);
  assert.deepEqual(
    withoutReference.map((r) => [r.urn, r.inputs]),
    byHand.resources.map((r) => [r.urn, r.inputs]),
  );
});

test("MeshWorkloads takes an operator stack or the control plane's outputs, not both, and names the stack as a StackReference does", () => {
  const problems = (controlPlane: unknown) => {
    const result = validateWorkloadsArgs({ ...TEAM, controlPlane });
    return result.ok ? [] : result.problems;
  };
  assert.deepEqual(problems({ operatorStack: "a/b/c", remotes: SERVED }), [
    { path: "controlPlane.remotes", message: "is read from controlPlane.operatorStack: set one or the other" },
  ]);
  assert.deepEqual(problems({}), [
    { path: "controlPlane.externalIstiodAddress", message: "is required (or set controlPlane.operatorStack)" },
    { path: "controlPlane.remotes", message: "is required (or set controlPlane.operatorStack)" },
  ]);
  assert.equal(problems({ operatorStack: "a/b/c/d" }).length, 1);
  assert.deepEqual(problems({ operatorStack: "acme/istio-mesh/prod-operator" }), []);
});

test("a canary that shares the stable hostname's created certificate: the deployment fails before the Secret when the certificate does not cover the canary's name (issue 24)", async () => {
  const certs = path.join(__dirname, "verify", "fake", "certs");
  const mesh = (certificate: string, hostname: pulumi.Input<string>): ExternalControlPlaneMeshArgs => ({
    ...MESH,
    istio: { ...MESH.istio, canary: { version: "1.29.6", hostname } },
    exposure: { ...MESH.exposure, tls: { secretName: "istiod-tls", create: true, certificate, privateKey: "key" } },
  });
  const uncovered = readFileSync(path.join(certs, "server.pem"), "utf8"); // istiod.mesh.example.com only
  for (const hostname of ["istiod-1-30-3.mesh.example.com", pulumi.output("istiod-1-30-3.mesh.example.com")]) {
    const reasons = await unhandledRejectionsOf(() => void new ExternalControlPlaneMesh("mesh", mesh(uncovered, hostname)));
    assert.ok(reasons.length > 0, "the deployment fails");
    for (const reason of reasons) {
      assert.match(String(reason), /istio\.canary\.hostname: "istiod-1-30-3\.mesh\.example\.com" is not covered by the certificate of exposure\.tls \(the Secret istiod-tls/);
      assert.ok(!String(reason).includes("BEGIN CERTIFICATE"), "the certificate is never echoed");
    }
  }
  const covered = readFileSync(path.join(certs, "revision.pem"), "utf8"); // istiod-1-30-3.mesh.example.com
  const rendered = await render(() => void new ExternalControlPlaneMesh("mesh", mesh(covered, "istiod-1-30-3.mesh.example.com")));
  assert.ok(rendered.resources.some((r) => r.type === "kubernetes:core/v1:Secret" && r.name === "external-tls"), "a covered name deploys");
});
