/**
 * Issue 23, stack files the editor checks: `stack-config.schema.json` is what `npm run stack-schema` generates from
 * the program's config rules; every shipped stack file names it in its first line and is accepted by it; and a
 * standard JSON Schema validator (ajv) with it rejects at least 60% of the bad-stack corpus that a schema can judge
 * (entries judged against a deployed or operator stack's outputs aside), new entries included as they are added.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import Ajv from "ajv";
import { parse } from "yaml";
import { STACK_SCHEMA_FILE, stackSchemaText } from "../tools/writeStackConfigSchema";

const ROOT = path.resolve(__dirname, "..");
const BAD_STACKS = path.join(__dirname, "fixtures", "bad-stacks");
const MIN_REJECTED = 0.6;
const SCHEMA_LINE = /^# yaml-language-server: \$schema=(\S+)$/;

const committed = JSON.parse(readFileSync(STACK_SCHEMA_FILE, "utf8")) as Record<string, unknown>;
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false }).compile(committed);

/** Every stack file we ship or test with as a valid stack: the project's and the fixtures' valid stacks. */
const stackFiles = [
  ...readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f)).map((f) => path.join(ROOT, f)),
  ...readdirSync(path.join(__dirname, "fixtures", "stacks")).filter((f) => f.endsWith(".yaml")).map((f) => path.join(__dirname, "fixtures", "stacks", f)),
];

const errorsOf = (): string => JSON.stringify(validate.errors?.slice(0, 5), null, 1);

test("stack-config.schema.json is what `npm run stack-schema` generates from the config rules", () => {
  assert.equal(readFileSync(STACK_SCHEMA_FILE, "utf8"), stackSchemaText(), "stale: run `npm run stack-schema` and commit stack-config.schema.json");
});

test("the shipped stack files are there", () => {
  assert.ok(stackFiles.filter((f) => path.dirname(f) === ROOT).length >= 4, stackFiles.join(", "));
});

for (const file of stackFiles) {
  const name = path.relative(ROOT, file);
  test(`${name} names the schema in its first line, and the schema accepts it`, () => {
    const text = readFileSync(file, "utf8");
    const ref = SCHEMA_LINE.exec(text.split("\n")[0] ?? "")?.[1];
    assert.ok(ref, `${name}: the first line must be "# yaml-language-server: $schema=<relative path to stack-config.schema.json>"`);
    assert.equal(path.resolve(path.dirname(file), ref), STACK_SCHEMA_FILE, `${name}: the schema line points at ${ref}`);
    assert.ok(validate(parse(text)), `${name}: ${errorsOf()}`);
  });
}

test("the schema accepts what the program accepts beyond the shipped files: bare keys, secure values, strings for booleans, an ESC import", () => {
  const stack = {
    environment: ["istio-mesh/prod-credentials"],
    config: {
      "kubernetes:strictMode": "true",
      "some-provider:region": 3,
      istio: { version: "1.30.3", chartRepository: "oci://registry.example.com/istio" },
      "istio-mesh:clusters": {
        external: { name: "external", context: "ctx-external", istioSystem: "existing" },
        config: { name: "cluster1", context: "ctx-1", apiServer: "https://203.0.113.10:6443", network: "network1", gateways: { ingress: true } },
        remotes: [{ name: "cluster2", context: "ctx-2", apiServer: "https://api.two.example.com", network: "network2", istioVersion: "1.29.6" }],
      },
      "istio-mesh:exposure": { mode: "hostname", hostname: "istiod.mesh.example.com", tls: { secretName: "istiod-tls", create: true } },
      "istio-mesh:tlsCertificate": "-----BEGIN CERTIFICATE-----",
      "istio-mesh:tlsKey": { secure: "v1:abc" },
      "istio-mesh:kubeconfig": { secure: "v1:def" },
      "istio-mesh:samples": "true",
      "istio-mesh:eastWestGateways": "auto",
    },
  };
  assert.ok(validate(stack), errorsOf());
});

test("the schema refuses what a stack file must not have: unknown istio-mesh keys, a misspelt namespace, loadBalancer with a hostname", () => {
  const base = {
    "istio-mesh:istio": { version: "1.28.10" },
    "istio-mesh:clusters": {
      external: { name: "external", context: "ctx-external" },
      config: { name: "cluster1", context: "ctx-1", apiServer: "https://api.one.example.com:6443", network: "network1" },
    },
    "istio-mesh:exposure": { mode: "loadBalancer" },
  };
  assert.ok(validate({ config: base }), errorsOf());
  assert.equal(validate({ config: { ...base, "istio-mesh:protekt": true } }), false, "unknown key");
  assert.equal(validate({ config: { ...base, "istio-mseh:protect": true } }), false, "namespace typo");
  assert.equal(validate({ config: { ...base, "istio-mesh:exposure": { mode: "loadBalancer", hostname: "istiod.example.com" } } }), false, "hostname in loadBalancer mode");
  assert.equal(validate({ config: { ...base, "istio-mesh:istio": { version: "1.23.0" } } }), false, "Istio older than 1.24");
  assert.ok(validate({ config: { ...base, "istio-mesh:istio": { version: "1.30.0-rc.1" } } }), `a pre-release, as the program takes it: ${errorsOf()}`);
  assert.ok(validate({ config: { ...base, "istio-mesh:istio": { version: "1.124.0" } } }), "minor versions above 99");
});

test(`the schema rejects at least ${MIN_REJECTED * 100}% of the bad-stack corpus a schema can judge`, () => {
  const judged: string[] = [];
  const missed: string[] = [];
  for (const file of readdirSync(BAD_STACKS).filter((f) => f.endsWith(".yaml")).sort()) {
    const text = readFileSync(path.join(BAD_STACKS, file), "utf8");
    // Judged against another stack's outputs: no schema of this file alone can say.
    if (/^# (deployed|operator)-outputs: /m.test(text)) continue;
    let doc: unknown;
    try {
      doc = parse(text);
    } catch {
      continue;
    }
    judged.push(file);
    if (validate(doc)) missed.push(file);
  }
  const ratio = (judged.length - missed.length) / judged.length;
  assert.ok(judged.length >= 30, `${judged.length} entries judged`);
  assert.ok(ratio >= MIN_REJECTED, `rejects ${(ratio * 100).toFixed(1)}% (${judged.length - missed.length} of ${judged.length}); accepted: ${missed.join(", ")}`);
});

test("the schema file exists where the stack files point", () => {
  assert.ok(existsSync(STACK_SCHEMA_FILE));
});
