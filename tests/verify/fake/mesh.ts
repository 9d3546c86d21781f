/**
 * A healthy mesh as the verify command should find it after `pulumi up` of the stack below (hostname mode, the
 * config cluster `cluster1` on network1 and a further remote `cluster2` on network2, gateways, samples): the fake
 * API server and helloworld, and the stack file, outputs and kubeconfig that point the command at them.
 * Tests break one thing in `clusters` and run the command.
 *
 * The same mesh can be deployed by two stacks instead of one (docs/operator-admin-stacks.md): a mesh operator's
 * (`OPERATOR_STACK_FILE`, everything but the ingress and egress gateways and the samples) and a mesh admins'
 * (`ADMIN_STACK_FILE`, those, on cluster1 and cluster2). `startFakeMesh("operator" | "admin")` points the command at
 * one of them; the admin's kubeconfig has no context for the external cluster, as on an admin's machine.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { parse, stringify } from "yaml";
import { runVerify } from "../../../verify/main";
import { splitStackConfig } from "../../support/split";
import { startFakeControlPlaneAddress, type FakeControlPlaneAddress } from "./controlPlaneAddress";
import { startFakeHelloworld, type FakeHelloworld } from "./helloworld";
import { emptyCluster, startFakeKubeApi, type FakeCluster, type FakeKubeApi } from "./kubeApi";
import { deployment, injectorConfig, runningPod, secret, service, validatorConfig } from "./objects";

export const ADDR = "istiod.mesh.example.com";
export const NS = "external-istiod";
export const CONTROL_PLANE_LB = "203.0.113.10";
export const CLUSTER1_INGRESS_LB = "203.0.113.21";
/** What every cluster runs in the healthy mesh, as the stack file says. */
export const ISTIO_VERSION = "1.28.10";
/** The label Istio's charts put on what they render: the chart's version. */
export const VERSION_LABEL = "app.kubernetes.io/version";
export const pilotImage = (version: string) => `docker.io/istio/pilot:${version}`;
export const proxyImage = (version: string) => `docker.io/istio/proxyv2:${version}`;

export const STACK_FILE = `config:
  istio-mesh:istio:
    version: "${ISTIO_VERSION}"
  istio-mesh:mesh:
    id: mesh1
    controlPlaneNamespace: ${NS}
  istio-mesh:clusters:
    external:
      name: external
      context: ctx-external
    config:
      name: cluster1
      context: ctx-cluster1
      apiServer: https://198.51.100.1:6443
      network: network1
      gateways:
        ingress: true
        egress: true
    remotes:
      - name: cluster2
        context: ctx-cluster2
        apiServer: https://198.51.100.2:6443
        network: network2
  istio-mesh:exposure:
    mode: hostname
    hostname: ${ADDR}
    tls:
      secretName: istiod-tls
  istio-mesh:samples: true
`;

export const OPERATOR_STACK = "test-operator";

/** STACK_FILE split as a platform team would split it (tests/support/split.ts): both clusters in one admin stack. */
const split = splitStackConfig((parse(STACK_FILE) as { config: Record<string, unknown> }).config, [["cluster1", "cluster2"]], OPERATOR_STACK);

/** The mesh operator's half of STACK_FILE. */
export const OPERATOR_STACK_FILE = stringify({ config: split.operator });

/** The mesh admins' half of STACK_FILE: the gateways and samples on both remote clusters. */
export const ADMIN_STACK_FILE = stringify({ config: split.admins[0] });

export type FakeStackKind = "mesh" | "operator" | "admin";

export const STACK_FILES: Record<FakeStackKind, string> = { mesh: STACK_FILE, operator: OPERATOR_STACK_FILE, admin: ADMIN_STACK_FILE };

const CONTROL_PLANE_REVISION = "3f9c2a7e51d04b86";

/** The operator stack's outputs (infra/program.ts `OperatorStackOutputs`) after `pulumi up` of OPERATOR_STACK_FILE. */
function operatorOutputs() {
  const served = (role: string, name: string, network: string) => ({
    role,
    network,
    namespace: NS,
    istioVersion: ISTIO_VERSION,
    injectionUrl: `https://${ADDR}:15017/inject/cluster/${name}/net/${network}`,
    ...(role === "config" ? { validationUrl: `https://${ADDR}:15017/validate` } : {}),
    remoteSecretName: role === "config" ? "istio-kubeconfig" : `istio-remote-secret-${name}`,
    controlPlaneRevision: CONTROL_PLANE_REVISION,
  });
  return {
    stackKind: "operator",
    EXTERNAL_ISTIOD_ADDR: ADDR,
    controlPlaneLoadBalancer: CONTROL_PLANE_LB,
    externalCluster: "external",
    remotes: { cluster1: served("config", "cluster1", "network1"), cluster2: served("remote", "cluster2", "network2") },
    deployedConfig: { stackKind: "operator", controlPlaneNamespace: NS, exposureMode: "hostname" },
  };
}

/** The admin stack's outputs (infra/adminProgram.ts `AdminStackOutputs`) after `pulumi up` of ADMIN_STACK_FILE. */
function adminOutputs(helloworldUrl: string) {
  const cluster = (role: string, network: string) => ({ role, network, namespace: NS, istioVersion: ISTIO_VERSION, controlPlaneRevision: CONTROL_PLANE_REVISION });
  return {
    stackKind: "admin",
    operatorStack: OPERATOR_STACK,
    EXTERNAL_ISTIOD_ADDR: ADDR,
    remotes: { cluster1: { ...cluster("config", "network1"), ingressGatewayAddress: CLUSTER1_INGRESS_LB }, cluster2: cluster("remote", "network2") },
    helloworldUrl,
    deployedConfig: { stackKind: "admin", operatorStack: OPERATOR_STACK },
  };
}

/** The outputs of `kind`'s stack. */
export function stackOutputs(kind: FakeStackKind, helloworldUrl: string): Record<string, unknown> {
  return kind === "operator" ? operatorOutputs() : kind === "admin" ? adminOutputs(helloworldUrl) : outputs(helloworldUrl);
}

function outputs(helloworldUrl: string) {
  return {
    EXTERNAL_ISTIOD_ADDR: ADDR,
    controlPlaneLoadBalancer: CONTROL_PLANE_LB,
    remotes: {
      cluster1: {
        role: "config",
        network: "network1",
        injectionUrl: `https://${ADDR}:15017/inject/cluster/cluster1/net/network1`,
        validationUrl: `https://${ADDR}:15017/validate`,
        remoteSecretName: "istio-kubeconfig",
        ingressGatewayAddress: CLUSTER1_INGRESS_LB,
      },
      cluster2: {
        role: "remote",
        network: "network2",
        injectionUrl: `https://${ADDR}:15017/inject/cluster/cluster2/net/network2`,
        remoteSecretName: "istio-remote-secret-cluster2",
      },
    },
    helloworldUrl,
  };
}

/** Contexts for `clusters` (all three by default), each pointing at its prefix of the fake API server. */
function kubeconfig(apiUrl: string, clusters: readonly string[] = ["external", "cluster1", "cluster2"]): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: clusters.map((name) => ({ name, cluster: { server: `${apiUrl}/${name}`, "insecure-skip-tls-verify": true } })),
    users: [{ name: "tester", user: { token: "fake-token" } }],
    contexts: clusters.map((name) => ({ name: `ctx-${name}`, context: { cluster: name, user: "tester" } })),
    "current-context": `ctx-${clusters[0] ?? "none"}`,
  });
}

const chartLabels = { [VERSION_LABEL]: ISTIO_VERSION };

/** A gateway pod: its only container is the proxy itself (injected with the `gateway` template). */
const gatewayPod = (name: string) =>
  runningPod({
    namespace: NS,
    name: `${name}-7bcd5c6bbd-kmtl4`,
    labels: { app: name, ...chartLabels },
    containers: ["istio-proxy"],
    sidecar: false,
    images: { "istio-proxy": proxyImage(ISTIO_VERSION) },
  });
const istiodPod = (namespace: string, name: string) =>
  runningPod({
    namespace,
    name,
    labels: { app: "istiod", istio: "pilot", ...chartLabels },
    containers: ["discovery"],
    sidecar: false,
    images: { discovery: pilotImage(ISTIO_VERSION) },
  });
/** A sample pod: its app container and the injected sidecar (READY 2/2). */
const samplePod = (name: string, labels: Record<string, string>) =>
  runningPod({ namespace: "sample", name, labels, containers: [labels.app ?? name], sidecar: true });

function externalCluster(): FakeCluster {
  const c = emptyCluster();
  c.pods.push(
    istiodPod("istio-system", "istiod-68488cd797-mq8dn"),
    runningPod({
      namespace: "istio-system",
      name: "istio-ingressgateway-9d4c7f5c7-7qpzz",
      labels: { app: "istio-ingressgateway", istio: "ingressgateway", ...chartLabels },
      containers: ["istio-proxy"],
      sidecar: false,
      images: { "istio-proxy": proxyImage(ISTIO_VERSION) },
    }),
    istiodPod(NS, "istiod-779bd6fdcf-bd6rg"),
  );
  c.deployments.push(deployment("istio-system", "istio-ingressgateway"), deployment("istio-system", "istiod"), deployment(NS, "istiod"));
  // The external istiod's own view of the remote clusters it reads (its monitoring port, through the pod proxy).
  c.podProxy[`${NS}/istiod-779bd6fdcf-bd6rg:15014/metrics`] = [
    "# TYPE istiod_remote_cluster_sync_status gauge",
    'istiod_remote_cluster_sync_status{cluster="cluster2",state="synced"} 1',
    'istiod_remote_cluster_sync_status{cluster="cluster2",state="syncing"} 0',
    'istiod_managed_clusters{cluster_type="remote"} 1',
  ].join("\n");
  c.services.push(service("istio-system", "istio-ingressgateway", "LoadBalancer", CONTROL_PLANE_LB));
  c.secrets.push(
    secret(NS, "istio-kubeconfig", {}, { config: "YXBpVmVyc2lvbjogdjE=" }),
    secret(NS, "istio-remote-secret-cluster2", { "istio/multiCluster": "true" }, { cluster2: "YXBpVmVyc2lvbjogdjE=" }),
    secret(NS, "cacerts"),
    secret(NS, "sh.helm.release.v1.istiod.v1", { name: "istiod", owner: "helm" }),
  );
  return c;
}

function remoteCluster(name: string, network: string, version: "v1" | "v2", gateways: string[]): FakeCluster {
  const c = emptyCluster();
  c.mutatingWebhookConfigurations.push(
    injectorConfig(`istio-sidecar-injector-${NS}`, { url: `https://${ADDR}:15017/inject/cluster/${name}/net/${network}` }, 4, chartLabels),
  );
  for (const gw of gateways) {
    c.deployments.push(deployment(NS, gw));
    c.pods.push(gatewayPod(gw));
  }
  c.pods.push(
    samplePod(`helloworld-${version}-776f57d5f6-s7zfc`, { app: "helloworld", version }),
    samplePod("sleep-64d7d56698-wqjnm", { app: "sleep" }),
  );
  return c;
}

/** The clusters of the healthy mesh, by name (what `startFakeMesh` serves). */
export function healthyClusters(): Map<string, FakeCluster> {
  const cluster1 = remoteCluster("cluster1", "network1", "v1", ["istio-ingressgateway", "istio-egressgateway", "istio-eastwestgateway"]);
  cluster1.validatingWebhookConfigurations.push(
    validatorConfig(`istio-validator-${NS}`, { url: `https://${ADDR}:15017/validate` }, chartLabels),
    validatorConfig("istiod-default-validator", { url: `https://${ADDR}:15017/validate` }, chartLabels),
  );
  cluster1.services.push(
    service(NS, "istio-ingressgateway", "LoadBalancer", CLUSTER1_INGRESS_LB),
    service(NS, "istio-egressgateway", "ClusterIP"),
    service(NS, "istio-eastwestgateway", "LoadBalancer", "203.0.113.22"),
  );
  const cluster2 = remoteCluster("cluster2", "network2", "v2", ["istio-eastwestgateway"]);
  cluster2.services.push(service(NS, "istio-eastwestgateway", "LoadBalancer", "203.0.113.32"));
  return new Map([
    ["external", externalCluster()],
    ["cluster1", cluster1],
    ["cluster2", cluster2],
  ]);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface FakeMesh {
  clusters: Map<string, FakeCluster>;
  api: FakeKubeApi;
  helloworld: FakeHelloworld;
  /** The control plane address as verify probes it from where it runs (DNS, TLS on 15012/15017). */
  address: FakeControlPlaneAddress;
  files: { stack: string; outputs: string; kubeconfig: string };
  /** The command against this mesh, with deadlines short enough for tests; `extra` is appended to the arguments. */
  run(extra?: string[]): Promise<RunResult>;
  close(): Promise<void>;
}

export const TEST_TIMING = ["--timeout", "0.4", "--interval", "0.05"];

/** What a fake mesh serves and the files that point the command at it. */
export interface FakeMeshSpec {
  clusters: Map<string, FakeCluster>;
  stackFile: string;
  outputs: (helloworldUrl: string) => Record<string, unknown>;
  /** The clusters the kubeconfig has contexts for (all three by default). */
  contexts?: readonly string[];
}

/**
 * The healthy mesh, and the files of `kind`'s stack (default: the whole mesh). An admin's kubeconfig knows only
 * the team's clusters.
 */
export async function startFakeMesh(kind: FakeStackKind = "mesh"): Promise<FakeMesh> {
  return startFakeMeshFrom({
    clusters: healthyClusters(),
    stackFile: STACK_FILES[kind],
    outputs: (url) => stackOutputs(kind, url),
    ...(kind === "admin" ? { contexts: ["cluster1", "cluster2"] } : {}),
  });
}

/** A fake mesh of `spec` (e.g. one running revisions, `revisionMesh.ts`). */
export async function startFakeMeshFrom(spec: FakeMeshSpec): Promise<FakeMesh> {
  const { clusters } = spec;
  const api = await startFakeKubeApi(clusters);
  const helloworld = await startFakeHelloworld(["v1", "v2"]);
  const address = await startFakeControlPlaneAddress(ADDR, CONTROL_PLANE_LB);
  const dir = mkdtempSync(path.join(tmpdir(), "verify-test-"));
  const files = { stack: path.join(dir, "Pulumi.test.yaml"), outputs: path.join(dir, "outputs.json"), kubeconfig: path.join(dir, "kubeconfig") };
  writeFileSync(files.stack, spec.stackFile);
  writeFileSync(files.outputs, JSON.stringify(spec.outputs(helloworld.url), null, 2));
  writeFileSync(files.kubeconfig, kubeconfig(api.url, spec.contexts));

  const run = async (extra: string[] = []): Promise<RunResult> => {
    let stdout = "";
    let stderr = "";
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const argv = ["--stack", "test", "--config-file", files.stack, "--outputs", files.outputs, "--kubeconfig", files.kubeconfig, ...TEST_TIMING, ...extra];
    const code = await runVerify(argv, {
      stdin,
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      addressProbes: address.probes,
    });
    return { code, stdout, stderr };
  };
  return {
    clusters,
    api,
    helloworld,
    address,
    files,
    run,
    close: async () => {
      await Promise.all([api.close(), helloworld.close(), address.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
