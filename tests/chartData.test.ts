/**
 * Where the tests' Istio chart data comes from (ISTIO_DATA_DIR, ../shared/istio, a Helm chart repository), that
 * charts downloaded from a repository give the same data as ../shared/istio, and that a missing source is one
 * clear message. Repositories here are served on 127.0.0.1 from charts built out of the shared data.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { parse } from "yaml";
import { readChartArchive } from "./support/charts/archive";
import { templateReferences } from "./support/charts/derive";
import { sha256 } from "./support/charts/helmRepository";
import { chartsFromDataFolder, type ChartArchive } from "./support/charts/fakeCharts";
import { CHARTS, dataFile, VERSION_FILES } from "./support/charts/layout";
import { IstioDataUnavailable, prepareIstioData, prepareStep } from "./support/charts/prepare";
import { serveRepository } from "./support/charts/repositoryServer";
import { cachedDataDir, DEFAULT_CHART_REPOSITORY, DEFAULT_PLACES, resolveDataSource, type DataPlaces } from "./support/charts/source";
import { ISTIO_DATA_DIR, ISTIO_VERSIONS } from "./support/istioData";

const scratch = mkdtempSync(path.join(tmpdir(), "chart-data-test-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
let places = 0;
/** A checkout with no ../shared/istio and an empty cache. */
function bareCheckout(): DataPlaces {
  const dir = path.join(scratch, `checkout-${++places}`);
  return { sharedDir: path.join(dir, "no-shared/istio"), cacheDir: path.join(dir, ".cache/istio-charts") };
}

/** The charts of `versions` built from the data the suite itself reads. */
const chartsOf = async (versions: readonly string[]): Promise<ChartArchive[]> => (await Promise.all(versions.map((v) => chartsFromDataFolder(ISTIO_DATA_DIR, v)))).flat();

/** A repository URL nothing listens on: a server on 127.0.0.1, closed before use. */
async function unreachableRepository(): Promise<string> {
  const server = await serveRepository([]);
  await server.close();
  return server.url;
}

test("the sources, in order: ISTIO_DATA_DIR, then ../shared/istio, then the chart repository", () => {
  const withShared = bareCheckout();
  mkdirSync(withShared.sharedDir, { recursive: true });
  const without = bareCheckout();

  assert.deepEqual(resolveDataSource({ ISTIO_DATA_DIR: "/data/istio", ISTIO_CHART_REPOSITORY: "https://mirror.test/charts" }, withShared), {
    kind: "ISTIO_DATA_DIR",
    dataDir: "/data/istio",
  });
  assert.deepEqual(resolveDataSource({ ISTIO_CHART_REPOSITORY: "https://mirror.test/charts" }, withShared), { kind: "shared", dataDir: withShared.sharedDir });
  assert.deepEqual(resolveDataSource({}, without), {
    kind: "repository",
    repository: DEFAULT_CHART_REPOSITORY,
    cacheDir: without.cacheDir,
    dataDir: cachedDataDir(without.cacheDir),
  });
  assert.equal(resolveDataSource({ ISTIO_CHART_REPOSITORY: "https://mirror.test/charts" }, without).dataDir, cachedDataDir(without.cacheDir));
  assert.deepEqual(resolveDataSource({ ISTIO_CHART_REPOSITORY: "https://mirror.test/charts" }, without), {
    ...resolveDataSource({}, without),
    repository: "https://mirror.test/charts",
  });
});

test("the cache lives inside the checkout, in a folder git ignores", () => {
  const checkout = path.resolve(__dirname, "..");
  assert.equal(path.relative(checkout, DEFAULT_PLACES.cacheDir), path.join(".cache", "istio-charts"));
  // Read, not asked of git: a checkout may come without .git (a downloaded archive).
  const ignored = readFileSync(path.join(checkout, ".gitignore"), "utf8").split("\n").map((l) => l.trim());
  assert.ok(ignored.includes(".cache/") || ignored.includes("/.cache/"), ".gitignore lists .cache/");
});

test("a folder source that holds every file needs no network", async () => {
  const prepared = await prepareIstioData(ISTIO_VERSIONS, { ISTIO_DATA_DIR, ISTIO_CHART_REPOSITORY: await unreachableRepository() });
  assert.equal(prepared.source.kind, "ISTIO_DATA_DIR");
  assert.deepEqual(prepared.downloaded, []);
});

test("charts from a Helm repository: derived like ../shared/istio, each archive downloaded once, then nothing", async () => {
  // Relative and absolute archive URLs both occur in real index.yaml files.
  const server = await serveRepository(await chartsOf(ISTIO_VERSIONS), { absolute: (c) => c.name === "istiod" });
  try {
    const checkout = bareCheckout();
    const env = { ISTIO_CHART_REPOSITORY: server.url };

    const first = await prepareIstioData(ISTIO_VERSIONS, env, checkout);
    const archives = server.requests.filter((r) => r.endsWith(".tgz"));
    assert.equal(archives.length, CHARTS.length * ISTIO_VERSIONS.length);
    assert.equal(new Set(archives).size, archives.length, "no archive twice");
    assert.equal(first.downloaded.length, archives.length);
    assert.ok(archives.some((r) => r.startsWith("/archives/")) && archives.some((r) => r.startsWith("/charts/")));

    for (const version of ISTIO_VERSIONS) {
      const derived = (file: string) => readFileSync(path.join(first.source.dataDir, version, file), "utf8");
      const shared = (file: string) => readFileSync(path.join(ISTIO_DATA_DIR, version, file), "utf8");
      for (const chart of CHARTS) {
        assert.equal(derived(dataFile.valuesPaths(chart)), shared(dataFile.valuesPaths(chart)), `${version} ${chart} values paths`);
        assert.equal(derived(dataFile.templateRefs(chart)), shared(dataFile.templateRefs(chart)), `${version} ${chart} template refs`);
        assert.equal(derived(dataFile.values(chart)), shared(dataFile.values(chart)));
      }
      assert.equal(derived(dataFile.gatewaySchema), shared(dataFile.gatewaySchema));
      assert.equal(derived(dataFile.crds), shared(dataFile.crds));
      // The chart's copy carries a DO-NOT-EDIT header that some shared versions lack; the values are the same.
      assert.deepEqual(parse(derived(dataFile.remoteProfile)), parse(shared(dataFile.remoteProfile)));
      assert.match(derived(dataFile.remoteProfile), /^# WARNING: DO NOT EDIT, THIS FILE IS A COPY\./);
    }

    server.requests.length = 0;
    const second = await prepareIstioData(ISTIO_VERSIONS, env, checkout);
    assert.deepEqual(server.requests, [], "a complete cache is used without asking the repository");
    assert.deepEqual(second.downloaded, []);

    // Derived data lost, archives kept: index.yaml is read again, no archive is.
    rmSync(cachedDataDir(checkout.cacheDir), { recursive: true });
    await prepareIstioData(ISTIO_VERSIONS, env, checkout);
    assert.deepEqual(server.requests, ["/charts/index.yaml"]);
    assert.deepEqual(VERSION_FILES.filter((f) => !existsSync(path.join(second.source.dataDir, ISTIO_VERSIONS[0], f))), []);
  } finally {
    await server.close();
  }
});

test("an archive whose sha256 is not the one index.yaml gives is refused, and nothing of it is kept", async () => {
  const version = ISTIO_VERSIONS.at(-1)!;
  const wrong = "0".repeat(64);
  const tampered = await serveRepository(await chartsOf([version]), { digest: (c) => (c.name === "gateway" ? wrong : sha256(c.archive)) });
  try {
    const checkout = bareCheckout();
    await assert.rejects(prepareIstioData([version], { ISTIO_CHART_REPOSITORY: tampered.url }, checkout), (err: Error) => {
      assert.ok(err instanceof IstioDataUnavailable);
      assert.match(err.message, new RegExp(`refused .*gateway-${version.replaceAll(".", "\\.")}\\.tgz: its sha256 is [0-9a-f]{64}, index\\.yaml says ${wrong}`));
      return true;
    });
    assert.equal(existsSync(path.join(checkout.cacheDir, "archives", `gateway-${version}.tgz`)), false);
    assert.equal(existsSync(path.join(cachedDataDir(checkout.cacheDir), version)), false);
  } finally {
    await tampered.close();
  }
});

test("a cached archive that no longer matches index.yaml is downloaded again", async () => {
  const version = ISTIO_VERSIONS[0];
  const server = await serveRepository(await chartsOf([version]));
  try {
    const checkout = bareCheckout();
    const env = { ISTIO_CHART_REPOSITORY: server.url };
    await prepareIstioData([version], env, checkout);
    writeFileSync(path.join(checkout.cacheDir, "archives", `base-${version}.tgz`), "damaged");
    rmSync(cachedDataDir(checkout.cacheDir), { recursive: true });
    server.requests.length = 0;
    const again = await prepareIstioData([version], env, checkout);
    assert.deepEqual(server.requests, ["/charts/index.yaml", `/charts/base-${version}.tgz`]);
    assert.equal(again.downloaded.length, 1);
  } finally {
    await server.close();
  }
});

test("no source reachable: one message naming the three ways, no stack trace", async () => {
  const repository = await unreachableRepository();
  const { ok, message } = await prepareStep(ISTIO_VERSIONS, { ISTIO_CHART_REPOSITORY: repository }, bareCheckout());
  assert.equal(ok, false);
  assert.match(message, /ISTIO_DATA_DIR is not set/);
  assert.match(message, /\.\.\/shared\/istio does not exist/);
  assert.match(message, new RegExp(`the chart repository ${repository} failed: .*ECONNREFUSED`));
  assert.match(message, /1\. ISTIO_DATA_DIR=.*\n.*2\. \.\.\/shared\/istio.*\n.*3\. .*\n.*ISTIO_CHART_REPOSITORY=/);
  assert.doesNotMatch(message, /^\s+at /m);
});

test("npm test's first step exits 1 with that one message on stderr", () => {
  const checkout = path.resolve(__dirname, "..");
  const run = spawnSync(process.execPath, ["--import", "tsx", "tests/support/charts/cli.ts"], {
    cwd: checkout,
    encoding: "utf8",
    env: { ...process.env, ISTIO_DATA_DIR: path.join(scratch, "nowhere") },
    timeout: 60_000,
  });
  assert.equal(run.status, 1);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /^The tests need Istio's chart data .*\n {2}- ISTIO_DATA_DIR \(.*nowhere\) does not exist\nProvide it in one of three ways:/);
  assert.doesNotMatch(run.stderr, /^\s+at /m);
});

test("ISTIO_CHART_REPOSITORY must be an http(s) Helm repository", async () => {
  const { ok, message } = await prepareStep(ISTIO_VERSIONS, { ISTIO_CHART_REPOSITORY: "oci://registry.test/istio" }, bareCheckout());
  assert.equal(ok, false);
  assert.match(message, /ISTIO_CHART_REPOSITORY must be an http\(s\):\/\/ URL of a Helm chart repository, got "oci:\/\/registry\.test\/istio"/);
});

test("template references: every way Istio's templates read a value", () => {
  const template = [
    "{{- if .Values.pilot.env }}",
    "  hub: {{ .Values.global.hub }}:{{ $.Values.global.tag | default .Chart.AppVersion }}",
    "  zone: {{ (.Values.global).meshID }} {{ ((.Values.meshConfig).defaultConfig).proxyMetadata }}",
    '  {{- $ca := index .Values "global" "caAddress" }} {{ index $.Values.sidecarInjectorWebhook "templates" $name }}',
    "  {{ toYaml .Values | sha256sum }} {{ .Release.Namespace }}",
    "{{- end }}",
    "{{/* .Values.defaults holds the chart defaults */}}",
  ].join("\n");
  assert.deepEqual(templateReferences(template), [
    "defaults",
    "global.caAddress",
    "global.hub",
    "global.meshID",
    "global.tag",
    "meshConfig.defaultConfig.proxyMetadata",
    "pilot.env",
    "sidecarInjectorWebhook.templates",
  ]);
});

test("a chart archive that is not one is refused", async () => {
  await assert.rejects(readChartArchive(Buffer.from("not a gzipped tar")));
});
