/**
 * Mocks with `pulumi up` semantics and the values a live cluster would give: service-account tokens filled by the
 * token controller, random ids derived from their keepers, load-balancer addresses. For tests of what only exists
 * after deploy (kubeconfig content, secret-ness end to end, rotation).
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { evaluate, type Evaluation } from "../../render/evaluate";

const b64 = (s: string) => Buffer.from(s).toString("base64");
export const FAKE_CA_CRT = b64("-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n");
/** The token the fake token controller writes for a token Secret of this name. */
export const fakeToken = (secretName: string) => `token-for-${secretName}`;

export function liveMocks(loadBalancer: { ip?: string; hostname?: string } = { ip: "203.0.113.7" }): pulumi.runtime.Mocks {
  return {
    newResource: (args) => {
      const inputs = args.inputs as Record<string, unknown>;
      if (args.id) {
        // A read: Services read after their Helm release, with a load-balancer address.
        return { id: args.id, state: { ...inputs, status: { loadBalancer: { ingress: [loadBalancer] } } } };
      }
      const state: Record<string, unknown> = { ...inputs };
      if (args.type === "random:index/randomId:RandomId") {
        state.hex = createHash("sha256").update(JSON.stringify(inputs.keepers ?? {})).digest("hex").slice(0, 8);
      }
      if (args.type === "kubernetes:core/v1:Secret" && inputs.type === "kubernetes.io/service-account-token") {
        const name = String((inputs.metadata as { name?: string }).name);
        state.data = { token: b64(fakeToken(name)), "ca.crt": FAKE_CA_CRT, namespace: b64("external-istiod") };
      }
      if (args.type === "kubernetes:helm.sh/v3:Release") {
        state.status = { name: inputs.name, namespace: inputs.namespace, version: inputs.version, status: "deployed" };
      }
      if (args.type.startsWith("tls:")) {
        state.privateKeyPem = "-----BEGIN PRIVATE KEY-----\nfake\n-----END PRIVATE KEY-----\n";
        state.certPem = "-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n";
      }
      return { id: `${args.name}-id`, state };
    },
    call: (args) => args.inputs as Record<string, unknown>,
  };
}

/** Evaluates components built by `program` with these mocks and `pulumi up` semantics, and no stack config. */
export function evaluateLive(program: () => void): Promise<Evaluation> {
  return evaluate({ project: "istio-mesh", stack: "test", config: {}, secretKeys: [], mocks: liveMocks(), preview: false, program });
}
