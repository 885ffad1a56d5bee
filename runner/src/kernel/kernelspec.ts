import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GenesisError, parseOrThrow } from '@genesis-lab/contract';
import { z } from 'zod';

/** A kernelspec's kernel.json, as Jupyter reads it. */
export const KernelSpecFile = z.looseObject({
  argv: z.array(z.string()).min(1),
  display_name: z.string(),
  language: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  interrupt_mode: z.enum(['signal', 'message']).optional(),
  metadata: z.record(z.string(), z.unknown()).optional()
});
export type KernelSpecFile = z.infer<typeof KernelSpecFile>;

export interface KernelSpec extends KernelSpecFile {
  name: string;
  /** The folder holding kernel.json (`{resource_dir}` in argv). */
  resourceDir: string;
}

export interface KernelSearchOptions {
  /**
   * Python environments whose `share/jupyter` holds kernels (a virtualenv's sys.prefix). Defaults to
   * the active one: $VIRTUAL_ENV, else $CONDA_PREFIX.
   */
  prefixes?: string[];
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The data directories Jupyter searches, in Jupyter's order (jupyter_core.paths.jupyter_path):
 * $JUPYTER_PATH, then the environment's and the user's (the environment first when one is active,
 * as jupyter_core does since 5.0, or as $JUPYTER_PREFER_ENV_PATH says), then the system's.
 */
export function jupyterDataPath(opts: KernelSearchOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const out: string[] = [];
  for (const p of (env.JUPYTER_PATH ?? '').split(path.delimiter)) if (p) out.push(p.replace(/\/+$/, ''));
  const user =
    env.JUPYTER_DATA_DIR || path.join(env.XDG_DATA_HOME || path.join(os.homedir(), '.local/share'), 'jupyter');
  const prefixes = opts.prefixes ?? [env.VIRTUAL_ENV, env.CONDA_PREFIX].filter((p): p is string => !!p);
  const envDirs = prefixes.map((p) => path.join(p, 'share/jupyter'));
  const preferEnv =
    env.JUPYTER_PREFER_ENV_PATH !== undefined
      ? !/^(0|false|no|off)?$/i.test(env.JUPYTER_PREFER_ENV_PATH)
      : envDirs.length > 0;
  out.push(...(preferEnv ? [...envDirs, user] : [user, ...envDirs]));
  out.push('/usr/local/share/jupyter', '/usr/share/jupyter');
  return [...new Set(out)];
}

function readSpec(name: string, dir: string): KernelSpec {
  const file = path.join(dir, 'kernel.json');
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new GenesisError('bad_request', `Kernelspec ${file} is not valid JSON: ${(e as Error).message}`);
  }
  return { ...parseOrThrow(KernelSpecFile, json, `kernelspec ${file}`), name, resourceDir: dir };
}

/** Every kernelspec on the search path by name; the first folder that has a name wins, as in Jupyter. */
export function listKernelSpecs(opts: KernelSearchOptions = {}): Map<string, string> {
  const found = new Map<string, string>();
  for (const base of jupyterDataPath(opts)) {
    const kernels = path.join(base, 'kernels');
    let names: string[];
    try {
      names = fs.readdirSync(kernels);
    } catch {
      continue;
    }
    for (const n of names.sort()) {
      const dir = path.join(kernels, n);
      if (!found.has(n.toLowerCase()) && fs.existsSync(path.join(dir, 'kernel.json'))) found.set(n.toLowerCase(), dir);
    }
  }
  return found;
}

/** Find a kernelspec by name (case-insensitive, as Jupyter's names are) or say where it looked and what exists. */
export function findKernelSpec(name: string, opts: KernelSearchOptions = {}): KernelSpec {
  const specs = listKernelSpecs(opts);
  const dir = specs.get(name.toLowerCase());
  if (dir) return readSpec(name.toLowerCase(), dir);
  const where = jupyterDataPath(opts).map((p) => path.join(p, 'kernels'));
  throw new GenesisError('not_found', `No Jupyter kernel named "${name}"`, {
    suggestions: [...specs.keys()],
    hint: `Looked in ${where.join(', ')}. Register it (e.g. \`bash scripts/setup\` registers tslab and deno in .venv) or set JUPYTER_PATH.`
  });
}
