/**
 * The plugin's entry point (package.json `main`), which Pulumi's plugin host (`@pulumi/pulumi/cmd/run-plugin`, as
 * `pulumi-language-nodejs` starts it for `pulumi package add`) requires. It exports no component class, so the host
 * does not start its own component provider: it calls this module's export, which serves `MeshComponentProvider`
 * over gRPC with the engine's arguments, as the host's own `componentProviderHost` does. TypeScript programs import
 * the components from `index.ts`.
 */
import { main } from "@pulumi/pulumi/provider";
import { MeshComponentProvider } from "./provider";

export = function servePlugin(): Promise<void> {
  return main(new MeshComponentProvider(), process.argv.slice(2));
};
