/**
 * The Gateway, VirtualService and DestinationRule that route the control plane gateway's 15012 and 15017 to the
 * external istiod (guide: external-istiod-gw.yaml), for both exposure modes.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ExposureMode } from "./remoteValues";
import { WEBHOOK_PORT, XDS_PORT } from "./urls";
import { DEFAULT_REVISION } from "../config/revisions";
import { istiodServiceHost, revisionSuffix } from "./revisionObjects";

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
  /** hostname mode: the revision's DNS name. */
  address: pulumi.Input<string>;
  /** The revision these objects route to (`default`: the unrevisioned istiod, the guide's objects). */
  revision: string;
  /** hostname mode: the gateway's TLS Secret for the hostname (in the gateway's namespace). */
  tlsSecretName?: pulumi.Input<string>;
  /** hostname mode: the Secret (gateway's namespace) with the CA root that signs istiod's certificate. */
  istiodTrustSecretName?: string;
}

const istiodHost = (ns: string, revision: string) => `${istiodServiceHost(ns, revision)}.cluster.local`;

/** The guide's object names. */
export const ROUTING_NAMES = { gateway: "external-istiod-gw", virtualService: "external-istiod-vs", destinationRule: "external-istiod-dr" } as const;

/** A revision's objects: the guide's names, suffixed with the revision (`external-istiod-gw-1-30-3`). */
export function routingNames(revision: string): { gateway: string; virtualService: string; destinationRule: string } {
  const rev = revisionSuffix(revision);
  return { gateway: `${ROUTING_NAMES.gateway}${rev}`, virtualService: `${ROUTING_NAMES.virtualService}${rev}`, destinationRule: `${ROUTING_NAMES.destinationRule}${rev}` };
}

/**
 * hostname mode: a revision's own Gateway, for its DNS name. The gateway's Envoy picks the server's filter chain by
 * SNI, so every revision's name shares ports 15012 and 15017 on the one load balancer.
 * loadBalancer mode: the guide's one Gateway (TLS passthrough for any name), which every revision's VirtualService uses.
 */
export function externalIstiodGateway(input: RoutingInput): IstioObject {
  const names = routingNames(input.mode === "hostname" ? input.revision : DEFAULT_REVISION);
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

const destinationOf = (namespace: string, revision: string, port: number) => ({ destination: { host: istiodHost(namespace, revision), port: { number: port } } });

/** hostname mode: the revision's DNS name on 15012 and 15017 to its istiod (XDS and CA; webhooks on the Service's 443). */
export function externalIstiodVirtualService(input: RoutingInput): IstioObject {
  if (input.mode !== "hostname") return loadBalancerVirtualService({ namespace: input.namespace, namespaceRef: input.namespaceRef, revision: input.revision });
  const names = routingNames(input.revision);
  const destination = (port: number) => destinationOf(input.namespace, input.revision, port);
  const spec = {
    hosts: [input.address],
    gateways: [names.gateway],
    http: [
      { match: [{ port: XDS_PORT }], route: [destination(XDS_PORT)] },
      { match: [{ port: WEBHOOK_PORT }], route: [destination(ISTIOD_WEBHOOK_SERVICE_PORT)] },
    ],
  };
  return { apiVersion: NETWORKING_API, kind: "VirtualService", metadata: { name: names.virtualService, namespace: input.namespaceRef }, spec };
}

/** loadBalancer mode: which istiod the guide's catch-all VirtualService routes to (issue 24). */
export interface CatchAllRouting {
  namespace: string;
  namespaceRef: pulumi.Input<string>;
  /**
   * Where connections without a revision's SNI go (proxies dial the IP, and Go sends no SNI for an IP:
   * `pilot/pkg/grpc/tls.go`): the unrevisioned istiod while it runs, else the default revision.
   */
  revision: string;
  /**
   * The default revision, when the unrevisioned istiod still runs but is not it: the default webhooks call Service
   * `istiod` (SNI `istiod.<ns>.svc`, as kube-apiserver dials a Service), which then goes to the default revision.
   */
  defaultWebhooks?: string;
}

/**
 * loadBalancer mode, TLS passthrough by SNI (no path or header is visible). For a revision: its Service's names
 * (`istiod-<rev>.<ns>.svc`, upstream's `samples/multicluster/expose-istiod-rev.yaml.tmpl`). For the guide's
 * `external-istiod-vs`: the catch-all (`*`), which Envoy builds as a filter chain without server names, so it takes
 * what no revision's SNI matches (`pilot/pkg/networking/core/listener.go`).
 */
export function loadBalancerVirtualService(input: CatchAllRouting): IstioObject {
  const to = (revision: string, port: number) => [destinationOf(input.namespace, revision, port)];
  const sni = (revision: string) => [istiodServiceHost(input.namespace, revision), istiodHost(input.namespace, revision)];
  const tls = [
    ...(input.defaultWebhooks !== undefined
      ? [{ match: [{ port: WEBHOOK_PORT, sniHosts: sni(DEFAULT_REVISION) }], route: to(input.defaultWebhooks, ISTIOD_WEBHOOK_SERVICE_PORT) }]
      : []),
    { match: [{ port: XDS_PORT, sniHosts: ["*"] }], route: to(input.revision, XDS_PORT) },
    { match: [{ port: WEBHOOK_PORT, sniHosts: ["*"] }], route: to(input.revision, ISTIOD_WEBHOOK_SERVICE_PORT) },
  ];
  return {
    apiVersion: NETWORKING_API,
    kind: "VirtualService",
    metadata: { name: ROUTING_NAMES.virtualService, namespace: input.namespaceRef },
    spec: { hosts: ["*"], gateways: [ROUTING_NAMES.gateway], tls },
  };
}

/** loadBalancer mode: a revision's own VirtualService on the guide's Gateway, by its Service's SNI names. */
export function revisionSniVirtualService(namespace: string, namespaceRef: pulumi.Input<string>, revision: string): IstioObject {
  const sniHosts = [istiodServiceHost(namespace, revision), istiodHost(namespace, revision)];
  const to = (port: number) => [destinationOf(namespace, revision, port)];
  return {
    apiVersion: NETWORKING_API,
    kind: "VirtualService",
    metadata: { name: routingNames(revision).virtualService, namespace: namespaceRef },
    spec: {
      hosts: sniHosts,
      gateways: [ROUTING_NAMES.gateway],
      tls: [
        { match: [{ port: XDS_PORT, sniHosts }], route: to(XDS_PORT) },
        { match: [{ port: WEBHOOK_PORT, sniHosts }], route: to(ISTIOD_WEBHOOK_SERVICE_PORT) },
      ],
    },
  };
}

/**
 * hostname mode only: the gateway re-encrypts to istiod and verifies its certificate against our plug-in CA root.
 * Never `insecureSkipVerify`.
 */
export function externalIstiodDestinationRule(input: RoutingInput): IstioObject {
  const names = routingNames(input.revision);
  // istiod's serving certificate carries `istiod.<ns>.svc` and, for a revision, `istiod-<rev>.<ns>.svc` (not
  // `.svc.cluster.local`): `pilot/pkg/bootstrap/server.go` getDNSNames.
  const san = istiodServiceHost(input.namespace, input.revision);
  const tls = {
    mode: "SIMPLE",
    credentialName: input.istiodTrustSecretName,
    sni: san,
    subjectAltNames: [san],
  };
  return {
    apiVersion: NETWORKING_API,
    kind: "DestinationRule",
    metadata: { name: names.destinationRule, namespace: input.namespaceRef },
    spec: {
      host: istiodHost(input.namespace, input.revision),
      trafficPolicy: {
        portLevelSettings: [
          { port: { number: XDS_PORT }, tls, connectionPool: { http: { h2UpgradePolicy: "UPGRADE" } } },
          { port: { number: ISTIOD_WEBHOOK_SERVICE_PORT }, tls },
        ],
      },
    },
  };
}
