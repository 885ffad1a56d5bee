import * as path from 'node:path';
import { ExecuteReply, isAborted, parentId, type KernelMessage } from '../protocol/messages';
import { Kernel, KernelDiedError, sleep, within } from '../kernel/kernel';
import { findKernelSpec, type KernelSearchOptions, type KernelSpec } from '../kernel/kernelspec';
import { notebookKernelspec, readNotebook } from '../notebook/file';
import { GenesisError, joinText, type CodeCell, type Notebook } from '@genesis-lab/contract';
import type { CellRun } from './cell-run';
import { OutputBuilder } from './outputs';

export interface ExecuteOptions {
  /** The kernelspec to run; default: the notebook's `metadata.kernelspec.name`. */
  kernelName?: string;
  /** Where kernels are looked up (extra Python environments); Jupyter's own search path otherwise. */
  kernelSearch?: KernelSearchOptions;
  /** The kernel's working directory. `executeNotebookFile` defaults it to the notebook's folder. */
  cwd: string;
  /** Added to the kernel's environment. */
  env?: Record<string, string>;
  /** Per-cell limit (default 10 minutes); a cell over it is interrupted, and the kernel killed if that does not stop it. */
  cellTimeoutMs?: number;
  /** How long a kernel may take to start (default 60 s). */
  startTimeoutMs?: number;
  /** After a cell that failed: run the rest (default, every cell is reported) or stop (the rest are not-run). */
  stopOnError?: boolean;
  /** When the kernel dies: stop (the rest are not-run, default) or start a new kernel and go on. */
  onKernelDeath?: 'stop' | 'restart';
  /** Interrupts the running cell and stops the run (the rest are not-run). */
  signal?: AbortSignal;
  /** Called as each cell starts and as it ends (for progress lines). */
  onCellStart?: (index: number, cell: CodeCell) => void;
  onCellEnd?: (run: CellRun, cell: CodeCell) => void;
}

export interface KernelDescription {
  name: string;
  displayName: string;
  language?: string;
  implementation?: string;
  implementationVersion?: string;
  languageVersion?: string;
}

export interface ExecuteResult {
  /** The notebook with fresh outputs and execution counts (a copy: the input is not changed). */
  notebook: Notebook;
  /** One per code cell, in notebook order. */
  cells: CellRun[];
  kernel: KernelDescription;
  /** True when every code cell ran with status ok. */
  ok: boolean;
  startedAt: string;
  endedAt: string;
  /** Kernel messages that could not be read (bad signature, malformed) and kernel restarts. */
  notes: string[];
}

/** How often a request the kernel aborted is sent again, and how long to wait before each resend. */
const ABORT_RETRY_DELAYS_MS = [50, 100, 200, 300, 400, 500, 750, 1000, 1000, 1000];
/** After an interrupt, how long the cell may take to answer before the kernel is killed. */
const INTERRUPT_GRACE_MS = 5000;
/** How long the barrier may take (a kernel_info round trip; seconds would mean a hung kernel). */
const BARRIER_TIMEOUT_MS = 30_000;

type Outcome =
  | { kind: 'reply'; reply: ExecuteReply }
  | { kind: 'timeout' }
  | { kind: 'interrupt' }
  | { kind: 'died'; error: KernelDiedError };

/** Resolve the kernelspec a notebook runs in: an explicit name, else its metadata's. */
export function kernelSpecFor(nb: Notebook, opts: Pick<ExecuteOptions, 'kernelName' | 'kernelSearch'>): KernelSpec {
  const name = opts.kernelName ?? notebookKernelspec(nb)?.name;
  if (!name)
    throw new GenesisError(
      'bad_request',
      'The notebook does not say which kernel runs it (no metadata.kernelspec.name)',
      {
        hint: 'Open it in JupyterLab and pick a kernel, or name one (e.g. --kernel tslab).'
      }
    );
  return findKernelSpec(name, opts.kernelSearch);
}

/**
 * Execute every code cell of a notebook in order in a fresh kernel and collect nbformat outputs.
 * Never loses an output (see `awaitOutputs`) and never skips a cell without saying so.
 */
export async function executeNotebook(input: Notebook, opts: ExecuteOptions): Promise<ExecuteResult> {
  const spec = kernelSpecFor(input, opts);
  return new NotebookExecution(structuredClone(input), spec, opts).run();
}

class NotebookExecution {
  private kernel!: Kernel;
  private readonly builder = new OutputBuilder();
  /** execute_request id -> its cell; kept after the cell ended so a late output is still applied (and noted). */
  private readonly owner = new Map<string, { cell: CodeCell; run: CellRun; done: boolean }>();
  private readonly statusSeen = new Set<string>();
  private statusWaiters: Array<() => void> = [];
  private readonly notes: string[] = [];
  private stopListening: (() => void) | undefined;
  /** The execute_request in flight. */
  private current: { msgId: string; reply: Promise<KernelMessage> } | undefined;

  constructor(
    private readonly nb: Notebook,
    private readonly spec: KernelSpec,
    private readonly opts: ExecuteOptions
  ) {}

  async run(): Promise<ExecuteResult> {
    const startedAt = new Date().toISOString();
    const code = this.nb.cells
      .map((c, index) => ({ c, index }))
      .filter((x): x is { c: CodeCell; index: number } => x.c.cell_type === 'code');
    for (const { c } of code) {
      c.outputs = [];
      c.execution_count = null;
    }
    const runs: CellRun[] = code.map(({ c, index }) => ({
      index,
      ...(c.id ? { id: c.id } : {}),
      status: 'not-run',
      executionCount: null,
      attempts: 0,
      notes: []
    }));
    await this.startKernel();
    let stopped: string | undefined;
    try {
      for (let i = 0; i < code.length; i++) {
        const { c } = code[i]!;
        const run = runs[i]!;
        if (stopped) {
          run.reason = stopped;
          this.opts.onCellEnd?.(run, c);
          continue;
        }
        if (this.opts.signal?.aborted) {
          stopped = 'the run was interrupted before this cell';
          i--;
          continue;
        }
        this.opts.onCellStart?.(run.index, c);
        await this.executeCell(c, run);
        this.opts.onCellEnd?.(run, c);
        const n = `cell ${run.index + 1}`;
        if (run.status === 'interrupted') stopped = `the run was interrupted in ${n}`;
        else if (run.status === 'kernel-died' || (run.status === 'timeout' && !this.kernel.alive)) {
          if (this.opts.onKernelDeath === 'restart' && i + 1 < code.length) {
            await this.startKernel();
            const note = `a new kernel was started after the kernel died in ${n}: what earlier cells defined is gone`;
            this.notes.push(note);
            runs[i + 1]!.notes.push(note);
          } else stopped = `the kernel died in ${n}`;
        } else if (this.opts.stopOnError && run.status !== 'ok') stopped = `${n} failed (stop on error)`;
      }
    } finally {
      this.stopListening?.();
      this.notes.push(...this.kernel.protocolErrors.map((e) => `unreadable kernel message: ${e}`));
      await this.kernel.shutdown();
    }
    const info = this.kernel.info;
    return {
      notebook: this.nb,
      cells: runs,
      kernel: {
        name: this.spec.name,
        displayName: this.spec.display_name,
        ...(this.spec.language ? { language: this.spec.language } : {}),
        ...(info.implementation ? { implementation: info.implementation } : {}),
        ...(info.implementation_version ? { implementationVersion: info.implementation_version } : {}),
        ...(info.language_info?.version ? { languageVersion: info.language_info.version } : {})
      },
      ok: runs.every((r) => r.status === 'ok'),
      startedAt,
      endedAt: new Date().toISOString(),
      notes: this.notes
    };
  }

  private async startKernel(): Promise<void> {
    if (this.kernel) {
      this.stopListening?.();
      this.notes.push(...this.kernel.protocolErrors.map((e) => `unreadable kernel message: ${e}`));
      await this.kernel.shutdown();
    }
    this.kernel = await Kernel.start({
      spec: this.spec,
      cwd: this.opts.cwd,
      env: this.opts.env,
      startTimeoutMs: this.opts.startTimeoutMs
    });
    this.stopListening = this.kernel.onIopub((m) => this.onIopub(m));
  }

  private onIopub(msg: KernelMessage): void {
    const id = parentId(msg);
    if (!id) return;
    if (msg.header.msg_type === 'status') {
      this.statusSeen.add(id);
      const waiters = this.statusWaiters;
      this.statusWaiters = [];
      for (const w of waiters) w();
    }
    const owner = this.owner.get(id);
    if (!owner) return;
    const problem = this.builder.apply(owner.cell, msg);
    if (problem) owner.run.notes.push(problem);
    else if (owner.done && msg.header.msg_type !== 'status')
      owner.run.notes.push(
        `a ${msg.header.msg_type} arrived after the cell had ended; it was added to the cell's outputs`
      );
  }

  private async executeCell(cell: CodeCell, run: CellRun): Promise<void> {
    const started = Date.now();
    run.startedAt = new Date(started).toISOString();
    const timeoutMs = this.opts.cellTimeoutMs ?? 600_000;
    const deadline = started + timeoutMs;
    let owned: { cell: CodeCell; run: CellRun; done: boolean } | undefined;
    let outcome: Outcome | undefined;
    try {
      for (let attempt = 0; ; attempt++) {
        const { msgId, reply } = await this.kernel.send('shell', 'execute_request', {
          code: joinText(cell.source),
          silent: false,
          store_history: true,
          user_expressions: {},
          allow_stdin: false,
          stop_on_error: false
        });
        run.attempts++;
        owned = { cell, run, done: false };
        this.owner.set(msgId, owned);
        this.current = { msgId, reply };
        outcome = await this.awaitReply(reply, deadline);
        if (outcome.kind === 'reply' && isAborted(outcome.reply)) {
          // Aborted requests ran nothing; wait out the kernel's abort window and send it again.
          owned.done = true;
          const delay = ABORT_RETRY_DELAYS_MS[attempt];
          if (delay === undefined || Date.now() + delay > deadline) {
            run.status = 'not-run';
            run.reason = `the kernel aborted it ${run.attempts} times (status "${outcome.reply.status}"), after the previous error`;
            return;
          }
          await sleep(delay);
          continue;
        }
        break;
      }
    } catch (e) {
      if (!(e instanceof KernelDiedError)) throw e;
      outcome = { kind: 'died', error: e };
    } finally {
      run.endedAt = new Date().toISOString();
      run.durationMs = Date.now() - started;
    }
    if (run.attempts > 1)
      run.notes.push(
        `the kernel aborted the first ${run.attempts - 1} request(s) (it drops requests right after an error); sent again`
      );
    switch (outcome.kind) {
      case 'reply': {
        const r = outcome.reply;
        await this.awaitOutputs(run);
        owned!.done = true;
        run.executionCount = r.execution_count ?? cell.execution_count ?? null;
        cell.execution_count = run.executionCount;
        if (r.status === 'ok') run.status = 'ok';
        else {
          run.status = 'error';
          run.error = this.errorOf(cell, r);
        }
        return;
      }
      case 'died':
        if (owned) owned.done = true;
        run.status = 'kernel-died';
        run.reason = outcome.error.message;
        return;
      case 'timeout':
      case 'interrupt': {
        run.status = outcome.kind === 'timeout' ? 'timeout' : 'interrupted';
        const what =
          outcome.kind === 'timeout' ? `exceeded the ${timeoutMs / 1000} s cell timeout` : 'interrupted on request';
        const stopped = await this.interruptAndWait(run);
        run.reason = stopped
          ? `${what}; the kernel was interrupted`
          : `${what}; the interrupt did not stop it within ${INTERRUPT_GRACE_MS / 1000} s, so the kernel was killed`;
        owned!.done = true;
        if (stopped) run.error = this.errorOf(cell, stopped);
        return;
      }
    }
  }

  /** Wait for the execute_reply, the deadline, an interrupt request or the kernel's death, whichever comes first. */
  private async awaitReply(reply: Promise<KernelMessage>, deadline: number): Promise<Outcome> {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const signal = this.opts.signal;
    try {
      return await Promise.race<Outcome>([
        reply.then(
          (m) => ({ kind: 'reply', reply: parseReply(m) }),
          (e: unknown) => {
            if (e instanceof KernelDiedError) return { kind: 'died', error: e };
            throw e;
          }
        ),
        new Promise<Outcome>(
          (r) => (timer = setTimeout(() => r({ kind: 'timeout' }), Math.max(0, deadline - Date.now())))
        ),
        new Promise<Outcome>((r) => {
          if (!signal) return;
          onAbort = () => r({ kind: 'interrupt' });
          if (signal.aborted) onAbort();
          else signal.addEventListener('abort', onAbort, { once: true });
        })
      ]);
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Interrupt the kernel and wait for the cell's reply; kill the kernel when it does not come. */
  private async interruptAndWait(run: CellRun): Promise<ExecuteReply | undefined> {
    const { msgId, reply } = this.current!;
    await this.kernel.interrupt();
    const got = await within(reply.then(parseReply), INTERRUPT_GRACE_MS);
    if (got) {
      await this.awaitOutputs(run);
      return got;
    }
    this.kernel.forget(msgId);
    this.kernel.killNow();
    await this.kernel.exited;
    return undefined;
  }

  /**
   * The output barrier. The execute_reply travels on shell, the outputs on iopub, and a kernel may
   * even publish `idle` before a cell's last output (Deno does), so neither the reply nor idle
   * says the outputs are complete. iopub is one ordered stream per kernel, though: a status
   * message for a request sent after this reply was published after everything the kernel had
   * published before it, including every output of this cell. So: send a kernel_info_request and
   * wait for its status on iopub.
   */
  private async awaitOutputs(run: CellRun): Promise<void> {
    if (!this.kernel.alive) return; // nothing more can come; the next cell reports the death
    const { msgId, reply } = await this.kernel.send('shell', 'kernel_info_request', {});
    const died = reply.then(
      () => new Promise<never>(() => undefined),
      () => 'died' as const
    );
    const seen = new Promise<'seen'>((resolve) => {
      const check = () => (this.statusSeen.has(msgId) ? resolve('seen') : this.statusWaiters.push(check));
      check();
    });
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      seen,
      died,
      new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), BARRIER_TIMEOUT_MS)))
    ]);
    clearTimeout(timer);
    this.statusSeen.delete(msgId);
    if (result === 'late')
      run.notes.push(
        `the kernel published no status for a kernel_info_request within ${BARRIER_TIMEOUT_MS / 1000} s; outputs that arrive later are still added`
      );
  }

  private errorOf(cell: CodeCell, r: ExecuteReply) {
    const err = [...cell.outputs].reverse().find((o) => o.output_type === 'error');
    const stderr = cell.outputs
      .filter((o) => o.output_type === 'stream' && o.name === 'stderr')
      .map((o) => joinText((o as { text: string | string[] }).text))
      .join('');
    const ename = r.ename ?? (err?.output_type === 'error' ? err.ename : undefined);
    const evalue = r.evalue ?? (err?.output_type === 'error' ? err.evalue : undefined);
    const traceback = r.traceback?.length ? r.traceback : err?.output_type === 'error' ? err.traceback : [];
    const body = traceback.length ? traceback.join('\n') : stderr || (evalue ? `${ename ?? 'Error'}: ${evalue}` : '');
    return {
      ...(ename ? { ename } : {}),
      ...(evalue ? { evalue } : {}),
      text:
        stripAnsi(body) ||
        `the kernel answered status "${r.status}" and gave no message (a syntax error in Deno's kernel does this)`
    };
  }
}

function parseReply(m: KernelMessage): ExecuteReply {
  const r = ExecuteReply.safeParse(m.content);
  if (!r.success) return { status: 'error', evalue: `malformed execute_reply: ${r.error.issues[0]!.message}` };
  return r.data;
}

const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

/** Read, validate and execute a notebook file; the kernel runs in the notebook's folder unless `cwd` says otherwise. */
export async function executeNotebookFile(
  file: string,
  opts: Omit<ExecuteOptions, 'cwd'> & { cwd?: string } = {}
): Promise<ExecuteResult> {
  return executeNotebook(readNotebook(file), { ...opts, cwd: opts.cwd ?? path.dirname(path.resolve(file)) });
}
