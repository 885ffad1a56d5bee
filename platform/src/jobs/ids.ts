import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A job id: `j` + 10 time characters + 10 random ones (Crockford base32, lower case), so ids
 * sort by creation time and are safe in paths, shell words and Slurm job names.
 */
export function newJobId(now = Date.now()): string {
  let t = '';
  let n = now;
  for (let i = 0; i < 10; i++) {
    t = ALPHABET[n % 32] + t;
    n = Math.floor(n / 32);
  }
  const r = randomBytes(10);
  let s = '';
  for (const b of r) s += ALPHABET[b % 32];
  return `j${t}${s}`;
}

export const JOB_ID_PATTERN = /^j[0-9a-z]{20}$/;
