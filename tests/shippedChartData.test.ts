/**
 * The chart data the package ships (`component/chartData`, `npm run chart-data`) is what the script derives from the
 * tests' chart data (../shared/istio or wherever `ISTIO_DATA_DIR` points), for every version the tests know; and the
 * package's small schema validator judges gateway values as ajv does with the same schemas.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { Ajv } from "ajv";
import { chartDataFor, shippedChartData } from "../component/config/chartData";
import { isSchemaSupported, schemaViolations } from "../component/config/gatewaySchema";
import { deriveShippedChartData, SHIPPED_VERSIONS, shippedFileName, shippedText } from "../tools/chartData";
import { gatewaySchema, ISTIO_DATA_DIR, ISTIO_VERSIONS } from "./support/istioData";

const SHIPPED_DIR = path.join(__dirname, "..", "component", "chartData");

test("the package ships data for every Istio version the tests know, one per minor", () => {
  assert.deepEqual([...SHIPPED_VERSIONS], [...ISTIO_VERSIONS]);
  assert.deepEqual(
    [...shippedChartData().values()].map((d) => d.version),
    [...ISTIO_VERSIONS],
  );
});

for (const version of ISTIO_VERSIONS) {
  test(`component/chartData/${shippedFileName(version)} is derived from the chart data of ${version} (run \`npm run chart-data\` when this fails)`, () => {
    const shipped = readFileSync(path.join(SHIPPED_DIR, shippedFileName(version)), "utf8");
    assert.equal(shipped, shippedText(deriveShippedChartData(ISTIO_DATA_DIR, version)));
  });
}

test("a patch release without data of its own is checked against its minor's, and says so; a minor without data is none", () => {
  const own = chartDataFor("1.28.10");
  assert.ok(own.found && own.note === undefined);
  const other = chartDataFor("1.28.2");
  assert.ok(other.found);
  assert.equal(other.data.version, "1.28.10");
  assert.match(other.note ?? "", /1\.28\.2 has no chart data of its own.*1\.28\.10/);
  assert.deepEqual(chartDataFor("1.27.4"), { found: false, available: [...ISTIO_VERSIONS] });
});

test("the package's schema validator agrees with ajv on the gateway schemas", () => {
  const samples: unknown[] = [
    {},
    { replicaCount: 2, service: { annotations: { a: "b" }, type: "LoadBalancer" } },
    { replicaCount: "two" },
    { kind: "Pod" },
    { servce: {} },
    { imagePullSecrets: [{ name: "x" }] },
    { imagePullSecrets: "x" },
    { service: { ipFamilies: ["IPv5"] } },
    { annotations: { a: 1, b: true } },
    { labels: { app: "x" }, podAnnotations: { "inject.istio.io/templates": 3 } },
    { securityContext: null, autoscaling: { enabled: "yes" } },
  ];
  for (const version of ISTIO_VERSIONS) {
    const { $schema: _ignored, ...schema } = gatewaySchema(version);
    assert.equal(isSchemaSupported(schema), true);
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    for (const values of samples) {
      assert.equal(schemaViolations(values, schema).length === 0, validate(values), `${version}: ${JSON.stringify(values)}`);
    }
  }
});

test("a schema using more of JSON Schema than the validator checks is not shipped", () => {
  assert.match(String(isSchemaSupported({ type: "object", properties: { a: { type: "string", pattern: "^x" } } })), /"pattern" at #\/properties\/a/);
  assert.match(String(isSchemaSupported({ oneOf: [] })), /"oneOf"/);
  assert.match(String(isSchemaSupported({ $ref: "https://example.com/schema" })), /\$ref/);
});
