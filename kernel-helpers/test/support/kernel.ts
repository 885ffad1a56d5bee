import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GENESIS_BIN, REPO_ROOT } from '@genesis-lab/test-support';

export { GENESIS_BIN, REPO_ROOT };

/** The project's virtual environment, as `scripts/setup` creates it (jupyter, nbclient, the tslab kernelspec). */
export const VENV_PYTHON = path.join(REPO_ROOT, '.venv/bin/python');
export const TSLAB_KERNELSPEC = path.join(REPO_ROOT, '.venv/share/jupyter/kernels/tslab/kernel.json');
export const RUNNER = path.join(REPO_ROOT, 'kernel-helpers/test/support/run_notebook.py');

/** Fail (never skip) with what to run when the pieces a kernel test needs are missing. */
export function requireKernelSetup(): void {
  const missing: string[] = [];
  if (!fs.existsSync(VENV_PYTHON)) missing.push(`${VENV_PYTHON} (the project venv with nbclient)`);
  if (!fs.existsSync(TSLAB_KERNELSPEC)) missing.push(`${TSLAB_KERNELSPEC} (the tslab kernelspec)`);
  if (!fs.existsSync(path.join(REPO_ROOT, 'kernel-helpers/dist/index.js')))
    missing.push('kernel-helpers/dist (the built helpers tslab loads)');
  if (!fs.existsSync(path.join(REPO_ROOT, 'cli/dist/main.js'))) missing.push('cli/dist (the built CLI)');
  if (missing.length)
    throw new Error(
      `The notebook test needs:\n  ${missing.join('\n  ')}\nRun \`bash scripts/setup\` (creates .venv, registers tslab) and \`npm run build:packages\`.`
    );
}

/** `genesis seed examples` into a home, as a user would. */
export function seedExamples(home: string): void {
  execFileSync(process.execPath, [GENESIS_BIN, 'seed', 'examples', '--home', home], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000
  });
}

export interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  transient?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}
export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  outputs?: NotebookOutput[];
  execution_count?: number | null;
}
export interface Notebook {
  cells: NotebookCell[];
}

export const text = (x: string | string[] | undefined): string => (Array.isArray(x) ? x.join('') : (x ?? ''));

/**
 * Execute a notebook in a real tslab kernel (through nbclient, from the project venv) with
 * `env` added to the kernel's environment; resolves to the executed notebook, rejects with the
 * runner's report when any cell fails or is skipped.
 */
export function runNotebook(notebook: string, env: NodeJS.ProcessEnv, timeoutMs = 240_000): Promise<Notebook> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-nb-')), 'out.ipynb');
  const cwd = path.dirname(notebook);
  return new Promise((resolve, reject) => {
    const child = spawn(
      VENV_PYTHON,
      [RUNNER, notebook, out, '--kernel', 'tslab', '--cwd', cwd, '--timeout', String(Math.floor(timeoutMs / 1000))],
      { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }
    );
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(fs.readFileSync(out, 'utf8')) as Notebook);
      else reject(new Error(`notebook run failed (exit ${code}):\n${log}`));
    });
  });
}
