import { z } from 'zod';
import { AccessLevel } from './catalog';

/**
 * Who is asking. Today one token = the platform's owner, cleared for everything; the
 * access-control work maps tokens to users, projects and clearances. Services take a
 * principal on every read so that filtering (before counting, so facets never leak) is
 * already in place.
 */
export const Principal = z.object({
  user: z.string().min(1),
  clearances: z.array(AccessLevel),
  projects: z.array(z.string()).default([])
});
export type Principal = z.infer<typeof Principal>;

export const OWNER: Principal = {
  user: 'owner',
  clearances: ['open', 'controlled', 'export-controlled'],
  projects: []
};

export function canSee(p: Principal, level: AccessLevel): boolean {
  return p.clearances.includes(level);
}
