import {
  type AccessLevel,
  ALL_SCOPES,
  DEFAULT_PROJECT,
  GenesisError,
  type MembershipChange,
  type Principal,
  type Project,
  type ProjectCreate,
  type Role,
  type Scope,
  type TokenCreate,
  type TokenCreated,
  type TokenInfo,
  type User,
  type UserUpsert
} from '@genesis-lab/contract';
import type { Db } from '../db/database';
import type { AuditLog } from './audit-log';
import { grantableScopes, mayManageProject } from './policy';
import { hashesEqual, newSecret, newTokenId, secretHash } from './token-secret';

interface TokenRow {
  id: string;
  user: string;
  name: string;
  hash: string;
  scopes: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}
interface UserRow {
  name: string;
  clearances: string;
  admin: number;
  created_at: string;
}

function tokenInfo(r: TokenRow): TokenInfo {
  return {
    id: r.id,
    user: r.user,
    name: r.name,
    scopes: JSON.parse(r.scopes) as Scope[],
    createdAt: r.created_at,
    ...(r.expires_at ? { expiresAt: r.expires_at } : {}),
    ...(r.revoked_at ? { revokedAt: r.revoked_at } : {})
  };
}

const notFound = (what: string) => new GenesisError('not_found', `No ${what}`);

/**
 * Users, their tokens, projects and memberships, in SQLite. A token is stored as the sha256 of
 * its secret; the secret exists only in the answer that created it (and, for the local user's
 * discovery token, in the 0600 discovery file). Every change is audited in the same transaction.
 * Principals are cached per token hash and dropped whenever anything here changes.
 */
export class IdentityStore {
  private readonly cache = new Map<string, { principal: Principal; expiresAt: number }>();
  /** The statements every request's authentication may run, prepared once. */
  private readonly tokenByHash;
  private readonly userByName;
  private readonly rolesByUser;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog
  ) {
    this.tokenByHash = db.prepare<[string], TokenRow>('SELECT * FROM access_tokens WHERE hash = ?');
    this.userByName = db.prepare<[string], UserRow>('SELECT * FROM access_users WHERE name = ?');
    this.rolesByUser = db.prepare<[string], { project: string; role: Role }>(
      'SELECT project, role FROM access_members WHERE user = ?'
    );
  }

  /**
   * The embedded single-user default: the local user (an admin with the configured clearances)
   * and their discovery token, the only place whose secret is kept. A previous discovery token
   * of this user is revoked (a restart with a new token retires the old one).
   */
  ensureLocalUser(name: string, clearances: AccessLevel[], secret: string): void {
    const hash = secretHash(secret);
    this.db
      .transaction(() => {
        const now = new Date().toISOString();
        const existing = this.db.prepare<[string], UserRow>('SELECT * FROM access_users WHERE name = ?').get(name);
        if (!existing || existing.clearances !== JSON.stringify(clearances) || !existing.admin)
          this.db
            .prepare(
              `INSERT INTO access_users (name, clearances, admin, created_at) VALUES (?, ?, 1, ?)
               ON CONFLICT (name) DO UPDATE SET clearances = excluded.clearances, admin = 1`
            )
            .run(name, JSON.stringify(clearances), now);
        const same = this.db.prepare<[string], TokenRow>('SELECT * FROM access_tokens WHERE hash = ?').get(hash);
        if (same && same.user === name && !same.revoked_at) return;
        const retired = this.db
          .prepare(
            `UPDATE access_tokens SET revoked_at = ? WHERE user = ? AND name = 'discovery' AND revoked_at IS NULL`
          )
          .run(now, name).changes;
        if (same) this.db.prepare('DELETE FROM access_tokens WHERE id = ?').run(same.id);
        const id = newTokenId();
        this.db
          .prepare(
            `INSERT INTO access_tokens (id, user, name, hash, scopes, created_at) VALUES (?, ?, 'discovery', ?, ?, ?)`
          )
          .run(id, name, hash, JSON.stringify(ALL_SCOPES), now);
        this.audit.append('platform', 'token.create', id, { user: name, name: 'discovery', retired });
      })
      .immediate();
    this.cache.clear();
  }

  /** The principal a secret stands for, or undefined (unknown, revoked or expired). */
  authenticate(secret: string | undefined): Principal | undefined {
    if (!secret) return undefined;
    const hash = secretHash(secret);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit) {
      if (hit.expiresAt > now) return hit.principal;
      this.cache.delete(hash);
      return undefined;
    }
    const row = this.tokenByHash.get(hash);
    if (!row || !hashesEqual(row.hash, hash) || row.revoked_at) return undefined;
    const expiresAt = row.expires_at ? Date.parse(row.expires_at) : Infinity;
    if (expiresAt <= now) return undefined;
    const principal = this.principalOf(row.user, JSON.parse(row.scopes) as Scope[]);
    if (!principal) return undefined;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, expiresAt });
    return principal;
  }

  private principalOf(user: string, scopes: Scope[]): Principal | undefined {
    const u = this.userByName.get(user);
    if (!u) return undefined;
    return {
      user,
      clearances: JSON.parse(u.clearances) as AccessLevel[],
      projects: this.rolesOf(user),
      scopes,
      admin: u.admin === 1
    };
  }

  private rolesOf(user: string): Record<string, Role> {
    const rows = this.rolesByUser.all(user);
    return Object.fromEntries(rows.map((r) => [r.project, r.role]));
  }

  // ---- tokens --------------------------------------------------------------------------------

  createToken(actor: Principal, input: TokenCreate): TokenCreated {
    const user = input.user ?? actor.user;
    if (user !== actor.user && !actor.admin)
      throw new GenesisError('forbidden', 'Only an admin may create a token for another user');
    if (user === actor.user) {
      const missing = grantableScopes(actor, input.scopes);
      if (missing.length)
        throw new GenesisError(
          'forbidden',
          `Your token cannot grant scope(s) it does not have: ${missing.join(', ')}`,
          {
            hint: 'A new token carries at most the scopes of the token that creates it'
          }
        );
    }
    if (!this.db.prepare('SELECT 1 FROM access_users WHERE name = ?').get(user)) throw notFound(`user "${user}"`);
    const secret = newSecret();
    const now = new Date();
    const row: TokenRow = {
      id: newTokenId(),
      user,
      name: input.name,
      hash: secretHash(secret),
      scopes: JSON.stringify([...new Set(input.scopes)]),
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + input.expiresInDays * 86_400_000).toISOString(),
      revoked_at: null
    };
    this.db
      .transaction(() => {
        this.db
          .prepare(
            'INSERT INTO access_tokens (id, user, name, hash, scopes, created_at, expires_at, revoked_at) VALUES (@id, @user, @name, @hash, @scopes, @created_at, @expires_at, @revoked_at)'
          )
          .run(row);
        this.audit.append(actor.user, 'token.create', row.id, {
          user,
          name: input.name,
          scopes: input.scopes,
          expiresAt: row.expires_at
        });
      })
      .immediate();
    return { ...tokenInfo(row), token: secret };
  }

  listTokens(actor: Principal): TokenInfo[] {
    const rows = actor.admin
      ? this.db.prepare<[], TokenRow>('SELECT * FROM access_tokens ORDER BY created_at DESC, id').all()
      : this.db
          .prepare<[string], TokenRow>('SELECT * FROM access_tokens WHERE user = ? ORDER BY created_at DESC, id')
          .all(actor.user);
    return rows.map(tokenInfo);
  }

  revokeToken(actor: Principal, id: string): TokenInfo {
    const row = this.db.prepare<[string], TokenRow>('SELECT * FROM access_tokens WHERE id = ?').get(id);
    // Someone else's token is "not found": a user need not learn which ids exist.
    if (!row || (row.user !== actor.user && !actor.admin)) throw notFound(`token "${id}"`);
    if (row.revoked_at) return tokenInfo(row);
    const at = new Date().toISOString();
    this.db
      .transaction(() => {
        this.db.prepare('UPDATE access_tokens SET revoked_at = ? WHERE id = ?').run(at, id);
        this.audit.append(actor.user, 'token.revoke', id, { user: row.user });
      })
      .immediate();
    this.cache.clear();
    return tokenInfo({ ...row, revoked_at: at });
  }

  // ---- users ---------------------------------------------------------------------------------

  users(): User[] {
    return this.db
      .prepare<[], UserRow>('SELECT * FROM access_users ORDER BY name')
      .all()
      .map((u) => this.userOf(u));
  }

  private userOf(u: UserRow): User {
    return {
      name: u.name,
      clearances: JSON.parse(u.clearances) as AccessLevel[],
      admin: u.admin === 1,
      createdAt: u.created_at,
      projects: this.rolesOf(u.name)
    };
  }

  upsertUser(actor: Principal, input: UserUpsert): User {
    this.db
      .transaction(() => {
        this.db
          .prepare(
            `INSERT INTO access_users (name, clearances, admin, created_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (name) DO UPDATE SET clearances = excluded.clearances, admin = excluded.admin`
          )
          .run(
            input.name,
            JSON.stringify([...new Set(input.clearances)]),
            input.admin ? 1 : 0,
            new Date().toISOString()
          );
        this.audit.append(actor.user, 'user.upsert', input.name, { clearances: input.clearances, admin: input.admin });
      })
      .immediate();
    this.cache.clear();
    return this.userOf(
      this.db.prepare<[string], UserRow>('SELECT * FROM access_users WHERE name = ?').get(input.name)!
    );
  }

  // ---- projects ------------------------------------------------------------------------------

  private projectOf(id: string): Project | undefined {
    const p = this.db
      .prepare<[string], { id: string; title: string; created_at: string }>(
        'SELECT * FROM access_projects WHERE id = ?'
      )
      .get(id);
    if (!p) return undefined;
    const members = this.db
      .prepare<[string], { user: string; role: Role }>(
        'SELECT user, role FROM access_members WHERE project = ? ORDER BY user'
      )
      .all(id);
    return { id: p.id, title: p.title, createdAt: p.created_at, members };
  }

  projects(actor: Principal): Project[] {
    const ids = this.db
      .prepare<[], { id: string }>('SELECT id FROM access_projects ORDER BY id')
      .all()
      .map((r) => r.id)
      .filter((id) => actor.admin || actor.projects[id] !== undefined);
    return ids.map((id) => this.projectOf(id)!);
  }

  createProject(actor: Principal, input: ProjectCreate): Project {
    if (input.id === DEFAULT_PROJECT || this.projectOf(input.id))
      throw new GenesisError('conflict', `Project "${input.id}" exists`);
    this.db
      .transaction(() => {
        this.db
          .prepare('INSERT INTO access_projects (id, title, created_at) VALUES (?, ?, ?)')
          .run(input.id, input.title, new Date().toISOString());
        this.audit.append(actor.user, 'project.create', input.id, { title: input.title });
      })
      .immediate();
    return this.projectOf(input.id)!;
  }

  setMember(actor: Principal, project: string, change: MembershipChange): Project {
    const p = this.projectOf(project);
    // Not a member: the project is "not found" (its existence is not theirs to learn).
    if (!p || (!actor.admin && actor.projects[project] === undefined)) throw notFound(`project "${project}"`);
    if (!mayManageProject(actor, project))
      throw new GenesisError('forbidden', `Only maintainers of "${project}" change its members`);
    if (!this.db.prepare('SELECT 1 FROM access_users WHERE name = ?').get(change.user))
      throw notFound(`user "${change.user}"`);
    this.db
      .transaction(() => {
        if (change.role === null)
          this.db.prepare('DELETE FROM access_members WHERE project = ? AND user = ?').run(project, change.user);
        else
          this.db
            .prepare(
              'INSERT INTO access_members (project, user, role) VALUES (?, ?, ?) ON CONFLICT (project, user) DO UPDATE SET role = excluded.role'
            )
            .run(project, change.user, change.role);
        this.audit.append(actor.user, 'membership.change', project, { user: change.user, role: change.role });
      })
      .immediate();
    this.cache.clear();
    return this.projectOf(project)!;
  }
}
