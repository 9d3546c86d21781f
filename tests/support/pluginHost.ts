/**
 * Boots the plugin the way Pulumi does: `pulumi-language-nodejs` runs `@pulumi/pulumi/cmd/run-plugin` on the
 * plugin folder (there, with ts-node and type checking), which prints the port of its gRPC ResourceProvider server;
 * the engine then calls it. Here the test is the engine: it calls GetSchema with the generated client shipped in
 * `@pulumi/pulumi/proto`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { GetSchemaRequest } from "@pulumi/pulumi/proto/provider_pb";

export interface BootedPlugin {
  port: number;
  /** Milliseconds from spawning the host to the port on its stdout. */
  bootMs: number;
  stderr(): string;
  stop(): void;
}

/** The plugin host of the `@pulumi/pulumi` installed in `nodeModules` (the plugin folder's own, after a lean install). */
export function runPluginPath(nodeModules: string): string {
  return path.join(nodeModules, "@pulumi", "pulumi", "cmd", "run-plugin");
}

/** Starts the plugin host on `pluginDir` and waits for the port it serves on. */
export function bootPlugin(pluginDir: string, runPlugin: string, timeoutMs: number): Promise<BootedPlugin> {
  const started = Date.now();
  // As the language host does: the plugin folder is the working directory and the program.
  const child: ChildProcess = spawn(process.execPath, [runPlugin, "."], { cwd: pluginDir, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => void (stderr += d.toString()));
  const stop = () => void child.kill("SIGKILL");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`the plugin printed no port within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
      const line = /^(\d+)\s*$/m.exec(stdout);
      if (line) {
        clearTimeout(timer);
        resolve({ port: Number(line[1]), bootMs: Date.now() - started, stderr: () => stderr, stop });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the plugin host exited (${code}) before serving; stdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
}

/** The schema the plugin serves, through GetSchema over its gRPC port. */
export function getSchema(port: number, timeoutMs: number): Promise<Record<string, unknown>> {
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    client.getSchema(new GetSchemaRequest(), new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, response) => {
      client.close();
      if (err) reject(err);
      else resolve(JSON.parse(response.getSchema()) as Record<string, unknown>);
    });
  });
}
