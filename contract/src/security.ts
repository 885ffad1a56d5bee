import { z } from 'zod';
import { AccessLevel, ProjectId } from './catalog';

/** What a token may do. `admin` manages users, projects, policy and the audit log. */
export const Scope = z.enum(['read', 'write', 'run', 'admin']).meta({ id: 'Scope' });
export type Scope = z.infer<typeof Scope>;
export const ALL_SCOPES: readonly Scope[] = Scope.options;

/** A member's role in a project: viewers read, contributors also write and run, maintainers also manage. */
export const Role = z.enum(['viewer', 'contributor', 'maintainer']).meta({ id: 'Role' });
export type Role = z.infer<typeof Role>;

export const UserName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a user name is 1-64 of a-z 0-9 . _ - starting with a letter or digit');

/**
 * Who is asking: a user with the scopes of the token they sent, their clearances and their
 * roles per project. Built by the platform from the token on every request and socket.
 */
export const Principal = z.object({
  user: z.string().min(1),
  clearances: z.array(AccessLevel),
  /** Project id -> role. */
  projects: z.record(z.string(), Role).default({}),
  scopes: z.array(Scope).default([...ALL_SCOPES]),
  /** A platform administrator: every project as maintainer (still needs clearances for data). */
  admin: z.boolean().default(false)
});
export type Principal = z.infer<typeof Principal>;

/** The embedded single-user platform's local user: admin, cleared for everything. */
export const OWNER: Principal = {
  user: 'owner',
  clearances: ['open', 'controlled', 'export-controlled'],
  projects: {},
  scopes: [...ALL_SCOPES],
  admin: true
};

export const User = z
  .object({
    name: UserName,
    clearances: z.array(AccessLevel),
    admin: z.boolean(),
    createdAt: z.iso.datetime(),
    projects: z.record(z.string(), Role)
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof User>;

export const UserUpsert = z
  .object({
    name: UserName,
    clearances: z.array(AccessLevel).default(['open']),
    admin: z.boolean().default(false)
  })
  .strict()
  .meta({ id: 'UserUpsert' });
export type UserUpsert = z.infer<typeof UserUpsert>;

export const TokenId = z.string().regex(/^tok_[a-z0-9]{12}$/, 'a token id looks like tok_ and 12 letters/digits');

/** A token as listed: never its secret, which exists only in the answer that created it. */
export const TokenInfo = z
  .object({
    id: TokenId,
    user: z.string(),
    name: z.string(),
    scopes: z.array(Scope),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().optional(),
    revokedAt: z.iso.datetime().optional()
  })
  .meta({ id: 'TokenInfo' });
export type TokenInfo = z.infer<typeof TokenInfo>;

export const TokenCreate = z
  .object({
    name: z.string().min(1).max(100),
    scopes: z.array(Scope).min(1).default(['read']),
    /** Another user's token: admins only. */
    user: UserName.optional(),
    expiresInDays: z.number().positive().max(3650).default(90)
  })
  .strict()
  .meta({ id: 'TokenCreate' });
export type TokenCreate = z.infer<typeof TokenCreate>;
export type TokenCreateInput = z.input<typeof TokenCreate>;

export const TokenCreated = TokenInfo.extend({
  token: z.string().describe('The secret: shown once, stored hashed')
}).meta({
  id: 'TokenCreated'
});
export type TokenCreated = z.infer<typeof TokenCreated>;

export const TokenList = z.object({ tokens: z.array(TokenInfo) }).meta({ id: 'TokenList' });
export type TokenList = z.infer<typeof TokenList>;

export const Project = z
  .object({
    id: ProjectId,
    title: z.string(),
    members: z.array(z.object({ user: z.string(), role: Role })),
    createdAt: z.iso.datetime()
  })
  .meta({ id: 'Project' });
export type Project = z.infer<typeof Project>;

export const ProjectCreate = z
  .object({ id: ProjectId, title: z.string().min(1).max(200) })
  .strict()
  .meta({ id: 'ProjectCreate' });
export type ProjectCreate = z.infer<typeof ProjectCreate>;

export const MembershipChange = z
  .object({ user: UserName, role: Role.nullable().describe('null removes the member') })
  .strict()
  .meta({ id: 'MembershipChange' });
export type MembershipChange = z.infer<typeof MembershipChange>;

export const ProjectList = z.object({ projects: z.array(Project) }).meta({ id: 'ProjectList' });

/** Who the token belongs to (the panels show it). */
export const Identity = z
  .object({
    user: z.string(),
    admin: z.boolean(),
    scopes: z.array(Scope),
    clearances: z.array(AccessLevel),
    projects: z.record(z.string(), Role)
  })
  .meta({ id: 'Identity' });
export type Identity = z.infer<typeof Identity>;

export const AccessLevelChange = z
  .object({ accessLevel: AccessLevel, project: ProjectId.optional() })
  .strict()
  .meta({ id: 'AccessLevelChange' });
export type AccessLevelChange = z.infer<typeof AccessLevelChange>;

/** The id of an audit key: `ak_` and 16 lower-case letters or digits. */
export const AuditKeyId = z
  .string()
  .regex(/^ak_[a-z0-9]{16}$/, 'an audit key id is ak_ and 16 lower-case letters or digits')
  .meta({ id: 'AuditKeyId' });

/**
 * One audit log entry: each holds the hash of the one before it (a hash chain). `hash` is an
 * HMAC-SHA256 under the audit key `keyId` (a secret kept in the platform's home, outside the
 * database, so write access to the database alone cannot recompute the chain); entries written
 * before the log was keyed carry no `keyId` and a plain SHA-256.
 */
export const AuditEntry = z
  .object({
    seq: z.number().int().positive(),
    at: z.iso.datetime(),
    actor: z.string(),
    action: z.string(),
    target: z.string(),
    detail: z.record(z.string(), z.unknown()),
    prevHash: z.string().regex(/^[0-9a-f]{64}$/),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    keyId: AuditKeyId.optional()
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z
  .object({
    after: z.coerce.number().int().nonnegative().default(0).describe('Entries with seq greater than this'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    actor: z.string().min(1).max(200).optional().describe('Only entries by this user'),
    action: z
      .string()
      .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/, 'an action looks like token.create, or a prefix such as token')
      .optional()
      .describe('Only this action, or every action under a prefix ("token" matches token.create and token.revoke)'),
    since: z.iso.datetime({ offset: true }).optional().describe('Only entries at or after this time'),
    until: z.iso.datetime({ offset: true }).optional().describe('Only entries before this time')
  })
  .strict();
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditPage = z
  .object({ entries: z.array(AuditEntry), next: z.number().int().optional() })
  .meta({ id: 'AuditPage' });
export type AuditPage = z.infer<typeof AuditPage>;

export const AuditVerification = z
  .object({
    ok: z.boolean(),
    entries: z.number().int(),
    firstBad: z.object({ seq: z.number().int(), reason: z.string() }).optional()
  })
  .meta({ id: 'AuditVerification' });
export type AuditVerification = z.infer<typeof AuditVerification>;

/** A rotation of the audit key: entries from `fromSeq` on are signed with the new key `keyId`. */
export const AuditKeyRotation = z
  .object({ keyId: AuditKeyId, fromSeq: z.number().int().positive(), keys: z.number().int().positive() })
  .meta({ id: 'AuditKeyRotation' });
export type AuditKeyRotation = z.infer<typeof AuditKeyRotation>;
