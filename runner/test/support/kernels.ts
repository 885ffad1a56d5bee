import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Notebook, NotebookCell as Cell } from '@genesis-lab/contract';
import type { KernelSearchOptions } from '@genesis-lab/notebook-runner';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
/** The project's environment, where `scripts/setup` registers the tslab and deno kernels. */
export const VENV = path.join(REPO_ROOT, '.venv');
export const KERNEL_SEARCH: KernelSearchOptions = { prefixes: [VENV] };

/** Fail (never skip) with what to run when a kernel the test needs is not registered. */
export function requireKernel(name: 'tslab' | 'deno'): void {
  const spec = path.join(VENV, 'share/jupyter/kernels', name, 'kernel.json');
  if (!fs.existsSync(spec))
    throw new Error(`The runner tests need the ${name} kernel (${spec}): run \`bash scripts/setup\`.`);
}

/** A notebook of code cells (ids c1, c2, ...) for a kernel; markdown cells where a source starts with '#'. */
export function notebook(kernel: string, sources: string[]): Notebook {
  const cells: Cell[] = sources.map((source, i) =>
    source.startsWith('# ')
      ? { cell_type: 'markdown', id: `m${i + 1}`, metadata: {}, source }
      : { cell_type: 'code', id: `c${i + 1}`, metadata: {}, source, outputs: [], execution_count: null }
  );
  return { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: kernel, display_name: kernel } }, cells };
}

export const tempDir = (prefix = 'genesis-runner-'): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/**
 * A copy of a test notebook in a fresh folder inside the repository (git-ignored), so the kernel
 * resolves @genesis-lab/kernel from the workspace's node_modules as a user's project would.
 */
export function notebookCopy(name: string): string {
  const base = path.join(REPO_ROOT, 'runner/test/notebooks/.runs');
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, 'run-'));
  const file = path.join(dir, name);
  fs.copyFileSync(path.join(REPO_ROOT, 'runner/test/notebooks', name), file);
  return file;
}
