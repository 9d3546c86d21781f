/** A problem with how the command was called or with what it reads (arguments, stack config, outputs, kubeconfig): exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
