// Entry point of `pulumi up` / `pulumi preview` (Pulumi.yaml `main`). The resolved object is the stack's outputs;
// a config error rejects the promise, and Pulumi prints it without a stack trace (it is a RunError).
import { program } from "./program";

export = () => program();
