/**
 * `npm run stack-schema`: writes `stack-config.schema.json`, the JSON Schema of `Pulumi.<stack>.yaml`, from the
 * program's config rules (`tools/stackConfigSchema.ts`). Run it after changing a config key or rule;
 * `tests/stackSchema.test.ts` fails until the committed file matches.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { stackConfigSchema } from "./stackConfigSchema";

export const STACK_SCHEMA_FILE = path.resolve(__dirname, "..", "stack-config.schema.json");

/** The file's exact text: two-space JSON and a final newline. */
export const stackSchemaText = (): string => `${JSON.stringify(stackConfigSchema(), null, 2)}\n`;

if (require.main === module) {
  writeFileSync(STACK_SCHEMA_FILE, stackSchemaText());
  process.stdout.write(`wrote ${path.relative(process.cwd(), STACK_SCHEMA_FILE) || STACK_SCHEMA_FILE}\n`);
}
