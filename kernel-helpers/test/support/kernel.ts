import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  joinText as text,
  LINEAGE_MIME_TYPE,
  type Notebook,
  type NotebookCell,
  type NotebookOutput
} from '@genesis-lab/contract';
import { describeCellRun, executeNotebookFile } from '@genesis-lab/notebook-runner';
import { GENESIS_BIN, REPO_ROOT } from '@genesis-lab/test-support';

export { GENESIS_BIN, REPO_ROOT };

/** The project's virtual environment, as `scripts/setup` creates it (jupyter, the tslab kernelspec). */
export const VENV_PYTHON = path.join(REPO_ROOT, '.venv/bin/python');
export const TSLAB_KERNELSPEC = path.join(REPO_ROOT, '.venv/share/jupyter/kernels/tslab/kernel.json');
/** The two TypeScript kernels `scripts/setup` registers in .venv; the helpers and tutorials run in both. */
export const KERNELS = ['tslab', 'deno'] as const;
export type KernelName = (typeof KERNELS)[number];
const kernelspec = (k: KernelName) => path.join(REPO_ROOT, '.venv/share/jupyter/kernels', k, 'kernel.json');

/** Fail (never skip) with what to run when the pieces a kernel test needs are missing. */
export function requireKernelSetup(): void {
  const missing: string[] = [];
  if (!fs.existsSync(VENV_PYTHON)) missing.push(`${VENV_PYTHON} (the project venv)`);
  for (const k of KERNELS) if (!fs.existsSync(kernelspec(k))) missing.push(`${kernelspec(k)} (the ${k} kernelspec)`);
  if (!fs.existsSync(path.join(REPO_ROOT, 'kernel-helpers/dist/index.js')))
    missing.push('kernel-helpers/dist (the built helpers tslab loads)');
  if (!fs.existsSync(path.join(REPO_ROOT, 'cli/dist/main.js'))) missing.push('cli/dist (the built CLI)');
  if (missing.length)
    throw new Error(
      `The notebook test needs:\n  ${missing.join('\n  ')}\nRun \`bash scripts/setup\` (creates .venv, registers the tslab and deno kernels) and \`npm run build:packages\`.`
    );
}

/** `genesis seed examples` into a home, as a user would. */
export function seedExamples(home: string): void {
  execFileSync(process.execPath, [GENESIS_BIN, 'seed', 'examples', '--home', home], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000
  });
}

export type { Notebook, NotebookCell, NotebookOutput } from '@genesis-lab/contract';
export { joinText as text } from '@genesis-lab/contract';

/** A cell's outputs (none for markdown and raw cells). */
export const outputsOf = (c: NotebookCell): NotebookOutput[] => (c.cell_type === 'code' ? c.outputs : []);
/** An output's MIME bundle (empty for streams and errors). */
export const dataOf = (o: NotebookOutput): Record<string, unknown> =>
  o.output_type === 'display_data' || o.output_type === 'execute_result' ? o.data : {};
/** A cell's source as one string. */
export const sourceOf = (c: NotebookCell): string => text(c.source);
/** What a cell printed: stdout, and the text of an execute_result (Deno's form of a bare last expression; tslab prints it). */
export const printedBy = (c: NotebookCell): string =>
  outputsOf(c)
    .map((o) =>
      o.output_type === 'stream' && o.name === 'stdout'
        ? text(o.text)
        : o.output_type === 'execute_result'
          ? `${text(o.data['text/plain'] as string)}\n`
          : ''
    )
    .join('');
/** The lineage records a cell left (application/vnd.genesis.lineage+json outputs). */
export const lineageOf = (c: NotebookCell): unknown[] =>
  outputsOf(c)
    .filter((o) => dataOf(o)[LINEAGE_MIME_TYPE] !== undefined)
    .map((o) => dataOf(o)[LINEAGE_MIME_TYPE]);
/** The text/html of every output of a cell that has one. */
export const htmlOf = (c: NotebookCell): string[] =>
  outputsOf(c)
    .filter((o) => dataOf(o)['text/html'] !== undefined)
    .map((o) => text(dataOf(o)['text/html'] as string));

/**
 * Execute a notebook in a real kernel (tslab unless `kernel` says deno) with the project's runner (@genesis-lab/notebook-runner),
 * `env` added to the kernel's environment, in the notebook's folder; resolves to the executed
 * notebook, rejects with the runner's per-cell report when any cell failed or did not run.
 */
export async function runNotebook(
  notebook: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 240_000,
  kernel: KernelName = 'tslab'
): Promise<Notebook> {
  const kernelEnv = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const started = Date.now();
  const r = await executeNotebookFile(notebook, {
    kernelName: kernel,
    env: kernelEnv,
    kernelSearch: { prefixes: [path.join(REPO_ROOT, '.venv')] },
    cellTimeoutMs: timeoutMs
  });
  if (!r.ok) {
    const total = r.cells.length;
    const lines = r.cells.map(
      (c, i) => describeCellRun(c, i + 1, total) + (c.status === 'error' ? `\n${c.error?.text ?? ''}` : '')
    );
    throw new Error(`notebook ${notebook} (${kernel}) failed after ${Date.now() - started} ms:\n${lines.join('\n')}`);
  }
  return r.notebook;
}
