/**
 * A problem found in a mesh's settings, located by its key path. The stack file and the component's arguments have
 * the same shape, so the same path names the stack key (`Pulumi.prod.yaml: clusters.remotes[1].name`) and the
 * argument (`ExternalControlPlaneMesh "prod": clusters.remotes[1].name`).
 */

/** One problem, located by its key path (`clusters.remotes[1].name`; "" for the whole document). */
export interface Problem {
  path: string;
  message: string;
}

/** `["clusters", "remotes", 1, "name"]` -> `clusters.remotes[1].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out;
}
