/**
 * The rules of a mesh admin's settings (issue 15): the team's remote clusters, their gateways, the samples. Both
 * surfaces use them: an admin stack's file (`stackKind: admin`, `infra/config/validate.ts`) and the `MeshWorkloads`
 * component's arguments (`args.ts`). The control plane's settings (versions, networks, namespaces, the external
 * cluster) are the operator's: an admin's settings refuse them, saying so, and take them from the operator's
 * outputs instead, which `servedClusterProblems` checks the team's clusters against.
 */
import { z } from "zod";
import { RemoteClusterRole } from "../meshArgs";
import { clusterProblems, errorMap, isRecord, schemaProblems, validTopLevelKeys, type Add, type Surface } from "./document";
import type * as pulumi from "@pulumi/pulumi";
import { chartRepository, DEFAULT_CHART_REPOSITORY, dns1123Label, nonEmpty, imagePullSecretNames, registryHub } from "./fields";
import type { Deferrable } from "./model";
import type { Problem } from "./problems";

export interface WorkloadClusterEntry {
  name: string;
  context: string;
  gateways: { ingress: boolean; egress: boolean };
}

/** A mesh admin's settings as parsed, defaults applied. */
export interface WorkloadsDocument<S extends Deferrable = string> {
  /** The chart repository; the registry of the samples' images and the gateways' pull secrets (`istio.hub`, `istio.imagePullSecrets`). */
  istio: { chartRepository: S; hub?: pulumi.Input<string>; imagePullSecrets: string[] };
  clusters: { config?: WorkloadClusterEntry; remotes: WorkloadClusterEntry[] };
  samples: boolean;
}

/** A team's cluster with its expected role and key path. */
export interface WorkloadClusterPlacement {
  cluster: WorkloadClusterEntry;
  role: RemoteClusterRole;
  path: string;
}

export interface WorkloadsSurface extends Pick<Surface, "typeMismatch"> {
  /** Keys of every cluster entry besides the shared ones (`kubeconfig` in arguments). */
  clusterKeys: z.ZodRawShape;
  /** Top-level keys besides the shared ones. */
  rootKeys: z.ZodRawShape;
  /** The rule of `istio.chartRepository` when the surface takes an Input there; unset, the plain rule. */
  chartRepository?: z.ZodType;
  /** Where the operator's settings go, for messages: "the operator stack", "ExternalControlPlane". */
  operator: string;
  /** Where to read more, appended to the messages about the operator's settings. */
  docs?: string;
  /** Problems only this surface can have. */
  ownProblems(raw: Readonly<Record<string, unknown>>): Problem[];
  /** `istio.hub` as the surface takes it (an Input in arguments); default a string. */
  hub?: z.ZodType;
}

export type WorkloadsValidation<S extends Deferrable = string> = { ok: true; document: WorkloadsDocument<S> } | { ok: false; problems: Problem[] };

/** Keys of a whole mesh's settings that belong to the operator, by path, and why an admin's settings leave them out. */
function operatorKeyMessages(operator: string, docs: string): Record<string, string> {
  const theirs = `is the mesh operator's setting: remove it here; ${operator} sets it, and this stack takes what it needs from its outputs${docs}`;
  return {
    mesh: theirs,
    exposure: theirs,
    eastWestGateways: theirs,
    protect: `is the mesh operator's setting (it protects the control plane's namespaces, CRDs and root CA); nothing the admins create needs it: remove it${docs}`,
    remoteSecretRotation: theirs,
    "istio.version": `is the mesh operator's setting: remove it here; each cluster's Istio version comes from ${operator}'s outputs, so the data plane follows its control plane${docs}`,
    "clusters.external": `the mesh admins never reach the external cluster (${operator} owns it): remove clusters.external, and its context from this stack's kubeconfig${docs}`,
    tlsCertificate: `is the mesh operator's (the control plane's certificate, in the external cluster): remove it from this stack${docs}`,
    tlsKey: `is the mesh operator's (the control plane's certificate key, in the external cluster): remove it from this stack${docs}`,
  };
}

const CLUSTER_OPERATOR_KEYS: Record<string, string> = {
  apiServer: "the external istiod watches the cluster through it",
  network: "it labels the cluster's control plane and east-west gateway",
  istioVersion: "the admins' charts follow the cluster's version",
};

/** The operator's keys present in `raw`, as problems, and `raw` without them (so they are not also unknown keys). */
function operatorKeys(raw: Readonly<Record<string, unknown>>, operator: string, docs: string): { problems: Problem[]; rest: Record<string, unknown> } {
  const messages = operatorKeyMessages(operator, docs);
  const problems: Problem[] = [];
  const rest: Record<string, unknown> = { ...raw };
  for (const key of ["mesh", "exposure", "eastWestGateways", "protect", "remoteSecretRotation", "tlsCertificate", "tlsKey"]) {
    if (rest[key] !== undefined) {
      problems.push({ path: key, message: messages[key]! });
      delete rest[key];
    }
  }
  if (isRecord(rest.istio) && rest.istio.version !== undefined) {
    problems.push({ path: "istio.version", message: messages["istio.version"]! });
    const { version: _version, ...istio } = rest.istio;
    rest.istio = istio;
  }
  if (isRecord(rest.clusters)) {
    const { external, ...clusters } = rest.clusters;
    if (external !== undefined) problems.push({ path: "clusters.external", message: messages["clusters.external"]! });
    const strip = (entry: unknown, path: string): unknown => {
      if (!isRecord(entry)) return entry;
      const out = { ...entry };
      for (const [key, why] of Object.entries(CLUSTER_OPERATOR_KEYS)) {
        if (out[key] !== undefined) {
          problems.push({ path: `${path}.${key}`, message: `is the mesh operator's setting (${why}): remove it here; ${operator} sets it${docs}` });
          delete out[key];
        }
      }
      return out;
    };
    if (clusters.config !== undefined) clusters.config = strip(clusters.config, "clusters.config");
    if (Array.isArray(clusters.remotes)) clusters.remotes = clusters.remotes.map((r, i) => strip(r, `clusters.remotes[${i}]`));
    rest.clusters = clusters;
  }
  return { problems, rest };
}

export function workloadsSchemas(surface: WorkloadsSurface): { root: z.ZodObject; cluster: z.ZodType<WorkloadClusterEntry> } {
  const cluster = z.strictObject({
    name: dns1123Label,
    context: nonEmpty,
    gateways: z.strictObject({ ingress: z.boolean().default(false), egress: z.boolean().default(false) }).prefault({}),
    ...surface.clusterKeys,
  });
  const root = z.strictObject({
    istio: z
      .strictObject({
        chartRepository: (surface.chartRepository ?? chartRepository).default(DEFAULT_CHART_REPOSITORY),
        hub: (surface.hub ?? registryHub).optional(),
        imagePullSecrets: imagePullSecretNames,
      })
      .prefault({}),
    clusters: z.strictObject({ config: cluster.optional(), remotes: z.array(cluster).default([]) }),
    samples: z.boolean().default(false),
    ...surface.rootKeys,
  });
  return { root, cluster };
}

/**
 * Every cluster entry that parses on its own, with its role and path, so one bad field in one entry does not hide
 * a duplicate name or context elsewhere.
 */
function validClusterEntries(raw: unknown, cluster: z.ZodType<WorkloadClusterEntry>): WorkloadClusterPlacement[] {
  if (!isRecord(raw)) return [];
  const out: WorkloadClusterPlacement[] = [];
  const add = (value: unknown, role: RemoteClusterRole, path: string) => {
    const parsed = cluster.safeParse(value);
    if (parsed.success) out.push({ cluster: parsed.data, role, path });
  };
  if (raw.config !== undefined) add(raw.config, RemoteClusterRole.Config, "clusters.config");
  if (Array.isArray(raw.remotes)) raw.remotes.forEach((r, i) => add(r, RemoteClusterRole.Remote, `clusters.remotes[${i}]`));
  return out;
}

/** Every cluster of a parsed document with its role and path, the config cluster first. */
export function workloadClusters(doc: Pick<WorkloadsDocument, "clusters">): WorkloadClusterPlacement[] {
  const { config, remotes } = doc.clusters;
  return [
    ...(config ? [{ cluster: config, role: RemoteClusterRole.Config, path: "clusters.config" }] : []),
    ...remotes.map((cluster, i) => ({ cluster, role: RemoteClusterRole.Remote, path: `clusters.remotes[${i}]` })),
  ];
}

/** Validates a mesh admin's settings: the parsed document, or every problem at once. */
export function validateWorkloadsDocument<S extends Deferrable = string>(raw: unknown, surface: WorkloadsSurface): WorkloadsValidation<S> {
  const input = isRecord(raw) ? raw : {};
  const { problems: misplaced, rest } = operatorKeys(input, surface.operator, surface.docs ? ` (${surface.docs})` : "");
  const { root, cluster } = workloadsSchemas(surface);
  const parsed = root.safeParse(isRecord(raw) ? rest : raw, { error: errorMap(surface) });
  const problems = [...misplaced, ...(parsed.success ? [] : schemaProblems(root, parsed.error)), ...surface.ownProblems(input)];
  const valid = (parsed.success ? parsed.data : validTopLevelKeys(root, rest)) as Partial<WorkloadsDocument>;
  const add: Add = (path, message) => problems.push({ path, message });
  const placed = validClusterEntries(rest.clusters, cluster);
  if (valid.clusters && placed.length === 0) add("clusters", "lists no cluster: list the team's remote clusters under clusters.config and clusters.remotes");
  clusterProblems(
    placed.map((p) => ({ path: p.path, name: p.cluster.name, context: p.cluster.context })),
    add,
  );
  const config = placed.find((p) => p.role === RemoteClusterRole.Config)?.cluster;
  if (valid.samples === true && config && !config.gateways.ingress) {
    add("samples", "needs clusters.config.gateways.ingress: true (the guide reaches helloworld through the config cluster's ingress gateway)");
  }
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, document: parsed.data as unknown as WorkloadsDocument<S> };
}

/** What an operator serves, as far as an admin's settings are checked against it. */
export interface ServedClusters {
  /** The external cluster's name, when known. */
  externalCluster?: string;
  /** Each served remote cluster's role, by name. */
  roles: Readonly<Record<string, RemoteClusterRole>>;
}

/** Why a team's cluster is refused against what the operator serves. */
export type ServedClusterProblem = Problem & { kind: "external" | "unserved" | "role" };

/**
 * One of the team's clusters against what the operator serves: it must be one of its remote clusters, listed where
 * its role says (the config cluster under `clusters.config`). `operator` names the operator in messages.
 */
export function servedClusterProblem(placement: WorkloadClusterPlacement, served: ServedClusters, operator: string): ServedClusterProblem | undefined {
  const { cluster, role, path } = placement;
  const servedRole = served.roles[cluster.name];
  const names = Object.keys(served.roles);
  if (cluster.name === served.externalCluster) {
    return {
      kind: "external",
      path: `${path}.name`,
      message: `"${cluster.name}" is the external cluster of ${operator}; an admin stack reaches only remote clusters: remove it`,
    };
  }
  if (servedRole === undefined) {
    return {
      kind: "unserved",
      path: `${path}.name`,
      message: `"${cluster.name}" is not a remote cluster of ${operator} (it serves ${names.length > 0 ? names.join(", ") : "none"}); ask the mesh operator to add it there first, or fix the name`,
    };
  }
  if (servedRole !== role) {
    return {
      kind: "role",
      path: `${path}.name`,
      message:
        servedRole === RemoteClusterRole.Config
          ? `"${cluster.name}" is the config cluster of ${operator}: list it under clusters.config`
          : `"${cluster.name}" is a further remote cluster of ${operator}, not its config cluster: list it under clusters.remotes`,
    };
  }
  return undefined;
}

/** Every one of the team's clusters against what the operator serves (`servedClusterProblem`). */
export function servedClusterProblems(doc: Pick<WorkloadsDocument, "clusters">, served: ServedClusters, operator: string): ServedClusterProblem[] {
  return workloadClusters(doc).flatMap((placement) => servedClusterProblem(placement, served, operator) ?? []);
}
