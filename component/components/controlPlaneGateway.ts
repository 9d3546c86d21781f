/**
 * The guide's "Set up a gateway in the external cluster": Istio `base` and a local istiod in `istio-system` (they
 * program the gateway, they are not the mesh's control plane) and the ingress gateway that exposes the external
 * istiod to remote clusters on 15021 (status), 15012 (XDS, CA) and 15017 (webhooks).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ChartSource, Deferrable, ImageSource, IstioSystemNamespace } from "../config/model";
import { mergeValues, type ValuesMap } from "../config/values";
import { chartReleaseArgs, protection, typeToken, type HelmValues } from "./common";
import { gatewayPullSecrets, imageGlobals, pullSecret, pullSecretGlobals, type PulledImages } from "./images";
import { DEFAULT_IMAGES } from "./remoteValues";
import { WEBHOOK_PORT, XDS_PORT } from "./urls";

/** The namespace of the external cluster's own Istio and of the gateway (and so of its TLS Secret). */
export const GATEWAY_NAMESPACE = "istio-system";
/** Release name, hence Service name and the `istio: ingressgateway` label the Gateway below selects. */
export const CONTROL_PLANE_GATEWAY_RELEASE = "istio-ingressgateway";

/**
 * `gateway` chart values: exactly the three ports of the guide (the list replaces the chart's 80/443 default), the
 * pull secrets, and `istio.values.controlPlaneGateway` merged under them. Its image comes from the `istio-system`
 * istiod's injection template (`istioSystemIstiodValues`).
 */
export function controlPlaneGatewayValues(images: ImageSource = DEFAULT_IMAGES, values?: ValuesMap): HelmValues {
  return mergeValues(ownGatewayValues(images), values);
}

/** The `istio-system` istiod: its own image, and that of the gateway it injects, from the hub. */
export function istioSystemIstiodValues(images: ImageSource = DEFAULT_IMAGES): HelmValues {
  const global = imageGlobals(images);
  return Object.keys(global).length > 0 ? { global } : {};
}

/** The `istio-system` base: pull secrets on its service account. */
export function istioSystemBaseValues(images: ImageSource = DEFAULT_IMAGES): HelmValues {
  const global = pullSecretGlobals(images);
  return Object.keys(global).length > 0 ? { global } : {};
}

function ownGatewayValues(images: ImageSource): HelmValues {
  return {
    ...gatewayPullSecrets(images),
    service: {
      ports: [
        { name: "status-port", port: 15021, targetPort: 15021 },
        { name: "tls-xds", port: XDS_PORT, targetPort: XDS_PORT },
        { name: "tls-webhook", port: WEBHOOK_PORT, targetPort: WEBHOOK_PORT },
      ],
    },
  };
}

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
}

const CONTROL_PLANE_SERVICE = `${GATEWAY_NAMESPACE}/${CONTROL_PLANE_GATEWAY_RELEASE}`;

/**
 * The address to point DNS at: the first ingress's IP or hostname.
 * @param service `<namespace>/<name>` of the Service, for the message
 */
export function loadBalancerAddress(ingress: readonly LoadBalancerIngress[] | undefined, service: string): string {
  const first = ingress?.[0];
  const address = first?.ip ?? first?.hostname;
  if (!address) {
    throw new Error(`Service ${service} has no load-balancer address; the cluster needs a LoadBalancer implementation`);
  }
  return address;
}

/**
 * loadBalancer mode needs an IP: with a hostname, `global.remotePilotAddress` renders an ExternalName Service and
 * kube-apiserver dials `<host>:443`, which the gateway does not serve (DESIGN §5).
 */
export function loadBalancerIp(ingress: readonly LoadBalancerIngress[] | undefined): string {
  const address = loadBalancerAddress(ingress, CONTROL_PLANE_SERVICE);
  if (!ingress?.[0]?.ip) {
    throw new Error(
      `exposure.mode "loadBalancer" needs a load-balancer IP, but Service ${CONTROL_PLANE_SERVICE} ` +
        `only has the hostname "${address}". Use exposure.mode "hostname" with a DNS name and a publicly trusted certificate, ` +
        `pointing DNS at that hostname.`,
    );
  }
  const ip = ingress[0].ip;
  if (ip.includes(":")) {
    // The istiod chart turns a non-IPv4 remotePilotAddress into an ExternalName Service (remote-istiod-service.yaml).
    throw new Error(
      `exposure.mode "loadBalancer" needs an IPv4 load-balancer address, but Service ${CONTROL_PLANE_SERVICE} has ${ip}. ` +
        `Use exposure.mode "hostname" with a DNS name for an IPv6 load balancer.`,
    );
  }
  return ip;
}

export type ControlPlaneExposure =
  | {
      mode: "hostname";
      hostname: pulumi.Input<string>;
      tls: {
        /** The `kubernetes.io/tls` Secret in `istio-system` the gateway serves for the hostname. */
        secretName: pulumi.Input<string>;
        /** When given, the Secret is created from these (PEM); else it must already exist. */
        certificate?: pulumi.Input<string>;
        privateKey?: pulumi.Input<string>;
      };
    }
  | { mode: "loadBalancer" };

export interface ControlPlaneGatewayArgs {
  /** Istio chart repository and version. */
  chart: ChartSource<Deferrable>;
  /** How remotes reach the gateway: a DNS name with TLS, or the load balancer's IP. */
  exposure: ControlPlaneExposure;
  /** Create `istio-system`, or use the existing one without owning it. */
  istioSystem: IstioSystemNamespace;
  /** Protect the namespace and the CRD-owning `base` release, and keep them on delete. */
  protect: boolean;
  /**
   * `istio.hub` and `istio.imagePullSecrets`; unset: the charts' defaults. With the pull Secret's content, the Secret
   * is created in `istio-system` when the mesh creates the namespace (an existing one holds its own).
   */
  images?: PulledImages;
  /** `istio.values.controlPlaneGateway`, already checked against the chart. */
  values?: ValuesMap;
}

/**
 * `istio-system`, created or read. pulumi-kubernetes refuses to create an object that exists ("The resource already
 * exists in the cluster ... set upsertExistingObjects", `provider/pkg/await/await.go`), and a namespace that holds a
 * certificate issued beforehand must exist before the first `pulumi up`; so "existing" reads it: a read is never
 * updated or deleted by Pulumi, and fails the deploy early if the namespace is missing.
 *
 * The read takes the created Namespace's name, so its URN, and its id (a cluster-scoped object's id is its name):
 * a stack that created istio-system and now says "existing" hands it over without deleting it. The engine calls this
 * a relinquish: "In the event that the new "read" resource's ID matches the existing resource, we do not need to
 * delete the resource" (pulumi/pulumi `pkg/resource/deploy/step_generator.go`, `GenerateReadSteps`), and a read
 * step checks no protection (`step.go`, `ReadStep.Apply`). So no stack file, recorded or not, deletes istio-system
 * (issue 20, F2); `pulumi destroy` of a stack that says "create" still does.
 * Returns the namespace name as an Output that carries the dependency on it.
 */
function gatewayNamespace(
  name: string,
  istioSystem: IstioSystemNamespace,
  opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
  if (istioSystem === "existing") {
    const existing = k8s.core.v1.Namespace.get(`${name}-${GATEWAY_NAMESPACE}`, GATEWAY_NAMESPACE, { parent: opts.parent });
    // The id is the name the read was given (known in a preview too); the Output carries the read as a dependency.
    return existing.id.apply(() => GATEWAY_NAMESPACE);
  }
  return new k8s.core.v1.Namespace(`${name}-${GATEWAY_NAMESPACE}`, { metadata: { name: GATEWAY_NAMESPACE } }, opts).metadata.name;
}

/**
 * The external cluster's ingress gateway for the control plane. Pass the external cluster's provider in `opts`.
 */
export class ControlPlaneGateway extends pulumi.ComponentResource {
  /** `EXTERNAL_ISTIOD_ADDR`: the configured hostname, or the load balancer's IP in loadBalancer mode. */
  readonly address: pulumi.Output<string>;
  /** The gateway's load-balancer address (IP or hostname): where DNS for the hostname must point. */
  readonly loadBalancerAddress: pulumi.Output<string>;
  /** The `base` release: Istio's CRDs in the external cluster (Gateway, VirtualService, DestinationRule). */
  readonly base: k8s.helm.v3.Release;
  /** The istio-system istiod that programs the gateway. */
  readonly istiod: k8s.helm.v3.Release;
  readonly gateway: k8s.helm.v3.Release;
  /** The hostname's TLS Secret, when it is created from stack secrets. */
  readonly tlsSecret?: k8s.core.v1.Secret;
  /** Namespace of the gateway (where credentials it uses must live). */
  readonly gatewayNamespace: pulumi.Output<string>;

  constructor(name: string, args: ControlPlaneGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super(typeToken("ControlPlaneGateway"), name, {}, opts);
    const keep = protection(args.protect);

    this.gatewayNamespace = gatewayNamespace(name, args.istioSystem, { parent: this, ...keep });
    const pull = args.istioSystem === "create" ? pullSecret(`${name}-${GATEWAY_NAMESPACE}`, this.gatewayNamespace, args.images, { parent: this }) : undefined;
    const pulled = pull ? [pull] : [];

    this.base = new k8s.helm.v3.Release(
      `${name}-istio-base`,
      chartReleaseArgs({ chart: "base", source: args.chart, releaseName: "istio-base", namespace: this.gatewayNamespace, values: istioSystemBaseValues(args.images) }),
      { parent: this, ...keep },
    );
    this.istiod = new k8s.helm.v3.Release(
      `${name}-istiod`,
      chartReleaseArgs({ chart: "istiod", source: args.chart, releaseName: "istiod", namespace: this.gatewayNamespace, values: istioSystemIstiodValues(args.images) }),
      { parent: this, dependsOn: [this.base, ...pulled] },
    );

    this.tlsSecret =
      args.exposure.mode === "hostname" && args.exposure.tls.certificate !== undefined && args.exposure.tls.privateKey !== undefined
        ? new k8s.core.v1.Secret(
            `${name}-tls`,
            {
              metadata: { name: args.exposure.tls.secretName, namespace: this.gatewayNamespace },
              type: "kubernetes.io/tls",
              stringData: {
                "tls.crt": pulumi.secret(args.exposure.tls.certificate),
                "tls.key": pulumi.secret(args.exposure.tls.privateKey),
              },
            },
            { parent: this },
          )
        : undefined;

    // Gateway pods have `image: auto`: they need the istio-system istiod's injection webhook to exist first.
    this.gateway = new k8s.helm.v3.Release(
      `${name}-${CONTROL_PLANE_GATEWAY_RELEASE}`,
      chartReleaseArgs({
        chart: "gateway",
        source: args.chart,
        releaseName: CONTROL_PLANE_GATEWAY_RELEASE,
        namespace: this.gatewayNamespace,
        values: controlPlaneGatewayValues(args.images, args.values),
      }),
      { parent: this, dependsOn: [this.istiod, ...(this.tlsSecret ? [this.tlsSecret] : []), ...pulled] },
    );

    // Keyed off the release status, so the read waits for the release and is deferred on a fresh cluster's preview.
    const service = k8s.core.v1.Service.get(
      `${name}-${CONTROL_PLANE_GATEWAY_RELEASE}-service`,
      pulumi.interpolate`${this.gateway.status.namespace}/${this.gateway.status.name}`,
      { parent: this, dependsOn: [this.gateway] },
    );
    const ingress = service.status.loadBalancer.ingress;
    this.loadBalancerAddress = ingress.apply((i) => loadBalancerAddress(i, CONTROL_PLANE_SERVICE));
    this.address =
      args.exposure.mode === "hostname" ? pulumi.output(args.exposure.hostname) : ingress.apply((i) => loadBalancerIp(i));

    this.registerOutputs({
      address: this.address,
      loadBalancerAddress: this.loadBalancerAddress,
      gatewayNamespace: this.gatewayNamespace,
    });
  }
}
