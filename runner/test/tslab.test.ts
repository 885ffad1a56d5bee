import * as fs from 'node:fs';
import * as path from 'node:path';
import { joinText as text, type CodeCell } from '@genesis-lab/contract';
import { executeNotebook, type CellRun, type ExecuteResult } from '@genesis-lab/notebook-runner';
import { KERNEL_SEARCH, REPO_ROOT, notebook, requireKernel, tempDir } from './support/kernels';

/** The runner against a real tslab kernel (registered in .venv by scripts/setup). */

// tslab resolves `require`/imports from the kernel's working directory: cells that import
// tslab's own display API run in the repository, where node_modules has it.
const run = (sources: string[], opts: Partial<Parameters<typeof executeNotebook>[1]> = {}): Promise<ExecuteResult> =>
  executeNotebook(notebook('tslab', sources), { cwd: REPO_ROOT, kernelSearch: KERNEL_SEARCH, ...opts });

const stdout = (c: CodeCell) =>
  c.outputs
    .filter((o) => o.output_type === 'stream' && o.name === 'stdout')
    .map((o) => text((o as { text: string }).text))
    .join('');
const codeCells = (r: ExecuteResult) => r.notebook.cells.filter((c): c is CodeCell => c.cell_type === 'code');
const statuses = (r: ExecuteResult) => r.cells.map((c: CellRun) => c.status);

beforeAll(() => requireKernel('tslab'));

describe('the runner in a real tslab kernel', () => {
  it('executes every cell after a failing one: tslab aborts the next requests, the runner sends them again', async () => {
    const r = await run([
      'console.log("one")',
      'throw new Error("boom in cell 2")',
      'console.log("three")',
      'const wrong: number = "text";',
      'console.log("five")',
      'console.log("six")'
    ]);
    expect(statuses(r)).toEqual(['ok', 'error', 'ok', 'error', 'ok', 'ok']);
    const cells = codeCells(r);
    expect(cells.map(stdout)).toEqual(['one\n', '', 'three\n', '', 'five\n', 'six\n']);
    // Every cell really ran: distinct execution counts, in order.
    const counts = r.cells.map((c) => c.executionCount);
    expect(counts.every((n) => typeof n === 'number')).toBe(true);
    expect([...counts].sort((a, b) => a! - b!)).toEqual(counts);
    expect(new Set(counts).size).toBe(counts.length);
    // The cell right after each error was aborted by tslab at least once, and the report says so.
    for (const i of [2, 4]) {
      expect(r.cells[i]!.attempts).toBeGreaterThan(1);
      expect(r.cells[i]!.notes.join(' ')).toMatch(/aborted/);
    }
    // tslab reports errors only on stderr: the run says what went wrong.
    expect(r.cells[1]!.error?.text).toMatch(/Error: boom in cell 2/);
    expect(r.cells[3]!.error?.text).toMatch(/Type 'string' is not assignable to type 'number'/);
    expect(r.ok).toBe(false);
  }, 120_000);

  it('updates a display in place by display id (one output, last value)', async () => {
    const r = await run([
      'import * as tslab from "tslab"; const d = tslab.newDisplay(); d.text("first"); d.text("second");',
      'd.text("third, from a later cell")',
      'tslab.display.html("<b>plain</b>")'
    ]);
    expect(statuses(r)).toEqual(['ok', 'ok', 'ok']);
    const [first, second, third] = codeCells(r);
    expect(first!.outputs).toHaveLength(1);
    expect(first!.outputs[0]).toMatchObject({
      output_type: 'display_data',
      data: { 'text/plain': 'third, from a later cell' }
    });
    expect(second!.outputs).toHaveLength(0);
    expect(third!.outputs).toEqual([
      { output_type: 'display_data', data: { 'text/html': '<b>plain</b>' }, metadata: {} }
    ]);
  }, 60_000);

  it('runs the kernel in the notebook folder with the extra environment', async () => {
    const dir = tempDir();
    const r = await executeNotebook(
      notebook('tslab', ['console.log(process.cwd()); console.log(process.env.GENESIS_RUNNER_TEST)']),
      {
        cwd: dir,
        env: { GENESIS_RUNNER_TEST: 'from the runner' },
        kernelSearch: KERNEL_SEARCH
      }
    );
    expect(stdout(codeCells(r)[0]!)).toBe(`${fs.realpathSync(dir)}\nfrom the runner\n`);
  }, 60_000);

  it('interrupts a cell over its timeout and goes on with the next', async () => {
    const r = await run(
      [
        'await new Promise((r) => setTimeout(r, 60_000)); console.log("never")',
        'while (true) {}',
        'console.log("next")'
      ],
      { cellTimeoutMs: 1500 }
    );
    expect(statuses(r)).toEqual(['timeout', 'timeout', 'ok']);
    expect(r.cells[1]!.reason).toMatch(/the kernel was interrupted/);
    expect(r.cells[0]!.reason).toMatch(/exceeded the 1\.5 s cell timeout; the kernel was interrupted/);
    expect(stdout(codeCells(r)[0]!)).toBe('');
    expect(stdout(codeCells(r)[2]!)).toBe('next\n');
  }, 60_000);

  it('kills a kernel that an interrupt cannot stop, and reports the cells after it as not run', async () => {
    // tslab's SIGINT handling stops JavaScript (loops, Atomics.wait), not a thread blocked in a synchronous child process.
    const block = 'require("child_process").execFileSync("sleep", ["60"])';
    const r = await run([block, 'console.log("after")', 'console.log("last")'], { cellTimeoutMs: 1000 });
    expect(statuses(r)).toEqual(['timeout', 'not-run', 'not-run']);
    expect(r.cells[0]!.reason).toMatch(/did not stop it .* so the kernel was killed/);
    expect(r.cells[1]!.reason).toBe('the kernel died in cell 1');
    expect(r.cells[2]!.reason).toBe('the kernel died in cell 1');
  }, 60_000);

  it('reports a kernel that died in a cell, and with onKernelDeath "restart" runs the rest in a new kernel', async () => {
    const r = await run(['const kept = 1; console.log("before")', 'process.exit(3)', 'console.log("fresh")', 'kept'], {
      onKernelDeath: 'restart'
    });
    expect(statuses(r)).toEqual(['ok', 'kernel-died', 'ok', 'error']);
    expect(r.cells[1]!.reason).toMatch(/the kernel died \(exit code 3\)/);
    expect(r.cells[2]!.notes.join(' ')).toMatch(/new kernel was started after the kernel died in cell 2/);
    expect(stdout(codeCells(r)[2]!)).toBe('fresh\n');
    // The new kernel has none of the old state.
    expect(r.cells[3]!.error?.text).toMatch(/Cannot find name 'kept'/);
  }, 60_000);

  it('interrupts the running cell on an abort signal and reports the rest as not run', async () => {
    const ctl = new AbortController();
    const r = await run(['await new Promise((r) => setTimeout(r, 60_000))', 'console.log("not this")'], {
      signal: ctl.signal,
      onCellStart: () => setTimeout(() => ctl.abort(), 500)
    });
    expect(statuses(r)).toEqual(['interrupted', 'not-run']);
    expect(r.cells[1]!.reason).toBe('the run was interrupted in cell 1');
  }, 60_000);

  it('fails with where it looked when the kernel is not registered', async () => {
    await expect(
      executeNotebook(notebook('no-such-kernel', ['1']), { cwd: REPO_ROOT, kernelSearch: KERNEL_SEARCH })
    ).rejects.toThrow(/No Jupyter kernel named "no-such-kernel"/);
    expect(path.isAbsolute(REPO_ROOT)).toBe(true);
  });
});
