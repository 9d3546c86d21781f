/**
 * Revisions of the external control plane (issue 24): their names, and Istio's rules for a canary beside the stable
 * revision, as pure functions over the parsed settings.
 *
 * Istio names the unrevisioned control plane `default` (istiod's `REVISION` env and the `istio.io/rev` label of its
 * webhooks: istio-discovery `templates/deployment.yaml`, `mutatingwebhook.yaml`); a canary is named after its version
 * with dashes, as istio.io advises ("In a production environment, a better revision name would correspond to the Istio
 * version", https://istio.io/latest/docs/setup/upgrade/canary/).
 */
import { DNS1123_LABEL } from "./fields";
import type { Problem } from "./problems";
import { compareIstioVersions, IN_PLACE_UPGRADE_URL, minorDistance, parseIstioVersion } from "./versions";

/** The unrevisioned control plane's revision, as Istio names it. */
export const DEFAULT_REVISION = "default";

/**
 * How far a canary may be ahead of the stable revision, in minor versions. Istio supports more for the revisioned
 * control plane itself ("When using revision-based upgrades jumping across two minor versions is supported (e.g.
 * upgrading directly from version 1.15 to 1.17). This is in contrast to in-place upgrades where it is required to
 * upgrade to each intermediate minor release.", https://istio.io/latest/docs/setup/upgrade/canary/), but the canary
 * ends as `istio.version`, and that moves in place what is not revisioned: the external cluster's own istiod in
 * `istio-system` (it serves the control plane gateway), the gateway itself, and the remotes' unrevisioned releases
 * (the default webhooks). Those take one minor version at a time ("The installed Istio version is no more than one
 * minor version less than the upgrade version", https://istio.io/latest/docs/setup/upgrade/in-place/), so the
 * whole cycle does too.
 */
export const MAX_CANARY_MINOR_JUMP = 1;
export const CANARY_UPGRADE_URL = "https://istio.io/latest/docs/setup/upgrade/canary/";

/**
 * The longest revision: istiod's Service is `istiod-<revision>`, a DNS-1035 label of at most 63 characters, and the
 * revision is an `istio.io/rev` label value (at most 63).
 */
export const MAX_REVISION_LENGTH = 63 - "istiod-".length;

/** `1.30.3` -> `1-30-3`, `1.31.0-beta.1` -> `1-31-0-beta-1`: the revision of a canary of that version. */
export function revisionOfVersion(version: string): string {
  return version.replaceAll(".", "-").toLowerCase();
}

/** Why a revision name cannot be used, or undefined. */
export function revisionNameProblem(name: string): string | undefined {
  if (name === DEFAULT_REVISION) return `"${name}" is the unrevisioned control plane's revision; leave istio.revision unset for it`;
  if (name.length > MAX_REVISION_LENGTH || !DNS1123_LABEL.test(name)) {
    return `"${name}" is not a revision name (lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${MAX_REVISION_LENGTH} characters: istiod's Service is istiod-<revision>)`;
  }
  return undefined;
}

/** The revisions' settings as the rules read them (plain strings: versions and names decide which resources exist). */
export interface RevisionSettings {
  /** `istio.version`. */
  version: string;
  /** `istio.revision`; unset: the unrevisioned install. */
  revision?: string;
  canary?: { version: string };
  defaultRevision?: string;
  revisionTags: Record<string, string>;
}

/** The stable revision's name. */
export const stableRevisionOf = (s: Pick<RevisionSettings, "revision">): string => s.revision ?? DEFAULT_REVISION;

/** The running revisions' names, the stable one first. */
export function revisionNames(s: Pick<RevisionSettings, "revision" | "canary">): string[] {
  return [stableRevisionOf(s), ...(s.canary ? [revisionOfVersion(s.canary.version)] : [])];
}

/** Problems of the revisions' settings: the canary against the stable revision, the default, the tags. */
export function revisionProblems(s: RevisionSettings): Problem[] {
  const problems: Problem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (s.revision !== undefined) {
    const bad = revisionNameProblem(s.revision);
    if (bad) add("istio.revision", bad);
  }
  const stable = stableRevisionOf(s);
  if (s.canary) {
    const canary = parseIstioVersion(s.canary.version);
    const current = parseIstioVersion(s.version);
    const name = revisionOfVersion(s.canary.version);
    if (canary && current) {
      const jump = minorDistance(current, canary);
      if (compareIstioVersions(canary, current) <= 0) {
        add(
          "istio.canary.version",
          `"${s.canary.version}" is not newer than istio.version "${s.version}": a canary runs a newer release beside the stable one ` +
            `(to go back, remove istio.canary; docs/canary.md: Rolling back)`,
        );
      } else if (jump === undefined || jump > MAX_CANARY_MINOR_JUMP) {
        add(
          "istio.canary.version",
          `"${s.canary.version}" is ${jump === undefined ? "a major version" : `${jump} minor versions`} ahead of istio.version "${s.version}"; ` +
            `a canary may be at most ${MAX_CANARY_MINOR_JUMP} minor version ahead: it becomes istio.version, which upgrades the unrevisioned releases ` +
            `(the external cluster's istio-system, the default webhooks) in place, one minor version at a time (${IN_PLACE_UPGRADE_URL}): ` +
            `use ${current.major}.${current.minor + MAX_CANARY_MINOR_JUMP} first (docs/canary.md: When to pick a canary or an in-place upgrade)`,
        );
      }
    }
    if (name === stable) add("istio.canary.version", `its revision "${name}" is the stable revision's (istio.revision); a canary needs a revision of its own`);
  }
  const names = revisionNames(s);
  const running = `the running revisions are ${names.map((n) => `"${n}"`).join(" and ")}`;
  if (s.defaultRevision !== undefined && !names.includes(s.defaultRevision)) {
    add("istio.defaultRevision", `"${s.defaultRevision}" is not a running revision; ${running}`);
  }
  for (const [tag, target] of Object.entries(s.revisionTags)) {
    const path = `istio.revisionTags.${tag}`;
    if (tag === DEFAULT_REVISION) {
      add(
        path,
        `the tag "default" is not supported with an external control plane: its webhooks would overlap the unrevisioned ones, ` +
          `and istiod looks for it as istio-revision-tag-default only in istio-system; move the default with istio.defaultRevision`,
      );
    } else if (tag.length > MAX_REVISION_LENGTH || !DNS1123_LABEL.test(tag)) {
      add(path, `"${tag}" is not a tag name (lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${MAX_REVISION_LENGTH} characters)`);
    } else if (names.includes(tag)) {
      add(path, `"${tag}" is a revision's name: namespaces labelled istio.io/rev=${tag} would be matched by two injection webhooks`);
    }
    if (!names.includes(target)) add(path, `"${target}" is not a running revision; ${running}`);
  }
  return problems;
}
