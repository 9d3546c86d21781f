/**
 * The plugin's provider: Pulumi's component provider (the one `run-plugin` boots for a package that exports its
 * components), serving a schema whose types carry their descriptions (`schemaDocs.ts`). Everything else (the
 * analysis of the components, `Construct`) is the SDK's.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";
import { ExternalControlPlane } from "./externalControlPlane";
import { ExternalControlPlaneMesh } from "./externalControlPlaneMesh";
import { MeshWorkloads } from "./meshWorkloads";
import { describeSchema } from "./schemaDocs";

/** The plugin folder: its package.json names the package, and the analyzer reads its tsconfig.json and sources. */
export const PLUGIN_DIR = __dirname;

/** The public components, in the order the plugin host would find them in the package's exports. */
export const COMPONENTS = [ExternalControlPlane, ExternalControlPlaneMesh, MeshWorkloads];

/**
 * The package's name as the plugin host derives it from package.json (`cmd/run-plugin/run.js`): the unscoped name,
 * which every type token and URN starts with.
 */
export function providerName(packageName: string): string {
  const unscoped = /^(@.*?\/)?(.+)$/.exec(packageName)?.[2] ?? packageName;
  return unscoped.replace(/[^-a-zA-Z0-9_]/g, "-");
}

/** The component provider with the described schema. */
export class MeshComponentProvider extends ComponentProvider {
  private describedSchema?: string;

  constructor(dir: string = PLUGIN_DIR) {
    const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name: string };
    super({ name: providerName(pkg.name), dirname: dir, components: COMPONENTS });
  }

  override async getSchema(): Promise<string> {
    this.describedSchema ??= JSON.stringify(describeSchema(JSON.parse(await super.getSchema()) as Record<string, unknown>));
    return this.describedSchema;
  }
}
