import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DISCOVERY_ENV,
  DISCOVERY_FILE_NAME,
  Discovery,
  ErrorBody,
  GenesisError,
  discoveryFilePath,
  parseOrThrow
} from '@genesis-lab/contract';
import { isAlive } from '../home';

export interface PlatformEndpoint {
  url: string;
  token: string;
}

/**
 * Where the running platform is: GENESIS_URL + GENESIS_TOKEN when set, otherwise the
 * discovery file the platform writes (`<home>/run/platform.json`, or the default runtime dir).
 */
export function locatePlatform(opts: { home?: string; env?: NodeJS.ProcessEnv } = {}): PlatformEndpoint {
  const env = opts.env ?? process.env;
  const url = env[DISCOVERY_ENV.url];
  const token = env[DISCOVERY_ENV.token];
  if (url && token) return { url: url.replace(/\/+$/, ''), token };
  const file = opts.home ? path.join(opts.home, 'run', DISCOVERY_FILE_NAME) : discoveryFilePath(env, os.homedir());
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new GenesisError('unavailable', `No running platform found (no discovery file ${file})`, {
      hint: 'Start one with "genesis serve", or set GENESIS_URL and GENESIS_TOKEN'
    });
  }
  const d = parseOrThrow(Discovery, JSON.parse(text), file);
  if (!isAlive(d.pid))
    throw new GenesisError('unavailable', `The platform named in ${file} (pid ${d.pid}) is not running`, {
      hint: 'Start it again with "genesis serve"'
    });
  return { url: d.url, token: d.token };
}

/** GET a JSON API path; a platform error comes back as the same GenesisError the server raised. */
export async function getJson<T>(ep: PlatformEndpoint, pathAndQuery: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(ep.url + pathAndQuery, {
      headers: { authorization: `Bearer ${ep.token}`, accept: 'application/json' }
    });
  } catch (err) {
    throw new GenesisError('unavailable', `Cannot reach the platform at ${ep.url}: ${(err as Error).message}`, {
      hint: 'Is "genesis serve" running? Check GENESIS_URL or the discovery file'
    });
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const parsed = ErrorBody.safeParse(body);
    if (parsed.success) throw GenesisError.fromBody(parsed.data);
    throw new GenesisError('internal', `The platform answered ${res.status} without an error body`);
  }
  return body as T;
}
