/**
 * Issue 14: `ExternalControlPlaneMesh` as another language's program gets it. The plugin host receives the
 * arguments over gRPC and hands them to the component through `deserializeInputs` and
 * `ComponentProvider.construct` (`@pulumi/pulumi` `provider/server.js`, `provider/experimental/provider.js`); these
 * tests call the same two functions, under the mock runtime, with arguments encoded as an SDK of another language
 * sends them: plain objects, enums as their strings, credentials as secret output values.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { stringify } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { specialOutputValueSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import * as server from "@pulumi/pulumi/provider/server";
import { decodeEntries, namespaceEntries } from "../infra/config/validate";
import { MeshArgsError } from "../component/config/args";
import { ExternalControlPlaneMesh, MESH_TYPE } from "../component/externalControlPlaneMesh";
import { evaluate, ProgramError, type Evaluation } from "../render/evaluate";
import { SECRET, toRendered, type Rendered } from "../render/model";
import { parseStackConfig } from "../render/stackFile";
import { expectRendered, renderConfig, renderText } from "./support/render";
import { canaryConfig, everyResourceKindConfig } from "./support/urns";

const PROJECT_DIR = path.resolve(__dirname, "..");

/** `deserializeInputs` is internal to the SDK (no typings); the host's `construct` calls it first. */
type DeserializeInputs = (inputs: { toJavaScript(): unknown }, dependencies: Map<string, never>) => Promise<pulumi.Inputs>;
const { deserializeInputs } = server as unknown as { deserializeInputs: DeserializeInputs };

/** A secret as an SDK of another language puts it on the wire: an output value marked secret. */
const secretOnTheWire = (value: string) => ({ [specialSigKey]: specialOutputValueSig, value, secret: true });

/**
 * A stack file's mesh as a C# program would write it with the generated SDK and send it: the same shape, the
 * east-west switch as the enum's string, kubeconfig on every cluster and the TLS material under `exposure.tls`.
 */
function wireArgs(stackFileText: string): Record<string, unknown> {
  const parsed = parseStackConfig(stackFileText, "istio-mesh", "stack");
  const { entries } = namespaceEntries(parsed.config, parsed.secretKeys, "istio-mesh");
  const { kubeconfig, tlsCertificate, tlsKey, eastWestGateways, ...doc } = decodeEntries(entries) as Record<string, unknown> & {
    clusters: { external: object; config: object; remotes?: object[] };
    exposure: { tls?: object };
    kubeconfig?: string;
    tlsCertificate?: string;
    tlsKey?: string;
  };
  const cred = (v: string | undefined) => (v === undefined ? {} : { kubeconfig: secretOnTheWire(v) });
  const { external, config, remotes = [] } = doc.clusters;
  return {
    ...doc,
    clusters: { external: { ...external, ...cred(kubeconfig) }, config: { ...config, ...cred(kubeconfig) }, remotes: remotes.map((r) => ({ ...r, ...cred(kubeconfig) })) },
    exposure: {
      ...doc.exposure,
      ...(doc.exposure.tls
        ? {
            tls: {
              ...doc.exposure.tls,
              ...(tlsCertificate !== undefined ? { certificate: secretOnTheWire(tlsCertificate) } : {}),
              ...(tlsKey !== undefined ? { privateKey: secretOnTheWire(tlsKey) } : {}),
            },
          }
        : {}),
    },
    ...(eastWestGateways === undefined ? {} : { eastWestGateways: eastWestGateways === true ? "enabled" : eastWestGateways === false ? "disabled" : eastWestGateways }),
  };
}

/** Evaluates what the plugin host does for one `ExternalControlPlaneMesh` of another language's stack. */
function constructAsThePluginHost(stack: string, wire: Record<string, unknown>): Promise<Evaluation> {
  return evaluate({
    project: "istio-mesh",
    stack,
    config: {},
    secretKeys: [],
    program: async () => {
      const inputs = await deserializeInputs({ toJavaScript: () => wire }, new Map<string, never>());
      const host = new ComponentProvider({ name: "istio-mesh", dirname: PROJECT_DIR, components: [ExternalControlPlaneMesh] });
      const state: Record<string, unknown> = (await host.construct("mesh", MESH_TYPE, inputs, {})).state;
      // What the caller would export: the component's outputs, under the program's stack output names.
      return {
        EXTERNAL_ISTIOD_ADDR: state.externalIstiodAddress,
        controlPlaneLoadBalancer: state.controlPlaneLoadBalancer,
        remotes: state.remotes,
        helloworldUrl: state.helloworldUrl,
        revisions: state.revisions,
        revisionTags: state.revisionTags,
      };
    },
  });
}

/** The program's render without what only the program has: its StackReference and the deployed-config record. */
function meshPart(rendered: Rendered): { resources: Rendered["resources"]; outputs: Record<string, unknown> } {
  const { deployedConfig: _record, ...outputs } = rendered.outputs;
  return { resources: rendered.resources.filter((r) => r.type !== "pulumi:pulumi:StackReference"), outputs };
}

const SHIPPED_DEV = readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8");
const EVERY_KIND = stringify({ config: everyResourceKindConfig() });

const CANARY = stringify({ config: canaryConfig() });

for (const [name, text] of [
  ["dev", SHIPPED_DEV],
  ["every kind of resource (hostname, TLS Secret from secrets, kubeconfig content, samples, further remotes)", EVERY_KIND],
  ["a promoted canary with a tag", CANARY],
] as const) {
  test(`constructed by the plugin host from another language's arguments: the program's resources and outputs (${name})`, async () => {
    const stack = name === "dev" ? "dev" : "full";
    const program =
      name === "dev"
        ? expectRendered(await renderText(text, "dev"))
        : expectRendered(await renderConfig(name === "a promoted canary with a tag" ? canaryConfig() : everyResourceKindConfig(), "full"));
    const host = toRendered(await constructAsThePluginHost(stack, wireArgs(text)));
    const expected = meshPart(program.rendered);
    assert.ok(expected.resources.length > 30);
    assert.deepEqual(host.resources, expected.resources);
    assert.deepEqual(host.outputs, expected.outputs);
  });
}

test("credentials from another language are secret whatever the caller marked them", async () => {
  const wire = wireArgs(EVERY_KIND) as { clusters: { external: Record<string, unknown> }; exposure: { tls: Record<string, unknown> } };
  wire.clusters.external.kubeconfig = "apiVersion: v1 # plain, not marked secret";
  wire.exposure.tls.privateKey = "-----BEGIN PRIVATE KEY----- plain";
  const rendered = toRendered(await constructAsThePluginHost("full", wire));
  const provider = rendered.resources.find((r) => r.type === "pulumi:providers:kubernetes" && r.name === "external");
  assert.equal(provider?.inputs.kubeconfig, SECRET);
  const tls = rendered.resources.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name === "external-tls");
  assert.equal(tls?.inputs.stringData, SECRET);
  assert.ok(!JSON.stringify(rendered).includes("PRIVATE KEY"), "the key appears nowhere in the render");
});

test("bad arguments: every problem at once, each argument path for the engine, nothing registered", async () => {
  const wire = wireArgs(EVERY_KIND) as Record<string, unknown> & { clusters: { config: Record<string, unknown> }; istio: Record<string, unknown> };
  wire.clusters.config.name = "Config_1";
  wire.istio.version = "1.22.0";
  wire.eastWestGateways = "sometimes";
  const failed = await constructAsThePluginHost("full", wire).then(
    () => assert.fail("the arguments are refused"),
    (err: unknown) => err,
  );
  assert.ok(failed instanceof ProgramError);
  assert.deepEqual(failed.registrations, [], "nothing was registered, not even the component");
  assert.ok(failed.error instanceof MeshArgsError);
  assert.ok(pulumi.InputPropertiesError.isInstance(failed.error), "the host reports it to the engine as invalid properties");
  assert.deepEqual([...failed.error.problems].sort(), [
    'ExternalControlPlaneMesh "mesh": clusters.config.name: "Config_1" is not a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters)',
    'ExternalControlPlaneMesh "mesh": eastWestGateways: must be "auto", "enabled" or "disabled"',
    'ExternalControlPlaneMesh "mesh": istio.version: Istio 1.22.0 is not supported: the charts need Istio 1.24 or newer (profile "remote" on the base and istiod charts)',
  ]);
  assert.deepEqual(failed.error.errors.map((e) => e.propertyPath).sort(), ["clusters.config.name", "eastWestGateways", "istio.version"]);
});
