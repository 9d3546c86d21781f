/**
 * Helm values of the external istiod (`istiod` chart in the external cluster's control plane namespace): the
 * guide's IstioOperator for the external control plane, translated to the chart (DESIGN §4, notes §2.3).
 */
import type * as pulumi from "@pulumi/pulumi";
import { FIRST_MINOR_WITH_SCOPED_RBAC_AND_FAILURE_POLICY, istioMinor, type HelmValues } from "./common";
import type { ExposureMode } from "./remoteValues";
import { xdsAddress } from "./urls";

/** Proxies verify the gateway's publicly trusted certificate against the OS bundle (hostname mode). */
export const SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
/** Pod annotation whose change rolls istiod: it reads `istio-kubeconfig` only at startup. */
export const KUBECONFIG_DIGEST_ANNOTATION = "istio-mesh.io/istio-kubeconfig-sha256";

export interface ExternalIstiodValuesInput {
  address: pulumi.Input<string>;
  mode: ExposureMode;
  namespace: string;
  meshId: string;
  /** The config cluster's name: the external istiod's CLUSTER_ID. */
  configClusterName: string;
  network: string;
  /** SHA-256 of the `istio-kubeconfig` content. */
  kubeconfigDigest: pulumi.Input<string>;
  /** The chart version of this release. */
  chartVersion: string;
}

/** The remote webhook configurations istiod patches with its CA in loadBalancer mode (names from the remote charts). */
export function webhookConfigNames(namespace: string): { injection: string; validation: string } {
  return { injection: `istio-sidecar-injector-${namespace}`, validation: `istio-validator-${namespace}` };
}

/**
 * Only namespaced RBAC in the external cluster, where the chart supports it. This istiod's API client is the config
 * cluster's (`KUBECONFIG` = `istio-kubeconfig`); in its own cluster it only watches the remote secrets of its
 * namespace (`LOCAL_CLUSTER_SECRET_WATCHER`: `pkg/kube/multicluster/secretcontroller.go`, an informer filtered to
 * that namespace and `istio/multiCluster=true`), which the chart's Role `istiod` covers (secrets get/watch/list,
 * `istio-discovery/templates/role.yaml`, rendered for `resourceScope` "all" or "namespace"). The default ("all")
 * would add a ClusterRole that reads every Secret of the external cluster (day2-review.md #5).
 */
function rbacScope(chartVersion: string): HelmValues {
  return istioMinor(chartVersion) >= FIRST_MINOR_WITH_SCOPED_RBAC_AND_FAILURE_POLICY ? { resourceScope: "namespace" } : {};
}

export function externalIstiodValues(input: ExternalIstiodValuesInput): HelmValues {
  const hostname = input.mode === "hostname";
  const webhooks = webhookConfigNames(input.namespace);
  return {
    // No `revision`: the mounts below name the ConfigMaps `istio` and `istio-sidecar-injector`, which a revision
    // would suffix. No `profile: remote` either: this release runs the istiod Deployment.
    global: {
      externalIstiod: true,
      caAddress: xdsAddress(input.address),
      istioNamespace: input.namespace,
      // The remotes own the webhooks; this release must not create (or validate through) its own.
      operatorManageWebhooks: true,
      configValidation: false,
      meshID: input.meshId,
      // The chart writes CLUSTER_ID from this after the user env, so an env.CLUSTER_ID alone would be overridden.
      multiCluster: { clusterName: input.configClusterName },
      network: input.network,
      ...rbacScope(input.chartVersion),
    },
    meshConfig: {
      rootNamespace: input.namespace,
      defaultConfig: {
        discoveryAddress: xdsAddress(input.address),
        // Only hostname mode: in loadBalancer mode proxies reach istiod's own certificate (PASSTHROUGH).
        ...(hostname ? { proxyMetadata: { XDS_ROOT_CA: SYSTEM_CA_BUNDLE, CA_ROOT_CA: SYSTEM_CA_BUNDLE } } : {}),
      },
    },
    env: {
      // "" = never patch a CA bundle (hostname mode: the webhooks use the public certificate).
      INJECTION_WEBHOOK_CONFIG_NAME: hostname ? "" : webhooks.injection,
      VALIDATION_WEBHOOK_CONFIG_NAME: hostname ? "" : webhooks.validation,
      // Watch remote secrets in this namespace of the external cluster (with EXTERNAL_ISTIOD).
      LOCAL_CLUSTER_SECRET_WATCHER: "true",
      // Merge the config cluster's `istio` ConfigMap under the local one.
      SHARED_MESH_CONFIG: "istio",
    },
    // Without these istiod reads both ConfigMaps from the config cluster, where the injector's is omitted.
    volumes: [
      { name: "config-volume", configMap: { name: "istio" } },
      { name: "inject-volume", configMap: { name: "istio-sidecar-injector" } },
    ],
    volumeMounts: [
      { name: "config-volume", mountPath: "/etc/istio/config" },
      { name: "inject-volume", mountPath: "/var/lib/istio/inject" },
    ],
    podAnnotations: { [KUBECONFIG_DIGEST_ANNOTATION]: input.kubeconfigDigest },
  };
}
