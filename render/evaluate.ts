/**
 * Evaluates a Pulumi program under the SDK's mock runtime with preview semantics, recording every registration as
 * the engine would receive it: type, name, parent, provider, dependencies, options and serialised inputs (secret
 * and unknown markers included). DESIGN §7.
 *
 * Mocks only see type, name, inputs and provider, so the installed monitor's `registerResource` and
 * `readResource` are wrapped to read the engine's requests. `setMockOptions` is never called: it resets the
 * secrets feature flag, and secrets would then travel as plain values.
 *
 * Evaluations run one at a time (each resets the SDK's global runtime state), never concurrently.
 */
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";

/** A value as the engine receives it: JSON plus Pulumi's secret/unknown/resource markers. */
export type Wire = unknown;

export interface Registration {
  kind: "register" | "read";
  urn: string;
  /** A read's id: the object it reads (the engine relinquishes a created resource of the same URN and id). */
  id?: string;
  type: string;
  name: string;
  custom: boolean;
  /** Parent URN; `undefined` for resources at the stack's root. */
  parent?: string;
  /** Provider reference `<urn>::<id>` of a custom resource. */
  provider?: string;
  /** Provider references of a component, by package. */
  providers: Record<string, string>;
  dependencies: string[];
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
  /** Replacement order: false (the default) creates the replacement before deleting the old resource. */
  deleteBeforeReplace: boolean;
  /** Prior identities the engine matches against the stack's state (`opts.aliases`), as the request carries them. */
  aliases: AliasRecord[];
  inputs: Record<string, Wire>;
}

/**
 * An alias as the engine receives it: a whole prior URN, or a spec whose absent fields mean "as now". `parent: null`
 * is the stack's root; an absent `parent` is the resource's current parent. The engine adds the aliases a child
 * inherits from its parent's aliases itself (`tests/support/urns.ts` does the same for the tests).
 */
export type AliasRecord = { urn: string } | { name?: string; type?: string; project?: string; stack?: string; parent?: string | null };

export interface Evaluation {
  project: string;
  stack: string;
  registrations: Registration[];
  /** The stack's outputs as serialised for the engine. */
  outputs: Record<string, Wire>;
}

export interface EvaluateOptions {
  project: string;
  stack: string;
  /** Full config keys (`ns:key`) to string values, as Pulumi passes them. */
  config: Record<string, string>;
  secretKeys: string[];
  /** The program; its return value becomes the stack outputs. */
  program: () => unknown;
  /** Other mocks and `pulumi up` semantics, for tests that need values a live cluster would give. */
  mocks?: pulumi.runtime.Mocks;
  preview?: boolean;
  /**
   * The outputs of stacks the program references, by the name it gives its `StackReference`
   * (`<organization>/<project>/<stack>`), as `pulumi stack output --json` prints them. A stack not listed has no
   * outputs, as a stack that was never deployed.
   */
  stackOutputs?: Readonly<Record<string, Record<string, unknown>>>;
}

/** The organization of a DIY backend, which the mock runtime reports for `pulumi.getOrganization()`. */
export const MOCK_ORGANIZATION = "organization";
const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

const STACK_TYPE = "pulumi:pulumi:Stack";

/** The program failed; `registrations` is what it had registered by then. */
export class ProgramError extends Error {
  constructor(
    readonly error: unknown,
    readonly registrations: readonly Registration[],
  ) {
    super(error instanceof Error ? error.message : String(error));
    this.name = "ProgramError";
  }
}

interface ProtoStruct {
  toJavaScript(): Record<string, unknown>;
}
interface AliasSpecProto {
  getName(): string;
  getType(): string;
  getProject(): string;
  getStack(): string;
  hasParenturn(): boolean;
  getParenturn(): string;
  hasNoparent(): boolean;
  getNoparent(): boolean;
}
interface AliasProto {
  hasUrn(): boolean;
  getUrn(): string;
  getSpec(): AliasSpecProto | undefined;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getProvidersMap(): { toObject(): [string, string][] };
  getDependenciesList(): string[];
  getProtect(): boolean;
  hasProtect(): boolean;
  getRetainondelete(): boolean;
  hasRetainondelete(): boolean;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getAliasesList(): AliasProto[];
  getObject(): ProtoStruct | undefined;
}
interface ReadRequest {
  getId(): string;
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
  getProperties(): ProtoStruct | undefined;
}
interface UrnResponse {
  getUrn(): string;
}
type Callback = (err: Error | null, resp: UrnResponse) => void;
interface MockMonitorLike {
  registerResource(req: RegisterRequest, cb: Callback): void;
  readResource(req: ReadRequest, cb: Callback): void;
  registerResourceOutputs(req: { getUrn(): string; getOutputs(): ProtoStruct | undefined }, cb: (err: Error | null, resp: unknown) => void): void;
  newUrn(parent: string, type: string, name: string): string;
}

/**
 * Preview semantics: outputs are the inputs (as a provider's preview of a create returns them); whatever only a
 * live cluster knows (Release `status`, Secret `data`, generated ids and keys) is omitted and so unknown. Reads
 * (`X.get`) get no state at all, as with a not-yet-known id in a real first preview.
 */
const previewMocks: pulumi.runtime.Mocks = {
  newResource: (args) => (args.id !== undefined && args.id !== "" ? { id: args.id, state: {} } : { id: "", state: args.inputs as Record<string, unknown> }),
  call: (args) => args.inputs as Record<string, unknown>,
};

/**
 * Evaluates `options.program` and returns what the engine would have received.
 * @throws ProgramError when the program fails
 */
export async function evaluate(options: EvaluateOptions): Promise<Evaluation> {
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);
  const mocks = withStackReferences(options.mocks ?? previewMocks, options.stackOutputs ?? {});
  await pulumi.runtime.setMocks(mocks, options.project, options.stack, options.preview ?? true, MOCK_ORGANIZATION);

  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike;
  const registrations: Registration[] = [];
  let stackUrn: string | undefined;
  let outputs: Record<string, Wire> = {};

  // URNs as the engine makes them: the type is qualified by every ancestor's type except the root stack's
  // (the mock monitor keeps only the parent's own type and includes the stack).
  monitor.newUrn = (parent, type, name) => {
    const qualified = parent && parent !== stackUrn ? `${parent.split("::")[2]}$${type}` : type;
    return `urn:pulumi:${options.stack}::${options.project}::${qualified}::${name}`;
  };

  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) =>
    register(req, (err, resp) => {
      if (!err) {
        const urn = resp.getUrn();
        if (req.getType() === STACK_TYPE) stackUrn = urn;
        else {
          registrations.push({
            kind: "register",
            urn,
            type: req.getType(),
            name: req.getName(),
            custom: req.getCustom(),
            ...parentOf(req.getParent(), stackUrn),
            ...(req.getProvider() ? { provider: req.getProvider() } : {}),
            providers: Object.fromEntries(req.getProvidersMap().toObject()),
            dependencies: [...new Set(req.getDependenciesList())].sort(),
            protect: req.hasProtect() ? req.getProtect() : false,
            retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : false,
            ignoreChanges: req.getIgnorechangesList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            aliases: req.getAliasesList().map((a) => aliasRecord(a, stackUrn)),
            inputs: req.getObject()?.toJavaScript() ?? {},
          });
        }
      }
      cb(err, resp);
    });

  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (req, cb) =>
    read(req, (err, resp) => {
      if (!err) {
        registrations.push({
          kind: "read",
          urn: resp.getUrn(),
          id: req.getId(),
          type: req.getType(),
          name: req.getName(),
          custom: true,
          ...parentOf(req.getParent(), stackUrn),
          ...(req.getProvider() ? { provider: req.getProvider() } : {}),
          providers: {},
          dependencies: [...new Set(req.getDependenciesList())].sort(),
          protect: false,
          retainOnDelete: false,
          ignoreChanges: [],
          deleteBeforeReplace: false,
          aliases: [],
          inputs: req.getProperties()?.toJavaScript() ?? {},
        });
      }
      cb(err, resp);
    });

  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    if (req.getUrn() === stackUrn) outputs = req.getOutputs()?.toJavaScript() ?? {};
    registerOutputs(req, cb);
  };

  // A program error is caught inside the stack, so the SDK's own promises settle instead of rejecting unawaited.
  let failure: { error: unknown } | undefined;
  await pulumi.runtime.runInPulumiStack(async () => {
    try {
      return await Promise.resolve().then(options.program);
    } catch (error) {
      failure = { error };
      return {};
    }
  });
  await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  if (failure) throw new ProgramError(failure.error, registrations);
  return { project: options.project, stack: options.stack, registrations, outputs };
}

/**
 * A StackReference read answers with the referenced stack's outputs, as the engine's built-in provider does
 * (`name`, `outputs`, `secretOutputNames`); everything else goes to `mocks`.
 */
function withStackReferences(mocks: pulumi.runtime.Mocks, stackOutputs: Readonly<Record<string, Record<string, unknown>>>): pulumi.runtime.Mocks {
  return {
    newResource: (args) => {
      if (args.type !== STACK_REFERENCE_TYPE) return mocks.newResource(args);
      // The SDK reads a StackReference with the referenced stack's name as its id.
      const name = args.id ?? args.name;
      return { id: name, state: { name, outputs: stackOutputs[name] ?? {}, secretOutputNames: [] } };
    },
    call: (args) => mocks.call(args),
  };
}

/** Empty strings in an alias spec mean "not given". The SDK names the stack itself when an alias says "no parent". */
function aliasRecord(alias: AliasProto, stackUrn: string | undefined): AliasRecord {
  const spec = alias.getSpec();
  if (alias.hasUrn() || !spec) return { urn: alias.getUrn() };
  const given = (value: string) => (value === "" ? undefined : value);
  const parent = spec.hasNoparent() && spec.getNoparent() ? null : spec.hasParenturn() ? spec.getParenturn() : undefined;
  const record = { name: given(spec.getName()), type: given(spec.getType()), project: given(spec.getProject()), stack: given(spec.getStack()) };
  return {
    ...Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)),
    ...(parent === undefined ? {} : { parent: parent === stackUrn ? null : parent }),
  };
}

function parentOf(parent: string, stackUrn: string | undefined): { parent?: string } {
  return parent && parent !== stackUrn ? { parent } : {};
}
