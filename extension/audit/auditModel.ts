import type { AuditEntry } from '@genesis-lab/contract';
import { GenesisError } from '@genesis-lab/contract/core';
import { VDomModel } from '@jupyterlab/ui-components';
import { describeError, isAbort } from '../client/errors';
import type { IConnectionState, IGenesisClient } from '../tokens';

/** What the filter form holds: text as typed; empty means "any". Times are ISO instants. */
export interface IAuditFilters {
  actor: string;
  action: string;
  since: string;
  until: string;
}

export const NO_FILTERS: IAuditFilters = { actor: '', action: '', since: '', until: '' };

export type AuditAccess = { kind: 'unknown' } | { kind: 'allowed' } | { kind: 'forbidden'; message: string };

export type ChainState =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'intact'; entries: number }
  | { kind: 'broken'; entries: number; seq: number; reason: string }
  /** Verification is for admins; a maintainer may read the log but not verify it. */
  | { kind: 'not-allowed'; message: string }
  | { kind: 'error'; message: string };

const EXPORT_PAGE = 1000;

function isRefusal(err: unknown): err is GenesisError {
  return err instanceof GenesisError && (err.code === 'forbidden' || err.code === 'unauthorized');
}

/**
 * The audit log as the audit view shows it: the entries matching the filters, a page at a time
 * (oldest first, as the chain runs), whether the caller may read it at all, and the state of the
 * chain's last verification. Every request goes through the one client; a newer load aborts an
 * older one, so a slow answer never replaces a newer filter's.
 */
export class AuditLogModel extends VDomModel {
  constructor(
    private readonly _client: IGenesisClient,
    private readonly _pageSize: () => number
  ) {
    super();
    _client.connectionChanged.connect(this._onConnection, this);
  }

  get filters(): IAuditFilters {
    return this._filters;
  }
  get entries(): readonly AuditEntry[] {
    return this._entries;
  }
  get hasMore(): boolean {
    return this._next !== undefined;
  }
  get loading(): boolean {
    return this._loading;
  }
  get access(): AuditAccess {
    return this._access;
  }
  get error(): string | null {
    return this._error;
  }
  get chain(): ChainState {
    return this._chain;
  }
  get exporting(): boolean {
    return this._exporting;
  }

  /** Apply new filters and load their first page. */
  setFilters(filters: IAuditFilters): Promise<void> {
    this._filters = { ...filters };
    return this.load();
  }

  /** The first page for the current filters (a refresh). */
  async load(): Promise<void> {
    await this._page(0, false);
  }

  async loadMore(): Promise<void> {
    if (this._next === undefined || this._loading) return;
    await this._page(this._next, true);
  }

  /** Check the keyed hash chain on the platform (admins). */
  async verify(): Promise<void> {
    this._setChain({ kind: 'checking' });
    try {
      const v = await this._client.verifyAudit();
      this._setChain(
        v.ok
          ? { kind: 'intact', entries: v.entries }
          : { kind: 'broken', entries: v.entries, seq: v.firstBad!.seq, reason: v.firstBad!.reason }
      );
    } catch (err) {
      this._setChain(
        isRefusal(err)
          ? { kind: 'not-allowed', message: describeError(err) }
          : { kind: 'error', message: describeError(err) }
      );
    }
  }

  /**
   * Every entry matching the filters as JSON lines, oldest first (the CLI's `genesis audit
   * export` format, so a reviewer re-verifies either the same way).
   */
  async exportLines(signal?: AbortSignal): Promise<string> {
    this._exporting = true;
    this.stateChanged.emit();
    try {
      const lines: string[] = [];
      let after: number | undefined = 0;
      while (after !== undefined) {
        const page = await this._client.audit({ ...this._query(), after, limit: EXPORT_PAGE }, signal);
        for (const e of page.entries) lines.push(JSON.stringify(e));
        after = page.next;
      }
      return lines.length ? lines.join('\n') + '\n' : '';
    } finally {
      this._exporting = false;
      this.stateChanged.emit();
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._controller?.abort();
    super.dispose();
  }

  private _query(): { actor?: string; action?: string; since?: string; until?: string } {
    const f = this._filters;
    const trimmed = (s: string) => s.trim() || undefined;
    return { actor: trimmed(f.actor), action: trimmed(f.action), since: trimmed(f.since), until: trimmed(f.until) };
  }

  private async _page(after: number, append: boolean): Promise<void> {
    this._controller?.abort();
    const controller = (this._controller = new AbortController());
    this._loading = true;
    this.stateChanged.emit();
    try {
      const page = await this._client.audit({ ...this._query(), after, limit: this._pageSize() }, controller.signal);
      if (controller.signal.aborted) return;
      this._entries = append ? [...this._entries, ...page.entries] : page.entries;
      this._next = page.next;
      this._access = { kind: 'allowed' };
      this._error = null;
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return;
      if (isRefusal(err)) {
        this._access = { kind: 'forbidden', message: describeError(err) };
        this._entries = [];
        this._next = undefined;
      } else this._error = describeError(err);
    } finally {
      if (this._controller === controller) {
        this._loading = false;
        this.stateChanged.emit();
      }
    }
  }

  private _setChain(chain: ChainState): void {
    this._chain = chain;
    this.stateChanged.emit();
  }

  private _onConnection(_: IGenesisClient, state: IConnectionState): void {
    // Back after an outage or another platform: what was shown may be stale.
    if (state.status === 'connected') void this.load();
  }

  private _filters: IAuditFilters = { ...NO_FILTERS };
  private _entries: AuditEntry[] = [];
  private _next: number | undefined;
  private _loading = false;
  private _access: AuditAccess = { kind: 'unknown' };
  private _error: string | null = null;
  private _chain: ChainState = { kind: 'idle' };
  private _exporting = false;
  private _controller: AbortController | null = null;
}
