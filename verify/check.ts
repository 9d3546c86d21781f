import type { CheckResult } from "./result";

/** One line of the report: a guide "confirm" step against one cluster, retried until it passes or time is up. */
export interface Check {
  /** The mesh name of the cluster it looks at. */
  cluster: string;
  name: string;
  /** Reads the live state once and judges it; read-only. May throw on I/O errors (reported as the reason). */
  attempt: () => Promise<CheckResult>;
}
