/**
 * The addresses remotes use to reach the external control plane, built from `EXTERNAL_ISTIOD_ADDR`.
 * Port 15017 serves injection and validation (routed to istiod:443), 15012 serves XDS and the CA.
 */
import * as pulumi from "@pulumi/pulumi";

export const XDS_PORT = 15012;
export const WEBHOOK_PORT = 15017;

/** `/inject/cluster/<cluster>/net/<network>`: istiod labels injected pods with their cluster and network from it. */
export function injectionPath(cluster: string, network: string): string {
  // A '/' inside a path segment must be written "--slash--" (istio pkg/kube/inject/webhook.go); config rejects '/'.
  const seg = (s: string) => s.replaceAll("/", "--slash--");
  return `/inject/cluster/${seg(cluster)}/net/${seg(network)}`;
}

export function injectionUrl(address: pulumi.Input<string>, cluster: string, network: string): pulumi.Output<string> {
  return pulumi.interpolate`https://${address}:${WEBHOOK_PORT}${injectionPath(cluster, network)}`;
}

export function validationUrl(address: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`https://${address}:${WEBHOOK_PORT}/validate`;
}

/** `ADDR:15012`: `global.caAddress` and `meshConfig.defaultConfig.discoveryAddress`. */
export function xdsAddress(address: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`${address}:${XDS_PORT}`;
}
