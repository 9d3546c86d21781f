/**
 * Helm values of the remote clusters' `base` and `istiod` releases (`profile: remote`): webhooks that call the
 * external istiod instead of a local one. Shared by the config cluster and further remotes; the differences
 * are the config cluster's CRD/ConfigMap/RBAC role (`configCluster`) and the validation webhooks.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ImageSource } from "../config/model";
import { imageGlobals, pullSecretGlobals } from "./images";
import { FIRST_MINOR_WITH_SCOPED_RBAC_AND_FAILURE_POLICY, istioMinor, type HelmValues } from "./common";
import { injectionPath, injectionUrl, validationUrl } from "./urls";
import { DEFAULT_REVISION } from "../config/revisions";

export type ExposureMode = "hostname" | "loadBalancer";

export interface RemoteValuesInput {
  /** `EXTERNAL_ISTIOD_ADDR`. */
  address: pulumi.Input<string>;
  mode: ExposureMode;
  /** The control plane namespace (`global.istioNamespace`). */
  namespace: string;
  cluster: string;
  network: string;
  /** The chart version of the release these values are for. */
  chartVersion: string;
  /** `istio.hub` and `istio.imagePullSecrets`. */
  images: ImageSource;
  /**
   * The revision of the external istiod these values serve (issue 24); unset: the unrevisioned release, whose webhooks
   * (the default ones) call the default revision at `address`.
   */
  revision?: string;
}

/** No hub of our own, no pull secrets: the charts' defaults. */
export const DEFAULT_IMAGES: ImageSource = { imagePullSecrets: [] };

/** What a remote cluster's component knows, as the values builders take it. */
export function remoteValuesInput(args: {
  address: pulumi.Input<string>;
  mode: ExposureMode;
  namespace: string;
  clusterName: string;
  network: string;
  chart: { version: string };
  images?: ImageSource;
}): RemoteValuesInput {
  return {
    address: args.address,
    mode: args.mode,
    namespace: args.namespace,
    cluster: args.clusterName,
    network: args.network,
    chartVersion: args.chart.version,
    images: args.images ?? DEFAULT_IMAGES,
  };
}

/**
 * How the injection webhook reaches istiod. hostname mode: a URL on the public name (the certificate is publicly
 * trusted, so no CA bundle). loadBalancer mode: a path on the in-cluster `istiod` Service that
 * `global.remotePilotAddress` points at the gateway's IP; the external istiod patches the CA bundle (DESIGN §5).
 */
function injectionValues(input: RemoteValuesInput): { istiodRemote: HelmValues; global: HelmValues } {
  return input.mode === "hostname"
    ? {
        istiodRemote: { injectionURL: injectionUrl(input.address, input.cluster, input.network) },
        global: { istioNamespace: input.namespace },
      }
    : {
        istiodRemote: { injectionPath: injectionPath(input.cluster, input.network) },
        global: { istioNamespace: input.namespace, remotePilotAddress: input.address },
      };
}

/**
 * The config cluster's validation webhooks (`istiod-default-validator` from `base`, `istio-validator-<ns>` from
 * `istiod`). hostname mode: they call the external istiod by URL, and their failure policy is set to `Fail`
 * explicitly. The templates only default it on install (`{{- else if not .Release.IsUpgrade }} failurePolicy:
 * Ignore`, base `defaultrevision-validatingwebhookconfiguration.yaml` and istiod `validatingwebhookconfiguration.yaml`)
 * and nothing patches these webhooks in this mode (the external istiod's `VALIDATION_WEBHOOK_CONFIG_NAME` is ""), so
 * without it they would be fail-open after install and fail-closed after the first `helm upgrade`
 * (day2-review.md #3). `Fail` is the state every other path ends in: loadBalancer mode leaves the value to the
 * external istiod's validation controller, which sets `Fail` once a dry-run of invalid config is rejected
 * (`pkg/webhooks/validation/controller/controller.go` `updateValidatingWebhookConfiguration`).
 */
function validationValues(input: RemoteValuesInput): HelmValues {
  if (input.mode !== "hostname") return {};
  const readsFailurePolicy = istioMinor(input.chartVersion) >= FIRST_MINOR_WITH_SCOPED_RBAC_AND_FAILURE_POLICY;
  return { base: { validationURL: validationUrl(input.address), ...(readsFailurePolicy ? { validationFailurePolicy: "Fail" } : {}) } };
}

/**
 * A revision's release: the chart suffixes every object it renders with the revision (webhook configurations, RBAC,
 * in loadBalancer mode the `istiod-<revision>` Service and EndpointSlice), and its webhooks select only
 * `istio.io/rev=<revision>` (istio-discovery `templates/mutatingwebhook.yaml`: the four default webhooks exist only
 * for `revision: ""`).
 */
function revisionValues(input: RemoteValuesInput): HelmValues {
  return input.revision !== undefined ? { revision: input.revision } : {};
}

/** Config cluster `base`: Istio's CRDs and the default-revision validating webhook. */
export function configClusterBaseValues(input: RemoteValuesInput, defaultRevision: string = DEFAULT_REVISION): HelmValues {
  return {
    profile: "remote",
    // Pull secrets on the service accounts base creates (istio-reader-service-account).
    global: { istioNamespace: input.namespace, ...pullSecretGlobals(input.images) },
    // `istiod-default-validator` is labelled with it and, in loadBalancer mode, calls Service `istiod-<revision>`
    // (base `templates/defaultrevision-validatingwebhookconfiguration.yaml`); hostname mode calls `validationURL`.
    ...(defaultRevision !== DEFAULT_REVISION ? { defaultRevision } : {}),
    ...validationValues(input),
  };
}

/**
 * Config cluster `istiod`: no Deployment, but the injection and validation webhooks, the mesh ConfigMap `istio`
 * (merged into the external istiod's through SHARED_MESH_CONFIG) and the `istiod` service account whose token
 * the external istiod uses to read this cluster.
 */
export function configClusterIstiodValues(input: RemoteValuesInput): HelmValues {
  const injection = injectionValues(input);
  return {
    profile: "remote",
    ...revisionValues(input),
    // The remote profile omits the injector ConfigMap (pods here are injected by the external istiod's template);
    // the hub and pull secrets still go on what this release renders (its service account) and keep the cluster's
    // values saying where its images come from.
    global: { ...injection.global, configCluster: true, ...imageGlobals(input.images) },
    // The shared mesh config `istio` (SHARED_MESH_CONFIG) is the unrevisioned release's: a revision reads its own
    // from a file in the external cluster (`pilot/pkg/bootstrap/mesh.go`), and its chart would render `istio-<rev>`.
    configMap: input.revision === undefined,
    istiodRemote: injection.istiodRemote,
    // Read by the istiod chart's validating webhook template too, not only by `base` (notes P8).
    ...validationValues(input),
  };
}

/**
 * Further remote `base`: CRDs and the `istio-reader-service-account`; no default-revision validator, which
 * would point at an `istiod` Service that does not exist there (notes §2.5).
 */
export function remoteBaseValues(input: RemoteValuesInput): HelmValues {
  return {
    profile: "remote",
    defaultRevision: "",
    global: { istioNamespace: input.namespace, ...pullSecretGlobals(input.images) },
  };
}

/** Further remote `istiod`: only the injection webhook (with its own cluster name and network) and reader RBAC. */
export function remoteIstiodValues(input: RemoteValuesInput): HelmValues {
  const injection = injectionValues(input);
  return {
    profile: "remote",
    ...revisionValues(input),
    global: { ...injection.global, ...imageGlobals(input.images) },
    istiodRemote: injection.istiodRemote,
  };
}
