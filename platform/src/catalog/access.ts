import { AccessLevel, DEFAULT_PROJECT, type Principal } from '@genesis-lab/contract';
import { recordVisible } from '../access/policy';

/**
 * The access levels whose records of the default project a principal may find, by the one
 * policy (access/policy.ts). Used by the naive-scan baseline search is checked against.
 */
export function visibleLevels(p: Principal): AccessLevel[] {
  return AccessLevel.options.filter((l) => recordVisible(p, { accessLevel: l, project: DEFAULT_PROJECT }));
}
