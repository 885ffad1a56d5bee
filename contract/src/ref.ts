import { z } from 'zod';
import { GenesisError } from './errors';

/**
 * Catalog ids are `namespace/name`, lower-case, URL-safe, so they can sit in a path
 * segment pair without escaping. A ref adds an optional `@version`; without it a ref
 * means "latest", resolved (and recorded) at use.
 */
const SEGMENT = '[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?';
export const ID_PATTERN = new RegExp(`^${SEGMENT}/${SEGMENT}$`);
export const VERSION_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._+-]{0,62}[A-Za-z0-9])?$/;
export const LATEST = 'latest';

export const RecordId = z
  .string()
  .regex(ID_PATTERN, 'must be "namespace/name": lower-case letters, digits, ".", "_" or "-"')
  .meta({ id: 'RecordId', examples: ['noaa/mauna-loa-co2'] });
export type RecordId = z.infer<typeof RecordId>;

export const Namespace = z
  .string()
  .regex(new RegExp(`^${SEGMENT}$`), 'must be lower-case letters, digits, ".", "_" or "-"');
export const Version = z
  .string()
  .regex(VERSION_PATTERN, 'must be letters, digits, ".", "_", "+" or "-" (at most 64)')
  .refine((v) => v !== LATEST, '"latest" is reserved: it names the newest version')
  .meta({ id: 'Version', examples: ['2024.1', '1.0.0'] });
export type Version = z.infer<typeof Version>;

/** A version segment in a URL or ref: a concrete version, or `latest`. */
export const VersionSelector = z.union([z.literal(LATEST), Version]);
export type VersionSelector = z.infer<typeof VersionSelector>;

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
export type Sha256 = z.infer<typeof Sha256>;

export interface Ref {
  id: RecordId;
  namespace: string;
  name: string;
  /** `undefined` means latest. */
  version?: Version;
}

export const REF_PATTERN = new RegExp(`^(${SEGMENT})/(${SEGMENT})(?:@(.+))?$`);

/** Parse `namespace/name[@version]`; throws `invalid_ref` saying which part is wrong. */
export function parseRef(text: string): Ref {
  if (typeof text !== 'string' || text.length === 0) {
    throw new GenesisError('invalid_ref', 'A ref must be a non-empty string "namespace/name[@version]"', {
      hint: 'For example "noaa/mauna-loa-co2" or "noaa/mauna-loa-co2@2024.1"'
    });
  }
  const trimmed = text.trim();
  const m = REF_PATTERN.exec(trimmed);
  if (!m) {
    const hasSlash = trimmed.includes('/');
    throw new GenesisError(
      'invalid_ref',
      `"${text}" is not a valid ref: ${
        hasSlash
          ? 'namespace and name must be lower-case letters, digits, ".", "_" or "-"'
          : 'it needs a namespace, as in "namespace/name"'
      }`,
      { hint: 'Refs look like "noaa/mauna-loa-co2" or "noaa/mauna-loa-co2@2024.1"' }
    );
  }
  const [, namespace, name, version] = m;
  if (version === undefined || version === LATEST)
    return { id: `${namespace}/${name}`, namespace: namespace!, name: name! };
  if (!VERSION_PATTERN.test(version)) {
    throw new GenesisError(
      'invalid_ref',
      `"${text}" is not a valid ref: version "${version}" ${'must be letters, digits, ".", "_", "+" or "-"'}`
    );
  }
  return { id: `${namespace}/${name}`, namespace: namespace!, name: name!, version };
}

export function formatRef(ref: { id: string; version?: string }): string {
  return ref.version ? `${ref.id}@${ref.version}` : ref.id;
}

/** A ref in string form, validated on parse (for API bodies and lineage). */
export const RefString = z
  .string()
  .refine((s) => REF_PATTERN.test(s.trim()), 'must be "namespace/name" or "namespace/name@version"')
  .meta({ id: 'RefString', examples: ['noaa/mauna-loa-co2@2024.1'] });
