/**
 * The package schema as `pulumi package add` gets it: the plugin's provider (`component/provider.ts`: Pulumi's
 * component analyzer run on the plugin folder, the types' descriptions added), asked for its schema as the plugin
 * host's GetSchema asks it.
 *
 *   npm run schema          # rewrite schema.json after an intended change of the public API
 *
 * `tests/schema.test.ts` compares this schema with the committed `schema.json`, and `tests/pluginBoot.test.ts` the
 * one the booted plugin serves.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { COMPONENTS, MeshComponentProvider, PLUGIN_DIR } from "../component/provider";

export const PROJECT_DIR = path.resolve(__dirname, "..");
export const SCHEMA_FILE = path.join(PROJECT_DIR, "schema.json");
export { PLUGIN_DIR };

export interface AnalyzedPackage {
  /** The component classes the plugin serves. */
  components: typeof COMPONENTS;
  schema: Record<string, unknown>;
  /** What the analyzer wrote to the console while analysing: warnings, deprecations. */
  warnings: string[];
}

/** Runs the plugin's provider on the plugin folder, catching anything it writes to the console. */
export async function analyzePackage(): Promise<AnalyzedPackage> {
  const warnings: string[] = [];
  const saved = { warn: console.warn, error: console.error, log: console.log };
  const capture = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
  Object.assign(console, { warn: capture, error: capture, log: capture });
  try {
    const schema = JSON.parse(await new MeshComponentProvider().getSchema()) as Record<string, unknown>;
    return { components: COMPONENTS, schema, warnings };
  } finally {
    Object.assign(console, saved);
  }
}

export function formatSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (require.main === module) {
  analyzePackage()
    .then(({ schema, warnings }) => {
      for (const w of warnings) process.stderr.write(`analyzer: ${w}\n`);
      writeFileSync(SCHEMA_FILE, formatSchema(schema));
      process.stderr.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
