/**
 * The `istio-mesh` package's public API for TypeScript programs: the whole mesh, and its two parts for separate
 * operator and admin stacks, with their arguments; the mesh's parts stay inside the package. Other languages reach
 * the same components through the plugin (`plugin.ts`, `PulumiPlugin.yaml` in this folder).
 */
export { ExternalControlPlaneMesh } from "./externalControlPlaneMesh";
export { ExternalControlPlane } from "./externalControlPlane";
export { MeshWorkloads } from "./meshWorkloads";
export * from "./meshArgs";
