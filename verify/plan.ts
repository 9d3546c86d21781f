/**
 * Which checks a stack gets, from its stack config and outputs: the guide's "confirm" steps, per cluster, for the
 * clusters the stack owns (docs/verify.md).
 * - a whole mesh (`stackKind: mesh`): every cluster, every step;
 * - a mesh operator's stack (`operator`): the external cluster and the control plane's parts in every remote
 *   (webhooks, remote secrets, versions, east-west gateways), not the mesh admins' gateways nor the samples;
 * - a mesh admins' stack (`admin`): only the team's clusters (`adminPlan.ts`), never the external cluster.
 * Each check pairs a read (through a `ClusterReader`) with a pure judgement from `checks/`.
 */
import type { ClusterRef, RemoteCluster } from "../component/config/model";
import { allRemotes } from "../component/config/model";
import { workloadClusters } from "../component/config/workloads";
import type { StackMeshConfig, StackSettings } from "../infra/config/validate";
import { adminChecks } from "./adminPlan";
import type { Check } from "./check";
import type { GatewayExpectation } from "./checks/gateways";
import type { ExpectedVersion } from "./checks/helloworld";
import { checkPodsReady, selectPods } from "./checks/pods";
import { checkRemoteClusters, ISTIOD_MONITORING_PORT } from "./checks/remoteClusters";
import { checkRemoteSecret } from "./checks/remoteSecrets";
import { checkControlPlaneVersions, checkRemoteVersions } from "./checks/versions";
import { checkInjectionWebhook, checkNoValidatingWebhooks, checkValidatingWebhooks, type WebhookTarget } from "./checks/webhooks";
import { defaultPointerTarget, istiodRevisionChecks, namespaceRevisionsCheck, newestVersion, revisionWebhookChecks } from "./revisionPlan";
import { revisionsOf, type Revisions } from "./revisions";
import type { ClusterReader } from "./kube/clusterReader";
import * as names from "./names";
import { allOf, fail, pass } from "./result";
import { gatewayCheck, helloworldCheck, readerFor, samplePodChecks, workloadGateways, type HelloProbe } from "./planParts";
import type { MeshOutputs, OperatorOutputs, VerifyTarget } from "./stackOutputs";

export type { HelloProbe } from "./planParts";

export interface PlanInput {
  /** The stack's config and outputs, of one kind. */
  target: VerifyTarget;
  /** A reader per cluster, by mesh name: those of `clustersToRead`. */
  readers: ReadonlyMap<string, ClusterReader>;
  probeHelloworld: HelloProbe;
}

/**
 * The clusters a stack owns, with the kubeconfig context of each: the only ones `npm run verify` reads. An admin
 * stack's are the team's remote clusters; the external cluster's context may not even be in the admin's kubeconfig.
 */
export function clustersToRead(settings: StackSettings): ClusterRef[] {
  if (settings.kind === "admin") return workloadClusters(settings.document).map(({ cluster }) => ({ name: cluster.name, context: cluster.context }));
  return [settings.external, ...allRemotes(settings)].map(({ name, context }) => ({ name, context }));
}

/** A whole mesh or an operator stack: the control plane's config, with the outputs of either. */
interface ControlPlaneInput {
  config: StackMeshConfig;
  outputs: MeshOutputs | OperatorOutputs;
  readers: ReadonlyMap<string, ClusterReader>;
  probeHelloworld: HelloProbe;
  /** From the outputs; an older deployment's single implicit revision when they list none (`declared` false). */
  revisions: Revisions;
}

/** Whether the stack also deployed the mesh admins' part (ingress and egress gateways, samples): a whole mesh only. */
const hasWorkloads = (input: ControlPlaneInput): boolean => input.config.kind === "mesh";

/** The unrevisioned webhooks' target: the default revision (EXTERNAL_ISTIOD_ADDR without revisions). */
function webhookTarget(input: ControlPlaneInput): WebhookTarget {
  return defaultPointerTarget(input.config.exposure.mode, input.config.namespace, input.revisions, input.outputs.EXTERNAL_ISTIOD_ADDR);
}

/** The guide's "Set up a gateway in the external cluster" and "Set up the control plane" confirmations. */
function externalChecks(input: ControlPlaneInput): Check[] {
  const { config: cfg, outputs } = input;
  const cluster = cfg.external.name;
  const reader = readerFor(input.readers, cluster);
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
  const { declared } = input.revisions;
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
          // With revisions, each external istiod is checked at its own revision's version (istiodRevisionChecks).
          ...(declared ? [] : [workload(cfg.namespace, names.ISTIOD_APP, names.ISTIOD_CONTAINER)]),
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
    ...(declared ? istiodRevisionChecks(cluster, reader, cfg.namespace, input.revisions) : [podsReady(cfg.namespace, names.ISTIOD_APP)]),
    ...secrets,
    ...(cfg.remotes.length > 0 ? [remoteClustersCheck(cluster, reader, cfg)] : []),
    versions,
  ];
}

/**
 * Each external istiod pod still reads every further remote (issue 20): a remote secret can be in place while istiod
 * has lost the cluster (istio/istio#61043). Its own metrics say so (`checks/remoteClusters.ts`).
 */
function remoteClustersCheck(cluster: string, reader: ClusterReader, cfg: StackMeshConfig): Check {
  const remotes = cfg.remotes.map((r) => r.name);
  return {
    cluster,
    name: `the external istiod reads ${remotes.join(", ")}`,
    attempt: async () => {
      const pods = selectPods(await reader.listPods(cfg.namespace), { namespace: cfg.namespace, labels: { app: names.ISTIOD_APP } }).filter(
        (p) => p.status?.phase === "Running" && p.metadata?.deletionTimestamp === undefined,
      );
      if (pods.length === 0) return fail(`no running istiod pod in ${cfg.namespace} to ask`);
      const results = await Promise.all(
        pods.map(async (p) => {
          const pod = p.metadata?.name ?? "?";
          const metrics = await reader.getFromPod(cfg.namespace, pod, ISTIOD_MONITORING_PORT, "/metrics");
          return checkRemoteClusters(metrics, { pod, remotes, namespace: cfg.namespace, context: reader.context });
        }),
      );
      const failed = allOf(results);
      return failed.ok ? pass(results.flatMap((r) => (r.ok && r.detail ? [r.detail] : [])).join("; ")) : failed;
    },
  };
}

/**
 * The gateways in a remote's control plane namespace: the east-west gateway (the operator's) and, in a whole mesh,
 * the mesh admins' ingress and egress gateways. An operator stack leaves the latter to admin stacks, whatever its
 * config says.
 */
function gatewaysOf(input: ControlPlaneInput, remote: RemoteCluster): GatewayExpectation[] {
  const ns = input.config.namespace;
  const { outputs } = input;
  const recorded = outputs.stackKind === "mesh" ? outputs.remotes[remote.name]?.ingressGatewayAddress : undefined;
  return [
    ...(hasWorkloads(input) ? workloadGateways(remote.name, ns, remote.gateways, recorded) : []),
    ...(input.config.eastWestGateways ? [{ namespace: ns, name: names.EASTWEST_GATEWAY, loadBalancer: true }] : []),
  ];
}

/** The guide's "Set up the remote config cluster", "Adding clusters", gateways and samples confirmations. */
function remoteChecks(input: ControlPlaneInput, remote: RemoteCluster): Check[] {
  const { config: cfg } = input;
  const cluster = remote.name;
  const reader = readerFor(input.readers, cluster);
  const isConfig = remote === cfg.configCluster;
  const webhooks = names.webhookConfigNames(cfg.namespace);
  const target = webhookTarget(input);
  const validators = [webhooks.validation, names.DEFAULT_VALIDATOR];
  const { declared } = input.revisions;

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
          attempt: async () => {
            const all = await reader.listValidatingWebhookConfigurations();
            // loadBalancer mode: `base` renders istiod-default-validator on the default revision's Service (istiod-<rev>).
            const defaultService = names.istiodName(input.revisions.defaultRevision.name);
            if (target.mode === "hostname" || defaultService === "istiod") return checkValidatingWebhooks(all, { configNames: validators, target });
            return allOf([
              checkValidatingWebhooks(all, { configNames: [webhooks.validation], target }),
              checkValidatingWebhooks(all, { configNames: [names.DEFAULT_VALIDATOR], target: { ...target, service: defaultService } }),
            ]);
          },
        }
      : {
          cluster,
          name: "no validating webhooks (not the config cluster)",
          attempt: async () => checkNoValidatingWebhooks(await reader.listValidatingWebhookConfigurations(), validators),
        },
    ...(declared ? revisionWebhookChecks(remote, reader, cfg.exposure.mode, cfg.namespace, input.revisions) : []),
    ...gatewaysOf(input, remote).map((g) => gatewayCheck(cluster, reader, g)),
    remoteVersionCheck(input, remote, reader),
    ...(declared ? [namespaceRevisionsCheck(cluster, reader, input.revisions)] : []),
  ];
  if (hasWorkloads(input) && cfg.samples) checks.push(...samplePodChecks(cluster, reader, isConfig ? "v1" : "v2"));
  return checks;
}

/**
 * The versions a remote runs: its charts at its own version (its `istioVersion`, else istio.version), its gateway
 * proxies within Istio's skew of the control plane, and on the config cluster the CRDs at the control plane's.
 */
function remoteVersionCheck(input: ControlPlaneInput, remote: RemoteCluster, reader: ClusterReader): Check {
  const { config: cfg } = input;
  const isConfig = remote === cfg.configCluster;
  const charts = remote.chart.version;
  const controlPlane = cfg.chart.version;
  const webhooks = names.webhookConfigNames(cfg.namespace);
  // While a canary runs, `base` is at the newest revision and the default revision injects the gateways.
  const byRevisions = input.revisions.declared ? { crds: newestVersion(input.revisions), proxiesFrom: input.revisions.defaultRevision.version } : {};
  return {
    cluster: remote.name,
    name: isConfig ? `Istio version ${charts}, CRDs ${byRevisions.crds ?? controlPlane}` : `Istio version ${charts}`,
    attempt: async () => {
      const [injector, pods, validators] = await Promise.all([
        reader.readMutatingWebhookConfiguration(webhooks.injection),
        reader.listPods(cfg.namespace),
        isConfig ? reader.listValidatingWebhookConfigurations() : Promise.resolve([]),
      ]);
      return checkRemoteVersions(
        { injector, pods, ...(isConfig ? { crdsValidator: validators.find((v) => v.metadata?.name === names.DEFAULT_VALIDATOR) } : {}) },
        { charts, controlPlane, namespace: cfg.namespace, gateways: gatewaysOf(input, remote).map((g) => g.name), ...byRevisions },
      );
    },
  };
}

/** `curl http://$GATEWAY_URL/hello` until every deployed version answered. */
function meshHelloworldCheck(input: ControlPlaneInput & { outputs: MeshOutputs }): Check {
  const { config: cfg, outputs } = input;
  const expected: ExpectedVersion[] = [
    { version: "v1", clusters: [cfg.configCluster.name] },
    ...(cfg.remotes.length > 0 ? [{ version: "v2", clusters: cfg.remotes.map((r) => r.name) }] : []),
  ];
  const ingressGatewayAddress = outputs.remotes[cfg.configCluster.name]?.ingressGatewayAddress;
  return helloworldCheck(cfg.configCluster.name, { helloworldUrl: outputs.helloworldUrl, ingressGatewayAddress }, expected, input.probeHelloworld);
}

/** A whole mesh's or an operator stack's checks: the external cluster's, then each remote's. */
function controlPlaneChecks(input: ControlPlaneInput): Check[] {
  const { outputs } = input;
  return [
    ...externalChecks(input),
    ...allRemotes(input.config).flatMap((remote) => remoteChecks(input, remote)),
    ...(outputs.stackKind === "mesh" && hasWorkloads(input) && input.config.samples ? [meshHelloworldCheck({ ...input, outputs })] : []),
  ];
}

export function planChecks(input: PlanInput): Check[] {
  const { target, readers, probeHelloworld } = input;
  if (target.kind === "admin") return adminChecks({ config: target.config, outputs: target.outputs, readers, probeHelloworld });
  return controlPlaneChecks({ config: target.config, outputs: target.outputs, readers, probeHelloworld, revisions: revisionsOf(target.config, target.outputs) });
}
