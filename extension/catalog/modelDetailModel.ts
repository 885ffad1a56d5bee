import { GenesisError, formatRef, parseRef, type ModelRecord, type ModelVersion } from '@genesis-lab/contract';
import { VDomModel } from '@jupyterlab/ui-components';
import { describeError, isAbort, isUnreachable } from '../client/errors';
import type { IConnectionState, IGenesisClient } from '../tokens';

/**
 * One catalog model as its view shows it: the record and the version being looked at. Each
 * version keeps its own card and signature, so what the view shows follows the selection.
 */
export class ModelDetailModel extends VDomModel {
  constructor(
    ref: string,
    private _client: IGenesisClient
  ) {
    super();
    const r = parseRef(ref);
    this.id = r.id;
    this._requested = r.version;
    _client.connectionChanged.connect(this._onConnection, this);
    _client.catalogChanged.connect(this._onCatalogChanged, this);
  }

  readonly id: string;

  get record(): ModelRecord | null {
    return this._record;
  }
  get recordError(): { code: string; message: string } | null {
    return this._recordError;
  }
  get loading(): boolean {
    return this._loading;
  }
  /** The version shown: the one selected (or asked for), else the latest. */
  get version(): ModelVersion | undefined {
    const versions = this._record?.versions ?? [];
    return versions.find((v) => v.version === this._selected) ?? versions[0];
  }
  /** A version was asked for that the record does not hold (the latest is shown instead). */
  get missingVersion(): string | undefined {
    return this._record && this._selected !== undefined && this.version?.version !== this._selected
      ? this._selected
      : undefined;
  }

  /** `namespace/name@version` of what is shown (what Insert pins). */
  get ref(): string {
    const v = this.version?.version ?? this._selected;
    return v ? formatRef({ id: this.id, version: v }) : this.id;
  }

  /** Where the browser opens a platform path (the card exports): through the lab's proxy. */
  downloadUrl(path: string): string {
    return this._client.downloadUrl(path);
  }

  async load(): Promise<void> {
    this._controller?.abort();
    const controller = (this._controller = new AbortController());
    this._loading = true;
    this.stateChanged.emit();
    try {
      this._record = await this._client.model(this.id, controller.signal);
      this._recordError = null;
      this._selected ??= this._requested ?? this._record.latestVersion;
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
  }

  selectVersion(version: string): void {
    if (version === this._selected) return;
    this._selected = version;
    this.stateChanged.emit();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._controller?.abort();
    super.dispose();
  }

  private _onConnection(_: IGenesisClient, state: IConnectionState): void {
    // Recover after an outage: reload what failed.
    if (state.status === 'connected' && (!this._record || this._recordError) && !this._loading) void this.load();
  }

  private _onCatalogChanged(_: IGenesisClient, change: { id: string }): void {
    // A new version was published (or the record changed): show it in the list.
    if (change.id === this.id) void this.load();
  }

  private _requested: string | undefined;
  private _selected: string | undefined;
  private _record: ModelRecord | null = null;
  private _recordError: { code: string; message: string } | null = null;
  private _loading = false;
  private _controller: AbortController | null = null;
}
