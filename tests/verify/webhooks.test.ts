/** The webhook checks as pure functions, in both exposure modes. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { V1MutatingWebhookConfiguration, V1ValidatingWebhookConfiguration } from "@kubernetes/client-node";
import {
  checkInjectionWebhook,
  checkNoValidatingWebhooks,
  checkValidatingWebhooks,
  type InjectionExpectation,
  type WebhookTarget,
} from "../../verify/checks/webhooks";
import type { AdmissionregistrationV1WebhookClientConfig as ClientConfig } from "@kubernetes/client-node";

const PATH = "/inject/cluster/cluster1/net/network1";
const HOSTNAME: WebhookTarget = { mode: "hostname", address: "istiod.mesh.example.com" };
const LOAD_BALANCER: WebhookTarget = { mode: "loadBalancer", namespace: "external-istiod" };

function injector(clientConfig: ClientConfig, count = 4): V1MutatingWebhookConfiguration {
  const names = ["rev.namespace", "rev.object", "namespace", "object"].slice(0, count);
  return {
    metadata: { name: "istio-sidecar-injector-external-istiod" },
    webhooks: names.map((n) => ({ name: `${n}.sidecar-injector.istio.io`, clientConfig, sideEffects: "None", admissionReviewVersions: ["v1"] })),
  };
}

const expect = (target: WebhookTarget): InjectionExpectation => ({ configName: "istio-sidecar-injector-external-istiod", path: PATH, target });
const reason = (r: { ok: boolean; reason?: string }) => (r.ok ? "ok" : r.reason);

describe("injection webhook, hostname mode", () => {
  test("passes on the URL of EXTERNAL_ISTIOD_ADDR with this cluster and network", () => {
    assert.equal(reason(checkInjectionWebhook(injector({ url: `https://istiod.mesh.example.com:15017${PATH}` }), expect(HOSTNAME))), "ok");
  });

  test("names the wrong port, the wrong path, or a Service where a URL belongs", () => {
    assert.equal(
      reason(checkInjectionWebhook(injector({ url: `https://istiod.mesh.example.com${PATH}` }), expect(HOSTNAME))),
      "webhook clientConfig.url points at https://istiod.mesh.example.com, expected https://istiod.mesh.example.com:15017",
    );
    assert.equal(
      reason(checkInjectionWebhook(injector({ url: "https://istiod.mesh.example.com:15017/inject/cluster/cluster1/net/network10" }), expect(HOSTNAME))),
      `webhook clientConfig.url path is /inject/cluster/cluster1/net/network10, expected ${PATH}`,
    );
    assert.equal(
      reason(checkInjectionWebhook(injector({ service: { name: "istiod", namespace: "external-istiod", path: PATH, port: 443 } }), expect(HOSTNAME))),
      `webhook calls Service external-istiod/istiod, expected clientConfig.url https://istiod.mesh.example.com:15017${PATH} (hostname mode)`,
    );
  });

  test("needs all four webhooks", () => {
    assert.equal(
      reason(checkInjectionWebhook(injector({ url: `https://istiod.mesh.example.com:15017${PATH}` }, 2), expect(HOSTNAME))),
      "MutatingWebhookConfiguration istio-sidecar-injector-external-istiod has 2 webhooks, expected 4",
    );
  });
});

describe("injection webhook, loadBalancer mode", () => {
  const service = { name: "istiod", namespace: "external-istiod", path: PATH, port: 443 };

  test("passes on the istiod Service with a CA bundle patched in", () => {
    assert.equal(reason(checkInjectionWebhook(injector({ service, caBundle: "LS0tLS1CRUdJTi..." }), expect(LOAD_BALANCER))), "ok");
  });

  test("fails until the external istiod has patched the CA bundle", () => {
    assert.match(reason(checkInjectionWebhook(injector({ service }), expect(LOAD_BALANCER))) ?? "", /^webhook has no caBundle yet/);
  });

  test("fails on a URL, or on another Service", () => {
    assert.equal(
      reason(checkInjectionWebhook(injector({ url: `https://203.0.113.10:15017${PATH}` }), expect(LOAD_BALANCER))),
      `webhook calls https://203.0.113.10:15017${PATH}, expected Service external-istiod/istiod (loadBalancer mode)`,
    );
    assert.equal(
      reason(checkInjectionWebhook(injector({ service: { ...service, namespace: "istio-system" }, caBundle: "x" }), expect(LOAD_BALANCER))),
      "webhook calls Service istio-system/istiod, expected external-istiod/istiod",
    );
  });
});

describe("validating webhooks", () => {
  const validator = (name: string, clientConfig: ClientConfig): V1ValidatingWebhookConfiguration => ({
    metadata: { name },
    webhooks: [{ name: "rev.validation.istio.io", clientConfig, sideEffects: "None", admissionReviewVersions: ["v1"] }],
  });
  const names = ["istio-validator-external-istiod", "istiod-default-validator"];

  test("the config cluster needs both, calling the external istiod", () => {
    const url = { url: "https://istiod.mesh.example.com:15017/validate" };
    assert.equal(reason(checkValidatingWebhooks([validator(names[0]!, url), validator(names[1]!, url)], { configNames: names, target: HOSTNAME })), "ok");
    assert.equal(
      reason(checkValidatingWebhooks([validator(names[0]!, url)], { configNames: names, target: HOSTNAME })),
      "ValidatingWebhookConfiguration istiod-default-validator not found",
    );
    const svc = { service: { name: "istiod", namespace: "external-istiod", path: "/validate", port: 443 } };
    assert.equal(reason(checkValidatingWebhooks([validator(names[0]!, svc), validator(names[1]!, svc)], { configNames: names, target: LOAD_BALANCER })), "ok");
  });

  test("a further remote must have none", () => {
    assert.equal(reason(checkNoValidatingWebhooks([validator("cert-manager-webhook", { url: "https://x" })], names)), "ok");
    assert.match(
      reason(checkNoValidatingWebhooks([validator("istiod-default-validator", { url: "https://x" })], names)) ?? "",
      /^ValidatingWebhookConfiguration istiod-default-validator exists, but only the config cluster validates Istio config/,
    );
  });
});
