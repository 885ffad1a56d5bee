import { GenesisError, parseRef, type DatasetRecord, type DatasetVersion } from '@genesis-lab/contract';
import { VDomModel } from '@jupyterlab/ui-components';
import { describeError, isAbort, isUnreachable, panelError } from '../client/errors';
import type { IConnectionState, IGenesisClient, IPreviewTable } from '../tokens';

export type PreviewState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'ready'; table: IPreviewTable }
  | { kind: 'denied'; message: string }
  /** No data is held for this record yet (metadata only). */
  | { kind: 'none' }
  | { kind: 'error'; message: string };

/**
 * One catalog record as the detail view shows it: the record, the version being looked at,
 * the first rows of that version and the Croissant export. Each part loads (and fails)
 * on its own, so a refused preview never hides the metadata.
 */
export class DatasetDetailModel extends VDomModel {
  constructor(
    ref: string,
    private _client: IGenesisClient,
    private _previewRows: number
  ) {
    super();
    const r = parseRef(ref);
    this.id = r.id;
    this._requestedVersion = r.version;
    _client.connectionChanged.connect(this._onConnection, this);
    _client.catalogChanged.connect(this._onCatalogChanged, this);
  }

  readonly id: string;

  get record(): DatasetRecord | null {
    return this._record;
  }
  get recordError(): { code: string; message: string } | null {
    return this._recordError;
  }
  get loading(): boolean {
    return this._loading;
  }
  /** The version being shown (the one asked for, else the latest). */
  get version(): DatasetVersion | undefined {
    const versions = this._record?.versions ?? [];
    return versions.find((v) => v.version === this._selected) ?? versions[0];
  }
  get preview(): PreviewState {
    return this._preview;
  }
  get croissant(): unknown {
    return this._croissant;
  }
  get croissantError(): string | null {
    return this._croissantError;
  }
  get previewRows(): number {
    return this._previewRows;
  }

  /** `namespace/name@version` of what is shown. */
  get ref(): string {
    const v = this.version?.version ?? this._requestedVersion;
    return v ? `${this.id}@${v}` : this.id;
  }

  async load(): Promise<void> {
    this._controller?.abort();
    const controller = (this._controller = new AbortController());
    this._loading = true;
    this.stateChanged.emit();
    try {
      this._record = await this._client.record(this.id, controller.signal);
      this._recordError = null;
      if (this._selected === undefined) this._selected = this._requestedVersion ?? this._record.latestVersion;
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return;
      this._recordError = isUnreachable(err)
        ? null
        : { code: err instanceof GenesisError ? err.code : 'internal', message: describeError(err) };
    } finally {
      if (this._controller === controller) {
        this._loading = false;
        this.stateChanged.emit();
      }
    }
    if (this._record && !controller.signal.aborted) {
      await Promise.all([this._loadPreview(controller.signal), this._loadCroissant(controller.signal)]);
    }
  }

  selectVersion(version: string): void {
    if (version === this._selected) return;
    this._selected = version;
    this.stateChanged.emit();
    const controller = this._controller;
    if (controller) void this._loadPreview(controller.signal);
  }

  setPreviewRows(rows: number): void {
    if (rows === this._previewRows) return;
    this._previewRows = rows;
    if (this._record) void this.load();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._controller?.abort();
    super.dispose();
  }

  private async _loadPreview(signal: AbortSignal): Promise<void> {
    const version = this.version;
    if (!version) {
      this._setPreview({ kind: 'none' });
      return;
    }
    this._setPreview({ kind: 'loading' });
    try {
      const table = await this._client.preview(this.id, version.version, { limit: this._previewRows, signal });
      if (signal.aborted || this.version !== version) return;
      this._setPreview({ kind: 'ready', table });
    } catch (err) {
      if (isAbort(err) || signal.aborted || this.version !== version) return;
      if (err instanceof GenesisError && (err.code === 'forbidden' || err.code === 'unauthorized')) {
        this._setPreview({ kind: 'denied', message: describeError(err) });
      } else if (isUnreachable(err)) {
        this._setPreview({ kind: 'idle' });
      } else {
        this._setPreview({ kind: 'error', message: describeError(err) });
      }
    }
  }

  private async _loadCroissant(signal: AbortSignal): Promise<void> {
    try {
      this._croissant = await this._client.croissant(this.id, signal);
      this._croissantError = null;
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      this._croissant = null;
      this._croissantError = panelError(err);
    }
    this.stateChanged.emit();
  }

  private _setPreview(state: PreviewState): void {
    this._preview = state;
    this.stateChanged.emit();
  }

  private _onConnection(_: IGenesisClient, state: IConnectionState): void {
    // Recover after an outage: reload what failed.
    if (state.status !== 'connected') return;
    if (!this._record || this._recordError || this._preview.kind === 'error' || this._preview.kind === 'idle') {
      void this.load();
    }
  }

  private _onCatalogChanged(_: IGenesisClient, change: { id: string }): void {
    if (change.id === this.id) void this.load();
  }

  private _requestedVersion: string | undefined;
  private _selected: string | undefined;
  private _record: DatasetRecord | null = null;
  private _recordError: { code: string; message: string } | null = null;
  private _loading = false;
  private _preview: PreviewState = { kind: 'idle' };
  private _croissant: unknown = null;
  private _croissantError: string | null = null;
  private _controller: AbortController | null = null;
}
