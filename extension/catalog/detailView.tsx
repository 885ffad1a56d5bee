import type { DatasetRecord, DatasetVersion } from '@genesis-lab/contract';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import { Panel } from '@lumino/widgets';
import * as React from 'react';
import { ConnectionBanner } from '../common/connection';
import { formatBytes, formatCount, formatTime, shortDigest } from '../common/format';
import { datasetIcon } from '../common/icons';
import { useSignal } from '../common/useSignal';
import type { IGenesisClient } from '../tokens';
import { AccessBadge, LicenseBadge } from './badges';
import type { DatasetDetailModel } from './detailModel';
import { PreviewGrid } from './previewGrid';

export interface IDetailActions {
  /** Insert a cell loading `ref` into the current notebook. */
  insert(ref: string): void;
}

/**
 * The detail of one catalog record in the main area: metadata (React), the preview grid
 * (a Lumino DataGrid) and the Croissant record. Everything it shows comes from the model.
 */
export class DatasetDetailView extends Panel {
  constructor(
    readonly model: DatasetDetailModel,
    client: IGenesisClient,
    actions: IDetailActions
  ) {
    super();
    this.addClass('jp-Genesis-detail');
    this.id = `genesis-dataset-${model.id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
    this.title.icon = datasetIcon;
    this.title.label = model.id;
    this.title.caption = `Genesis dataset ${model.id}`;
    this.title.closable = true;
    // Focusable, so that activating it moves the focus here (see onActivateRequest).
    this.node.tabIndex = -1;

    this._summary = ReactWidget.create(<Summary model={model} client={client} actions={actions} />);
    this._summary.addClass('jp-Genesis-detailSummary');
    this._previewHeader = ReactWidget.create(<PreviewHeader model={model} />);
    this._previewHeader.addClass('jp-Genesis-previewHeader');
    this._grid = new PreviewGrid();
    this._croissant = ReactWidget.create(<Croissant model={model} />);
    this._croissant.addClass('jp-Genesis-croissant');
    this.addWidget(this._summary);
    this.addWidget(this._previewHeader);
    this.addWidget(this._grid);
    this.addWidget(this._croissant);
    model.changed.connect(this._onModelChanged, this);
    this._onModelChanged();
  }

  /** The theme changed: the canvas grid re-reads its colours. */
  applyTheme(): void {
    this._grid.applyTheme();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.model.dispose();
    super.dispose();
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (!this.model.record && !this.model.loading) void this.model.load();
  }

  /**
   * Closing the tab disposes the view: a widget only detached would stay in the
   * tracker (and the restored layout's state), and opening the same dataset again would "find" it
   * and show nothing.
   */
  protected override onCloseRequest(msg: Message): void {
    super.onCloseRequest(msg);
    this.dispose();
  }

  /**
   * Take the focus when activated (opened or re-shown from the catalog, a lineage chip, the
   * palette): the shell's current widget follows focus, and without it File › Close Tab, the
   * status bar and "current" commands would act on the tab focused before, not this one.
   */
  protected override onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    if (!this.node.contains(document.activeElement)) this.node.focus();
  }

  private _onModelChanged(): void {
    const record = this.model.record;
    if (record) this.title.label = record.title.length > 40 ? `${record.title.slice(0, 38)}…` : record.title;
    const preview = this.model.preview;
    const table = preview.kind === 'ready' ? preview.table : null;
    if (table !== this._shown) {
      this._shown = table;
      this._grid.setTable(table);
    }
    this._grid.setHidden(table === null);
  }

  private _summary: ReactWidget;
  private _previewHeader: ReactWidget;
  private _grid: PreviewGrid;
  private _croissant: ReactWidget;
  private _shown: unknown = undefined;
}

function Summary(props: { model: DatasetDetailModel; client: IGenesisClient; actions: IDetailActions }) {
  const { model, client, actions } = props;
  useSignal(model.changed);
  const record = model.record;
  return (
    <>
      <ConnectionBanner client={client} />
      {model.recordError && (
        <div
          className={`jp-Genesis-error${model.recordError.code === 'forbidden' ? ' jp-mod-denied' : ''}`}
          role="alert"
        >
          {model.recordError.code === 'forbidden' ? 'Access denied: ' : ''}
          {model.recordError.message}
        </div>
      )}
      {!record && model.loading && <div className="jp-Genesis-muted">Loading {model.id}…</div>}
      {record && <RecordSummary record={record} model={model} actions={actions} />}
    </>
  );
}

function RecordSummary(props: { record: DatasetRecord; model: DatasetDetailModel; actions: IDetailActions }) {
  const { record, model, actions } = props;
  const version = model.version;
  return (
    <article aria-label={`Dataset ${record.id}`}>
      <header className="jp-Genesis-detailHeader">
        <h1 className="jp-Genesis-detailTitle">{record.title}</h1>
        <div className="jp-Genesis-detailRef">
          <code>{model.ref}</code>
        </div>
        <div className="jp-Genesis-detailBadges">
          <LicenseBadge license={record.license} url={record.licenseUrl} link />
          <AccessBadge level={record.accessLevel} />
          {record.domain && <span className="jp-Genesis-badge">{record.domain}</span>}
          {version && (
            <button
              className="jp-Button jp-mod-styled jp-mod-accept jp-Genesis-insertDetail"
              onClick={() => actions.insert(model.ref)}
              title="Insert a cell that loads this exact version into the current notebook"
            >
              Insert into notebook
            </button>
          )}
        </div>
      </header>
      {record.description && <p className="jp-Genesis-description">{record.description}</p>}
      <dl className="jp-Genesis-facts">
        {record.creators.length > 0 && (
          <>
            <dt>Creators</dt>
            <dd>
              {record.creators.map((c, i) => (
                <span key={i} className="jp-Genesis-creator">
                  {c.url ? (
                    <a href={c.url} target="_blank" rel="noopener noreferrer">
                      {c.name}
                    </a>
                  ) : (
                    c.name
                  )}
                  {c.affiliation ? ` (${c.affiliation})` : ''}
                  {i < record.creators.length - 1 ? ', ' : ''}
                </span>
              ))}
            </dd>
          </>
        )}
        {record.publisher && (
          <>
            <dt>Publisher</dt>
            <dd>{record.publisher.name}</dd>
          </>
        )}
        {record.keywords.length > 0 && (
          <>
            <dt>Keywords</dt>
            <dd>{record.keywords.join(', ')}</dd>
          </>
        )}
        {record.temporalCoverage && (record.temporalCoverage.start || record.temporalCoverage.end) && (
          <>
            <dt>Time span</dt>
            <dd>
              {record.temporalCoverage.start ?? '…'} – {record.temporalCoverage.end ?? '…'}
            </dd>
          </>
        )}
        {(record.citation || record.source.citation) && (
          <>
            <dt>Cite as</dt>
            <dd>{record.citation ?? record.source.citation}</dd>
          </>
        )}
        {record.source.url && (
          <>
            <dt>Source</dt>
            <dd>
              <a href={record.source.url} target="_blank" rel="noopener noreferrer">
                {record.source.description ?? record.source.url}
              </a>
            </dd>
          </>
        )}
        {record.source.wasDerivedFrom.length > 0 && (
          <>
            <dt>Derived from</dt>
            <dd>
              {record.source.wasDerivedFrom.map((from, i) => (
                <React.Fragment key={i}>
                  {i > 0 && ', '}
                  {/^https?:\/\//.test(from) ? (
                    <a href={from} target="_blank" rel="noopener noreferrer">
                      {from}
                    </a>
                  ) : (
                    from
                  )}
                </React.Fragment>
              ))}
            </dd>
          </>
        )}
      </dl>
      <Versions record={record} selected={version} onSelect={(v) => model.selectVersion(v)} />
      <Fields record={record} version={version} />
    </article>
  );
}

function Versions(props: { record: DatasetRecord; selected?: DatasetVersion; onSelect: (v: string) => void }) {
  const { record, selected, onSelect } = props;
  if (record.versions.length === 0) return null;
  return (
    <section className="jp-Genesis-section" aria-label="Versions">
      <h2>Versions</h2>
      <table className="jp-Genesis-table jp-Genesis-versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Created</th>
            <th scope="col">Rows</th>
            <th scope="col">Size</th>
            <th scope="col">sha256</th>
          </tr>
        </thead>
        <tbody>
          {record.versions.map((v) => {
            const current = v.version === selected?.version;
            return (
              <tr
                key={v.version}
                className={current ? 'jp-mod-selected' : undefined}
                aria-current={current || undefined}
              >
                <td>
                  <button
                    className="jp-Genesis-linkButton"
                    onClick={() => onSelect(v.version)}
                    aria-pressed={current}
                    title={current ? 'Shown below' : 'Show this version'}
                  >
                    {v.version}
                  </button>
                  {v.version === record.latestVersion && <span className="jp-Genesis-muted"> latest</span>}
                </td>
                <td>{formatTime(v.createdAt)}</td>
                <td className="jp-Genesis-num">{formatCount(v.rowCount)}</td>
                <td className="jp-Genesis-num">{formatBytes(v.sizeBytes)}</td>
                <td>
                  <code title={v.sha256}>{shortDigest(v.sha256)}</code>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function Fields(props: { record: DatasetRecord; version?: DatasetVersion }) {
  const fields = props.version?.fields ?? props.record.fields;
  if (fields.length === 0) return null;
  // Units and descriptions live on the record's fields; types on the version's.
  const info = new Map(props.record.fields.map((f) => [f.name, f]));
  return (
    <section className="jp-Genesis-section" aria-label="Fields">
      <h2>Fields</h2>
      <table className="jp-Genesis-table jp-Genesis-fields">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Unit</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((f) => (
            <tr key={f.name}>
              <td>
                <code>{f.name}</code>
              </td>
              <td>
                <code>{f.type}</code>
                {f.nullable ? '' : ' (required)'}
              </td>
              <td>{f.unit ?? info.get(f.name)?.unit ?? ''}</td>
              <td>{f.description ?? info.get(f.name)?.description ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function PreviewHeader(props: { model: DatasetDetailModel }) {
  const { model } = props;
  useSignal(model.changed);
  if (!model.record) return null;
  const p = model.preview;
  const total = model.version?.rowCount;
  let status: React.ReactNode = null;
  switch (p.kind) {
    case 'loading':
      status = <span className="jp-Genesis-muted">Streaming the first {model.previewRows} rows…</span>;
      break;
    case 'ready':
      status = (
        <span className="jp-Genesis-muted" data-preview-rows={p.table.rows.length}>
          {total !== undefined && total > p.table.rows.length
            ? `First ${formatCount(p.table.rows.length)} of ${formatCount(total)} rows`
            : `${formatCount(p.table.rows.length)} rows`}
        </span>
      );
      break;
    case 'denied':
      status = (
        <div className="jp-Genesis-error jp-mod-denied" role="alert">
          <strong>Access denied.</strong> {p.message}
        </div>
      );
      break;
    case 'none':
      status = <span className="jp-Genesis-muted">{p.message}</span>;
      break;
    case 'error':
      status = (
        <div className="jp-Genesis-error" role="alert">
          Preview failed: {p.message}
        </div>
      );
      break;
    default:
      break;
  }
  return (
    <section className="jp-Genesis-section" aria-label="Preview">
      <h2>Preview</h2>
      {status}
    </section>
  );
}

function Croissant(props: { model: DatasetDetailModel }) {
  const { model } = props;
  useSignal(model.changed);
  if (!model.record) return null;
  const text = model.croissant ? JSON.stringify(model.croissant, null, 2) : '';
  return (
    <section className="jp-Genesis-section" aria-label="Croissant record">
      <details>
        <summary>Croissant record (JSON-LD)</summary>
        {model.croissantError ? (
          <div className="jp-Genesis-error" role="alert">
            {model.croissantError}
          </div>
        ) : (
          <>
            <button
              className="jp-Button jp-mod-styled"
              disabled={!text}
              onClick={() => void navigator.clipboard?.writeText(text)}
            >
              Copy
            </button>
            <pre className="jp-Genesis-json">{text || 'Loading…'}</pre>
          </>
        )}
      </details>
    </section>
  );
}
