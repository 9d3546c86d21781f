/**
 * The `istio-mesh` Pulumi package (package.json `main`): the plugin's entry point when another Pulumi program runs
 * `pulumi package add` on this repository (`PulumiPlugin.yaml`). The plugin host serves every component class
 * exported here, so only the public component is: the mesh's parts stay inside the package.
 */
export { ExternalControlPlaneMesh } from "./externalControlPlaneMesh";
export * from "./meshArgs";
