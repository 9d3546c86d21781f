/** The files of one Istio version in a chart data folder (`../shared/istio/<version>/`, its README says what each is). */
import { existsSync } from "node:fs";
import * as path from "node:path";

export const CHARTS = ["base", "istiod", "gateway"] as const;
export type Chart = (typeof CHARTS)[number];

export const dataFile = {
  values: (chart: Chart) => `${chart}-values.yaml`,
  gatewaySchema: "gateway-values.schema.json",
  crds: "crd-all.gen.yaml",
  remoteProfile: "profile-remote.yaml",
  valuesPaths: (chart: Chart) => `keys/${chart}-values-paths.txt`,
  templateRefs: (chart: Chart) => `keys/${chart}-template-refs.txt`,
};

export const VERSION_FILES: readonly string[] = [
  ...CHARTS.map(dataFile.values),
  dataFile.gatewaySchema,
  dataFile.crds,
  dataFile.remoteProfile,
  ...CHARTS.map(dataFile.valuesPaths),
  ...CHARTS.map(dataFile.templateRefs),
];

/** `<version>/<file>` for every file the tests read that `dataDir` lacks. */
export function missingFiles(dataDir: string, versions: readonly string[]): string[] {
  return versions.flatMap((v) => VERSION_FILES.map((f) => `${v}/${f}`)).filter((f) => !existsSync(path.join(dataDir, f)));
}
