/**
 * Entry point of `npm run verify` (see main.ts).
 *
 * Exits explicitly once the report is written: a request still hanging on an unreachable cluster after the
 * deadline must not keep the process alive.
 */
import { runVerify } from "./main";

function exit(code: number): void {
  process.stdout.write("", () => process.exit(code));
}

runVerify(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(exit, (err: unknown) => {
  process.stderr.write(`verify failed: ${err instanceof Error ? err.message : String(err)}\n`);
  exit(2);
});
