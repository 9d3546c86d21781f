/**
 * Issue 14: the component's arguments are checked by the same rules as the stack file, at the same key paths, with the
 * same messages; only what differs between the two surfaces (where credentials go, how east-west gateways are
 * switched, Outputs where a plain value is needed) has messages of its own.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { decodeEntries, namespaceEntries, validateMeshConfig } from "../infra/config/validate";
import { formatArgProblems, MeshArgsError, validateMeshArgs } from "../component/config/args";
import type { Problem } from "../component/config/problems";
import { EastWestGatewayMode, ExposureMode, IstioSystemNamespace, type ExternalControlPlaneMeshArgs } from "../component/meshArgs";
import { parseStackConfig, StackFileError } from "../render/stackFile";

const CORPUS = path.join(__dirname, "fixtures", "bad-stacks");
/** Keys whose place or spelling differs between the surfaces (a fixture with a problem at one is not compared). */
const SURFACE_KEYS = ["kubeconfig", "tlsCertificate", "tlsKey", "eastWestGateways", "stackKind", "operatorStack", "registryCredentials"];

/** `path: message`, sorted; the list of known keys after an unknown one differs by the surface's own keys. */
const lines = (problems: readonly Problem[]) =>
  problems.map((p) => `${p.path}: ${p.message}`.replace(/\(expected one of: [^)]*\)/, "(expected one of: ...)")).sort();

test("every broken stack of the corpus whose keys both surfaces share: the same problems as arguments", () => {
  let compared = 0;
  for (const file of readdirSync(CORPUS).filter((f) => f.endsWith(".yaml"))) {
    const text = readFileSync(path.join(CORPUS, file), "utf8");
    if (text.includes("# deployed-outputs: ")) continue;
    let parsed;
    try {
      parsed = parseStackConfig(text, "istio-mesh", file);
    } catch (err) {
      if (err instanceof StackFileError) continue;
      throw err;
    }
    const { entries, secretKeys } = namespaceEntries(parsed.config, parsed.secretKeys, "istio-mesh");
    if (SURFACE_KEYS.some((k) => k in entries)) continue;
    const asStack = validateMeshConfig(entries, secretKeys, file);
    if (!asStack.ok && asStack.problems.some((p) => SURFACE_KEYS.includes(p.path))) continue;
    const asArgs = validateMeshArgs(decodeEntries(entries));
    assert.equal(asArgs.ok, asStack.ok, file);
    if (!asStack.ok && !asArgs.ok) assert.deepEqual(lines(asArgs.problems), lines(asStack.problems), file);
    compared++;
  }
  assert.ok(compared >= 40, `${compared} fixtures compared`);
});

/** The prod stack's mesh, as arguments. */
function prodArgs(): ExternalControlPlaneMeshArgs {
  return {
    istio: { version: "1.28.10", chartRepository: "https://istio-release.storage.googleapis.com/charts" },
    mesh: { id: "mesh-prod", controlPlaneNamespace: "external-istiod" },
    clusters: {
      external: { name: "cp-eu-west", context: "gke_acme-mesh_europe-west1_cp-eu-west", istioSystem: IstioSystemNamespace.Existing },
      config: {
        name: "apps-eu-west",
        context: "gke_acme-apps_europe-west1_apps-eu-west",
        apiServer: "https://34.76.10.21",
        network: "network-eu-west",
        gateways: { ingress: true, egress: true },
      },
      remotes: [
        {
          name: "apps-us-east",
          context: "gke_acme-apps_us-east1_apps-us-east",
          apiServer: "https://35.196.44.7",
          network: "network-us-east",
          gateways: { ingress: true, egress: true },
        },
      ],
    },
    exposure: { mode: ExposureMode.Hostname, hostname: "istiod.mesh.acme.example", tls: { secretName: "istiod-mesh-acme-example-tls", create: false } },
    eastWestGateways: EastWestGatewayMode.Auto,
    samples: false,
    protect: true,
    remoteSecretRotation: "2026-11",
  };
}

test("the prod stack and its arguments give the same mesh model", () => {
  const stack = parseStackConfig(readFileSync(path.join(__dirname, "..", "Pulumi.prod.yaml"), "utf8"), "istio-mesh", "Pulumi.prod.yaml");
  const { entries, secretKeys } = namespaceEntries(stack.config, stack.secretKeys, "istio-mesh");
  const fromStack = validateMeshConfig(entries, secretKeys, "Pulumi.prod.yaml");
  const fromArgs = validateMeshArgs(prodArgs());
  assert.ok(fromStack.ok && fromArgs.ok);
  const { kind: _kind, source: _source, kubeconfigInConfig: _kubeconfig, registryCredentialsInConfig: _registry, document, ...model } = fromStack.config;
  assert.deepEqual(fromArgs.config, model);
  assert.deepEqual(fromArgs.document, document);
});

/** Problems of `args`, as the component reports them. */
function problemsOf(args: unknown): string[] {
  const result = validateMeshArgs(args);
  assert.equal(result.ok, false, "the arguments are refused");
  return result.ok ? [] : formatArgProblems("prod", result.problems).sort();
}

test("messages name the component and the argument path, every problem at once", () => {
  const args = prodArgs();
  const remote = args.clusters.remotes![0]!;
  const problems = problemsOf({
    ...args,
    clusters: { ...args.clusters, remotes: [{ ...remote, name: "West_2" }, { ...remote, name: "west-3", context: args.clusters.config.context }] },
    samples: true,
    mesh: { controlPlaneNamespace: "istio-system" },
  });
  assert.deepEqual(problems, [
    'ExternalControlPlaneMesh "prod": clusters.remotes[0].name: "West_2" is not a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters)',
    'ExternalControlPlaneMesh "prod": clusters.remotes[1].context: "gke_acme-apps_europe-west1_apps-eu-west" is already the context of clusters.config; each cluster needs its own context',
    'ExternalControlPlaneMesh "prod": mesh.controlPlaneNamespace: "istio-system" is reserved (it hosts the external cluster\'s gateway and its own istiod); use a dedicated namespace such as "external-istiod"',
  ]);
});

test("east-west gateways: the enum's spelling in messages", () => {
  assert.deepEqual(problemsOf({ ...prodArgs(), eastWestGateways: EastWestGatewayMode.Disabled }), [
    'ExternalControlPlaneMesh "prod": eastWestGateways: is "disabled", but the remote clusters span 2 networks (network-eu-west, network-us-east); traffic between networks needs east-west gateways',
  ]);
  assert.deepEqual(problemsOf({ ...prodArgs(), eastWestGateways: true }), ['ExternalControlPlaneMesh "prod": eastWestGateways: must be "auto", "enabled" or "disabled"']);
});

test("TLS material lives under exposure.tls, only with create, and is never echoed", () => {
  const args = prodArgs();
  const tls = { secretName: "istiod-tls", create: true };
  assert.deepEqual(problemsOf({ ...args, exposure: { ...args.exposure, tls } }), [
    'ExternalControlPlaneMesh "prod": exposure.tls.certificate: is required when exposure.tls.create is true (the PEM certificate chain)',
    'ExternalControlPlaneMesh "prod": exposure.tls.privateKey: is required when exposure.tls.create is true (the PEM private key)',
  ]);
  const key = pulumi.secret("PLAIN-TEXT-KEY");
  const stray = problemsOf({ ...args, exposure: { ...args.exposure, tls: { secretName: "istiod-tls", privateKey: key } } });
  assert.deepEqual(stray, [
    'ExternalControlPlaneMesh "prod": exposure.tls.privateKey: is set but exposure.tls.create is not true; remove it, or set exposure.tls.create to create the Secret from it',
  ]);
  const wrongType = problemsOf({ ...args, exposure: { ...args.exposure, tls: { ...tls, certificate: 42, privateKey: key } } });
  assert.deepEqual(wrongType, ['ExternalControlPlaneMesh "prod": exposure.tls.certificate: must be a string']);
});

test("an Output where a plain value decides the mesh's resources is refused with why", () => {
  const args = prodArgs();
  const problems = problemsOf({ ...args, clusters: { ...args.clusters, config: { ...args.clusters.config, name: pulumi.output("apps-eu-west") } } });
  assert.deepEqual(problems, [
    'ExternalControlPlaneMesh "prod": clusters.config.name: must be a plain value known when the program runs, not an Output: it decides which resources the mesh has',
  ]);
});

test("credentials may be plain strings or Outputs, secret or not: another language marks them as it likes", () => {
  const args = prodArgs();
  const kubeconfigs = ["apiVersion: v1", pulumi.output("apiVersion: v1"), pulumi.secret("apiVersion: v1")];
  for (const kubeconfig of kubeconfigs) {
    const result = validateMeshArgs({ ...args, clusters: { ...args.clusters, external: { ...args.clusters.external, kubeconfig } } });
    assert.ok(result.ok);
  }
});

test("null members are unset arguments, as other languages' SDKs may send them", () => {
  const args = prodArgs();
  const result = validateMeshArgs({ ...args, samples: null, mesh: { id: null, controlPlaneNamespace: "external-istiod" } });
  assert.ok(result.ok);
  assert.equal(result.config.meshId, "mesh1");
  assert.equal(result.config.samples, false);
});

test("MeshArgsError: the lines in its message, each argument path and reason for the engine", () => {
  const result = validateMeshArgs({ ...prodArgs(), protect: "yes" });
  assert.ok(!result.ok);
  const error = new MeshArgsError("prod", result.problems);
  assert.ok(pulumi.InputPropertiesError.isInstance(error));
  assert.deepEqual(error.errors, [{ propertyPath: "protect", reason: "must be a boolean, got a string" }]);
  assert.equal(error.message, 'invalid arguments:\n  ExternalControlPlaneMesh "prod": protect: must be a boolean, got a string');
});
