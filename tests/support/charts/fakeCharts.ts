/**
 * Tiny Helm chart archives for tests, built from a chart data folder (`../shared/istio/<version>/`): the real
 * values, gateway schema, CRDs and remote profile, and generated templates that read exactly the values the
 * folder's template-refs list names, in the syntaxes Istio's templates use.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { create } from "tar";
import { CHARTS, dataFile, type Chart } from "./layout";

export interface ChartArchive {
  name: string;
  version: string;
  archive: Buffer;
}

/** `<name>/<file>` entries, gzipped, as `helm package` lays them out. */
export async function buildChartArchive(name: string, version: string, files: Readonly<Record<string, string>>): Promise<ChartArchive> {
  const dir = mkdtempSync(path.join(tmpdir(), "chart-"));
  try {
    const all = { "Chart.yaml": `apiVersion: v2\nname: ${name}\nversion: ${version}\nappVersion: ${version}\n`, ...files };
    for (const [file, content] of Object.entries(all)) {
      mkdirSync(path.dirname(path.join(dir, name, file)), { recursive: true });
      writeFileSync(path.join(dir, name, file), content);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of create({ gzip: true, cwd: dir, portable: true }, [name])) chunks.push(chunk);
    return { name, version, archive: Buffer.concat(chunks) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One template line reading `.Values.<ref>`, in one of the forms the derivation has to read, chosen by `n`. */
function reading(ref: string, n: number): string {
  const segs = ref.split(".");
  const forms = [
    () => `value: {{ .Values.${ref} }}`,
    () => `{{- if .Values.${ref} }}\nenabled: true\n{{- end }}`,
    () => `data: {{ $.Values.${ref} | toYaml | nindent 2 }}`,
    () => `{{ index .Values ${segs.map((s) => `"${s}"`).join(" ")} | quote }}`,
    () => (segs.length > 1 ? `nilSafe: {{ (.Values.${segs.slice(0, -1).join(".")}).${segs.at(-1)} }}` : `{{- with .Values.${ref} }}{{ toYaml . }}{{- end }}`),
  ];
  return forms[n % forms.length]!();
}

/** Templates reading exactly `refs`, mixed with what reads no value (`.Release`, `.Chart`, a bare `.Values`). */
export function templatesReading(refs: readonly string[]): Record<string, string> {
  const half = Math.ceil(refs.length / 2);
  const body = (part: readonly string[], offset: number) => part.map((ref, i) => reading(ref, i + offset)).join("\n");
  return {
    "templates/_helpers.tpl": `{{- define "chart.labels" -}}\nrelease: {{ .Release.Name }}\n{{ toYaml .Values | sha256sum }}\n{{- end }}\n`,
    "templates/deployment.yaml": `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels: {{ include "chart.labels" . | nindent 4 }}\n${body(refs.slice(0, half), 0)}\n`,
    "templates/configmap.yaml": `# chart {{ .Chart.Version }}\n${body(refs.slice(half), half)}\n`,
  };
}

const DO_NOT_EDIT_HEADER = '# WARNING: DO NOT EDIT, THIS FILE IS A COPY.\n# The original version of this file is located at /manifests/helm-profiles directory.\n# If you want to make a change in this file, edit the original one and run "make gen".\n\n';

/** The three charts of one version, from a chart data folder. */
export async function chartsFromDataFolder(dataDir: string, version: string): Promise<ChartArchive[]> {
  const read = (file: string) => readFileSync(path.join(dataDir, version, file), "utf8");
  const refs = (chart: Chart) => read(dataFile.templateRefs(chart)).split("\n").filter(Boolean);
  // Istio's build prepends the header to manifests/helm-profiles/remote.yaml; a folder may hold either form.
  const profile = DO_NOT_EDIT_HEADER + read(dataFile.remoteProfile).replace(DO_NOT_EDIT_HEADER, "");
  const extra: Record<Chart, Record<string, string>> = {
    base: { "files/crd-all.gen.yaml": read(dataFile.crds), "files/profile-remote.yaml": profile },
    // istiod's injection templates are rendered by istiod with other values, not by Helm: not a chart value.
    istiod: { "files/profile-remote.yaml": profile, "files/injection-template.yaml": "image: {{ .Values.global.proxy.notAChartValue }}\n" },
    gateway: { "values.schema.json": read(dataFile.gatewaySchema) },
  };
  return Promise.all(
    CHARTS.map((chart) => buildChartArchive(chart, version, { "values.yaml": read(dataFile.values(chart)), ...templatesReading(refs(chart)), ...extra[chart] })),
  );
}
