import * as fs from 'node:fs';
import * as os from 'node:os';
import { DISCOVERY_ENV, Discovery, GenesisError, discoveryFilePath, type Env } from '@genesis-lab/contract';
import { processAlive } from '@genesis-lab/contract/node';

/** Where the helpers found the platform, so errors can say what to fix. */
export interface Connection {
  url: string;
  token: string;
  source: 'explicit' | 'environment' | 'discovery file';
  /** The discovery file read, when that was the source. */
  file?: string;
}

export interface ConnectOptions {
  url?: string;
  token?: string;
  env?: Env;
  /** The user's home directory (default `os.homedir()`), under which `.genesis/run` is looked for. */
  homeDir?: string;
  /** A platform home (what `genesis serve --home` was given): read its `run/platform.json`. */
  home?: string;
}

function trimUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/api$/, '');
}

/**
 * Find the platform: explicit options, then GENESIS_URL/GENESIS_TOKEN, then the discovery file
 * a running platform writes (mode 0600) in its runtime directory. A clear error otherwise.
 */
export function resolveConnection(options: ConnectOptions = {}): Connection {
  const env = options.env ?? process.env;
  if (options.url) {
    const token = options.token ?? env[DISCOVERY_ENV.token];
    if (!token)
      throw new GenesisError('unauthorized', `No token for the platform at ${options.url}`, {
        hint: `Pass { token } as well, or set ${DISCOVERY_ENV.token}`
      });
    return { url: trimUrl(options.url), token, source: 'explicit' };
  }
  const envUrl = env[DISCOVERY_ENV.url];
  if (envUrl) {
    const token = env[DISCOVERY_ENV.token];
    if (!token)
      throw new GenesisError(
        'unauthorized',
        `${DISCOVERY_ENV.url} is set (${envUrl}) but ${DISCOVERY_ENV.token} is not`,
        {
          hint: `Set ${DISCOVERY_ENV.token} to the platform's token (printed in its discovery file), or unset ${DISCOVERY_ENV.url} to use the discovery file`
        }
      );
    return { url: trimUrl(envUrl), token, source: 'environment' };
  }
  // An explicit home means that home's own run directory, whatever GENESIS_RUNTIME_DIR says.
  const file = discoveryFilePath(
    options.home ? { [DISCOVERY_ENV.home]: options.home } : env,
    options.homeDir ?? os.homedir()
  );
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new GenesisError(
      'unavailable',
      `No running platform found: ${DISCOVERY_ENV.url} is not set and there is no discovery file at ${file}`,
      {
        hint: options.home
          ? `Start it with \`genesis serve --home ${options.home}\`, or set ${DISCOVERY_ENV.url} and ${DISCOVERY_ENV.token} to reach a running one`
          : `Start the platform with \`genesis serve\` (or \`npm start\` in the genesis-lab checkout, which also starts JupyterLab), or set ${DISCOVERY_ENV.url} and ${DISCOVERY_ENV.token} to reach a running one; ${DISCOVERY_ENV.home}/${DISCOVERY_ENV.runtimeDir} choose where the discovery file is looked for`
      }
    );
  }
  let parsed: Discovery;
  try {
    parsed = Discovery.parse(JSON.parse(text));
  } catch (err) {
    throw new GenesisError(
      'unavailable',
      `The discovery file ${file} is not valid: ${(err as Error).message.split('\n')[0]}`,
      {
        hint: 'Restart the platform (`genesis serve`) so it rewrites the file'
      }
    );
  }
  // A platform killed outright leaves its file behind: say so rather than "connection refused".
  if (!processAlive(parsed.pid))
    throw new GenesisError('unavailable', `The platform named in ${file} (pid ${parsed.pid}) is not running`, {
      hint: `Start it again with \`genesis serve${options.home ? ` --home ${options.home}` : ''}\``
    });
  return { url: trimUrl(parsed.url), token: parsed.token, source: 'discovery file', file };
}

/** Advice for when the platform named by `c` does not answer. */
export function unreachableHint(c: Connection): string {
  switch (c.source) {
    case 'discovery file':
      return `The discovery file ${c.file} names ${c.url}, but nothing answers there (the platform may have stopped); start it with \`genesis serve\``;
    case 'environment':
      return `Check ${DISCOVERY_ENV.url} (${c.url}) or unset it to use the discovery file of a local platform`;
    default:
      return `Check the url passed to genesis.connect (${c.url})`;
  }
}
