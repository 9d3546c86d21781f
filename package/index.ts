/**
 * The `istio-mesh` Pulumi package (package.json `main`): the plugin's entry point when another Pulumi program runs
 * `pulumi package add` on this repository (`PulumiPlugin.yaml`). The plugin host serves every component class
 * exported here, so only the public components are (the whole mesh, and its two parts for separate operator and admin stacks): the mesh's parts stay inside the package.
 */
export { ExternalControlPlaneMesh } from "./externalControlPlaneMesh";
export { ExternalControlPlane } from "./externalControlPlane";
export { MeshWorkloads } from "./meshWorkloads";
export * from "./meshArgs";
