/**
 * The guide's "Deploy a sample application": Istio's helloworld and sleep samples in namespace `sample`, labelled
 * for injection; on the config cluster also helloworld's Gateway and VirtualService (`/hello` on the ingress
 * gateway). Same names, labels, ports and images as `samples/helloworld/helloworld.yaml`, `helloworld-gateway.yaml`
 * and `samples/sleep/sleep.yaml`, written as typed resources so nothing is fetched at deploy time.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ImageSource } from "../config/model";
import { istioMinor, typeToken } from "./common";
import { NETWORKING_API, type IstioObject } from "./externalIstiodRouting";
import { podPullSecrets, pullSecret, sampleImage, type PulledImages } from "./images";
import { DEFAULT_IMAGES } from "./remoteValues";

export const SAMPLE_NAMESPACE = "sample";
export const HELLOWORLD_PORT = 5000;
export type HelloworldVersion = "v1" | "v2";

/**
 * The image the helloworld sample of the cluster's Istio release names: `docker.io/istio` up to 1.28
 * (`samples/helloworld/helloworld.yaml` at 1.28.10), Istio's own registry from 1.29 on (1.30.3's sample; Istio moved
 * its images off Docker Hub's rate limits, istio/istio#55473, and downstream release-1.29 branches followed). Both
 * registries serve the same `:1.0` build, which does not change with Istio releases; a mirror that copies the
 * images of one Istio release's samples finds this one there.
 */
export function helloworldImage(version: HelloworldVersion, istioVersion: string): string {
  const registry = istioMinor(istioVersion) <= 28 ? "docker.io/istio" : "registry.istio.io/release";
  return `${registry}/examples-helloworld-${version}:1.0`;
}
export const SLEEP_IMAGE = "curlimages/curl:8.16.0";
/** The samples' images under `istio.hub`: the same names, under the registry path of Istio's own images. */
export const helloworldImageName = (version: HelloworldVersion): string => `examples-helloworld-${version}:1.0`;
export const SLEEP_IMAGE_NAME = "curl:8.16.0";

export function sampleNamespaceArgs(): k8s.core.v1.NamespaceArgs {
  return { metadata: { name: SAMPLE_NAMESPACE, labels: { "istio-injection": "enabled" } } };
}

export function helloworldServiceArgs(namespace: pulumi.Input<string>): k8s.core.v1.ServiceArgs {
  return {
    metadata: { name: "helloworld", namespace, labels: { app: "helloworld", service: "helloworld" } },
    spec: { ports: [{ port: HELLOWORLD_PORT, name: "http" }], selector: { app: "helloworld" } },
  };
}

export function helloworldDeploymentArgs(
  namespace: pulumi.Input<string>,
  version: HelloworldVersion,
  istioVersion: pulumi.Input<string>,
  images: ImageSource = DEFAULT_IMAGES,
): k8s.apps.v1.DeploymentArgs {
  const labels = { app: "helloworld", version };
  const own =
    typeof istioVersion === "string" ? helloworldImage(version, istioVersion) : pulumi.output(istioVersion).apply((v) => helloworldImage(version, v));
  return {
    metadata: { name: `helloworld-${version}`, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          ...podPullSecrets(images),
          containers: [
            {
              name: "helloworld",
              image: sampleImage(images, helloworldImageName(version), own),
              resources: { requests: { cpu: "100m" } },
              imagePullPolicy: "IfNotPresent",
              ports: [{ containerPort: HELLOWORLD_PORT }],
            },
          ],
        },
      },
    },
  };
}

export function sleepServiceAccountArgs(namespace: pulumi.Input<string>): k8s.core.v1.ServiceAccountArgs {
  return { metadata: { name: "sleep", namespace } };
}

export function sleepServiceArgs(namespace: pulumi.Input<string>): k8s.core.v1.ServiceArgs {
  return {
    metadata: { name: "sleep", namespace, labels: { app: "sleep", service: "sleep" } },
    spec: { ports: [{ port: 80, name: "http" }], selector: { app: "sleep" } },
  };
}

export function sleepDeploymentArgs(namespace: pulumi.Input<string>, images: ImageSource = DEFAULT_IMAGES): k8s.apps.v1.DeploymentArgs {
  return {
    metadata: { name: "sleep", namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "sleep" } },
      template: {
        metadata: { labels: { app: "sleep" } },
        spec: {
          terminationGracePeriodSeconds: 0,
          serviceAccountName: "sleep",
          ...podPullSecrets(images),
          containers: [
            {
              name: "sleep",
              image: sampleImage(images, SLEEP_IMAGE_NAME, SLEEP_IMAGE),
              command: ["/bin/sleep", "infinity"],
              imagePullPolicy: "IfNotPresent",
              volumeMounts: [{ mountPath: "/etc/sleep/tls", name: "secret-volume" }],
            },
          ],
          volumes: [{ name: "secret-volume", secret: { secretName: "sleep-secret", optional: true } }],
        },
      },
    },
  };
}

export function helloworldGateway(namespace: pulumi.Input<string>): IstioObject {
  return {
    apiVersion: NETWORKING_API,
    kind: "Gateway",
    metadata: { name: "helloworld-gateway", namespace },
    spec: {
      selector: { istio: "ingressgateway" },
      servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] }],
    },
  };
}

export function helloworldVirtualService(namespace: pulumi.Input<string>): IstioObject {
  return {
    apiVersion: NETWORKING_API,
    kind: "VirtualService",
    metadata: { name: "helloworld", namespace },
    spec: {
      hosts: ["*"],
      gateways: ["helloworld-gateway"],
      http: [{ match: [{ uri: { exact: "/hello" } }], route: [{ destination: { host: "helloworld", port: { number: HELLOWORLD_PORT } } }] }],
    },
  };
}

export interface SampleAppsArgs {
  /** The Istio release of the cluster: the sample of that release names the helloworld image. */
  istioVersion: pulumi.Input<string>;
  /** v1 on the config cluster, v2 on further remotes (the guide's cross-cluster check sees both). */
  helloworldVersion: HelloworldVersion;
  /** Create helloworld's Gateway and VirtualService: only on the config cluster, where istiod reads config. */
  exposeThroughIngress: boolean;
  /** Injected pods wait for the control plane (see `MeshGatewaysArgs.injectionReady`). */
  injectionReady: pulumi.Input<pulumi.Resource[]>;
  /** The release with Istio's CRDs in this cluster (for the Gateway and VirtualService). */
  crds?: pulumi.Resource;
  /**
   * `istio.hub` (the samples' images under it) and `istio.imagePullSecrets`; unset: the samples' own registries. With
   * the pull Secret's content, the Secret is created in `sample` before the Deployments.
   */
  images?: PulledImages;
}

/** The sample application on one remote cluster. Provider via `opts`. */
export class SampleApps extends pulumi.ComponentResource {
  readonly namespace: k8s.core.v1.Namespace;
  /** Everything the samples create: a stack's record waits for all of it (`component/deployedState.ts`). */
  readonly resources: pulumi.CustomResource[];

  constructor(name: string, args: SampleAppsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(typeToken("SampleApps"), name, {}, opts);
    // Everything here waits for the control plane: pods need injection, and the Services' readiness waits for
    // their pods, so starting them earlier would only spend their await time.
    this.namespace = new k8s.core.v1.Namespace(`${name}-${SAMPLE_NAMESPACE}`, sampleNamespaceArgs(), {
      parent: this,
      dependsOn: args.injectionReady,
    });
    const ns = this.namespace.metadata.name;
    const pull = pullSecret(`${name}-${SAMPLE_NAMESPACE}`, ns, args.images, { parent: this });
    const injected = { parent: this, dependsOn: pull ? pulumi.output(args.injectionReady).apply((ready) => [...ready, pull]) : args.injectionReady };

    this.resources = [
      this.namespace,
      new k8s.core.v1.Service(`${name}-helloworld`, helloworldServiceArgs(ns), { parent: this }),
      new k8s.apps.v1.Deployment(
        `${name}-helloworld-${args.helloworldVersion}`,
        helloworldDeploymentArgs(ns, args.helloworldVersion, args.istioVersion, args.images),
        injected,
      ),
      new k8s.core.v1.ServiceAccount(`${name}-sleep`, sleepServiceAccountArgs(ns), { parent: this }),
      new k8s.core.v1.Service(`${name}-sleep`, sleepServiceArgs(ns), { parent: this }),
      new k8s.apps.v1.Deployment(`${name}-sleep`, sleepDeploymentArgs(ns, args.images), injected),
    ];
    if (pull) this.resources.push(pull);
    if (args.exposeThroughIngress) {
      const crds = { parent: this, dependsOn: args.crds ? [args.crds] : [] };
      this.resources.push(
        new k8s.apiextensions.CustomResource(`${name}-helloworld-gateway`, helloworldGateway(ns), crds),
        new k8s.apiextensions.CustomResource(`${name}-helloworld-virtualservice`, helloworldVirtualService(ns), crds),
      );
    }
    this.registerOutputs({});
  }
}
