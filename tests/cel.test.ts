/**
 * The CEL rules (`x-kubernetes-validations`) of Istio's CRDs: every rule of every pinned version compiles with
 * our environment, the Istio objects the program renders meet them, and an object that breaks one is rejected
 * with the rule's message.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { compileCrdRules, type CrdRules } from "./support/cel";
import { parseRequestUri } from "./support/celKubernetesLibrary";
import { schemaViolations } from "./support/checks";
import { crdSchemas, ISTIO_DATA_DIR, ISTIO_VERSIONS } from "./support/istioData";
import { clusterObjects, evaluationOf, type ClusterObject } from "./support/objects";
import { expectRendered, renderShipped, renderTopology } from "./support/render";

const istioObjects = (objects: ClusterObject[]) => objects.filter((o) => String(o.object.apiVersion).includes(".istio.io/"));

test("every CEL rule of every pinned Istio version compiles", () => {
  for (const version of ISTIO_VERSIONS) {
    let compiled = 0;
    let skipped = 0;
    for (const crd of crdSchemas(version)) {
      const rules = compileCrdRules(crd.schema);
      compiled += rules.compiled;
      skipped += rules.skippedTransitionRules;
    }
    // Counted apart from the compiler: each rule is one `rule:` key in the CRD file.
    const declared = readFileSync(path.join(ISTIO_DATA_DIR, version, "crd-all.gen.yaml"), "utf8").match(/^\s*(?:- )?rule: /gm)?.length ?? 0;
    assert.ok(declared > 300, `Istio ${version} declares CEL rules`);
    assert.equal(compiled + skipped, declared, `Istio ${version}: every rule compiled or skipped`);
    assert.equal(compiled, declared - skipped);
  }
});

test("transition rules are skipped and counted; a rule calling an unknown function does not compile", () => {
  const schema = {
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: { replicas: { type: "integer", "x-kubernetes-validations": [{ rule: "self >= oldSelf", message: "no scaling down" }, { rule: "self > 0" }] } },
      },
    },
  };
  const rules = compileCrdRules(schema);
  assert.deepEqual([rules.compiled, rules.skippedTransitionRules], [1, 1]);
  assert.deepEqual(rules.check({ spec: { replicas: 0 } }), { violations: ["/spec/replicas failed rule: self > 0"], evaluated: 1 });
  assert.deepEqual(rules.check({ spec: {} }), { violations: [], evaluated: 0 }, "an absent field has no rules to meet");

  const unknownFunction = { type: "object", properties: { url: { type: "string", "x-kubernetes-validations": [{ rule: "isHostname(self)" }] } } };
  assert.throws(() => compileCrdRules(unknownFunction), /the CEL rule at \/url does not compile: isHostname\(self\)/);
});

test("rules apply at their node: to each list item and each map value, with integers as CEL ints", () => {
  const schema = {
    type: "object",
    properties: {
      ports: {
        type: "array",
        items: { type: "object", properties: { number: { type: "integer", "x-kubernetes-validations": [{ rule: "0 < self && self <= 65535", message: "port out of range" }] } } },
        "x-kubernetes-validations": [{ rule: "self.all(l1, self.exists_one(l2, l1.number == l2.number))", message: "port numbers must be unique" }],
      },
      labels: { type: "object", additionalProperties: { type: "string", "x-kubernetes-validations": [{ rule: '!self.contains("*")', message: "no wildcard" }] } },
    },
  };
  const rules = compileCrdRules(schema);
  assert.deepEqual(rules.check({ ports: [{ number: 80 }, { number: 443 }], labels: { app: "a" } }), { violations: [], evaluated: 4 });
  assert.deepEqual(rules.check({ ports: [{ number: 80 }, { number: 70000 }, { number: 80 }], labels: { app: "a", tier: "*" } }).violations, [
    "/ports port numbers must be unique",
    "/ports/1/number port out of range",
    "/labels/tier no wildcard",
  ]);
});

test("the Kubernetes URL functions read URLs as the API server does (Go's url.ParseRequestURI)", () => {
  assert.deepEqual(parseRequestUri("HTTPS://jwks.example.com/keys"), { scheme: "https" });
  assert.deepEqual(parseRequestUri("oci://registry.example.com/wasm/filter:1.0"), { scheme: "oci" });
  assert.deepEqual(parseRequestUri("/absolute/path"), { scheme: "" });
  assert.equal(parseRequestUri("registry.example.com/wasm/filter"), undefined, "no scheme and not an absolute path");
  assert.equal(parseRequestUri("http://bad host/"), undefined);
  assert.equal(parseRequestUri("http://host:port/"), undefined);
  assert.equal(parseRequestUri("http://host/%zz"), undefined);
  const readsAField = { type: "object", properties: { url: { type: "string", "x-kubernetes-validations": [{ rule: 'url(self).scheme == "http"' }] } } };
  assert.throws(() => compileCrdRules(readsAField), /does not compile/, "a URL is opaque: only its methods read it");

  // Istio's own rule for a WasmPlugin's url, taken from its CRD.
  const wasm = crdSchemas(ISTIO_VERSIONS.at(-1)!).find((c) => c.kind === "WasmPlugin" && c.version === "v1alpha1");
  assert.ok(wasm);
  const rules = compileCrdRules(wasm.schema);
  assert.deepEqual(rules.check({ spec: { url: "oci://registry.example.com/wasm/filter:1.0" } }).violations, []);
  assert.deepEqual(rules.check({ spec: { url: "registry.example.com/wasm/filter:1.0" } }).violations, [], "taken as http://...");
  assert.equal(rules.check({ spec: { url: "ftp://registry.example.com/filter.wasm" } }).violations.length, 1);
});

test("the Istio objects the program renders meet their CRDs' CEL rules, in every pinned version", async () => {
  const renders = [
    await renderShipped("dev"),
    await renderShipped("prod"),
    expectRendered(await renderTopology({ remoteClusters: 4, networks: 2, mode: "hostname", samples: true })),
    expectRendered(await renderTopology({ remoteClusters: 3, networks: 3, mode: "loadBalancer", samples: true })),
  ];
  const objects = renders.flatMap((r) => istioObjects(clusterObjects(evaluationOf(r))));
  assert.ok(objects.length >= 10);
  for (const version of ISTIO_VERSIONS) {
    const crds = new Map<string, CrdRules>(crdSchemas(version).map((c) => [`${c.group}/${c.version}/${c.kind}`, compileCrdRules(c.schema)]));
    let evaluated = 0;
    for (const { urn, object } of objects) {
      const rules = crds.get(`${String(object.apiVersion)}/${String(object.kind)}`);
      assert.ok(rules, `${urn}: Istio ${version} has a CRD for it`);
      const result = rules.check(object);
      assert.deepEqual(result.violations, [], urn);
      evaluated += result.evaluated;
    }
    assert.ok(evaluated > 0, `Istio ${version}: rules ran on the rendered objects (Gateway TLS settings)`);
  }
});

test("an Istio object that breaks a CEL rule is rejected with the rule's message", async () => {
  const objects = istioObjects(clusterObjects(evaluationOf(await renderShipped("prod"))));
  const gateway = objects.find((o) => o.object.kind === "Gateway" && JSON.stringify(o.object).includes("credentialName"));
  const virtualService = objects.find((o) => o.object.kind === "VirtualService" && "http" in (o.object.spec as object));
  assert.ok(gateway && virtualService, "prod (hostname mode) has a TLS Gateway and an HTTP VirtualService");

  const gatewaySpec = gateway.object.spec as { servers: { tls: Record<string, unknown> }[] };
  const [first, ...others] = gatewaySpec.servers;
  const twoCredentials = { ...first!, tls: { ...first!.tls, credentialNames: ["other-tls"] } };
  const brokenGateway = { ...gateway, object: { ...gateway.object, spec: { ...gatewaySpec, servers: [twoCredentials, ...others] } } };

  const vsSpec = virtualService.object.spec as { http: Record<string, unknown>[] };
  const tooShort = { ...vsSpec.http[0]!, timeout: "500us" };
  const brokenVirtualService = { ...virtualService, object: { ...virtualService.object, spec: { ...vsSpec, http: [tooShort, ...vsSpec.http.slice(1)] } } };

  for (const version of ISTIO_VERSIONS) {
    assert.deepEqual(await schemaViolations([gateway, virtualService], version), []);
    assert.deepEqual(await schemaViolations([brokenGateway, brokenVirtualService], version), [
      `${gateway.urn}: /spec/servers/0/tls only one of credentialName or credentialNames can be set`,
      `${virtualService.urn}: /spec/http/0/timeout must be a valid duration greater than 1ms`,
    ]);
  }
});
