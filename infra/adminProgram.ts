/**
 * An admin stack (`stackKind: admin`, docs/operator-admin-stacks.md): the mesh admins' gateways and samples on
 * the team's remote clusters, against the control plane of the operator stack named in `operatorStack`.
 *
 * The operator stack's outputs are read before anything is registered. Every value of the control plane (each
 * cluster's namespace, Istio version, readiness marker) reaches the workloads through those outputs, so they wait
 * for them. Without outputs (the operator stack never deployed, or destroyed) `pulumi up` refuses, and a preview
 * shows the values unknown, with a warning: a pull request that adds both stacks can be previewed before either
 * is deployed.
 */
import * as pulumi from "@pulumi/pulumi";
import { servedClusterProblems } from "../component/config/workloads";
import type { ControlPlaneReference, WorkloadClusterInfo } from "../component/meshArgs";
import { MeshWorkloads } from "../component/meshWorkloads";
import { DEPLOYED_CONFIG_OUTPUT, stackKindProblems, type DeployedAdminConfig } from "./config/deployed";
import { CONFIG_NAMESPACE, ConfigError } from "./config/load";
import { OPERATOR_OUTPUT_NAMES, operatorStackState, servedClusters, type OperatorStackState } from "./config/operatorOutputs";
import { formatProblems, type StackWorkloadsConfig } from "./config/validate";
import { workloadsArgsFromStack } from "./meshArgs";
import { stackReferenceName } from "./stackNames";
import { deployedKind, type PreviousDeployment } from "./deployment";

/** An admin stack's outputs: its clusters, the control plane it was deployed against, and the record. */
export interface AdminStackOutputs {
  stackKind: "admin";
  /** The operator stack read. */
  operatorStack: string;
  /** The control plane's address, from the operator stack (for `npm run verify`). */
  EXTERNAL_ISTIOD_ADDR: pulumi.Output<string>;
  /** Each of the team's clusters: its ingress address and the control plane revision it was deployed against. */
  remotes: Record<string, WorkloadClusterInfo>;
  helloworldUrl?: pulumi.Output<string>;
  [DEPLOYED_CONFIG_OUTPUT]: DeployedAdminConfig;
}

/** What to do about an operator stack without outputs. */
const DEPLOY_OPERATOR_FIRST = "deploy the operator stack first (`pulumi up` there), then this stack (docs/operator-admin-stacks.md)";

/**
 * What the operator stack's outputs say, read with `read` (a StackReference's `getOutputDetails`). A failed read
 * (no such stack, no access: the engine's read of the StackReference fails) is a config error at `operatorStack`.
 */
export async function readOperatorStack(
  cfg: Pick<StackWorkloadsConfig, "source" | "operatorStack">,
  read: (output: string) => Promise<pulumi.StackReferenceOutputDetails>,
): Promise<OperatorStackState> {
  try {
    const details = await Promise.all(OPERATOR_OUTPUT_NAMES.map(read));
    return operatorStackState(Object.fromEntries(OPERATOR_OUTPUT_NAMES.map((name, i) => [name, details[i]!.value ?? details[i]!.secretValue])));
  } catch (err) {
    throw new ConfigError(
      formatProblems(cfg.source, [
        {
          path: "operatorStack",
          message: `cannot read stack "${cfg.operatorStack}" (${err instanceof Error ? err.message : String(err)}); check the name (<stack>, <organization>/<stack> or <organization>/<project>/<stack>), that the stack exists, and that this stack's Pulumi credentials may read it`,
        },
      ]),
    );
  }
}

/** A value the preview cannot know yet. */
const unknownValue = <T>(): pulumi.Output<T> => pulumi.output(pulumi.unknown) as unknown as pulumi.Output<T>;

/** @param name the workloads component's name */
export async function adminProgram(name: string, cfg: StackWorkloadsConfig, previous: PreviousDeployment): Promise<AdminStackOutputs> {
  const refused = stackKindProblems(deployedKind(previous), "admin");
  if (refused.length > 0) throw new ConfigError(formatProblems(cfg.source, refused));

  const reference = new pulumi.StackReference("operator", { name: stackReferenceName(cfg.operatorStack) });
  const state = await readOperatorStack(cfg, (output) => reference.getOutputDetails(output));
  const operator = `operator stack "${cfg.operatorStack}"`;
  // Annotated, so that TypeScript narrows `state` after each call.
  const refuse: (message: string) => never = (message) => {
    throw new ConfigError(formatProblems(cfg.source, [{ path: "operatorStack", message }]));
  };
  if (state.kind === "notOperator") {
    const what = state.stackKind === undefined ? "it has no stackKind output (a whole mesh, or another program's stack)" : `its stackKind output is ${JSON.stringify(state.stackKind)}`;
    refuse(`"${cfg.operatorStack}" is not a mesh operator's stack: ${what}; name the stack deployed with stackKind: operator`);
  }
  if (state.kind === "malformed") {
    refuse(
      `the outputs of ${operator} are not an operator stack's (${state.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}); deploy it with this version of the program`,
    );
  }
  let controlPlane: Required<Pick<ControlPlaneReference, "externalIstiodAddress" | "remotes">>;
  if (state.kind === "none") {
    if (!pulumi.runtime.isDryRun()) refuse(`${operator} has no outputs: it has not been deployed; ${DEPLOY_OPERATOR_FIRST}`);
    void pulumi.log.warn(`${cfg.source}: operatorStack: ${operator} has no outputs yet, so its values are unknown in this preview; \`pulumi up\` of this stack refuses to run until it has: ${DEPLOY_OPERATOR_FIRST}`);
    controlPlane = { externalIstiodAddress: unknownValue(), remotes: unknownValue() };
  } else {
    const served = servedClusters(state.outputs);
    // Unknown only in an offline render of another render's outputs; a deployed operator stack has them all.
    if (served === undefined && !pulumi.runtime.isDryRun()) {
      refuse(`the outputs of ${operator} lack externalCluster or remotes; deploy it with this version of the program`);
    }
    const problems = served ? servedClusterProblems(cfg.document, served, operator) : [];
    if (problems.length > 0) throw new ConfigError(formatProblems(cfg.source, problems));
    controlPlane = {
      externalIstiodAddress: reference.getOutput("EXTERNAL_ISTIOD_ADDR") as pulumi.Output<string>,
      remotes: reference.getOutput("remotes"),
    };
  }

  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const kubeconfig = cfg.kubeconfigInConfig ? config.requireSecret("kubeconfig") : undefined;
  const workloads = new MeshWorkloads(name, workloadsArgsFromStack(cfg.document, controlPlane, kubeconfig));
  return {
    stackKind: "admin",
    operatorStack: cfg.operatorStack,
    EXTERNAL_ISTIOD_ADDR: pulumi.output(controlPlane.externalIstiodAddress),
    remotes: workloads.clusters,
    ...(workloads.helloworldUrl ? { helloworldUrl: workloads.helloworldUrl } : {}),
    [DEPLOYED_CONFIG_OUTPUT]: { stackKind: "admin", operatorStack: cfg.operatorStack },
  };
}
