/**
 * The Pulumi SDK records a formatted stack trace on every promise it creates (four per output property of every
 * resource), for a leak report that is printed only when PULUMI_DEBUG_PROMISE_LEAKS is set. At 100 remote clusters
 * that is ~77,000 stack traces and most of the program's evaluation time (BENCHMARKS.md).
 */

/**
 * Runs `build` (synchronous resource construction) with stack traces off, unless promise-leak debugging is on.
 * Resource source positions are unaffected: the SDK raises the limit itself to record them. The price: an
 * exception thrown synchronously inside `build` carries its message but no stack.
 */
export function withoutPromiseStackTraces<T>(build: () => T): T {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return build();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
