/**
 * Stack names as a StackReference takes them. The backend completes a name without an organization with the CLI's
 * default organization (or the user), not with the organization of the stack that reads it, so the program
 * qualifies names itself: in this stack's organization and, without a project, in this project.
 */
import * as pulumi from "@pulumi/pulumi";

/** `<stack>` and `<organization>/<stack>` completed to `<organization>/<project>/<stack>`; a full name as it is. */
export function qualifiedStackName(name: string, organization: string | undefined, project: string): string {
  const parts = name.split("/");
  if (parts.length === 3) return name;
  if (parts.length === 2) return `${parts[0]}/${project}/${parts[1]}`;
  return organization === undefined ? name : `${organization}/${project}/${name}`;
}

/** This stack's organization; older CLIs report none (then a bare name is left to the backend). */
function thisOrganization(): string | undefined {
  try {
    return pulumi.getOrganization();
  } catch {
    return undefined;
  }
}

/** `name` as the running stack's StackReference should give it. */
export function stackReferenceName(name: string): string {
  return qualifiedStackName(name, thisOrganization(), pulumi.getProject());
}
