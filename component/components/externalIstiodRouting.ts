/**
 * The Gateway, VirtualService and DestinationRule that route the control plane gateway's 15012 and 15017 to the
 * external istiod (guide: external-istiod-gw.yaml), for both exposure modes.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ExposureMode } from "./remoteValues";
import { WEBHOOK_PORT, XDS_PORT } from "./urls";

export const NETWORKING_API = "networking.istio.io/v1";
/** istiod's Service serves webhooks on 443 (container 15017). */
export const ISTIOD_WEBHOOK_SERVICE_PORT = 443;

export interface IstioObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: pulumi.Input<string> };
  spec: Record<string, unknown>;
}

export interface RoutingInput {
  mode: ExposureMode;
  namespace: string;
  /** The namespace input of the objects (an Output of the Namespace resource, to order after it). */
  namespaceRef: pulumi.Input<string>;
  address: pulumi.Input<string>;
  /** hostname mode: the gateway's TLS Secret for the hostname (in the gateway's namespace). */
  tlsSecretName?: pulumi.Input<string>;
  /** hostname mode: the Secret (gateway's namespace) with the CA root that signs istiod's certificate. */
  istiodTrustSecretName?: string;
}

const istiodHost = (ns: string) => `istiod.${ns}.svc.cluster.local`;
/** istiod's serving certificate carries `istiod.<ns>.svc` (not `.svc.cluster.local`) and the discovery host. */
const istiodSan = (ns: string) => `istiod.${ns}.svc`;

/** The guide's object names. */
export const ROUTING_NAMES = { gateway: "external-istiod-gw", virtualService: "external-istiod-vs", destinationRule: "external-istiod-dr" } as const;

export function externalIstiodGateway(input: RoutingInput): IstioObject {
  const names = ROUTING_NAMES;
  const server = (port: number, name: string) =>
    input.mode === "hostname"
      ? {
          port: { number: port, protocol: "https", name: `https-${name}` },
          tls: { mode: "SIMPLE", credentialName: input.tlsSecretName },
          hosts: [input.address],
        }
      : {
          port: { number: port, protocol: "tls", name: `tls-${name}` },
          tls: { mode: "PASSTHROUGH" },
          hosts: ["*"],
        };
  return {
    apiVersion: NETWORKING_API,
    kind: "Gateway",
    metadata: { name: names.gateway, namespace: input.namespaceRef },
    spec: {
      selector: { istio: "ingressgateway" },
      servers: [server(XDS_PORT, "XDS"), server(WEBHOOK_PORT, "WEBHOOK")],
    },
  };
}

export function externalIstiodVirtualService(input: RoutingInput): IstioObject {
  const names = ROUTING_NAMES;
  const destination = (port: number) => ({ destination: { host: istiodHost(input.namespace), port: { number: port } } });
  const spec =
    input.mode === "hostname"
      ? {
          hosts: [input.address],
          gateways: [names.gateway],
          http: [
            { match: [{ port: XDS_PORT }], route: [destination(XDS_PORT)] },
            { match: [{ port: WEBHOOK_PORT }], route: [destination(ISTIOD_WEBHOOK_SERVICE_PORT)] },
          ],
        }
      : {
          hosts: ["*"],
          gateways: [names.gateway],
          tls: [
            { match: [{ port: XDS_PORT, sniHosts: ["*"] }], route: [destination(XDS_PORT)] },
            { match: [{ port: WEBHOOK_PORT, sniHosts: ["*"] }], route: [destination(ISTIOD_WEBHOOK_SERVICE_PORT)] },
          ],
        };
  return { apiVersion: NETWORKING_API, kind: "VirtualService", metadata: { name: names.virtualService, namespace: input.namespaceRef }, spec };
}

/**
 * hostname mode only: the gateway re-encrypts to istiod and verifies its certificate against our plug-in CA root.
 * Never `insecureSkipVerify`.
 */
export function externalIstiodDestinationRule(input: RoutingInput): IstioObject {
  const names = ROUTING_NAMES;
  const tls = {
    mode: "SIMPLE",
    credentialName: input.istiodTrustSecretName,
    sni: istiodSan(input.namespace),
    subjectAltNames: [istiodSan(input.namespace)],
  };
  return {
    apiVersion: NETWORKING_API,
    kind: "DestinationRule",
    metadata: { name: names.destinationRule, namespace: input.namespaceRef },
    spec: {
      host: istiodHost(input.namespace),
      trafficPolicy: {
        portLevelSettings: [
          { port: { number: XDS_PORT }, tls, connectionPool: { http: { h2UpgradePolicy: "UPGRADE" } } },
          { port: { number: ISTIOD_WEBHOOK_SERVICE_PORT }, tls },
        ],
      },
    },
  };
}
