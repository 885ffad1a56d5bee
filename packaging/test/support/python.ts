import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, run, tempDir } from '@genesis-lab/test-support';

/** The interpreter fresh environments are made from (the one scripts/setup uses). */
export function basePython(): string {
  if (process.env.GENESIS_PYTHON) return process.env.GENESIS_PYTHON;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = path.join(dir, 'python3.11');
    if (fs.existsSync(candidate)) return candidate;
  }
  return 'python3';
}

/**
 * A FRESH virtual environment holding binder/requirements.txt: what Binder's repo2docker builds
 * from binder/environment.yml, or a user's new JupyterLab environment.
 */
export async function freshEnvironment(prefix: string): Promise<string> {
  const env = path.join(tempDir(prefix), 'env');
  await run(basePython(), ['-m', 'venv', env]);
  await pip(env, ['install', '-q', '-r', path.join(REPO_ROOT, 'binder/requirements.txt')]);
  return env;
}

export async function pip(env: string, args: string[]): Promise<string> {
  const { stdout } = await run(path.join(env, 'bin', 'python'), ['-m', 'pip', '--disable-pip-version-check', ...args], {
    maxBuffer: 64 * 1024 * 1024
  });
  return stdout;
}

/** `jupyter <args>` from an environment, output without colour codes (stdout and stderr). */
export async function jupyterCli(env: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout, stderr } = await run(path.join(env, 'bin', 'jupyter'), args, {
    env: { ...process.env, ...extraEnv },
    maxBuffer: 16 * 1024 * 1024
  });
  return `${stdout}\n${stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
}

/** A PATH without the project's environment: Node and the system only. */
export function systemPath(env: string): string {
  return [path.join(env, 'bin'), path.dirname(process.execPath), '/usr/bin', '/bin'].join(':');
}
