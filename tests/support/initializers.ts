/**
 * The object initializers of the C# and Python examples, read as far as checking them against schema.json needs:
 * which class each one initializes and which properties (C#: `new XArgs { A = ..., B = ... }`) or keyword arguments
 * (Python: `istio_mesh.XArgs(a=..., b=...)`, `istio_mesh.Component("name", a=...)`) it sets. A small scanner:
 * strings, interpolated strings and comments are skipped, brackets are matched; no .NET or Python is needed.
 */

export interface Initializer {
  /** The class as written: `ExposureTlsArgs`, `MeshWorkloads`. */
  className: string;
  /** The properties or keyword arguments set, as written. */
  properties: string[];
  /** 1-based line of the initializer, for messages. */
  line: number;
}

const OPEN = "({[";
const CLOSE = ")}]";

/** The index just after the string or comment starting at `i`, or `i` when none starts there. */
function skipLiteral(text: string, i: number, language: "csharp" | "python"): number {
  const c = text[i];
  if (c === "/" && text[i + 1] === "/" && language === "csharp") return text.indexOf("\n", i) === -1 ? text.length : text.indexOf("\n", i);
  if (c === "#" && language === "python") return text.indexOf("\n", i) === -1 ? text.length : text.indexOf("\n", i);
  if (c === '"' || c === "'") {
    const triple = language === "python" && text.startsWith(c.repeat(3), i);
    const end = triple ? c.repeat(3) : c;
    let j = i + end.length;
    while (j < text.length && !text.startsWith(end, j)) j += text[j] === "\\" ? 2 : 1;
    return j + end.length;
  }
  return i;
}

/** The index of the bracket closing the one at `open`. */
function matching(text: string, open: number, language: "csharp" | "python"): number {
  let depth = 0;
  for (let i = open; i < text.length; ) {
    const skipped = skipLiteral(text, i, language);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    if (OPEN.includes(text[i]!)) depth++;
    else if (CLOSE.includes(text[i]!) && --depth === 0) return i;
    i++;
  }
  throw new Error(`unbalanced bracket at offset ${open}`);
}

/** The top-level, comma-separated items between `start` and `end`, trimmed. */
function topLevelItems(text: string, start: number, end: number, language: "csharp" | "python"): string[] {
  const items: string[] = [];
  let from = start;
  for (let i = start; i < end; ) {
    const skipped = skipLiteral(text, i, language);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    if (OPEN.includes(text[i]!)) {
      i = matching(text, i, language) + 1;
      continue;
    }
    if (text[i] === ",") {
      items.push(text.slice(from, i));
      from = i + 1;
    }
    i++;
  }
  items.push(text.slice(from, end));
  return items.map((s) => s.replace(language === "csharp" ? /\/\/[^\n]*/g : /#[^\n]*/g, "").trim()).filter((s) => s.length > 0);
}

const lineOf = (text: string, index: number) => text.slice(0, index).split("\n").length;

/** C#: every `new X { ... }` and `new X(...) { ... }` with the properties its initializer sets. */
export function csharpInitializers(text: string): Initializer[] {
  const out: Initializer[] = [];
  for (const m of text.matchAll(/\bnew\s+([A-Z][\w.]*)\s*(\(|\{)/g)) {
    let brace = m.index + m[0].length - 1;
    if (m[2] === "(") {
      brace = matching(text, brace, "csharp") + 1;
      while (/\s/.test(text[brace] ?? "")) brace++;
      if (text[brace] !== "{") continue;
    }
    const close = matching(text, brace, "csharp");
    const properties = topLevelItems(text, brace + 1, close, "csharp").flatMap((item) => {
      const assignment = /^([A-Za-z_]\w*)\s*=(?!=)/.exec(item);
      return assignment ? [assignment[1]!] : [];
    });
    out.push({ className: m[1]!.split(".").pop()!, properties, line: lineOf(text, m.index) });
  }
  return out;
}

/** Python: every call `<module>.X(...)` with the keyword arguments it passes. */
export function pythonCalls(text: string, module: string): Initializer[] {
  const out: Initializer[] = [];
  for (const m of text.matchAll(new RegExp(`\\b${module}\\.([A-Za-z_]\\w*)\\(`, "g"))) {
    const open = m.index + m[0].length - 1;
    const close = matching(text, open, "python");
    const properties = topLevelItems(text, open + 1, close, "python").flatMap((item) => {
      const keyword = /^([a-z_]\w*)\s*=(?!=)/.exec(item);
      return keyword ? [keyword[1]!] : [];
    });
    out.push({ className: m[1]!, properties, line: lineOf(text, m.index) });
  }
  return out;
}
