import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as zmq from 'zeromq';
import { KernelInfoReply, parentId, type KernelMessage } from '../protocol/messages';
import { MessageSigner, WireError } from '../protocol/wire';
import { endpoint, writeConnectionFile, type ConnectionInfo } from './connection';
import type { KernelSpec } from './kernelspec';

export interface KernelStartOptions {
  spec: KernelSpec;
  /** The kernel's working directory (the notebook's folder, as Jupyter does). */
  cwd: string;
  /** Added to the kernel's environment, over process.env and the kernelspec's own `env`. */
  env?: Record<string, string>;
  /** How long the kernel may take to answer its first kernel_info_request (default 60 s). */
  startTimeoutMs?: number;
}

/** How a kernel process ended. */
export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class KernelDiedError extends Error {
  constructor(
    readonly exit: KernelExit,
    readonly stderrTail: string
  ) {
    super(
      `the kernel died (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`})` +
        (stderrTail.trim() ? `; its last output:\n${stderrTail.trimEnd()}` : '')
    );
    this.name = 'KernelDiedError';
  }
}

const STDERR_TAIL_BYTES = 16 * 1024;
const live = new Set<Kernel>();
// A runner that exits (or crashes) must not leave kernels behind: they run in their own process group.
process.once('exit', () => {
  for (const k of live) k.killNow();
});

type Channel = 'shell' | 'control';

/**
 * One running kernel process and a client connection to it: shell and control (DEALER), iopub
 * (SUB). It knows nothing about notebooks; the executor drives it.
 */
export class Kernel {
  readonly session = randomUUID();
  /** Messages the kernel sent that could not be read (bad signature, malformed): reported, never silently dropped. */
  readonly protocolErrors: string[] = [];
  info: KernelInfoReply = {};
  readonly exited: Promise<KernelExit>;

  private readonly signer: MessageSigner;
  private readonly shell: zmq.Dealer;
  private readonly control: zmq.Dealer;
  private readonly iopub: zmq.Subscriber;
  private readonly pending = new Map<string, { resolve: (m: KernelMessage) => void; reject: (e: Error) => void }>();
  private readonly iopubListeners = new Set<(m: KernelMessage) => void>();
  private stderr = '';
  private exit: KernelExit | undefined;
  private closed = false;

  private constructor(
    readonly spec: KernelSpec,
    conn: ConnectionInfo,
    private readonly connDir: string,
    private readonly proc: ChildProcess
  ) {
    this.signer = new MessageSigner(conn.key);
    this.shell = new zmq.Dealer({ linger: 0 });
    this.control = new zmq.Dealer({ linger: 0 });
    this.iopub = new zmq.Subscriber({ linger: 0 });
    this.iopub.subscribe();
    this.shell.connect(endpoint(conn, conn.shell_port));
    this.control.connect(endpoint(conn, conn.control_port));
    this.iopub.connect(endpoint(conn, conn.iopub_port));
    const keep = (d: Buffer) => {
      this.stderr = (this.stderr + d.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.exit = { code, signal };
        live.delete(this);
        const err = new KernelDiedError(this.exit, this.stderr);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        resolve(this.exit);
      });
    });
    void this.pump(this.shell);
    void this.pump(this.control);
    void this.pump(this.iopub, true);
  }

  /** Start a kernel from its spec and wait until it answers on shell and publishes on iopub. */
  static async start(opts: KernelStartOptions): Promise<Kernel> {
    const { info, file, dir } = await writeConnectionFile(opts.spec.name);
    const argv = opts.spec.argv.map((a) =>
      a.replaceAll('{connection_file}', file).replaceAll('{resource_dir}', opts.spec.resourceDir)
    );
    const proc = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.spec.env, ...opts.env, JPY_PARENT_PID: String(process.pid) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C in the runner's terminal must not reach the kernel
      // directly (Deno's kernel dies of SIGINT); the runner decides what an interrupt does.
      detached: true
    });
    const spawnError = new Promise<never>((_, reject) =>
      proc.once('error', (e) =>
        reject(new Error(`could not start kernel "${opts.spec.name}" (${argv[0]}): ${e.message}`))
      )
    );
    const k = new Kernel(opts.spec, info, dir, proc);
    live.add(k);
    try {
      await Promise.race([k.waitReady(opts.startTimeoutMs ?? 60_000), spawnError]);
    } catch (e) {
      await k.shutdown();
      throw e;
    }
    return k;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  stderrTail(): string {
    return this.stderr;
  }

  onIopub(listener: (m: KernelMessage) => void): () => void {
    this.iopubListeners.add(listener);
    return () => this.iopubListeners.delete(listener);
  }

  /** Send a request; `reply` settles with the kernel's reply, or rejects with KernelDiedError. */
  async send(
    channel: Channel,
    msgType: string,
    content: Record<string, unknown>
  ): Promise<{ msgId: string; reply: Promise<KernelMessage> }> {
    if (this.exit) throw new KernelDiedError(this.exit, this.stderr);
    const { msgId, frames } = this.signer.encode(this.session, msgType, content);
    const reply = new Promise<KernelMessage>((resolve, reject) => this.pending.set(msgId, { resolve, reject }));
    reply.catch(() => undefined); // a caller that stops waiting (timeout) must not leave an unhandled rejection
    await (channel === 'shell' ? this.shell : this.control).send(frames);
    return { msgId, reply };
  }

  /** Stop waiting for a reply (its request timed out); a late reply is then ignored. */
  forget(msgId: string): void {
    this.pending.delete(msgId);
  }

  /** Interrupt the running request the way the kernelspec says: SIGINT, or an interrupt_request on control. */
  async interrupt(): Promise<void> {
    if (!this.alive) return;
    if (this.spec.interrupt_mode === 'message') {
      await this.send('control', 'interrupt_request', {});
      return;
    }
    try {
      process.kill(this.proc.pid!, 'SIGINT');
    } catch {
      /* already gone */
    }
  }

  /** Ask the kernel to shut down, then terminate its process group if it does not; always cleans up. */
  async shutdown(graceMs = 3000): Promise<KernelExit> {
    if (this.alive) {
      try {
        await this.send('control', 'shutdown_request', { restart: false });
      } catch {
        /* dead already */
      }
      if (!(await settlesWithin(this.exited, graceMs))) this.signalGroup('SIGTERM');
      if (!(await settlesWithin(this.exited, 2000))) this.signalGroup('SIGKILL');
    }
    const exit = await this.exited;
    this.close();
    return exit;
  }

  /** Synchronous last resort (process exit handler, a hung kernel). */
  killNow(): void {
    this.signalGroup('SIGKILL');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (!this.proc.pid || !this.alive) return;
    try {
      process.kill(-this.proc.pid, signal);
    } catch {
      try {
        process.kill(this.proc.pid, signal);
      } catch {
        /* gone */
      }
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [this.shell, this.control, this.iopub]) s.close();
    fs.rmSync(this.connDir, { recursive: true, force: true });
  }

  private async pump(sock: zmq.Dealer | zmq.Subscriber, isIopub = false): Promise<void> {
    try {
      for await (const frames of sock) {
        let msg: KernelMessage;
        try {
          msg = this.signer.decode(frames);
        } catch (e) {
          if (e instanceof WireError) {
            this.protocolErrors.push(`${isIopub ? 'iopub' : 'shell/control'}: ${e.message}`);
            continue;
          }
          throw e;
        }
        if (isIopub) for (const l of this.iopubListeners) l(msg);
        else {
          const id = parentId(msg);
          const p = id ? this.pending.get(id) : undefined;
          if (p) {
            this.pending.delete(id!);
            p.resolve(msg);
          }
        }
      }
    } catch (e) {
      if (!this.closed) this.protocolErrors.push(`socket error: ${(e as Error).message}`);
    }
  }

  /**
   * The kernel is ready when it answers a kernel_info_request AND its iopub status for one of them
   * reached us: a SUB socket only receives after its connection is up (ZeroMQ's slow joiner), so
   * outputs published before that would be lost.
   */
  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const asked = new Set<string>();
    let iopubUp = false;
    let replied = false;
    const off = this.onIopub((m) => {
      const id = parentId(m);
      if (m.header.msg_type === 'status' && id && asked.has(id)) iopubUp = true;
    });
    try {
      while (!(iopubUp && replied)) {
        if (this.exit) throw new KernelDiedError(this.exit, this.stderr);
        if (Date.now() > deadline)
          throw new Error(
            `kernel "${this.spec.name}" did not answer within ${timeoutMs} ms` +
              (this.stderr.trim() ? `; its output:\n${this.stderr.trimEnd()}` : '')
          );
        const { msgId, reply } = await this.send('shell', 'kernel_info_request', {});
        asked.add(msgId);
        const got = await within(reply, replied ? 100 : 500);
        if (got) {
          replied = true;
          const r = KernelInfoReply.safeParse(got.content);
          if (r.success) this.info = r.data;
        }
        if (replied && !iopubUp) await sleep(50);
      }
    } finally {
      off();
    }
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `p`'s value if it settles within `ms`, else undefined (a rejection counts as undefined); leaves no timer behind. */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p.catch(() => undefined),
      new Promise<undefined>((r) => (t = setTimeout(() => r(undefined), ms)))
    ]);
  } finally {
    clearTimeout(t);
  }
}

const settlesWithin = async (p: Promise<unknown>, ms: number): Promise<boolean> =>
  (await within(
    p.then(() => true),
    ms
  )) === true;
