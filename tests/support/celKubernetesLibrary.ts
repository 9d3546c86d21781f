/**
 * The Kubernetes CEL functions that Istio's CRD rules use beyond standard CEL, as the API server defines them
 * (k8s.io/apiserver/pkg/cel/library/urls.go): `isURL(string)`, `url(string)` and `<URL>.getScheme()`. Only these:
 * a rule calling anything else fails to compile, which the tests show for every rule of every pinned version.
 */
import type { Environment } from "@marcbachmann/cel-js";

/** `kubernetes.URL` is opaque in CEL: only its methods read it, as on the API server. */
class KubernetesUrl {
  readonly #scheme: string;
  constructor(scheme: string) {
    this.#scheme = scheme;
  }
  scheme(): string {
    return this.#scheme;
  }
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
// RFC 3986 host characters (reg-name, IPv4, bracketed IPv6) and user-info, as Go's url.Parse accepts them.
const AUTHORITY = /^(?:[A-Za-z0-9._~!$&'()*+,;=:%-]*@)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]*)(?::[0-9]*)?$/;

/**
 * Go's url.ParseRequestURI, which `isURL` and `url` call: an absolute URL with a scheme (lower-cased, as Go
 * returns it), or an absolute path with none. Anything else, a control character, a bad %-escape, or an
 * authority that is not host[:port] is no URL.
 */
export function parseRequestUri(s: string): { scheme: string } | undefined {
  // eslint-disable-next-line no-control-regex -- Go rejects exactly the ASCII control bytes.
  if (/[\x00-\x1f\x7f]/.test(s) || /%(?![0-9A-Fa-f]{2})/.test(s)) return undefined;
  const scheme = SCHEME.exec(s);
  if (!scheme) return s.startsWith("/") ? { scheme: "" } : undefined;
  const rest = s.slice(scheme[0].length);
  if (rest.startsWith("//")) {
    const authority = rest.slice(2).split(/[/?]/, 1)[0]!;
    if (!AUTHORITY.test(authority)) return undefined;
  }
  return { scheme: scheme[1]!.toLowerCase() };
}

export function registerKubernetesLibrary(env: Environment): Environment {
  return env
    .registerType("kubernetes.URL", { ctor: KubernetesUrl, fields: {} })
    .registerFunction("isURL(string): bool", (s: string) => parseRequestUri(s) !== undefined)
    .registerFunction("url(string): kubernetes.URL", (s: string) => {
      const parsed = parseRequestUri(s);
      if (!parsed) throw new Error(`URL parse error during conversion from string: ${s}`);
      return new KubernetesUrl(parsed.scheme);
    })
    .registerFunction("kubernetes.URL.getScheme(): string", (u: KubernetesUrl) => u.scheme());
}
