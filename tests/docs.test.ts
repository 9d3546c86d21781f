/**
 * Issue 23, the README as a front door: at most 350 lines, every page of docs/ reachable from it, every relative
 * link in README.md and docs/*.md resolving (file and #anchor), and every pointer that messages, comments and the
 * bad-stack corpus make into the docs (`docs/configuration.md: Immutable keys`, `README: Quick start`) naming a
 * page that exists and, when it names a section, a heading of that page.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

const ROOT = path.resolve(__dirname, "..");
const DOCS = path.join(ROOT, "docs");
const MAX_README_LINES = 350;

const read = (file: string): string => readFileSync(file, "utf8");
const pages = readdirSync(DOCS).filter((f) => f.endsWith(".md")).sort();
const markdownFiles = [path.join(ROOT, "README.md"), ...pages.map((p) => path.join(DOCS, p))];

/** The text outside fenced code blocks. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "");
}

/** A heading's anchor as GitHub makes it: lowercase, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, "")
    .replace(/ /g, "-");
}

/** A Markdown file's headings, as written (code spans unquoted). */
function headings(file: string): string[] {
  return [...prose(read(file)).matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!.replace(/`/g, "").trim());
}

/** A file's anchors, duplicates numbered as GitHub numbers them. */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const h of headings(file)) {
    const s = slug(h);
    const n = seen.get(s) ?? 0;
    out.add(n === 0 ? s : `${s}-${n}`);
    seen.set(s, n + 1);
  }
  return out;
}

test(`README.md is at most ${MAX_README_LINES} lines`, () => {
  const lines = read(path.join(ROOT, "README.md")).split("\n").length;
  assert.ok(lines <= MAX_README_LINES, `${lines} lines`);
});

test("every page of docs/ is reachable from the README", () => {
  const readme = read(path.join(ROOT, "README.md"));
  for (const page of pages) assert.ok(readme.includes(`](docs/${page}`), `README.md links to docs/${page}`);
});

for (const file of markdownFiles) {
  const name = path.relative(ROOT, file);
  test(`every relative link in ${name} resolves, file and anchor`, () => {
    const broken: string[] = [];
    for (const m of prose(read(file)).matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/.test(target)) continue;
      const [rel, anchor] = target.split("#") as [string, string | undefined];
      const linked = rel === "" ? file : path.resolve(path.dirname(file), decodeURI(rel));
      if (!existsSync(linked)) {
        broken.push(`${target}: no such file`);
        continue;
      }
      if (anchor !== undefined && (!linked.endsWith(".md") || !anchors(linked).has(anchor))) broken.push(`${target}: no such heading`);
    }
    assert.deepEqual(broken, []);
  });
}

/** Files that may point into the docs: code, tests and fixtures, stack files, workflows, examples, docs. */
function sourceFiles(dir: string): string[] {
  const skip = new Set(["node_modules", ".git", ".cache", "out", "sdks"]);
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (skip.has(entry)) return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|yaml|yml|md|json|cs|py|go|mjs)$/.test(entry) || entry === "run" ? [full] : [];
  });
}

test("every pointer into the docs names a page that exists, and a heading of it when it names one", () => {
  const headingsOf = new Map<string, string[]>();
  const known = (page: string): string[] | undefined => {
    const file = path.join(ROOT, page);
    if (!existsSync(file)) return undefined;
    if (!headingsOf.has(page)) headingsOf.set(page, headings(file));
    return headingsOf.get(page);
  };
  const problems: string[] = [];
  let pointers = 0;
  for (const file of sourceFiles(ROOT)) {
    const text = read(file).replace(/\s*\n\s*(\*|#|\/\/)?\s*/g, " ");
    // `docs/<page>.md` or `README` / `README.md`, then the section: `: Heading`, ` "Heading"`, `, section 'Heading'`.
    for (const m of text.matchAll(/\b(docs\/[a-z0-9-]+\.md|README(?:\.md)?)(: |, section '| "|'s "|)/g)) {
      const page = m[1] === "README" ? "README.md" : m[1]!;
      const rest = text.slice(m.index + m[0].length);
      const where = `${path.relative(ROOT, file)}: ${m[0]}${rest.slice(0, 40)}`;
      const heads = known(page);
      if (heads === undefined) {
        problems.push(`${where}: no such page ${page}`);
        continue;
      }
      pointers++;
      if (m[2] === "" || m[1]!.startsWith("README") && m[2] === ": " && /^[a-z]/.test(rest)) continue;
      if (!heads.some((h) => rest.startsWith(h))) problems.push(`${where}: no heading of ${page} starts there`);
    }
  }
  assert.ok(pointers > 20, `${pointers} pointers found`);
  assert.deepEqual(problems, []);
});
