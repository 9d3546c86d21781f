/**
 * Which checks a mesh gets, from its stack config and outputs: the guide's "confirm" steps, per cluster.
 * Each check pairs a read (through a `ClusterReader`) with a pure judgement from `checks/`.
 */
import type { MeshConfig, RemoteCluster } from "../package/config/model";
import { allRemotes } from "../package/config/model";
import type { Check } from "./check";
import { checkGateway, type GatewayExpectation } from "./checks/gateways";
import { checkHelloworldVersions, type ExpectedVersion, type HelloAnswer } from "./checks/helloworld";
import { checkInjectedPodsReady, checkPodsReady } from "./checks/pods";
import { checkRemoteSecret } from "./checks/remoteSecrets";
import { checkControlPlaneVersions, checkRemoteVersions } from "./checks/versions";
import { checkInjectionWebhook, checkNoValidatingWebhooks, checkValidatingWebhooks, type WebhookTarget } from "./checks/webhooks";
import type { ClusterReader } from "./kube/clusterReader";
import * as names from "./names";
import { fail } from "./result";
import type { StackOutputs } from "./stackOutputs";

/** GETs the helloworld URL until `enough` says so (or a fixed number of times). */
export type HelloProbe = (url: string, enough: (answers: readonly HelloAnswer[]) => boolean) => Promise<HelloAnswer[]>;

export interface PlanInput {
  config: MeshConfig;
  outputs: StackOutputs;
  /** A reader per cluster, by mesh name. */
  readers: ReadonlyMap<string, ClusterReader>;
  probeHelloworld: HelloProbe;
}

function readerFor(input: PlanInput, cluster: string): ClusterReader {
  const reader = input.readers.get(cluster);
  if (reader === undefined) throw new Error(`no reader for cluster ${cluster}`);
  return reader;
}

function webhookTarget(input: PlanInput): WebhookTarget {
  return input.config.exposure.mode === "hostname"
    ? { mode: "hostname", address: input.outputs.EXTERNAL_ISTIOD_ADDR }
    : { mode: "loadBalancer", namespace: input.config.namespace };
}

function gatewayCheck(cluster: string, reader: ClusterReader, expected: GatewayExpectation): Check {
  return {
    cluster,
    name: `gateway ${expected.namespace}/${expected.name}`,
    attempt: async () => {
      const [deployment, service] = await Promise.all([
        reader.readDeployment(expected.namespace, expected.name),
        expected.loadBalancer ? reader.readService(expected.namespace, expected.name) : Promise.resolve(undefined),
      ]);
      return checkGateway(deployment, service, expected);
    },
  };
}

/** The guide's "Set up a gateway in the external cluster" and "Set up the control plane" confirmations. */
function externalChecks(input: PlanInput): Check[] {
  const { config: cfg, outputs } = input;
  const cluster = cfg.external.name;
  const reader = readerFor(input, cluster);
  const podsReady = (namespace: string, app: string): Check => ({
    cluster,
    name: `${app} pods ready in ${namespace}`,
    attempt: async () => checkPodsReady(await reader.listPods(namespace), { namespace, labels: { app } }),
  });
  const lb = outputs.controlPlaneLoadBalancer;
  const secrets = allRemotes(cfg).map((remote): Check => {
    const isConfig = remote === cfg.configCluster;
    // The output is what was deployed; the layout's name is the fallback for outputs of older deployments.
    const name = outputs.remotes[remote.name]?.remoteSecretName ?? (isConfig ? names.CONFIG_SECRET_NAME : names.remoteSecretName(remote.name));
    return {
      cluster,
      name: `remote secret ${name} (${remote.name})`,
      attempt: async () =>
        checkRemoteSecret(await reader.listSecretMetadata(cfg.namespace), { namespace: cfg.namespace, name, cluster: remote.name, multiCluster: !isConfig }),
    };
  });
  const controlPlaneVersion = cfg.chart.version;
  const versions: Check = {
    cluster,
    name: `Istio version ${controlPlaneVersion}`,
    attempt: async () => {
      const pods = (await Promise.all([reader.listPods(names.ISTIO_SYSTEM), reader.listPods(cfg.namespace)])).flat();
      const workload = (namespace: string, app: string, container: string) => ({ label: `${namespace}/${app}`, namespace, app, container });
      return checkControlPlaneVersions(
        pods,
        [
          workload(names.ISTIO_SYSTEM, names.ISTIOD_APP, names.ISTIOD_CONTAINER),
          workload(names.ISTIO_SYSTEM, names.CONTROL_PLANE_GATEWAY, names.PROXY_CONTAINER),
          workload(cfg.namespace, names.ISTIOD_APP, names.ISTIOD_CONTAINER),
        ],
        controlPlaneVersion,
      );
    },
  };
  return [
    podsReady(names.ISTIO_SYSTEM, names.ISTIOD_APP),
    podsReady(names.ISTIO_SYSTEM, names.CONTROL_PLANE_GATEWAY),
    gatewayCheck(cluster, reader, {
      namespace: names.ISTIO_SYSTEM,
      name: names.CONTROL_PLANE_GATEWAY,
      loadBalancer: true,
      ...(lb ? { recordedAddress: { output: "controlPlaneLoadBalancer", address: lb } } : {}),
    }),
    podsReady(cfg.namespace, names.ISTIOD_APP),
    ...secrets,
    versions,
  ];
}

function gatewaysOf(input: PlanInput, remote: RemoteCluster): GatewayExpectation[] {
  const ns = input.config.namespace;
  const recorded = input.outputs.remotes[remote.name]?.ingressGatewayAddress;
  return [
    ...(remote.gateways.ingress
      ? [
          {
            namespace: ns,
            name: names.INGRESS_GATEWAY,
            loadBalancer: true,
            ...(recorded ? { recordedAddress: { output: `remotes.${remote.name}.ingressGatewayAddress`, address: recorded } } : {}),
          },
        ]
      : []),
    // ClusterIP by design: traffic leaves the mesh from inside the cluster.
    ...(remote.gateways.egress ? [{ namespace: ns, name: names.EGRESS_GATEWAY, loadBalancer: false }] : []),
    ...(input.config.eastWestGateways ? [{ namespace: ns, name: names.EASTWEST_GATEWAY, loadBalancer: true }] : []),
  ];
}

/** The guide's "Set up the remote config cluster", "Adding clusters", gateways and samples confirmations. */
function remoteChecks(input: PlanInput, remote: RemoteCluster): Check[] {
  const { config: cfg } = input;
  const cluster = remote.name;
  const reader = readerFor(input, cluster);
  const isConfig = remote === cfg.configCluster;
  const webhooks = names.webhookConfigNames(cfg.namespace);
  const target = webhookTarget(input);
  const validators = [webhooks.validation, names.DEFAULT_VALIDATOR];

  const checks: Check[] = [
    {
      cluster,
      name: `injection webhook ${webhooks.injection}`,
      attempt: async () =>
        checkInjectionWebhook(await reader.readMutatingWebhookConfiguration(webhooks.injection), {
          configName: webhooks.injection,
          path: names.injectionPath(remote.name, remote.network),
          target,
        }),
    },
    isConfig
      ? {
          cluster,
          name: `validating webhooks ${validators.join(", ")}`,
          attempt: async () => checkValidatingWebhooks(await reader.listValidatingWebhookConfigurations(), { configNames: validators, target }),
        }
      : {
          cluster,
          name: "no validating webhooks (not the config cluster)",
          attempt: async () => checkNoValidatingWebhooks(await reader.listValidatingWebhookConfigurations(), validators),
        },
    ...gatewaysOf(input, remote).map((g) => gatewayCheck(cluster, reader, g)),
    remoteVersionCheck(input, remote, reader),
  ];
  if (cfg.samples) {
    const version: names.HelloworldVersion = isConfig ? "v1" : "v2";
    const samplePods = (label: string, labels: Record<string, string>): Check => ({
      cluster,
      name: `sample pods ${label} running with sidecar`,
      attempt: async () => checkInjectedPodsReady(await reader.listPods(names.SAMPLE_NAMESPACE), { namespace: names.SAMPLE_NAMESPACE, labels }),
    });
    checks.push(samplePods(`helloworld-${version}`, { app: "helloworld", version }), samplePods("sleep", { app: "sleep" }));
  }
  return checks;
}

/**
 * The versions a remote runs: its charts at its own version (its `istioVersion`, else istio.version), its gateway
 * proxies within Istio's skew of the control plane, and on the config cluster the CRDs at the control plane's.
 */
function remoteVersionCheck(input: PlanInput, remote: RemoteCluster, reader: ClusterReader): Check {
  const { config: cfg } = input;
  const isConfig = remote === cfg.configCluster;
  const charts = remote.chart.version;
  const controlPlane = cfg.chart.version;
  const webhooks = names.webhookConfigNames(cfg.namespace);
  return {
    cluster: remote.name,
    name: isConfig ? `Istio version ${charts}, CRDs ${controlPlane}` : `Istio version ${charts}`,
    attempt: async () => {
      const [injector, pods, validators] = await Promise.all([
        reader.readMutatingWebhookConfiguration(webhooks.injection),
        reader.listPods(cfg.namespace),
        isConfig ? reader.listValidatingWebhookConfigurations() : Promise.resolve([]),
      ]);
      return checkRemoteVersions(
        { injector, pods, ...(isConfig ? { crdsValidator: validators.find((v) => v.metadata?.name === names.DEFAULT_VALIDATOR) } : {}) },
        { charts, controlPlane, namespace: cfg.namespace, gateways: gatewaysOf(input, remote).map((g) => g.name) },
      );
    },
  };
}

/** `curl http://$GATEWAY_URL/hello` until every deployed version answered. */
function helloworldCheck(input: PlanInput): Check {
  const { config: cfg, outputs } = input;
  const expected: ExpectedVersion[] = [
    { version: "v1", clusters: [cfg.configCluster.name] },
    ...(cfg.remotes.length > 0 ? [{ version: "v2", clusters: cfg.remotes.map((r) => r.name) }] : []),
  ];
  const versions = expected.map((e) => e.version);
  const ingress = outputs.remotes[cfg.configCluster.name]?.ingressGatewayAddress;
  const url = outputs.helloworldUrl ?? (ingress ? `http://${ingress}/hello` : undefined);
  return {
    cluster: cfg.configCluster.name,
    name: `GET /hello through the ingress gateway answers ${versions.join(", ")}`,
    attempt: async () => {
      if (url === undefined) return fail("the stack has no helloworldUrl output (is the config cluster's ingress gateway enabled?)");
      const answers = await input.probeHelloworld(url, (soFar) => checkHelloworldVersions(soFar, expected, url).ok);
      return checkHelloworldVersions(answers, expected, url);
    },
  };
}

export function planChecks(input: PlanInput): Check[] {
  return [
    ...externalChecks(input),
    ...allRemotes(input.config).flatMap((remote) => remoteChecks(input, remote)),
    ...(input.config.samples ? [helloworldCheck(input)] : []),
  ];
}
