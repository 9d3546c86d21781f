/**
 * The guide's `kubectl get mutatingwebhookconfiguration` check, and what it implies: every webhook of a remote
 * cluster must call the external istiod at `EXTERNAL_ISTIOD_ADDR`, with this cluster's name and network.
 */
import type {
  AdmissionregistrationV1WebhookClientConfig,
  V1MutatingWebhookConfiguration,
  V1ValidatingWebhookConfiguration,
} from "@kubernetes/client-node";
import { INJECTION_WEBHOOK_COUNT, REVISION_LABEL, REVISION_WEBHOOKS, WEBHOOK_PORT } from "../names";
import { allOf, fail, pass, type CheckResult } from "../result";

/**
 * How a remote's webhooks reach istiod. hostname mode: a URL on the public name (no CA bundle: the certificate is
 * publicly trusted). loadBalancer mode: the in-cluster `istiod` Service, which points at the gateway's IP, with a
 * CA bundle that the external istiod patches in.
 */
export type WebhookTarget =
  | {
      mode: "hostname";
      address: string;
      /** How a failure names the address: EXTERNAL_ISTIOD_ADDR unless told (a revision's own address). */
      addressName?: string;
    }
  | {
      mode: "loadBalancer";
      namespace: string;
      /** The Service in `namespace`: `istiod` unless told (`istiod-<rev>` for a revision's own webhooks). */
      service?: string;
      /** The Service port, checked when given (the chart renders 443). */
      port?: number;
    };

export interface InjectionExpectation {
  configName: string;
  /** `/inject/cluster/<cluster>/net/<network>`. */
  path: string;
  target: WebhookTarget;
}

export interface ValidationExpectation {
  configNames: string[];
  target: WebhookTarget;
}

const VALIDATION_PATH = "/validate";
const ISTIOD_SERVICE = "istiod";

/** `/a/b` matches `/a/b` and `/a/b/...`, not `/a/bc`. */
const pathMatches = (actual: string, expected: string): boolean => actual === expected || actual.startsWith(`${expected}/`);

function checkUrl(url: string, path: string, address: string, addressName = "EXTERNAL_ISTIOD_ADDR"): CheckResult {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(`webhook clientConfig.url "${url}" is not a URL`);
  }
  const expectedOrigin = `https://${address}:${WEBHOOK_PORT}`;
  const actualOrigin = `${parsed.protocol}//${parsed.host}`;
  if (parsed.hostname !== address.toLowerCase()) {
    return fail(`webhook clientConfig.url points at ${actualOrigin} but ${addressName} is ${address}`);
  }
  if (parsed.protocol !== "https:" || parsed.port !== String(WEBHOOK_PORT)) {
    return fail(`webhook clientConfig.url points at ${actualOrigin}, expected ${expectedOrigin}`);
  }
  if (!pathMatches(parsed.pathname, path)) return fail(`webhook clientConfig.url path is ${parsed.pathname}, expected ${path}`);
  return pass();
}

/** One webhook's clientConfig against the exposure mode. `caBundlePatched`: loadBalancer mode needs istiod's CA in it. */
export function checkClientConfig(
  clientConfig: AdmissionregistrationV1WebhookClientConfig | undefined,
  path: string,
  target: WebhookTarget,
  caBundlePatched: boolean,
): CheckResult {
  const { url, service } = clientConfig ?? {};
  if (target.mode === "hostname") {
    if (url !== undefined) return checkUrl(url, path, target.address, target.addressName);
    const calls = service ? `Service ${service.namespace}/${service.name}` : "nothing (no clientConfig)";
    return fail(`webhook calls ${calls}, expected clientConfig.url https://${target.address}:${WEBHOOK_PORT}${path} (hostname mode)`);
  }
  const expectedService = target.service ?? ISTIOD_SERVICE;
  if (service === undefined) {
    const calls = url !== undefined ? url : "nothing (no clientConfig)";
    return fail(`webhook calls ${calls}, expected Service ${target.namespace}/${expectedService} (loadBalancer mode)`);
  }
  if (service.name !== expectedService || service.namespace !== target.namespace) {
    return fail(`webhook calls Service ${service.namespace}/${service.name}, expected ${target.namespace}/${expectedService}`);
  }
  if (!pathMatches(service.path ?? "", path)) return fail(`webhook clientConfig.service.path is ${service.path ?? "(none)"}, expected ${path}`);
  // The API server's default port when none is given is 443.
  if (target.port !== undefined && (service.port ?? 443) !== target.port) {
    return fail(`webhook clientConfig.service.port is ${service.port ?? 443}, expected ${target.port}`);
  }
  if (caBundlePatched && !clientConfig?.caBundle) {
    return fail("webhook has no caBundle yet: the external istiod patches it once it reads this cluster (check its remote secret and the istiod logs)");
  }
  return pass();
}

/** Four identical failures read as one: report each distinct reason once. */
function distinct(results: readonly CheckResult[]): CheckResult {
  const reasons = [...new Set(results.flatMap((r) => (r.ok ? [] : [r.reason])))];
  return allOf(reasons.map(fail));
}

export function checkInjectionWebhook(mwc: V1MutatingWebhookConfiguration | undefined, expected: InjectionExpectation): CheckResult {
  if (mwc === undefined) {
    return fail(`MutatingWebhookConfiguration ${expected.configName} not found: pods in this cluster are not injected (is its istiod release installed?)`);
  }
  const webhooks = mwc.webhooks ?? [];
  if (webhooks.length !== INJECTION_WEBHOOK_COUNT) {
    return fail(`MutatingWebhookConfiguration ${expected.configName} has ${webhooks.length} webhooks, expected ${INJECTION_WEBHOOK_COUNT}`);
  }
  return distinct(webhooks.map((w) => checkClientConfig(w.clientConfig, expected.path, expected.target, expected.target.mode === "loadBalancer")));
}

/** The config cluster validates Istio config through the external istiod: both validators must call it. */
export function checkValidatingWebhooks(all: readonly V1ValidatingWebhookConfiguration[], expected: ValidationExpectation): CheckResult {
  return allOf(
    expected.configNames.map((name) => {
      const config = all.find((c) => c.metadata?.name === name);
      if (config === undefined) return fail(`ValidatingWebhookConfiguration ${name} not found`);
      const webhooks = config.webhooks ?? [];
      if (webhooks.length === 0) return fail(`ValidatingWebhookConfiguration ${name} has no webhooks`);
      // The CA bundle of istiod-default-validator is not patched by the external istiod: do not require one.
      return distinct(webhooks.map((w) => checkClientConfig(w.clientConfig, VALIDATION_PATH, expected.target, false)));
    }),
  );
}

/** A further remote holds no Istio config: a validator there would call an `istiod` Service that does not exist. */
export function checkNoValidatingWebhooks(all: readonly V1ValidatingWebhookConfiguration[], configNames: readonly string[]): CheckResult {
  return allOf(
    configNames
      .filter((name) => all.some((c) => c.metadata?.name === name))
      .map((name) =>
        fail(
          `ValidatingWebhookConfiguration ${name} exists, but only the config cluster validates Istio config ` +
            `(the base chart of a further remote needs defaultRevision "")`,
        ),
      ),
  );
}

/** A revision's or a revision tag's injection webhook configuration, and the revision it must call. */
export interface RevisionWebhookExpectation {
  configName: string;
  /** The `istio.io/rev` label it must carry: the revision it injects for (a tag's target revision). */
  revision: string;
  /** `/inject/cluster/<cluster>/net/<network>`. */
  path: string;
  target: WebhookTarget;
  /** What is missing, in a failure: "the canary's istiod-1-30-3 release", "the tag". */
  installedBy: string;
}

/**
 * `istio-sidecar-injector-<rev>-<ns>` or `istio-revision-tag-<tag>-<ns>`: there, labelled for its revision, with
 * the `rev.namespace` and `rev.object` webhooks, each calling that revision (loadBalancer mode: with the CA bundle
 * the revision's istiod patches into configurations labelled with its revision).
 */
export function checkRevisionWebhook(mwc: V1MutatingWebhookConfiguration | undefined, expected: RevisionWebhookExpectation): CheckResult {
  if (mwc === undefined) {
    return fail(
      `MutatingWebhookConfiguration ${expected.configName} not found: namespaces and pods labelled for it in this cluster are not injected ` +
        `(is ${expected.installedBy} installed here?)`,
    );
  }
  const problems: CheckResult[] = [];
  const label = mwc.metadata?.labels?.[REVISION_LABEL];
  if (label !== expected.revision) {
    problems.push(fail(`MutatingWebhookConfiguration ${expected.configName} is labelled ${REVISION_LABEL}=${label ?? "(none)"}, expected ${expected.revision}`));
  }
  const webhooks = mwc.webhooks ?? [];
  const missing = REVISION_WEBHOOKS.filter((name) => !webhooks.some((w) => w.name === name));
  if (missing.length > 0) problems.push(fail(`MutatingWebhookConfiguration ${expected.configName} has no webhook ${missing.join(", ")}`));
  problems.push(distinct(webhooks.map((w) => checkClientConfig(w.clientConfig, expected.path, expected.target, expected.target.mode === "loadBalancer"))));
  return allOf(problems);
}
