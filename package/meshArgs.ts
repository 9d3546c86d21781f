/**
 * The public API of the `istio-mesh` package, as every Pulumi language sees it: the enums of the mesh's settings.
 * Pulumi's component analyzer turns these declarations (and their JSDoc) into the package schema, from which
 * `pulumi package add` generates the SDKs of other languages; hence string enums, not unions of literals.
 */

/** How remote clusters reach the external control plane. */
export enum ExposureMode {
  /**
   * On a DNS name with a publicly trusted certificate, TLS terminated at the control plane gateway (the guide's main
   * path; production).
   */
  Hostname = "hostname",
  /** On the control plane gateway's load-balancer IP, TLS passed through to istiod (dev clusters without DNS). */
  LoadBalancer = "loadBalancer",
}

/** Whether every remote cluster runs an east-west gateway. */
export enum EastWestGateways {
  /** When the remote clusters span more than one network. */
  Auto = "auto",
  /** On every remote cluster. */
  Enabled = "enabled",
  /** On none; refused when the remote clusters span more than one network. */
  Disabled = "disabled",
}

/** `istio-system` of the external cluster. */
export enum IstioSystemNamespace {
  /** The mesh creates it (and, with `protect`, protects it). */
  Create = "create",
  /**
   * It exists already (typically because it holds the certificate of `exposure.tls`): the mesh reads it and never
   * updates or deletes it.
   */
  Existing = "existing",
}

/** A remote cluster's part in the mesh. */
export enum RemoteClusterRole {
  /** The config cluster: it holds the mesh's configuration, which the external istiod reads. */
  Config = "config",
  /** A further remote cluster: a source of endpoints. */
  Remote = "remote",
}
