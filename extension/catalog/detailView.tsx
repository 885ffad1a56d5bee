import type { DatasetRecord, DatasetVersion } from '@genesis-lab/contract';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, ToolbarButtonComponent, UseSignal } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import { Panel } from '@lumino/widgets';
import * as React from 'react';
import { ConnectionBanner } from '../common/connection';
import { formatBytes, formatCount, formatRowsOf, formatTime, shortDigest } from '../common/format';
import { datasetIcon } from '../common/icons';
import type { IGenesisClient } from '../tokens';
import { AccessBadge, LicenseBadge } from './badges';
import type { DatasetDetailModel } from './detailModel';
import { PreviewGrid } from './previewGrid';

export interface IDetailActions {
  /** Insert a cell loading `ref` into the current notebook. */
  insert(ref: string): void;
}

/**
 * The detail of one catalog record in the main area, as JupyterLab shows documents: a
 * `MainAreaWidget` (its toolbar holds "Insert into notebook"; closing the tab disposes the
 * view and its model; activating it focuses the content) around `DatasetDetail`.
 */
export class DatasetDetailView extends MainAreaWidget<DatasetDetail> {
  constructor(model: DatasetDetailModel, client: IGenesisClient, trans: TranslationBundle, actions: IDetailActions) {
    super({ content: new DatasetDetail(model, client, trans) });
    this.id = `genesis-dataset-${model.id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
    this.addClass('jp-Genesis-detailView');
    this.toolbar.addItem(
      'insert',
      ReactWidget.create(
        <UseSignal signal={model.stateChanged} initialSender={model}>
          {() => (
            <ToolbarButtonComponent
              className="jp-Genesis-insertDetail"
              label={trans.__('Insert into notebook')}
              tooltip={trans.__('Insert a cell that loads this exact version into the current notebook')}
              enabled={model.version !== undefined}
              onClick={() => actions.insert(model.ref)}
            />
          )}
        </UseSignal>
      )
    );
  }
}

/**
 * What the dataset view shows: metadata (React), the preview grid (a Lumino DataGrid) and the
 * Croissant record. Everything it shows comes from the model.
 */
export class DatasetDetail extends Panel {
  constructor(
    readonly model: DatasetDetailModel,
    client: IGenesisClient,
    trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Genesis-detail');
    this.title.icon = datasetIcon;
    this.title.label = model.id;
    this.title.caption = trans.__('Genesis dataset %1', model.id);

    const watch = (render: () => React.ReactElement) => (
      <UseSignal signal={model.stateChanged} initialSender={model}>
        {render}
      </UseSignal>
    );
    this._summary = ReactWidget.create(watch(() => <Summary model={model} client={client} trans={trans} />));
    this._summary.addClass('jp-Genesis-detailSummary');
    this._previewHeader = ReactWidget.create(watch(() => <PreviewHeader model={model} trans={trans} />));
    this._previewHeader.addClass('jp-Genesis-previewHeader');
    this._grid = new PreviewGrid(trans);
    this._croissant = ReactWidget.create(watch(() => <Croissant model={model} trans={trans} />));
    this._croissant.addClass('jp-Genesis-croissant');
    this.addWidget(this._summary);
    this.addWidget(this._previewHeader);
    this.addWidget(this._grid);
    this.addWidget(this._croissant);
    model.stateChanged.connect(this._onModelChanged, this);
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

function Summary(props: { model: DatasetDetailModel; client: IGenesisClient; trans: TranslationBundle }) {
  const { model, client, trans } = props;
  const record = model.record;
  const denied = model.recordError?.code === 'forbidden';
  return (
    <>
      <ConnectionBanner client={client} trans={trans} />
      {model.recordError && (
        <div className={`jp-Genesis-error${denied ? ' jp-mod-denied' : ''}`} role="alert">
          {denied ? trans.__('Access denied: %1', model.recordError.message) : model.recordError.message}
        </div>
      )}
      {!record && model.loading && <div className="jp-Genesis-muted">{trans.__('Loading %1…', model.id)}</div>}
      {record && <RecordSummary record={record} model={model} trans={trans} />}
    </>
  );
}

function RecordSummary(props: { record: DatasetRecord; model: DatasetDetailModel; trans: TranslationBundle }) {
  const { record, model, trans } = props;
  const version = model.version;
  const link = (href: string, text: string) => (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {text}
    </a>
  );
  return (
    <article aria-label={trans.__('Dataset %1', record.id)}>
      <header className="jp-Genesis-detailHeader">
        <h1 className="jp-Genesis-detailTitle">{record.title}</h1>
        <div className="jp-Genesis-detailRef">
          <code>{model.ref}</code>
        </div>
        <div className="jp-Genesis-detailBadges">
          <LicenseBadge license={record.license} url={record.licenseUrl} link trans={trans} />
          <AccessBadge level={record.accessLevel} trans={trans} />
          {record.domain && <span className="jp-Genesis-badge">{record.domain}</span>}
        </div>
      </header>
      {record.description && <p className="jp-Genesis-description">{record.description}</p>}
      <dl className="jp-Genesis-facts">
        {record.creators.length > 0 && (
          <>
            <dt>{trans.__('Creators')}</dt>
            <dd>
              {record.creators.map((c, i) => (
                <span key={i} className="jp-Genesis-creator">
                  {c.url ? link(c.url, c.name) : c.name}
                  {c.affiliation ? ` (${c.affiliation})` : ''}
                  {i < record.creators.length - 1 ? ', ' : ''}
                </span>
              ))}
            </dd>
          </>
        )}
        {record.publisher && (
          <>
            <dt>{trans.__('Publisher')}</dt>
            <dd>{record.publisher.name}</dd>
          </>
        )}
        {record.keywords.length > 0 && (
          <>
            <dt>{trans.__('Keywords')}</dt>
            <dd>{record.keywords.join(', ')}</dd>
          </>
        )}
        {record.temporalCoverage && (record.temporalCoverage.start || record.temporalCoverage.end) && (
          <>
            <dt>{trans.__('Time span')}</dt>
            <dd>
              {record.temporalCoverage.start ?? '…'} – {record.temporalCoverage.end ?? '…'}
            </dd>
          </>
        )}
        {(record.citation || record.source.citation) && (
          <>
            <dt>{trans.__('Cite as')}</dt>
            <dd>{record.citation ?? record.source.citation}</dd>
          </>
        )}
        {record.source.url && (
          <>
            <dt>{trans.__('Source')}</dt>
            <dd>{link(record.source.url, record.source.description ?? record.source.url)}</dd>
          </>
        )}
        {record.source.wasDerivedFrom.length > 0 && (
          <>
            <dt>{trans.__('Derived from')}</dt>
            <dd>
              {record.source.wasDerivedFrom.map((from, i) => (
                <React.Fragment key={i}>
                  {i > 0 && ', '}
                  {/^https?:\/\//.test(from) ? link(from, from) : from}
                </React.Fragment>
              ))}
            </dd>
          </>
        )}
      </dl>
      <Versions record={record} selected={version} onSelect={(v) => model.selectVersion(v)} trans={trans} />
      <Fields record={record} version={version} trans={trans} />
    </article>
  );
}

function Versions(props: {
  record: DatasetRecord;
  selected?: DatasetVersion;
  onSelect: (v: string) => void;
  trans: TranslationBundle;
}) {
  const { record, selected, onSelect, trans } = props;
  if (record.versions.length === 0) return null;
  return (
    <section className="jp-Genesis-section" aria-label={trans.__('Versions')}>
      <h2>{trans.__('Versions')}</h2>
      <table className="jp-Genesis-table jp-Genesis-versions">
        <thead>
          <tr>
            <th scope="col">{trans.__('Version')}</th>
            <th scope="col">{trans.__('Created')}</th>
            <th scope="col">{trans.__('Rows')}</th>
            <th scope="col">{trans.__('Size')}</th>
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
                    title={current ? trans.__('Shown below') : trans.__('Show this version')}
                  >
                    {v.version}
                  </button>
                  {v.version === record.latestVersion && (
                    <span className="jp-Genesis-muted"> {trans.__('latest')}</span>
                  )}
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

function Fields(props: { record: DatasetRecord; version?: DatasetVersion; trans: TranslationBundle }) {
  const { trans } = props;
  const fields = props.version?.fields ?? props.record.fields;
  if (fields.length === 0) return null;
  // Units and descriptions live on the record's fields; types on the version's.
  const info = new Map(props.record.fields.map((f) => [f.name, f]));
  return (
    <section className="jp-Genesis-section" aria-label={trans.__('Fields')}>
      <h2>{trans.__('Fields')}</h2>
      <table className="jp-Genesis-table jp-Genesis-fields">
        <thead>
          <tr>
            <th scope="col">{trans.__('Name')}</th>
            <th scope="col">{trans.__('Type')}</th>
            <th scope="col">{trans.__('Unit')}</th>
            <th scope="col">{trans.__('Description')}</th>
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
                {f.nullable ? '' : ` ${trans.__('(required)')}`}
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

function PreviewHeader(props: { model: DatasetDetailModel; trans: TranslationBundle }) {
  const { model, trans } = props;
  if (!model.record) return null;
  const p = model.preview;
  const total = model.version?.rowCount;
  let status: React.ReactNode = null;
  switch (p.kind) {
    case 'loading':
      status = (
        <span className="jp-Genesis-muted">
          {trans._n(
            'Streaming the first row…',
            'Streaming the first %2 rows…',
            model.previewRows,
            formatCount(model.previewRows)
          )}
        </span>
      );
      break;
    case 'ready':
      status = (
        <span className="jp-Genesis-muted" data-preview-rows={p.table.rows.length}>
          {formatRowsOf(trans, p.table.rows.length, total)}
        </span>
      );
      break;
    case 'denied':
      status = (
        <div className="jp-Genesis-error jp-mod-denied" role="alert">
          <strong>{trans.__('Access denied.')}</strong> {p.message}
        </div>
      );
      break;
    case 'none':
      status = (
        <span className="jp-Genesis-muted">{trans.__('No data is held for this record yet (metadata only).')}</span>
      );
      break;
    case 'error':
      status = (
        <div className="jp-Genesis-error" role="alert">
          {trans.__('Preview failed: %1', p.message)}
        </div>
      );
      break;
    default:
      break;
  }
  return (
    <section className="jp-Genesis-section" aria-label={trans.__('Preview')}>
      <h2>{trans.__('Preview')}</h2>
      {status}
    </section>
  );
}

function Croissant(props: { model: DatasetDetailModel; trans: TranslationBundle }) {
  const { model, trans } = props;
  if (!model.record) return null;
  const text = model.croissant ? JSON.stringify(model.croissant, null, 2) : '';
  return (
    <section className="jp-Genesis-section" aria-label={trans.__('Croissant record')}>
      <details>
        <summary>{trans.__('Croissant record (JSON-LD)')}</summary>
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
              {trans.__('Copy')}
            </button>
            <pre className="jp-Genesis-json">{text || trans.__('Loading…')}</pre>
          </>
        )}
      </details>
    </section>
  );
}
