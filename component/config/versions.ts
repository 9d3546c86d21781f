/**
 * Istio versions across the mesh: which pairs Istio supports, as pure functions over version strings.
 *
 * The control plane is `istio.version` (the external cluster's charts, the external istiod and the config
 * cluster's CRDs). Every remote cluster is data plane of that control plane: it runs no istiod, its webhooks and
 * proxies (sidecars and gateways) call the external istiod ("Install Istio with an External Control Plane":
 * further remotes are "just like remote clusters in a primary-remote configuration"). So Istio's skew policy
 * applies between `istio.version` and each remote's version:
 *
 * - https://istio.io/latest/docs/releases/supported-releases/#control-planedata-plane-skew: "The Istio control
 *   plane can be one version ahead of the data plane. However, the data plane cannot be ahead of control plane."
 * - https://istio.io/latest/docs/setup/upgrade/in-place/: upgrade prerequisite "The installed Istio version is no
 *   more than one minor version less than the upgrade version"; a downgrade goes "no more than one minor version".
 *
 * Pure: no Pulumi runtime, so the config validation, `npm run verify` and the tests share it.
 */
import type { Problem } from "./problems";

/** How far the control plane may be ahead of a data plane, and how far one in-place upgrade may go, in minors. */
export const MAX_MINOR_SKEW = 1;

export const SKEW_POLICY_URL = "https://istio.io/latest/docs/releases/supported-releases/#control-planedata-plane-skew";
export const IN_PLACE_UPGRADE_URL = "https://istio.io/latest/docs/setup/upgrade/in-place/";

export interface IstioVersion {
  major: number;
  minor: number;
  patch: number;
  /** The pre-release part without its '-', e.g. "beta.1"; absent for a release. */
  prerelease?: string;
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;

/** `1.28.10` or `1.29.0-beta.1`; undefined for anything else. */
export function parseIstioVersion(text: string): IstioVersion | undefined {
  const m = SEMVER.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), ...(m[4] !== undefined ? { prerelease: m[4] } : {}) };
}

/** Semantic-version precedence of pre-release parts: numeric identifiers numerically, below alphanumeric ones. */
function comparePrerelease(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const xs = a.split(".");
  const ys = b.split(".");
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    const x = xs[i];
    const y = ys[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : undefined;
    const ny = /^\d+$/.test(y) ? Number(y) : undefined;
    if (nx !== undefined && ny !== undefined) {
      if (nx !== ny) return nx < ny ? -1 : 1;
    } else if (nx !== undefined) return -1;
    else if (ny !== undefined) return 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareIstioVersions(a: IstioVersion, b: IstioVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || comparePrerelease(a.prerelease, b.prerelease);
}

/** Minor versions from `older` up to `newer` (negative when `newer` is the older one); undefined across majors. */
export function minorDistance(older: IstioVersion, newer: IstioVersion): number | undefined {
  return older.major === newer.major ? newer.minor - older.minor : undefined;
}

/** How a data plane version breaks the skew policy against its control plane. */
export type SkewViolation = { kind: "ahead" } | { kind: "behind"; minors: number | undefined };

/**
 * Whether Istio supports this data plane version against this control plane version (undefined: it does).
 * Shared by config validation (a remote's `istioVersion`) and `npm run verify` (a running proxy). A patch ahead
 * counts as ahead: the runbook always moves the control plane first.
 */
export function skewViolation(controlPlane: IstioVersion, dataPlane: IstioVersion): SkewViolation | undefined {
  if (compareIstioVersions(dataPlane, controlPlane) > 0) return { kind: "ahead" };
  const behind = minorDistance(dataPlane, controlPlane);
  if (behind === undefined || behind > MAX_MINOR_SKEW) return { kind: "behind", minors: behind };
  return undefined;
}

/** The rule a violation breaks, for messages: what Istio supports, and where it says so. */
export function skewRuleText(violation: SkewViolation): string {
  return violation.kind === "ahead"
    ? `Istio does not support a data plane ahead of its control plane (${SKEW_POLICY_URL})`
    : `Istio supports a control plane at most ${MAX_MINOR_SKEW} minor version ahead of its data plane (${SKEW_POLICY_URL})`;
}

/** "newer than", "2 minor versions behind": how `dataPlane` stands to the control plane. */
export function skewText(violation: SkewViolation): string {
  if (violation.kind === "ahead") return "newer than";
  return violation.minors === undefined ? "a major version behind" : `${violation.minors} minor versions behind`;
}

/** A remote cluster's version, as config gives it. */
export interface ClusterVersion {
  /** The key it was read from, e.g. `clusters.remotes[1].istioVersion`. */
  path: string;
  version: string;
}

/**
 * Remote clusters pinned at a version Istio does not support with the control plane's: newer than it, or more
 * than one minor version behind. Versions that do not parse are left to the schema, which reports them.
 * @param controlPlane `istio.version`
 * @param controlPlaneKey where `controlPlane` comes from, for the message: `istio.version`, or `istio.canary.version`
 *   once the canary is the default revision the gateways follow
 */
export function clusterVersionProblems(controlPlane: string, clusters: readonly ClusterVersion[], controlPlaneKey = "istio.version"): Problem[] {
  const cp = parseIstioVersion(controlPlane);
  if (!cp) return [];
  const problems: Problem[] = [];
  for (const c of clusters) {
    const dp = parseIstioVersion(c.version);
    const violation = dp && skewViolation(cp, dp);
    if (!violation) continue;
    const fix =
      violation.kind === "ahead"
        ? "upgrade the control plane first (docs/upgrades.md)"
        : `set it to ${cp.major}.${cp.minor - MAX_MINOR_SKEW} or newer (docs/upgrades.md)`;
    problems.push({
      path: c.path,
      message: `"${c.version}" is ${skewText(violation)} ${controlPlaneKey} "${controlPlane}" (the control plane); ${skewRuleText(violation)}: ${fix}`,
    });
  }
  return problems;
}

/**
 * A version change larger than Istio supports in place: more than one minor version up (or down) from the deployed
 * version. Unknown or unreadable previous versions (a first deployment) pass.
 * @param path the key the next version comes from, for the message
 * @param subject what changes, for the message: "the control plane", "cluster cluster2"
 */
export function versionChangeProblems(path: string, subject: string, previousVersion: string | undefined, nextVersion: string): Problem[] {
  const previous = previousVersion === undefined ? undefined : parseIstioVersion(previousVersion);
  const next = parseIstioVersion(nextVersion);
  if (!previous || !next) return [];
  const distance = minorDistance(previous, next);
  if (distance !== undefined && Math.abs(distance) <= MAX_MINOR_SKEW) return [];
  if (distance === undefined) {
    const message =
      `"${nextVersion}" would move ${subject} from the deployed ${previousVersion} to another major version; ` +
      `Istio supports in-place upgrades of ${MAX_MINOR_SKEW} minor version at a time (${IN_PLACE_UPGRADE_URL})`;
    return [{ path, message }];
  }
  const direction = distance > 0 ? "upgrade" : "downgrade";
  const step = distance > 0 ? `${previous.major}.${previous.minor + 1}` : `${previous.major}.${previous.minor - 1}`;
  return [
    {
      path,
      message:
        `"${nextVersion}" would ${direction} ${subject} from the deployed ${previousVersion} by ${Math.abs(distance)} minor versions at once; ` +
        `Istio supports in-place ${direction}s of ${MAX_MINOR_SKEW} minor version at a time (${IN_PLACE_UPGRADE_URL}): go to ${step} first`,
    },
  ];
}

/**
 * A control plane change larger than Istio supports in place (`istio.version` more than one minor version from the
 * deployed one). For the program to call with the `istio.version` of the last deployment, before anything registers.
 * @param previousVersion the `istio.version` of the last deployment, when known
 * @param nextVersion the `istio.version` of this one
 */
export function controlPlaneUpgradeProblems(previousVersion: string | undefined, nextVersion: string): Problem[] {
  return versionChangeProblems("istio.version", "the control plane", previousVersion, nextVersion);
}
