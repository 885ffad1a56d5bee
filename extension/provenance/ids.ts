import { sha256Hex } from '@genesis-lab/contract/core';

/** A random uuid (v4), also outside secure contexts, where `crypto.randomUUID` is missing. */
export function newUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A name-based uuid (version 8, from sha256): every tab derives the same one from the same name. */
export function nameUuid(name: string): string {
  const h = sha256Hex(name).slice(0, 32).split('');
  h[12] = '8';
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

const RUN_KEY_PREFIX = 'genesis-lab:provenance:run:';
const NOTEBOOK_KEY_PREFIX = 'genesis-lab:provenance:notebook:';

interface KernelRun {
  runId: string;
  lastCount: number;
}

/**
 * Which run an execution belongs to. A run is one kernel session: every tab on the same kernel
 * (two tabs on one notebook share it) must name the same run, so the run id is kept in storage
 * that the tabs share, per kernel. A kernel restart keeps the kernel id but starts its execution
 * counter again: a count that did not grow means a new run. The first run of a kernel has an id
 * derived from the kernel id, so two tabs starting at once still agree.
 */
export class RunIds {
  constructor(private _storage: Storage) {}

  runFor(kernelId: string, executionCount: number | null): string {
    const key = RUN_KEY_PREFIX + kernelId;
    const known = this._read(key);
    let run: KernelRun;
    if (!known) run = { runId: nameUuid(`run:${kernelId}:0`), lastCount: executionCount ?? 0 };
    else if (executionCount !== null && executionCount <= known.lastCount) {
      // Restarted: the next generation's id, also derivable by any tab that saw the same history.
      run = { runId: nameUuid(`run:${kernelId}:${known.runId}`), lastCount: executionCount };
    } else run = { runId: known.runId, lastCount: executionCount ?? known.lastCount };
    this._write(key, run);
    return run.runId;
  }

  /**
   * The notebook id for a notebook without one in its metadata yet: the one another tab already
   * gave the same path, else a new one (the caller writes it into the metadata).
   */
  notebookIdFor(path: string): string {
    const key = NOTEBOOK_KEY_PREFIX + path;
    const known = this._storage.getItem(key);
    if (known) return known;
    const id = newUuid();
    try {
      this._storage.setItem(key, id);
    } catch {
      // Storage refused: this tab still records under the id it writes into the notebook.
    }
    return id;
  }

  private _read(key: string): KernelRun | null {
    try {
      const v = JSON.parse(this._storage.getItem(key) ?? 'null') as KernelRun | null;
      return v && typeof v.runId === 'string' && typeof v.lastCount === 'number' ? v : null;
    } catch {
      return null;
    }
  }

  private _write(key: string, run: KernelRun): void {
    try {
      this._storage.setItem(key, JSON.stringify(run));
    } catch {
      // Storage refused: the derived ids still agree across tabs.
    }
  }
}
