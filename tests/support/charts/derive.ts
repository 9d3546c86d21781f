/**
 * One Istio version's chart data, laid out like `../shared/istio/<version>/`, derived from the `base`, `istiod`
 * and `gateway` chart archives.
 */
import { parse } from "yaml";
import type { ChartFiles } from "./archive";
import { CHARTS, dataFile, type Chart } from "./layout";

/** Every key path of a values.yaml, maps included, lists not entered, without the `_internal_defaults_do_not_set` wrapper. */
export function valuesPathsOf(valuesYaml: string): string[] {
  const doc = parse(valuesYaml) as Record<string, unknown> | null;
  const root = (doc?._internal_defaults_do_not_set as Record<string, unknown> | undefined) ?? doc ?? {};
  const out: string[] = [];
  const walk = (value: unknown, prefix: string) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const p = prefix ? `${prefix}.${key}` : key;
      out.push(p);
      walk(child, p);
    }
  };
  walk(root, "");
  return sortedUnique(out);
}

const IDENT = String.raw`[A-Za-z_][A-Za-z0-9_]*`;
const FIELDS = String.raw`(?:\.${IDENT})+`;
const VALUES = String.raw`\$?\.Values`;
/** `(.Values.a).b`: nil-safe access, read as `a.b`. */
const PARENTHESIZED = new RegExp(String.raw`\(\s*${VALUES}(${FIELDS})\s*\)(${FIELDS})`, "g");
/** `index .Values "a" "b"` or `index .Values.a "b"`: the string-literal keys that follow, up to the first other argument. */
const INDEXED = new RegExp(String.raw`\bindex\s+${VALUES}(${FIELDS})?((?:\s+"[^"\\]*")+)`, "g");
/** `.Values.a.b` and `$.Values.a.b`. */
const DOTTED = new RegExp(String.raw`${VALUES}(${FIELDS})`, "g");

/**
 * Every `.Values.<path>` a template text reads, one path per reference (the deepest it reads). Template comments
 * are read too, as the key lists in `../shared/istio` appear to be derived: they list `defaults`, which values.yaml
 * lacks and Istio's zzz_profile.yaml names only in a comment.
 */
export function templateReferences(text: string): string[] {
  const out: string[] = [];
  const fields = (s: string | undefined) => (s ? s.slice(1).split(".") : []);
  // `(.Values.a).b` is rewritten to `.Values.a.b` until none is left (they nest), so the dotted pass reads `a.b`, not `a`.
  let rest = text;
  for (let before = ""; before !== rest; ) {
    before = rest;
    rest = rest.replace(PARENTHESIZED, (_m, inner: string, outer: string) => `.Values${inner}${outer}`);
  }
  // An index reference is cut out once read: its keys need not be identifiers.
  rest = rest.replace(INDEXED, (_m, base: string | undefined, keys: string) => {
    const literal = [...keys.matchAll(/"([^"\\]*)"/g)].map((k) => k[1]!);
    out.push([...fields(base), ...literal].join("."));
    return " ";
  });
  for (const m of rest.matchAll(DOTTED)) out.push(fields(m[1]).join("."));
  return sortedUnique(out);
}

/** What a chart's templates read: everything under `templates/` (files/ holds data the templates pass on, not read as a template here). */
export function chartTemplateReferences(chart: ChartFiles): string[] {
  return sortedUnique([...chart].filter(([p]) => p.startsWith("templates/")).flatMap(([, text]) => templateReferences(text)));
}

/** The version folder's files (relative path to content) from the three charts of one Istio version. */
export function deriveVersionData(charts: Readonly<Record<Chart, ChartFiles>>): Map<string, string> {
  const need = (chart: Chart, file: string): string => {
    const content = charts[chart].get(file);
    if (content === undefined) throw new Error(`the ${chart} chart archive has no ${chart}/${file}`);
    return content;
  };
  const out = new Map<string, string>();
  for (const chart of CHARTS) {
    const values = need(chart, "values.yaml");
    out.set(dataFile.values(chart), values);
    out.set(dataFile.valuesPaths(chart), lines(valuesPathsOf(values)));
    out.set(dataFile.templateRefs(chart), lines(chartTemplateReferences(charts[chart])));
  }
  out.set(dataFile.gatewaySchema, need("gateway", "values.schema.json"));
  out.set(dataFile.crds, need("base", "files/crd-all.gen.yaml"));
  // Istio's build copies manifests/helm-profiles/remote.yaml into every chart as files/profile-remote.yaml, with
  // a "DO NOT EDIT, THIS FILE IS A COPY" header: the same values, what `profile: remote` really applies.
  out.set(dataFile.remoteProfile, need("istiod", "files/profile-remote.yaml"));
  return out;
}

// Code-unit order, as the key lists in ../shared/istio are sorted.
const sortedUnique = (items: Iterable<string>): string[] => [...new Set(items)].filter(Boolean).sort();
const lines = (items: readonly string[]): string => items.map((l) => `${l}\n`).join("");
