import { z } from 'zod';
import { ID_PATTERN, LATEST, REF_PATTERN, SEGMENT, VERSION_PATTERN } from './core/ref';

/** The zod schemas of ids, versions and refs; parsing and formatting refs is in ./core/ref.ts. */
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

/** A ref in string form, validated on parse (for API bodies and lineage). */
export const RefString = z
  .string()
  .refine((s) => REF_PATTERN.test(s.trim()), 'must be "namespace/name" or "namespace/name@version"')
  .meta({ id: 'RefString', examples: ['noaa/mauna-loa-co2@2024.1'] });
