/**
 * Reads a project's `Pulumi.yaml` and a stack file the way the Pulumi CLI hands them to a program: every config
 * value a string (structured values as JSON), `secure:` values secret. Without the CLI nothing can be decrypted,
 * so a `secure:` value becomes an opaque placeholder that stays secret (DESIGN §7).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export interface StackConfig {
  /** Full keys (`namespace:key`) to values as Pulumi passes them to programs. */
  config: Record<string, string>;
  /** Full keys whose values are secret. */
  secretKeys: string[];
}

/** A stack file that cannot be read as one: missing, not YAML, or without a `config` mapping. */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

/** The stand-in for a value only the Pulumi CLI can decrypt. */
export const SECURE_PLACEHOLDER = "[secure value: decrypted only by the Pulumi CLI]";

export function readProjectName(projectDir: string): string {
  const project = parse(readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name?: unknown };
  if (typeof project.name !== "string") throw new Error(`${path.join(projectDir, "Pulumi.yaml")}: no project name`);
  return project.name;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isSecure = (v: unknown): boolean => isRecord(v) && Object.keys(v).length === 1 && typeof v.secure === "string";

/** Replaces `{secure: ...}` leaves with the placeholder; reports whether there was any. */
function stripSecure(v: unknown): { value: unknown; secret: boolean } {
  if (isSecure(v)) return { value: SECURE_PLACEHOLDER, secret: true };
  if (Array.isArray(v)) {
    const items = v.map(stripSecure);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (isRecord(v)) {
    const entries = Object.entries(v).map(([k, x]) => [k, stripSecure(x)] as const);
    return { value: Object.fromEntries(entries.map(([k, x]) => [k, x.value])), secret: entries.some(([, x]) => x.secret) };
  }
  return { value: v, secret: false };
}

/**
 * Parses a stack file's `config:` block. Keys without a namespace get the project's, as the CLI does.
 * @throws on YAML the CLI would not accept either
 */
export function parseStackConfig(text: string, projectName: string, fileName: string): StackConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new StackFileError(`${fileName}: (root): not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return { config: {}, secretKeys: [] };
  if (!isRecord(doc)) throw new StackFileError(`${fileName}: (root): must be a mapping with a "config" key`);
  const block = doc.config ?? {};
  if (!isRecord(block)) throw new StackFileError(`${fileName}: config: must be a mapping`);

  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, rawValue] of Object.entries(block)) {
    const key = rawKey.includes(":") ? rawKey : `${projectName}:${rawKey}`;
    // Project-level config in the CLI's `{value: ...}` form is not used in stack files; values are taken as is.
    const { value, secret } = stripSecure(rawValue);
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (secret) secretKeys.push(key);
  }
  return { config, secretKeys };
}

/** @throws StackFileError when the file is missing or is not a stack file */
export function readStackConfig(file: string, projectName: string, displayName = path.basename(file)): StackConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new StackFileError(`${displayName}: (root): no such stack file (create it, or pass --config-file)`);
  }
  return parseStackConfig(text, projectName, displayName);
}
