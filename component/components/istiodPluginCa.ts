/**
 * hostname mode: a plug-in CA for the external istiod, so the control plane gateway can verify istiod.
 *
 * The guide's DestinationRule (SIMPLE TLS to istiod, no CA) fails on current Istio: without a CA the gateway
 * verifies istiod against the system roots (unconditionally since 1.24; istio/istio#52393), and istiod's
 * self-signed root would live in the config cluster, out of the gateway's reach. With a CA we own, istiod's
 * serving certificate chains to a root we can hand to the gateway (`credentialName`, key `cacert`). DESIGN §5.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as tls from "@pulumi/tls";
import { protection, typeToken } from "./common";

/** The Secret istiod's chart mounts (optionally) at /etc/cacerts: plug-in CA material. */
export const CACERTS_SECRET = "cacerts";

/** Name of the Secret in the gateway's namespace holding the CA root the DestinationRule trusts. */
export function istiodTrustSecretName(controlPlaneNamespace: string): string {
  return `${controlPlaneNamespace}-istiod-ca`;
}

export interface IstiodPluginCaArgs {
  /** The external istiod's namespace in the external cluster (gets `cacerts`). */
  namespace: pulumi.Input<string>;
  /** The control plane gateway's namespace (gets the trust Secret). */
  gatewayNamespace: pulumi.Input<string>;
  trustSecretName: string;
  /** Protect the root key and certificate: replacing them breaks every workload's mTLS at once. */
  protect: boolean;
}

/** Root CA (kept in Pulumi state as a secret), `cacerts` for istiod, and the root for the gateway. */
export class IstiodPluginCa extends pulumi.ComponentResource {
  readonly cacerts: k8s.core.v1.Secret;
  readonly trust: k8s.core.v1.Secret;
  readonly rootCertificate: pulumi.Output<string>;

  constructor(name: string, args: IstiodPluginCaArgs, opts?: pulumi.ComponentResourceOptions) {
    super(typeToken("IstiodPluginCa"), name, {}, opts);
    // The root must never change by accident: a new root reaches istiod and the gateway at once, with no period in
    // which both are trusted. So no early renewal, nothing in the subject that config could change, and protection.
    const keep = protection(args.protect);
    const key = new tls.PrivateKey(`${name}-root-key`, { algorithm: "RSA", rsaBits: 4096 }, { parent: this, ...keep });
    const root = new tls.SelfSignedCert(
      `${name}-root`,
      {
        privateKeyPem: key.privateKeyPem,
        isCaCertificate: true,
        subject: { organization: "Istio", commonName: "external istiod root CA" },
        validityPeriodHours: 10 * 365 * 24,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature", "key_encipherment"],
      },
      { parent: this, ...keep },
    );
    this.rootCertificate = root.certPem;

    // istiod signs with ca-cert/ca-key; with a single-level CA the root is also the signing certificate.
    this.cacerts = new k8s.core.v1.Secret(
      `${name}-cacerts`,
      {
        metadata: { name: CACERTS_SECRET, namespace: args.namespace },
        type: "Opaque",
        stringData: {
          "ca-cert.pem": root.certPem,
          "ca-key.pem": pulumi.secret(key.privateKeyPem),
          "root-cert.pem": root.certPem,
          "cert-chain.pem": root.certPem,
        },
      },
      { parent: this },
    );
    this.trust = new k8s.core.v1.Secret(
      `${name}-gateway-trust`,
      {
        metadata: { name: args.trustSecretName, namespace: args.gatewayNamespace },
        type: "Opaque",
        stringData: { cacert: root.certPem },
      },
      { parent: this },
    );
    this.registerOutputs({ rootCertificate: this.rootCertificate });
  }
}
