/**
 * The rules of single fields of a mesh's settings, as zod schemas: DNS labels, URLs, Istio versions. The stack file
 * and the component's arguments share them (`document.ts`), so a value is refused with the same message in both.
 */
import { z } from "zod";

/** Istio releases whose `base`/`istiod` charts have `profile: remote` (the `istiod-remote` chart is gone since 1.24). */
export const MIN_ISTIO_MINOR = 24;
export const DEFAULT_CHART_REPOSITORY = "https://istio-release.storage.googleapis.com/charts";
export const DEFAULT_CONTROL_PLANE_NAMESPACE = "external-istiod";
export const DEFAULT_MESH_ID = "mesh1";
export const DEFAULT_REMOTE_SECRET_ROTATION = "initial";

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A Kubernetes label value: networks appear as `topology.istio.io/network` labels and in injection URL paths. */
export const LABEL_VALUE = /^[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?$/;
export const SEMVER = /^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$/;
export const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

const quote = (v: unknown): string => JSON.stringify(v);

export const dns1123Label = z.string().superRefine((v, ctx) => {
  if (v.length > 63 || !DNS1123_LABEL.test(v)) {
    ctx.addIssue({
      code: "custom",
      message: `${quote(v)} is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`,
    });
  }
});

export const secretName = z.string().superRefine((v, ctx) => {
  if (v.length > 253 || !DNS1123_SUBDOMAIN.test(v)) {
    ctx.addIssue({ code: "custom", message: `${quote(v)} is not a valid Kubernetes Secret name (DNS-1123 subdomain)` });
  }
});

/** `istio.imagePullSecrets`: Secret names, each once; none by default. */
export const imagePullSecretNames = z
  .array(secretName)
  .superRefine((names, ctx) =>
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) ctx.addIssue({ code: "custom", path: [i], message: `"${name}" is listed twice` });
    }),
  )
  .default([]);

export const networkName = z.string().superRefine((v, ctx) => {
  if (v.length > 63 || !LABEL_VALUE.test(v)) {
    ctx.addIssue({
      code: "custom",
      message: `${quote(v)} is not a valid network name (a Kubernetes label value: letters, digits, '-', '_' and '.', at most 63 characters)`,
    });
  }
});

export const hostname = z.string().superRefine((v, ctx) => {
  if (IPV4.test(v) || v.includes(":")) {
    ctx.addIssue({ code: "custom", message: `${quote(v)} is an IP address; hostname mode needs a DNS name (use mode "loadBalancer" for an IP)` });
  } else if (v === "localhost" || v.length > 253 || !DNS1123_SUBDOMAIN.test(v) || !v.includes(".")) {
    ctx.addIssue({ code: "custom", message: `${quote(v)} is not a fully qualified DNS name (lowercase, e.g. "istiod.mesh.example.com")` });
  }
});

/** The URL of a cluster's Kubernetes API server as the external cluster's pods reach it. */
export const apiServerUrl = z.string().superRefine((v, ctx) => {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    ctx.addIssue({ code: "custom", message: `${quote(v)} is not a URL (expected e.g. "https://203.0.113.10:6443")` });
    return;
  }
  if (url.username || url.password) {
    // Not echoed: the URL holds a credential. The remote secret authenticates with a service-account token.
    ctx.addIssue({ code: "custom", message: "must not carry credentials (user:password@); give the bare server URL" });
    return;
  }
  if (url.protocol !== "https:") {
    ctx.addIssue({ code: "custom", message: `${quote(v)} must use https` });
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost" || host.endsWith(".localhost") || /^127\./.test(host) || host === "::1" || host === "0.0.0.0") {
    ctx.addIssue({
      code: "custom",
      message: `${quote(v)} is a loopback address; istiod in the external cluster must reach this API server over the network`,
    });
  }
  if (url.pathname !== "/" || url.search || url.hash) {
    ctx.addIssue({ code: "custom", message: `${quote(v)} must be a bare server URL (scheme, host and port only)` });
  }
});

export const chartRepository = z.string().superRefine((v, ctx) => {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    ctx.addIssue({ code: "custom", message: `${quote(v)} is not a URL (expected an https:// Helm repository or an oci:// registry path)` });
    return;
  }
  if (url.username || url.password) {
    // Not echoed: the URL holds a credential. Registry credentials belong in Helm's own configuration.
    ctx.addIssue({ code: "custom", message: "must not carry credentials (user:password@); configure the mirror's credentials outside the stack file" });
  } else if (url.protocol === "http:") {
    // The istiod chart runs with cluster-admin-like rights: a chart fetched in clear can be rewritten on the way.
    ctx.addIssue({
      code: "custom",
      message: `${quote(v)} uses plain http://, so anyone on the network path could substitute the charts (which run with cluster-wide rights); serve the mirror over https:// or use an oci:// registry`,
    });
  } else if (!["https:", "oci:"].includes(url.protocol)) {
    ctx.addIssue({ code: "custom", message: `${quote(v)} must be an https:// or oci:// URL` });
  } else if (!url.hostname) {
    ctx.addIssue({ code: "custom", message: `${quote(v)} has no host` });
  } else if (url.search || url.hash) {
    ctx.addIssue({ code: "custom", message: `${quote(v)} must not have a query or a fragment` });
  }
});

export const istioVersion = z.string().superRefine((v, ctx) => {
  const m = SEMVER.exec(v);
  if (!m) {
    ctx.addIssue({ code: "custom", message: `${quote(v)} is not an Istio release version (expected e.g. "1.28.10")` });
  } else if (Number(m[1]) !== 1 || Number(m[2]) < MIN_ISTIO_MINOR) {
    ctx.addIssue({
      code: "custom",
      message: `Istio ${v} is not supported: the charts need Istio 1.${MIN_ISTIO_MINOR} or newer (profile "remote" on the base and istiod charts)`,
    });
  }
});

/** A repository URL as Helm is given it: `https://mirror/charts/` and `https://mirror/charts` are one repository. */
export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

export const nonEmpty = z.string().min(1, { message: "must not be empty" });

/** One part of a stack's name as a StackReference names it. */
export const STACK_NAME_PART = /^[A-Za-z0-9_.-]+$/;

/** A stack as a StackReference names it: `<stack>`, `<organization>/<stack>` or `<organization>/<project>/<stack>`. */
export const stackReferenceName = z.string().superRefine((v, ctx) => {
  const parts = v.split("/");
  if (parts.length > 3 || parts.some((p) => !STACK_NAME_PART.test(p))) {
    ctx.addIssue({
      code: "custom",
      message: `${quote(v)} is not a stack name: expected <stack> (this stack's organization and project), <organization>/<stack> or <organization>/<project>/<stack>, with letters, digits, '-', '_' and '.'`,
    });
  }
});

/**
 * A container registry path as Istio's charts take `global.hub`: `<registry>[:port]/<path>`, no scheme, no tag, no
 * trailing slash (images are `<hub>/<image>:<tag>`), e.g. "registry.example.com/istio".
 */
const REGISTRY_HUB = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/;

export const registryHub = z.string().superRefine((v, ctx) => {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
    ctx.addIssue({ code: "custom", message: `${quote(v)} has a scheme; give the registry path without it (e.g. "registry.example.com/istio")` });
  } else if (v.endsWith("/")) {
    ctx.addIssue({ code: "custom", message: `${quote(v)} ends with "/"; give the registry path without it (images are <hub>/<image>:<tag>)` });
  } else if (/[:@][^/]*$/.test(v) && v.includes("/")) {
    ctx.addIssue({ code: "custom", message: `${quote(v)} has a tag or digest; give the registry path only (the charts add the image name and tag)` });
  } else if (!REGISTRY_HUB.test(v)) {
    ctx.addIssue({
      code: "custom",
      message: `${quote(v)} is not a registry path (lowercase host[:port]/path, e.g. "registry.example.com/istio")`,
    });
  }
});
