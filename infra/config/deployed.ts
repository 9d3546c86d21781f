/**
 * The keys a deployed stack cannot change, as recorded by the last successful `pulumi up` (stack output
 * `deployedConfig`) and compared with the stack file before anything is registered.
 *
 * Why each one cannot change on a live mesh (shared/reference/day2-review.md #4, #7):
 * - `mesh.controlPlaneNamespace`: Helm releases are replaced create-before-delete when their namespace changes, and
 *   the new `base` release cannot take over the CRDs and default validator the old one owns (Helm refuses objects
 *   with another release's ownership annotations).
 * - a cluster's `name`: it is the Pulumi name of its provider and its `clusterIdentifier`, so a new name replaces
 *   the provider and everything bound to it, with new releases colliding with the old ones of the same names.
 * - `exposure.mode`: it swaps the mesh's root CA (istiod's self-signed root vs the plug-in root), and mTLS between
 *   pods holding certificates of the old and the new root fails until every pod restarts.
 * - `clusters.external.istioSystem`: "existing" -> "create" fails on the namespace that is there. ("create" ->
 *   "existing" is allowed: the read takes the created Namespace's URN and id, and the engine relinquishes it,
 *   `controlPlaneGateway.ts`.)
 *
 * The record says what the deployment holds (issue 20): the versions are those the Helm releases report
 * (`component/deployedState.ts`), and it resolves only once everything it describes is done.
 * Pure: the program reads the previous value through a StackReference to its own stack (`infra/program.ts`).
 */
import { z } from "zod";
import { serverKey } from "../../component/config/document";
import type { DeployedVersions } from "../../component/deployedState";
import { canaryRevision, stableRevision, type MeshConfig, type RemoteCluster } from "../../component/config/model";
import { DEFAULT_REVISION } from "../../component/config/revisions";
import { formatPath, type Problem } from "../../component/config/problems";
import { controlPlaneUpgradeProblems, versionChangeProblems } from "../../component/config/versions";

/** The stack output that carries the record. */
export const DEPLOYED_CONFIG_OUTPUT = "deployedConfig";

const deployedConfigSchema = z.object({
  /** Records before issue 15 have none: they were whole meshes. */
  stackKind: z.enum(["mesh", "operator"]).default("mesh"),
  controlPlaneNamespace: z.string(),
  exposureMode: z.enum(["hostname", "loadBalancer"]),
  istioSystem: z.enum(["create", "existing"]),
  /** The control plane's Istio version: the lowest its releases (`istio.version`) reported. */
  istioVersion: z.string(),
  external: z.object({ name: z.string() }),
  /** Each remote's `istioVersion`: the lowest its own releases reported; absent when it has none in this stack. */
  config: z.object({ name: z.string(), apiServer: z.string(), istioVersion: z.string().optional() }),
  remotes: z.array(z.object({ name: z.string(), apiServer: z.string(), istioVersion: z.string().optional() })),
  /** The stable external istiod's revision (issue 24); absent: the unrevisioned one, `default`. */
  revision: z.string().optional(),
  /** The canary, once any of its releases exists: its revision, the lowest version they reported, its DNS name. */
  canary: z.object({ revision: z.string(), version: z.string(), hostname: z.string().optional(), tlsSecretName: z.string().optional() }).optional(),
  /** The default revision; absent: the stable one. */
  defaultRevision: z.string().optional(),
  revisionTags: z.record(z.string(), z.string()).optional(),
});

export type DeployedConfig = z.output<typeof deployedConfigSchema>;

/** An admin stack's record: its kind and the operator stack it read. */
const deployedAdminConfigSchema = z.object({ stackKind: z.literal("admin"), operatorStack: z.string() });
export type DeployedAdminConfig = z.output<typeof deployedAdminConfigSchema>;

/**
 * What the next run compares against: the keys that cannot change from the stack file (a change of any of them is
 * refused, so they are what is deployed), the versions from what the releases report. A further remote none of whose
 * releases exists (left out of a targeted run) is not recorded; nothing of the control plane existing yet records
 * the configured version (nothing can jump from it).
 */
export function deployedConfigOf(cfg: MeshConfig & { kind: "mesh" | "operator" }, deployed: DeployedVersions): DeployedConfig {
  const record = (cluster: RemoteCluster) => {
    const version = deployed.clusters[cluster.name];
    return { name: cluster.name, apiServer: cluster.apiServer, ...(version !== undefined ? { istioVersion: version } : {}) };
  };
  return {
    stackKind: cfg.kind,
    controlPlaneNamespace: cfg.namespace,
    exposureMode: cfg.exposure.mode,
    istioSystem: cfg.external.istioSystem,
    istioVersion: deployed.controlPlane ?? cfg.chart.version,
    external: { name: cfg.external.name },
    config: record(cfg.configCluster),
    remotes: cfg.remotes.filter((r) => deployed.clusters[r.name] !== undefined).map(record),
    ...revisionRecord(cfg, deployed),
  };
}

/** The revisions as deployed: only a canary some release of which exists is recorded (a skipped create is not). */
function revisionRecord(cfg: MeshConfig, deployed: DeployedVersions): Pick<DeployedConfig, "revision" | "canary" | "defaultRevision" | "revisionTags"> {
  const stable = stableRevision(cfg);
  const canary = canaryRevision(cfg);
  return {
    ...(stable.name !== DEFAULT_REVISION ? { revision: stable.name } : {}),
    ...(canary && deployed.canary !== undefined
      ? {
          canary: {
            revision: canary.name,
            version: deployed.canary,
            ...(canary.hostname ? { hostname: canary.hostname.name, tlsSecretName: canary.hostname.tlsSecretName } : {}),
          },
        }
      : {}),
    ...(cfg.defaultRevision !== stable.name ? { defaultRevision: cfg.defaultRevision } : {}),
    ...(Object.keys(cfg.revisionTags).length > 0 ? { revisionTags: { ...cfg.revisionTags } } : {}),
  };
}

const CANARY_REMOVAL_DOC = "docs/canary.md: Removing the old revision";

/** The revisions a record says are deployed; a stack deployed before records had them ran the unrevisioned istiod only. */
export type DeployedRevisions = Pick<DeployedConfig, "revision" | "canary" | "defaultRevision" | "revisionTags">;

/**
 * A new loadBalancer-mode stack cannot start with a revisioned stable istiod. Its default webhooks (the remotes'
 * unrevisioned releases, which inject the gateways and `istio-injection=enabled` namespaces) call Service `istiod`
 * without a CA bundle of their own: only an istiod of revision `default` patches them, as istiod patches only webhook
 * configurations labelled with its own revision (`pkg/webhooks/webhookpatch.go`: `errWrongRevision`). A mesh that
 * reaches a revisioned stable through a canary keeps the bundle its unrevisioned istiod patched (the same root signs
 * every revision; Helm's upgrades leave the patched field alone), so only the first deployment is refused.
 */
export function firstDeploymentProblems(cfg: MeshConfig): Problem[] {
  const stable = stableRevision(cfg);
  if (cfg.exposure.mode !== "loadBalancer" || stable.name === DEFAULT_REVISION) return [];
  return [
    {
      path: "istio.revision",
      message:
        `a new loadBalancer-mode mesh starts with the unrevisioned istiod: its default webhooks (the gateways', istio-injection=enabled namespaces') ` +
        `get their CA bundle from it alone. Remove istio.revision; it comes with a canary's promotion (docs/canary.md: Removing the old revision)`,
    },
  ];
}

/**
 * Revision changes a deployed mesh cannot take in one `pulumi up` (issue 24). Within one `pulumi up` the engine deletes
 * what the program no longer declares only after the program's every create and update has finished, and skips deletes
 * a failed step depends on (pulumi/pulumi `pkg/resource/deploy/deployment_executor.go`: `performPostSteps` runs once
 * the program has exited, then `GenerateDeletes` and `ScheduleDeletes`); so a removal never races the re-pointing of the
 * same run. What must be across two runs: removing a revision that the deployed
 * stack still injects with (its default revision, or a tag's target) would leave those namespaces' new pods without
 * a sidecar the moment it is gone; and the stable revision can only become the deployed canary, with that canary's
 * version and DNS name (its proxies already dial that name).
 */
export function revisionChangeProblems(previous: DeployedRevisions | undefined, cfg: MeshConfig): Problem[] {
  if (!previous) return [];
  const problems: Problem[] = [];
  const deployedStable = previous.revision ?? DEFAULT_REVISION;
  const deployedDefault = previous.defaultRevision ?? deployedStable;
  const running = new Set(cfg.revisions.map((r) => r.name));
  const deployed = [
    { name: deployedStable, path: "istio.version", what: "the deployed stable revision" },
    ...(previous.canary ? [{ name: previous.canary.revision, path: "istio.canary", what: "the deployed canary" }] : []),
  ];
  for (const removed of deployed.filter((r) => !running.has(r.name))) {
    const users = [
      ...(deployedDefault === removed.name ? ["istio.defaultRevision (namespaces labelled istio-injection=enabled, every gateway, config validation)"] : []),
      ...Object.entries(previous.revisionTags ?? {})
        .filter(([, target]) => target === removed.name)
        .map(([tag]) => `the tag ${tag} (namespaces labelled istio.io/rev=${tag})`),
    ];
    if (users.length === 0) continue;
    problems.push({
      path: removed.path,
      message:
        `removes the revision "${removed.name}" (${removed.what}), which the deployed stack still injects with through ${users.join(" and ")}: ` +
        `new pods there would start without a sidecar. Point those at another revision and pulumi up first, restart the workloads, then remove it (${CANARY_REMOVAL_DOC})`,
    });
  }
  // The default webhooks of every remote fail closed: they may call only a revision that is already serving.
  // (A new stable revision is the default implicitly; the rule below says which one it may be.)
  const stable = stableRevision(cfg);
  const deployedNames = new Set(deployed.map((r) => r.name));
  const implicit = cfg.defaultRevision === stable.name && stable.name !== deployedStable;
  if (cfg.defaultRevision !== deployedDefault && !deployedNames.has(cfg.defaultRevision) && !implicit) {
    problems.push({
      path: "istio.defaultRevision",
      message:
        `is "${cfg.defaultRevision}", a revision the deployed stack does not run yet: the default webhooks would call it before it serves. ` +
        `Start it with one pulumi up (and npm run verify), then make it the default with the next (docs/canary.md: Promote the canary)`,
    });
  }
  if (stable.name !== deployedStable && !(previous.canary && stable.name === previous.canary.revision)) {
    problems.push({
      path: "istio.revision",
      message:
        `makes "${stable.name}" the stable revision, but the deployed stable revision is "${deployedStable}"` +
        `${previous.canary ? ` and the deployed canary "${previous.canary.revision}"` : " and no canary is deployed"}; ` +
        `the stable revision changes only to the deployed canary, once it is the default revision (${CANARY_REMOVAL_DOC})`,
    });
  } else if (previous.canary && stable.name === previous.canary.revision && stable.name !== deployedStable) {
    if (stable.chart.version !== previous.canary.version) {
      problems.push({
        path: "istio.version",
        message: `is "${stable.chart.version}", but the canary "${stable.name}" that becomes the stable revision runs ${previous.canary.version}: set istio.version to "${previous.canary.version}" (${CANARY_REMOVAL_DOC})`,
      });
    }
    if (previous.canary.hostname !== undefined && stable.hostname && stable.hostname.name !== previous.canary.hostname) {
      problems.push({
        path: "exposure.hostname",
        message: `is "${stable.hostname.name}", but the canary "${stable.name}" that becomes the stable revision is reached as "${previous.canary.hostname}", which its proxies dial: set exposure.hostname to it (${CANARY_REMOVAL_DOC})`,
      });
    }
    const tls = previous.canary.tlsSecretName;
    if (tls !== undefined && stable.hostname && stable.hostname.tlsSecretName !== tls) {
      problems.push({
        path: "exposure.tls.secretName",
        message: `is "${stable.hostname.tlsSecretName}", but the canary "${stable.name}" that becomes the stable revision serves its name with the Secret "${tls}": set exposure.tls.secretName to it (${CANARY_REMOVAL_DOC})`,
      });
    }
  }
  return problems;
}

/** The record as read back: none, a whole mesh's or operator's, an admin stack's, or one that cannot be read. */
export type ParsedRecord =
  | { kind: "none" }
  | { kind: "recorded"; config: DeployedConfig }
  | { kind: "admin"; config: DeployedAdminConfig }
  | { kind: "unreadable"; message: string };

/**
 * The previous record, from the stack output as the backend returns it: none before the first successful
 * `pulumi up` (or after `pulumi destroy`); a record that is there but is not one this program writes is unreadable,
 * with what is wrong and how to recover (issue 20, F5: it must not switch the checks off).
 */
export function parseDeployedConfig(output: unknown): ParsedRecord {
  if (output === undefined || output === null) return { kind: "none" };
  const admin = deployedAdminConfigSchema.safeParse(output);
  if (admin.success) return { kind: "admin", config: admin.data };
  const parsed = deployedConfigSchema.safeParse(output);
  if (parsed.success) return { kind: "recorded", config: parsed.data };
  const kind = typeof output === "object" && !Array.isArray(output) ? (output as { stackKind?: unknown }).stackKind : undefined;
  const wrong =
    typeof output !== "object" || Array.isArray(output)
      ? `is ${Array.isArray(output) ? "a list" : `a ${typeof output}`}, not an object`
      : kind === "admin"
        ? "is an admin stack's record without a readable operatorStack"
        : parsed.error.issues.map((i) => `${i.path.length > 0 ? formatPath(i.path) : "(root)"}: ${i.message.charAt(0).toLowerCase()}${i.message.slice(1)}`).join("; ");
  return {
    kind: "unreadable",
    message:
      `the stack output ${DEPLOYED_CONFIG_OUTPUT} (the record of this stack's last pulumi up) cannot be read: ${wrong}. ` +
      `Every check against the deployed stack depends on it, so nothing is deployed. If a newer version of this program wrote it, run that version or a newer one. ` +
      `Otherwise remove the output from the stack's state (pulumi stack export --file state.json; delete "${DEPLOYED_CONFIG_OUTPUT}" from the outputs of the pulumi:pulumi:Stack resource; pulumi stack import --file state.json) ` +
      `and run pulumi up once with the stack file as deployed, which records it anew (docs/configuration.md: The deployed record)`,
  };
}

const KIND_NAMES: Record<string, string> = { mesh: "a whole mesh", operator: "a mesh operator's stack", admin: "a mesh admins' stack" };

/**
 * A change of `stackKind` on a deployed stack: the program would delete everything the old kind owns (a whole mesh
 * turned operator stack deletes every gateway and sample; an admin stack turned anything else, its workloads).
 */
export function stackKindProblems(previous: { stackKind: string } | undefined, kind: string): Problem[] {
  if (!previous || previous.stackKind === kind) return [];
  return [
    {
      path: "stackKind",
      message: `is "${kind}", but the deployed stack is ${KIND_NAMES[previous.stackKind] ?? previous.stackKind} ("${previous.stackKind}"); changing it would delete what the stack deploys now. Keep "${previous.stackKind}", and deploy the new kind as new stacks (docs/operator-admin-stacks.md: A deployed stack keeps its kind)`,
    },
  ];
}

const IMMUTABLE_KEYS_DOC = "docs/configuration.md: Immutable keys";

/** Why a key cannot change on a deployed mesh, as every refusal of it says (here and `inferred.ts`). */
export const WHY_IMMUTABLE = {
  exposureMode: "switching replaces the mesh's root CA, and mTLS between workloads of the old and the new root fails until every pod restarts",
  clusterName: "a cluster's name is its Istio cluster ID and the identity of its provider",
} as const;

/**
 * Every change of a key the deployed stack cannot change, as a problem at that key, naming the deployed value, the
 * new one and what to do instead. No previous record: nothing to compare.
 */
export function immutableKeyProblems(previous: DeployedConfig | undefined, cfg: MeshConfig): Problem[] {
  if (!previous) return [];
  const problems: Problem[] = [];
  const was = (path: string, deployed: string, next: string, why: string, instead: string) =>
    problems.push({ path, message: `is "${next}", but the deployed stack has "${deployed}"; ${why}. ${instead} (${IMMUTABLE_KEYS_DOC})` });

  if (previous.controlPlaneNamespace !== cfg.namespace) {
    was(
      "mesh.controlPlaneNamespace",
      previous.controlPlaneNamespace,
      cfg.namespace,
      "the control plane namespace cannot change on a deployed mesh (the new releases cannot take over the CRDs and webhooks of the old ones)",
      `Keep "${previous.controlPlaneNamespace}", or deploy the new namespace as a new stack and move workloads to it`,
    );
  }
  if (previous.exposureMode !== cfg.exposure.mode) {
    was(
      "exposure.mode",
      previous.exposureMode,
      cfg.exposure.mode,
      WHY_IMMUTABLE.exposureMode,
      `Keep "${previous.exposureMode}", or deploy the other mode as a new stack and move workloads to it`,
    );
  }
  // "create" -> "existing" hands the namespace over without deleting it (the engine relinquishes it).
  if (previous.istioSystem === "existing" && cfg.external.istioSystem === "create") {
    was("clusters.external.istioSystem", previous.istioSystem, cfg.external.istioSystem, "istio-system exists and the program cannot create it", `Keep "existing"`);
  }
  const rename = (path: string, deployed: string, next: string) =>
    was(
      path,
      deployed,
      next,
      `${WHY_IMMUTABLE.clusterName}, so a new name would replace everything in that cluster`,
      `Keep "${deployed}"`,
    );
  if (previous.external.name !== cfg.external.name) rename("clusters.external.name", previous.external.name, cfg.external.name);
  if (previous.config.name !== cfg.configCluster.name) rename("clusters.config.name", previous.config.name, cfg.configCluster.name);
  // A further remote is known by its API server: the same server under another name is a rename; a new server is a
  // new cluster (removing a remote and adding another is a normal change).
  const deployedRemotes = new Map(previous.remotes.map((r) => [serverKey(r.apiServer), r.name]));
  cfg.remotes.forEach((remote, i) => {
    const deployedName = deployedRemotes.get(serverKey(remote.apiServer));
    if (deployedName !== undefined && deployedName !== remote.name) {
      was(
        `clusters.remotes[${i}].name`,
        deployedName,
        remote.name,
        `the cluster at ${remote.apiServer} is deployed as "${deployedName}"; ${WHY_IMMUTABLE.clusterName}`,
        `Keep "${deployedName}", or remove the cluster in one \`pulumi up\` and add it under the new name in the next`,
      );
    }
  });
  return problems;
}

/**
 * Version moves larger than one in-place upgrade supports (issue 16, `versions.ts`): the control plane's against
 * its recorded version, and each remote cluster's (matched by name) against its own recorded version, so an
 * unpinned remote that was held back cannot skip a minor version either.
 */
export function versionJumpProblems(previous: DeployedConfig | undefined, cfg: MeshConfig): Problem[] {
  if (!previous) return [];
  const problems = controlPlaneUpgradeProblems(previous.istioVersion, cfg.chart.version);
  const recorded = new Map([previous.config, ...previous.remotes].map((c) => [c.name, c.istioVersion]));
  const clusters: [RemoteCluster, string][] = [[cfg.configCluster, "clusters.config"], ...cfg.remotes.map((r, i): [RemoteCluster, string] => [r, `clusters.remotes[${i}]`])];
  for (const [cluster, path] of clusters) {
    const before = recorded.get(cluster.name);
    // A cluster that follows the control plane moves with it: its problem, if any, is the control plane's.
    if (before === undefined || (cluster.chart.version === cfg.chart.version && before === previous.istioVersion)) continue;
    const key = cluster.chart.version === cfg.chart.version ? "istio.version" : `${path}.istioVersion`;
    problems.push(...versionChangeProblems(key, `cluster ${cluster.name}`, before, cluster.chart.version));
  }
  return problems;
}
