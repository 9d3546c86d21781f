/** The judgements of revisions (issue 24) as pure functions: namespaces, a revision's istiod and webhooks, its SNI, versions. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { V1MutatingWebhookConfiguration, V1Pod, V1ValidatingWebhookConfiguration } from "@kubernetes/client-node";
import { checkTlsSni } from "../../verify/checks/address";
import { checkIstiodRevision } from "../../verify/checks/istiodRevision";
import { checkNamespaceRevisions, namespaceRevision, type NamespaceState } from "../../verify/checks/namespaceRevisions";
import { checkRemoteVersions, VERSION_LABEL } from "../../verify/checks/versions";
import { checkRevisionWebhook, type RevisionWebhookExpectation } from "../../verify/checks/webhooks";
import { newestVersion, revisionWebhookTarget } from "../../verify/revisionPlan";
import { revisionsOf, type Revision, type Revisions } from "../../verify/revisions";
import type { CheckResult } from "../../verify/result";
import type { StackMeshConfig } from "../../infra/config/validate";
import type { MeshOutputs } from "../../verify/stackOutputs";

const NS = "external-istiod";
const stable: Revision = { name: "default", version: "1.29.6", role: "stable", isDefault: true, address: "istiod.mesh.example.com" };
const canary: Revision = { name: "1-30-3", version: "1.30.3", role: "canary", isDefault: false, address: "istiod-1-30-3.mesh.example.com" };
const revisions: Revisions = { declared: true, all: [stable, canary], defaultRevision: stable, tags: [{ tag: "prod-stable", revision: canary }] };

const reason = (r: CheckResult): string => (r.ok ? "ok" : r.reason);

function pod(ns: string, name: string, proxy: string | undefined, o: { native?: boolean; terminating?: boolean } = {}): V1Pod {
  const proxyContainer = proxy === undefined ? [] : [{ name: "istio-proxy", image: `docker.io/istio/proxyv2:${proxy}` }];
  return {
    metadata: { namespace: ns, name, ...(o.terminating ? { deletionTimestamp: new Date("2026-12-06T08:00:00Z") } : {}) },
    spec: {
      containers: [{ name: "app", image: "example/app:1.0" }, ...(o.native ? [] : proxyContainer)],
      ...(o.native ? { initContainers: proxyContainer.map((c) => ({ ...c, restartPolicy: "Always" })) } : {}),
    },
    status: { phase: "Running" },
  };
}

const ns = (name: string, labels: Record<string, string>, pods: V1Pod[] = []): NamespaceState => ({ name, labels, pods });

describe("which revision a namespace's labels select", () => {
  const selected = (labels: Record<string, string>) => {
    const r = namespaceRevision(labels, revisions);
    if (!r.injected) return "not injected";
    if (r.revision === undefined) return `none (${r.label})`;
    return `${r.revision.name} via ${r.via}${r.note ? `; ${r.note}` : ""}`;
  };

  test("istio-injection=enabled: the default revision, and it wins over istio.io/rev", () => {
    assert.equal(selected({ "istio-injection": "enabled" }), "default via istio-injection=enabled");
    assert.equal(selected({ "istio-injection": "enabled", "istio.io/rev": "1-30-3" }), "default via istio-injection=enabled; istio-injection=enabled wins over istio.io/rev=1-30-3");
    // The default pointer follows the default revision.
    assert.equal(namespaceRevision({ "istio-injection": "enabled" }, { ...revisions, defaultRevision: canary }).injected && "1-30-3", "1-30-3");
  });

  test("istio.io/rev: default, a tag, a revision; another value selects none", () => {
    assert.equal(selected({ "istio.io/rev": "default" }), "default via istio.io/rev=default");
    assert.equal(selected({ "istio.io/rev": "prod-stable" }), "1-30-3 via istio.io/rev=prod-stable, a revision tag");
    assert.equal(selected({ "istio.io/rev": "1-30-3" }), "1-30-3 via istio.io/rev=1-30-3");
    assert.equal(selected({ "istio.io/rev": "1-28-10" }), "none (1-28-10)");
  });

  test("no label, or istio-injection other than enabled (it turns every rev.namespace webhook off): not injected", () => {
    assert.equal(selected({}), "not injected");
    assert.equal(selected({ "istio-injection": "disabled", "istio.io/rev": "1-30-3" }), "not injected");
  });
});

describe("namespaces' proxies against their revision", () => {
  test("passes when every proxy runs its namespace's revision's version; native sidecars count; terminating pods do not", () => {
    const result = checkNamespaceRevisions(
      [
        ns("shop", { "istio.io/rev": "prod-stable" }, [pod("shop", "cart-1", "1.30.3", { native: true }), pod("shop", "old-1", "1.29.6", { terminating: true })]),
        ns("sample", { "istio-injection": "enabled" }, [pod("sample", "sleep-1", "1.29.6"), pod("sample", "job-1", undefined)]),
        ns("kube-system", {}, [pod("kube-system", "coredns-1", undefined)]),
        ns("empty", { "istio.io/rev": "1-30-3" }),
      ],
      revisions,
    );
    assert.deepEqual(result, {
      ok: true,
      detail:
        "empty: revision 1-30-3 (istio.io/rev=1-30-3), no injected pods; sample: revision default (istio-injection=enabled), proxies 1.29.6; " +
        "shop: revision 1-30-3 (istio.io/rev=prod-stable, a revision tag), proxies 1.30.3",
    });
  });

  test("proxies of another version need a restart: named (five at most), with the revision whose istiod they still use", () => {
    const pods = [1, 2, 3, 4, 5, 6].map((i) => pod("shop", `cart-${i}`, "1.29.6"));
    assert.equal(
      reason(checkNamespaceRevisions([ns("shop", { "istio.io/rev": "prod-stable" }, [...pods, pod("shop", "x-1", "1.28.10"), pod("shop", "ok-1", "1.30.3")])], revisions)),
      "namespace shop is labelled for revision 1-30-3 at 1.30.3 (istio.io/rev=prod-stable, a revision tag), but " +
        "shop/cart-1, shop/cart-2, shop/cart-3, shop/cart-4, shop/cart-5 and 1 more run proxy 1.29.6 (revision default's version: they still use its istiod); " +
        "shop/x-1 run proxy 1.28.10 (no running revision's version): restart them to have revision 1-30-3 inject them (kubectl rollout restart deployment -n shop)",
    );
  });

  test("a label naming no revision or tag fails; istio-injection winning is said, and judged against the default revision", () => {
    assert.equal(
      reason(checkNamespaceRevisions([ns("legacy", { "istio.io/rev": "canary" })], { ...revisions, tags: [] })),
      "namespace legacy is labelled istio.io/rev=canary, which names no running revision (default, 1-30-3) nor revision tag (none): " +
        "no webhook injects it, pods created there get no proxy; label it for one of them",
    );
    assert.match(
      reason(checkNamespaceRevisions([ns("both", { "istio-injection": "enabled", "istio.io/rev": "1-30-3" }, [pod("both", "a-1", "1.30.3")])], revisions)),
      /^namespace both is labelled for revision default at 1\.29\.6 \(istio-injection=enabled; istio-injection=enabled wins over istio\.io\/rev=1-30-3\), but both\/a-1 run proxy 1\.30\.3 \(revision 1-30-3's version/,
    );
  });

  test("no namespace labelled for injection passes, saying so", () => {
    assert.deepEqual(checkNamespaceRevisions([ns("default", {})], revisions), { ok: true, detail: "no namespace labelled for injection" });
  });
});

describe("a revision's external istiod", () => {
  const istiod = (name: string, rev: string, version: string, ready = true): V1Pod => ({
    metadata: { namespace: NS, name, labels: { app: "istiod", "istio.io/rev": rev } },
    spec: { containers: [{ name: "discovery", image: `docker.io/istio/pilot:${version}-distroless` }] },
    status: { phase: "Running", containerStatuses: [{ name: "discovery", ready, image: "", imageID: "", restartCount: 0 }] },
  });
  const expected = { namespace: NS, revision: "1-30-3", deployment: "istiod-1-30-3", version: "1.30.3" };

  test("only the revision's pods count (by istio.io/rev), ready and at its version", () => {
    assert.deepEqual(checkIstiodRevision([istiod("istiod-a", "default", "1.29.6", false), istiod("istiod-1-30-3-a", "1-30-3", "1.30.3")], expected), {
      ok: true,
      detail: "istiod-1-30-3 1.30.3, 1 pod ready",
    });
  });

  test("not ready, another version, or no pod at all", () => {
    assert.equal(
      reason(checkIstiodRevision([istiod("istiod-1-30-3-a", "1-30-3", "1.30.3", false)], expected)),
      `Deployment ${NS}/istiod-1-30-3: pod ${NS}/istiod-1-30-3-a is Running with 0/1 containers ready`,
    );
    assert.equal(
      reason(checkIstiodRevision([istiod("istiod-1-30-3-a", "1-30-3", "1.29.6")], expected)),
      `pod ${NS}/istiod-1-30-3-a runs 1.29.6 (image docker.io/istio/pilot:1.29.6-distroless), expected 1.30.3 (revision 1-30-3's version)`,
    );
    assert.equal(
      reason(checkIstiodRevision([istiod("istiod-a", "default", "1.29.6")], expected)),
      `Deployment ${NS}/istiod-1-30-3: no pod with labels app=istiod,istio.io/rev=1-30-3 in namespace ${NS}`,
    );
  });
});

describe("a revision's and a tag's webhook configuration", () => {
  const PATH = "/inject/cluster/cluster1/net/network1";
  const mwc = (name: string, rev: string | undefined, clientConfig: object, webhooks = ["rev.namespace", "rev.object"]): V1MutatingWebhookConfiguration => ({
    metadata: { name, labels: rev ? { "istio.io/rev": rev } : {} },
    webhooks: webhooks.map((w) => ({ name: `${w}.sidecar-injector.istio.io`, clientConfig, sideEffects: "None", admissionReviewVersions: ["v1"] })),
  });
  const hostname: RevisionWebhookExpectation = {
    configName: "istio-revision-tag-prod-stable-external-istiod",
    revision: "1-30-3",
    path: PATH,
    target: revisionWebhookTarget("hostname", NS, canary),
    installedBy: "the revision tag prod-stable",
  };

  test("hostname mode: labelled for its revision, both rev webhooks calling the revision's address", () => {
    assert.equal(reason(checkRevisionWebhook(mwc(hostname.configName, "1-30-3", { url: `https://${canary.address}:15017${PATH}` }), hostname)), "ok");
    assert.equal(
      reason(checkRevisionWebhook(mwc(hostname.configName, "default", { url: `https://${stable.address}:15017${PATH}` }, ["rev.namespace"]), hostname)),
      "MutatingWebhookConfiguration istio-revision-tag-prod-stable-external-istiod is labelled istio.io/rev=default, expected 1-30-3; " +
        "MutatingWebhookConfiguration istio-revision-tag-prod-stable-external-istiod has no webhook rev.object.sidecar-injector.istio.io; " +
        "webhook clientConfig.url points at https://istiod.mesh.example.com:15017 but revision 1-30-3's address is istiod-1-30-3.mesh.example.com",
    );
    assert.equal(
      reason(checkRevisionWebhook(undefined, hostname)),
      "MutatingWebhookConfiguration istio-revision-tag-prod-stable-external-istiod not found: namespaces and pods labelled for it in this cluster are not injected " +
        "(is the revision tag prod-stable installed here?)",
    );
  });

  test("loadBalancer mode: the revision's istiod-<rev> Service on 443, with a CA bundle", () => {
    const lb = { ...hostname, target: revisionWebhookTarget("loadBalancer", NS, canary) };
    const service = { name: "istiod-1-30-3", namespace: NS, path: PATH, port: 443 };
    assert.equal(reason(checkRevisionWebhook(mwc(lb.configName, "1-30-3", { service, caBundle: "LS0t" }), lb)), "ok");
    assert.equal(
      reason(checkRevisionWebhook(mwc(lb.configName, "1-30-3", { service: { ...service, name: "istiod" }, caBundle: "LS0t" }), lb)),
      `webhook calls Service ${NS}/istiod, expected ${NS}/istiod-1-30-3`,
    );
    // No port: the API server's default, 443.
    assert.equal(reason(checkRevisionWebhook(mwc(lb.configName, "1-30-3", { service: { ...service, port: undefined }, caBundle: "LS0t" }), lb)), "ok");
  });
});

describe("a revision's SNI on the load balancer", () => {
  const e = { loadBalancer: "203.0.113.10", port: 15017, sni: "istiod-1-30-3.external-istiod.svc", istiod: "istiod-1-30-3", virtualService: "external-istiod-vs-1-30-3" };

  test("passes on a certificate for the SNI, whoever issued it (istiod's own CA)", () => {
    assert.equal(reason(checkTlsSni({ authorized: false, authorizationError: "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" }, e)), "ok");
  });

  test("a certificate for another name is another istiod's: the route to fix", () => {
    assert.equal(
      reason(checkTlsSni({ authorized: false, identityError: "its subjectAltName names istiod.external-istiod.svc, not istiod-1-30-3.external-istiod.svc" }, e)),
      "the certificate served on 203.0.113.10:15017 for SNI istiod-1-30-3.external-istiod.svc is not istiod-1-30-3's (its subjectAltName names istiod.external-istiod.svc, " +
        "not istiod-1-30-3.external-istiod.svc): the control plane gateway does not route istiod-1-30-3.external-istiod.svc to istiod-1-30-3 (another route, e.g. the catch-all, takes it): " +
        "check that VirtualService external-istiod-vs-1-30-3 in the external cluster routes SNI istiod-1-30-3.external-istiod.svc on port 15017 to istiod-1-30-3",
    );
    assert.match(reason(checkTlsSni({ error: "ECONNREFUSED" }, e)), /^nothing accepts TLS on 203\.0\.113\.10:15017 for SNI istiod-1-30-3\.external-istiod\.svc from here \(ECONNREFUSED\)/);
  });
});

describe("a remote's versions while a canary runs", () => {
  const validator = (version: string): V1ValidatingWebhookConfiguration => ({ metadata: { name: "istiod-default-validator", labels: { [VERSION_LABEL]: version } } });
  const injector: V1MutatingWebhookConfiguration = { metadata: { name: `istio-sidecar-injector-${NS}`, labels: { [VERSION_LABEL]: "1.29.6" } } };
  const gateway = (proxy: string): V1Pod => ({
    metadata: { namespace: NS, name: "istio-eastwestgateway-1", labels: { app: "istio-eastwestgateway", [VERSION_LABEL]: "1.29.6" } },
    spec: { containers: [{ name: "istio-proxy", image: `docker.io/istio/proxyv2:${proxy}` }] },
    status: { phase: "Running" },
  });
  const expected = { charts: "1.29.6", controlPlane: "1.29.6", namespace: NS, gateways: ["istio-eastwestgateway"], crds: "1.30.3", proxiesFrom: "1.30.3" };

  test("the CRDs at the newest revision; gateway proxies judged against the default revision", () => {
    assert.deepEqual(checkRemoteVersions({ injector, crdsValidator: validator("1.30.3"), pods: [gateway("1.30.3")] }, expected), {
      ok: true,
      detail: "istiod 1.29.6, CRDs 1.30.3, istio-eastwestgateway 1.29.6 (proxy 1.30.3)",
    });
    assert.equal(
      reason(checkRemoteVersions({ injector, crdsValidator: validator("1.29.6"), pods: [gateway("1.31.0")] }, expected)),
      "CRDs from the 1.29.6 chart, expected 1.30.3 (the newest revision's version: the CRDs follow the newest control plane); " +
        "istio-eastwestgateway pod external-istiod/istio-eastwestgateway-1 runs proxy 1.31.0, newer than the default revision's 1.30.3; " +
        "Istio does not support a data plane ahead of its control plane (https://istio.io/latest/docs/releases/supported-releases/#control-planedata-plane-skew): " +
        "restart it (kubectl rollout restart deployment/istio-eastwestgateway -n external-istiod) to have the control plane inject its proxy",
    );
  });
});

describe("the revisions of the outputs", () => {
  const cfg = { chart: { version: "1.29.6" } } as unknown as StackMeshConfig;
  const outputs = (extra: object) => ({ EXTERNAL_ISTIOD_ADDR: "istiod.mesh.example.com", remotes: {}, stackKind: "mesh", ...extra }) as unknown as MeshOutputs;

  test("none listed (an older deployment): the one revision default at istio.version, on EXTERNAL_ISTIOD_ADDR", () => {
    assert.deepEqual(revisionsOf(cfg, outputs({})), { declared: false, all: [stable], defaultRevision: stable, tags: [] });
  });

  test("listed: the stable first, the default one found, tags resolved; the newest version is the canary's", () => {
    const r = revisionsOf(
      cfg,
      outputs({
        revisions: { "1-30-3": { version: "1.30.3", role: "canary", isDefault: true, address: canary.address }, default: { version: "1.29.6", role: "stable", isDefault: false, address: stable.address } },
        revisionTags: { "prod-stable": "1-30-3" },
      }),
    );
    assert.deepEqual(
      r.all.map((x) => `${x.name} ${x.role} ${x.isDefault}`),
      ["default stable false", "1-30-3 canary true"],
    );
    assert.equal(r.defaultRevision.name, "1-30-3");
    assert.deepEqual(r.tags.map((t) => `${t.tag} -> ${t.revision.name}`), ["prod-stable -> 1-30-3"]);
    assert.equal(newestVersion(r), "1.30.3");
  });
});
