/**
 * The package schema as `pulumi package add` gets it: Pulumi's own component analyzer
 * (`@pulumi/pulumi/provider/experimental`) run on this repository, with the package name and components the plugin
 * host derives (`cmd/run-plugin/run.js`: package.json `name`, the component classes its `main` exports).
 *
 *   npm run schema          # rewrite schema.json after an intended change of the public API
 *
 * `tests/schema.test.ts` compares the analyzer's schema with the committed `schema.json`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";

export const PROJECT_DIR = path.resolve(__dirname, "..");
export const SCHEMA_FILE = path.join(PROJECT_DIR, "schema.json");

/** The package's name as the plugin host derives it from package.json (a scope becomes the namespace). */
export function providerName(packageName: string): string {
  const unscoped = /^(@.*?\/)?(.+)$/.exec(packageName)?.[2] ?? packageName;
  return unscoped.replace(/[^-a-zA-Z0-9_]/g, "-");
}

export interface AnalyzedPackage {
  /** The component classes the entry point exports, as the plugin host finds them. */
  components: ReturnType<typeof getPulumiComponents>;
  schema: Record<string, unknown>;
  /** What the analyzer and the host wrote to the console while analysing: warnings, deprecations. */
  warnings: string[];
}

/** Loads the plugin's entry point and runs the analyzer on it, catching anything it writes to the console. */
export async function analyzePackage(): Promise<AnalyzedPackage> {
  const packageJson = JSON.parse(readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as { name: string };
  // As the plugin host does: require the package directory, which resolves package.json `main`.
  const load = createRequire(__filename);
  const components = getPulumiComponents(load(PROJECT_DIR));
  const warnings: string[] = [];
  const saved = { warn: console.warn, error: console.error, log: console.log };
  const capture = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
  Object.assign(console, { warn: capture, error: capture, log: capture });
  try {
    const provider = new ComponentProvider({ name: providerName(packageJson.name), dirname: PROJECT_DIR, components });
    const schema = JSON.parse(await provider.getSchema()) as Record<string, unknown>;
    return { components, schema, warnings };
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
