import { AccessLevel, canSee, GenesisError, type Principal } from '@genesis-lab/contract';

/**
 * Who may see what:
 * - `open`: metadata and data for everyone;
 * - `controlled`: metadata for everyone (it is discoverable), data only for principals
 *   cleared for `controlled`;
 * - `export-controlled`: invisible (not found, never counted) unless cleared.
 */
export function metadataVisible(p: Principal, level: AccessLevel): boolean {
  return level !== 'export-controlled' || canSee(p, 'export-controlled');
}

export function dataReadable(p: Principal, level: AccessLevel): boolean {
  return level === 'open' || canSee(p, level);
}

/** The access levels whose records a principal may find (for SQL `IN (...)`). */
export function visibleLevels(p: Principal): AccessLevel[] {
  return AccessLevel.options.filter((l) => metadataVisible(p, l));
}

export function dataForbidden(id: string, level: AccessLevel): GenesisError {
  return new GenesisError('forbidden', `"${id}" is ${level}: your token is not cleared to read its data`, {
    hint: `Its metadata is public; ask the data steward for "${level}" clearance to read the rows`
  });
}
