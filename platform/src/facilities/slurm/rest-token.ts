import * as fs from 'node:fs';
import type { SlurmRestTransportConfig } from '@genesis-lab/contract';
import { SlurmError } from './transport';

/**
 * slurmrestd or slurmctld did not accept who we are (or we have no usable token). Not a
 * verdict on any job: the facility is unusable until the token is fixed, and says why.
 */
export class SlurmAuthError extends SlurmError {
  constructor(message: string, detail = '') {
    super(message, detail, true);
    this.name = 'SlurmAuthError';
  }
}

/**
 * The JWT for slurmrestd, read fresh for each request (tokens expire and get rotated): from
 * the environment variable or the file the configuration names. A file readable by group or
 * others is refused, like ssh refuses such a key. Malformed or expired tokens are reported
 * here, with their source, rather than as slurmctld's bare "Unspecified error".
 */
export function readRestToken(t: SlurmRestTransportConfig, env: NodeJS.ProcessEnv = process.env): string {
  let raw: string;
  let source: string;
  if (t.tokenEnv) {
    source = `environment variable ${t.tokenEnv}`;
    raw = env[t.tokenEnv] ?? '';
    if (!raw.trim()) throw new SlurmAuthError(`No slurmrestd token: ${source} is not set`);
  } else {
    const file = t.tokenFile!;
    source = `token file ${file}`;
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch (err) {
      throw new SlurmAuthError(`No slurmrestd token: cannot read ${source} (${(err as NodeJS.ErrnoException).code})`);
    }
    if (st.mode & 0o077)
      throw new SlurmAuthError(
        `Refusing ${source}: mode ${(st.mode & 0o777).toString(8)} lets group or others read it; chmod 600 ${file}`
      );
    raw = fs.readFileSync(file, 'utf8');
  }
  // `scontrol token` prints "SLURM_JWT=<token>"; accept that as well as the bare token.
  const token = raw.trim().replace(/^SLURM_JWT=/, '');
  const parts = token.split('.');
  if (parts.length !== 3) throw new SlurmAuthError(`The slurmrestd token in ${source} is not a JWT`);
  let exp: unknown;
  try {
    exp = (JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
  } catch {
    throw new SlurmAuthError(`The slurmrestd token in ${source} is not a JWT (unreadable payload)`);
  }
  if (typeof exp === 'number' && exp * 1000 <= Date.now())
    throw new SlurmAuthError(
      `The slurmrestd token in ${source} expired at ${new Date(exp * 1000).toISOString()}; mint a new one (scontrol token username=${t.user})`
    );
  return token;
}
