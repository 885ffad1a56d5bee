import {
  DEFAULT_PROJECT,
  GenesisError,
  type AccessLevel,
  type Principal,
  type Role,
  type RouteDef,
  type Scope
} from '@genesis-lab/contract';

/**
 * THE access policy: every route, socket event and CLI command asks these functions, and
 * nothing else decides who may see or do what. Pure functions of a principal and a resource.
 *
 * Levels:
 * - `open`: every signed-in user sees the record and reads its data;
 * - `controlled`: the record is discoverable by everyone (its metadata is public), its data is
 *   read only by members of its project who are cleared for `controlled`;
 * - `export-controlled`: the record exists only for members of its project cleared for
 *   `export-controlled` (everyone else gets "not found", and it is never counted).
 * A facility receives data (stage-in, reproduce) only up to the level it is cleared for.
 */

const LEVEL_RANK: Record<AccessLevel, number> = { open: 0, controlled: 1, 'export-controlled': 2 };
const ROLE_RANK: Record<Role, number> = { viewer: 0, contributor: 1, maintainer: 2 };

/** What the policy needs to know about a record, job or run: whose it is and how restricted. */
export interface Owned {
  project?: string | undefined;
  accessLevel: AccessLevel;
}

export function projectOf(o: { project?: string | undefined }): string {
  return o.project ?? DEFAULT_PROJECT;
}

/** A token scope; `admin` implies every other. */
export function hasScope(p: Principal, scope: Scope): boolean {
  return p.scopes.includes(scope) || p.scopes.includes('admin');
}

/** Checked before any route handler runs: the route table says which scope each route needs. */
export function requireRouteScope(p: Principal, route: RouteDef): void {
  if (route.scope === 'public') return;
  if (!hasScope(p, route.scope))
    throw new GenesisError(
      'forbidden',
      `This token lacks the "${route.scope}" scope needed for ${route.method} ${route.path}`,
      {
        hint: `Create a token with it: genesis tokens create --scope ${route.scope}`
      }
    );
}

/** The user's role in a project (admins are maintainers everywhere; everyone views "public"). */
export function roleIn(p: Principal, project: string): Role | undefined {
  if (p.admin) return 'maintainer';
  const r = p.projects[project];
  if (r) return r;
  return project === DEFAULT_PROJECT ? 'viewer' : undefined;
}

export function hasRole(p: Principal, project: string, role: Role): boolean {
  const r = roleIn(p, project);
  return r !== undefined && ROLE_RANK[r] >= ROLE_RANK[role];
}

/**
 * Publishing a version writes into its record's project and the project the new version names:
 * contributors of each only. One rule for datasets and models.
 */
export function requirePublishRole(p: Principal, projects: readonly (string | undefined)[]): void {
  for (const project of new Set(projects.filter((x): x is string => x !== undefined)))
    if (!hasRole(p, project, 'contributor'))
      throw new GenesisError('forbidden', `Only contributors of project "${project}" publish versions of its records`, {
        hint: 'Ask a maintainer of the project to make you a contributor'
      });
}

export function cleared(p: Principal, level: AccessLevel): boolean {
  return level === 'open' || p.clearances.includes(level);
}

/** May the principal know the record exists (search, facets, suggestions, lineage, errors)? */
export function recordVisible(p: Principal, r: Owned): boolean {
  if (r.accessLevel !== 'export-controlled') return true;
  return cleared(p, 'export-controlled') && roleIn(p, projectOf(r)) !== undefined;
}

/** May the principal read the record's rows (and so stage or export them)? */
export function dataReadable(p: Principal, r: Owned): boolean {
  if (r.accessLevel === 'open') return true;
  return cleared(p, r.accessLevel) && roleIn(p, projectOf(r)) !== undefined;
}

/** Why a visible record's data is refused (the principal knows it exists, so say why). */
export function dataRefusal(id: string, p: Principal, r: Owned): GenesisError {
  const project = projectOf(r);
  const why = !cleared(p, r.accessLevel)
    ? `you are not cleared for "${r.accessLevel}" data`
    : `you are not a member of its project "${project}"`;
  return new GenesisError('forbidden', `"${id}" is ${r.accessLevel}: ${why}`, {
    hint: `Its metadata is public; ask a maintainer of "${project}" for membership, or the data steward for "${r.accessLevel}" clearance`
  });
}

/** Facility clearance is configuration: the highest level of data a facility may receive. */
export function facilityCleared(facilityClearance: AccessLevel, level: AccessLevel): boolean {
  return LEVEL_RANK[level] <= LEVEL_RANK[facilityClearance];
}

export function facilityRefusal(
  id: string,
  facility: string,
  facilityClearance: AccessLevel,
  level: AccessLevel
): string {
  return `"${id}" is ${level} and facility "${facility}" is cleared only up to "${facilityClearance}": its data may not be staged there`;
}

/** Levels whose records may leave the platform in a crate (export-controlled data never does). */
export function exportable(level: AccessLevel): boolean {
  return level !== 'export-controlled';
}

/** Jobs: their owner, and the members of their project, see them. */
export function jobVisible(p: Principal, job: { owner: string; project?: string | undefined }): boolean {
  if (job.owner === p.user || p.admin) return true;
  return job.project !== undefined && job.project !== DEFAULT_PROJECT && roleIn(p, job.project) !== undefined;
}

/**
 * Provenance runs: the user who first recorded them, admins, and whoever has a role in their
 * project (everyone views the default project, where runs recorded before projects are).
 */
export function runVisible(p: Principal, run: { owner: string | null; project: string }): boolean {
  if (p.admin || (run.owner !== null && run.owner === p.user)) return true;
  return roleIn(p, run.project) !== undefined;
}

/** `runVisible` as SQL over prov_runs (lists page in SQL): the same rule. */
export function runVisibleSql(p: Principal): { sql: string; params: string[] } {
  if (p.admin) return { sql: '1', params: [] };
  const projects = [DEFAULT_PROJECT, ...Object.keys(p.projects)];
  return { sql: `(owner = ? OR project IN (${projects.map(() => '?').join(', ')}))`, params: [p.user, ...projects] };
}

/** Cancel: the owner, or a maintainer of the job's project. */
export function jobCancellable(p: Principal, job: { owner: string; project?: string | undefined }): boolean {
  return job.owner === p.user || hasRole(p, job.project ?? DEFAULT_PROJECT, 'maintainer');
}

/** Membership, access-level changes and audit reads: maintainers of the project (admins: all). */
export function mayManageProject(p: Principal, project: string): boolean {
  return hasRole(p, project, 'maintainer') && (project !== DEFAULT_PROJECT || p.admin);
}

export function mayReadAudit(p: Principal): boolean {
  return p.admin || Object.values(p.projects).includes('maintainer');
}

/** A token a user creates carries at most the scopes of the token they create it with. */
export function grantableScopes(p: Principal, wanted: readonly Scope[]): Scope[] {
  return wanted.filter((s) => !hasScope(p, s));
}

export function notFoundError(what: string): GenesisError {
  return new GenesisError('not_found', `No ${what}`);
}

/**
 * `recordVisible` as SQL over catalog_records (counts and suggestions): the same rule, for
 * queries that must not load every row.
 */
export function visibleSql(p: Principal): { sql: string; params: string[] } {
  if (!cleared(p, 'export-controlled')) return { sql: "access_level <> 'export-controlled'", params: [] };
  if (p.admin) return { sql: '1', params: [] };
  const projects = [DEFAULT_PROJECT, ...Object.keys(p.projects)];
  return {
    sql: `(access_level <> 'export-controlled' OR project IN (${projects.map(() => '?').join(', ')}))`,
    params: projects
  };
}
