/**
 * Helm values of the external istiod (`istiod` chart in the external cluster's control plane namespace): the
 * guide's IstioOperator for the external control plane, translated to the chart (DESIGN §4, notes §2.3).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ImageSource } from "../config/model";
import { mergeValues, type ValuesMap } from "../config/values";
import { FIRST_MINOR_WITH_SCOPED_RBAC_AND_FAILURE_POLICY, istioMinor, type HelmValues } from "./common";
import { imageGlobals } from "./images";
import type { ExposureMode } from "./remoteValues";
import { xdsAddress } from "./urls";
import { DEFAULT_REVISION } from "../config/revisions";
import { injectorConfigMapName, meshConfigMapName, revisionSuffix } from "./revisionObjects";

/** Proxies verify the gateway's publicly trusted certificate against the OS bundle (hostname mode). */
export const SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
/** Pod annotation whose change rolls istiod: it reads `istio-kubeconfig` only at startup. */
export const KUBECONFIG_DIGEST_ANNOTATION = "istio-mesh.io/istio-kubeconfig-sha256";

export interface ExternalIstiodValuesInput {
  /** The host this istiod's proxies reach it on (hostname mode: its DNS name; loadBalancer mode: the IP, or `istiod-<rev>.<ns>.svc`). */
  address: pulumi.Input<string>;
  /** Its revision: `default` for the unrevisioned release (issue 24). */
  revision: string;
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
  /** `istio.hub` and `istio.imagePullSecrets`: istiod's image, and through the injection template every sidecar's. */
  images: ImageSource;
  /** `istio.values.controlPlane`, checked against the chart (`config/values.ts`): merged under the program's values. */
  values?: ValuesMap;
}

/**
 * The remote webhook configurations a revision's istiod patches with its CA in loadBalancer mode (names from the
 * remote charts' `mutatingwebhook.yaml` and `validatingwebhookconfiguration.yaml`, outside `istio-system`).
 */
export function webhookConfigNames(namespace: string, revision: string = DEFAULT_REVISION): { injection: string; validation: string } {
  const rev = revisionSuffix(revision);
  return { injection: `istio-sidecar-injector${rev}-${namespace}`, validation: `istio-validator${rev}-${namespace}` };
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

/**
 * The user's `meshConfig` (access logs, say) lands where this istiod reads its mesh configuration: the chart renders
 * `.Values.meshConfig` into the ConfigMap `istio` of this release's namespace (`istio-discovery/templates/configmap.yaml`),
 * which `config-volume` below mounts at `/etc/istio/config/mesh`, the file istiod reads; SHARED_MESH_CONFIG only
 * merges the config cluster's ConfigMap `istio` (chart defaults) under it, the file winning field by field
 * (`pilot/pkg/bootstrap/mesh.go`; notes P12). Proxies get `meshConfig.defaultConfig` from this istiod through injection.
 */
export function externalIstiodValues(input: ExternalIstiodValuesInput): HelmValues {
  return mergeValues(ownValues(input), input.values);
}

/** What the program sets; `istio.values.controlPlane` may not touch any of it (`config/values.ts` refuses). */
function ownValues(input: ExternalIstiodValuesInput): HelmValues {
  const hostname = input.mode === "hostname";
  const webhooks = webhookConfigNames(input.namespace, input.revision);
  const revised = input.revision !== DEFAULT_REVISION;
  return {
    // A revision suffixes the ConfigMaps the chart renders (`istio-<rev>`, `istio-sidecar-injector-<rev>`), which the
    // mounts below name. No `profile: remote`: this release runs the istiod Deployment.
    ...(revised ? { revision: input.revision } : {}),
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
      // The injection template of every remote cluster's sidecars and gateways: `<global.hub>/proxyv2`, and the
      // pods' imagePullSecrets (istio-discovery/files/injection-template.yaml, gateway-injection-template.yaml).
      ...imageGlobals(input.images),
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
      { name: "config-volume", configMap: { name: meshConfigMapName(input.revision) } },
      { name: "inject-volume", configMap: { name: injectorConfigMapName(input.revision) } },
    ],
    volumeMounts: [
      { name: "config-volume", mountPath: "/etc/istio/config" },
      { name: "inject-volume", mountPath: "/var/lib/istio/inject" },
    ],
    podAnnotations: { [KUBECONFIG_DIGEST_ANNOTATION]: input.kubeconfigDigest },
  };
}
