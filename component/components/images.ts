/**
 * Where the mesh's images come from, as each chart and sample takes it (`istio.hub`, `istio.imagePullSecrets`).
 *
 * The istiod chart reads `global.hub` for its own image (`{{ .Values.hub | default .Values.global.hub }}/pilot`) and
 * writes it, with `global.imagePullSecrets`, into the values of its injection templates: every sidecar and gateway
 * the istiod injects gets `<hub>/proxyv2` and the pull secrets (`imagePullSecrets` on the injected pod). The gateway
 * chart's pods have `image: auto` (the injecting istiod decides) and its own `imagePullSecrets`, a list of
 * `{name}` (gateway values.schema.json). The `base` chart puts `global.imagePullSecrets` on its service accounts.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ImageSource } from "../config/model";
import type { HelmValues } from "./common";

/** `global.hub` and `global.imagePullSecrets` of the `istiod` and `base` charts, when set. */
export function imageGlobals(images: ImageSource): HelmValues {
  return {
    ...(images.hub !== undefined ? { hub: images.hub } : {}),
    ...(images.imagePullSecrets.length > 0 ? { imagePullSecrets: [...images.imagePullSecrets] } : {}),
  };
}

/** `global.imagePullSecrets` alone (the `base` chart has no image). */
export function pullSecretGlobals(images: ImageSource): HelmValues {
  return images.imagePullSecrets.length > 0 ? { imagePullSecrets: [...images.imagePullSecrets] } : {};
}

/** The gateway chart's `imagePullSecrets` (its pods' image comes from injection). */
export function gatewayPullSecrets(images: ImageSource): HelmValues {
  return images.imagePullSecrets.length > 0 ? { imagePullSecrets: images.imagePullSecrets.map((name) => ({ name })) } : {};
}

/** A pod spec's `imagePullSecrets`, for the samples. */
export function podPullSecrets(images: ImageSource): { imagePullSecrets?: { name: string }[] } {
  return images.imagePullSecrets.length > 0 ? { imagePullSecrets: images.imagePullSecrets.map((name) => ({ name })) } : {};
}

/**
 * A sample's image: `<hub>/<name>` when `istio.hub` is set (the samples' images mirrored under the same registry
 * path as Istio's), else the sample's own reference.
 */
export function sampleImage(images: ImageSource, name: string, own: pulumi.Input<string>): pulumi.Input<string> {
  return images.hub === undefined ? own : pulumi.interpolate`${images.hub}/${name}`;
}

/** `ImageSource` with the content of the pull Secret, when the mesh creates it (`istio.registryCredentials`). */
export interface PulledImages extends ImageSource {
  /** The `.dockerconfigjson` of the Secret named `imagePullSecrets[0]`, a secret. */
  credentials?: pulumi.Input<string>;
}

/**
 * The pull Secret in a namespace the mesh creates, when it has its content: named by the first of
 * `istio.imagePullSecrets`, so the values above already name it. What pulls there depends on it.
 */
export function pullSecret(name: string, namespace: pulumi.Input<string>, images: PulledImages | undefined, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret | undefined {
  const secretName = images?.imagePullSecrets[0];
  if (images?.credentials === undefined || secretName === undefined) return undefined;
  return new k8s.core.v1.Secret(
    `${name}-image-pull-secret`,
    {
      metadata: { name: secretName, namespace },
      type: "kubernetes.io/dockerconfigjson",
      stringData: { ".dockerconfigjson": pulumi.secret(images.credentials) },
    },
    opts,
  );
}
