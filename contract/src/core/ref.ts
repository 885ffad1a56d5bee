import { GenesisError } from './errors';

/**
 * Catalog ids are `namespace/name`, lower-case, URL-safe, so they can sit in a path
 * segment pair without escaping. A ref adds an optional `@version`; without it a ref
 * means "latest", resolved (and recorded) at use. (The zod schemas are in ../ref.ts.)
 */
export const SEGMENT = '[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?';
export const ID_PATTERN = new RegExp(`^${SEGMENT}/${SEGMENT}$`);
export const VERSION_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._+-]{0,62}[A-Za-z0-9])?$/;
export const LATEST = 'latest';

export interface Ref {
  id: string;
  namespace: string;
  name: string;
  /** `undefined` means latest. */
  version?: string;
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
