import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where a reproduction looks for kernels, besides the platform's configuration: `:`-separated Python prefixes. */
export const KERNEL_ENVIRONMENTS_ENV = 'GENESIS_KERNEL_ENVIRONMENTS';

/** The installation this runner belongs to (runner/dist/kernel -> the repository or package root). */
const INSTALL_ROOT = path.resolve(__dirname, '../../..');

/** Is the genesis_lab Python package installed in this environment (sys.prefix)? */
function hasGenesisLab(prefix: string): boolean {
  let libs: string[];
  try {
    libs = fs.readdirSync(path.join(prefix, 'lib')).filter((d) => d.startsWith('python'));
  } catch {
    return false;
  }
  return libs.some((d) => fs.existsSync(path.join(prefix, 'lib', d, 'site-packages', 'genesis_lab')));
}

/**
 * The Python environments (sys.prefix) whose `share/jupyter/kernels` a reproduction's kernel is
 * found in, in order, without depending on the shell that started the platform: the configured
 * ones, $GENESIS_KERNEL_ENVIRONMENTS, the active one ($VIRTUAL_ENV, $CONDA_PREFIX) when there is
 * one, then the environment the genesis_lab package is installed in beside this runner
 * ($GENESIS_VENV, else the installation's .venv, where `scripts/setup` registers tslab and deno).
 */
export function kernelEnvironments(configured: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): string[] {
  const out = [
    ...configured,
    ...(env[KERNEL_ENVIRONMENTS_ENV] ?? '').split(path.delimiter),
    env.VIRTUAL_ENV,
    env.CONDA_PREFIX
  ].filter((p): p is string => !!p);
  for (const candidate of [env.GENESIS_VENV, path.join(INSTALL_ROOT, '.venv')])
    if (candidate && hasGenesisLab(candidate)) out.push(candidate);
  return [...new Set(out.map((p) => path.resolve(p)))];
}
