import type { ModelDataRef, ModelRecord, ModelVersion, SignatureField } from '@genesis-lab/contract';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, ToolbarButtonComponent, UseSignal, VDomRenderer } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import * as React from 'react';
import { ConnectionBanner } from '../common/connection';
import { formatBytes, formatTime, shortDigest } from '../common/format';
import { modelIcon } from '../common/icons';
import type { IGenesisClient } from '../tokens';
import { AccessBadge, LicenseBadge, ModelBadge } from './badges';
import type { ModelDetailModel } from './modelDetailModel';

export interface IModelDetailActions {
  /** Insert a cell calling `ref` (namespace/name@version) into the current notebook. */
  insert(ref: string): void;
  /** Open a catalog dataset (a card's training or evaluation data). */
  openDataset(ref: string): void;
  /** Open a job (the generator of a version). */
  openJob(id: string): void;
}

/**
 * A model in the main area, as the dataset view is: a `MainAreaWidget` whose toolbar holds
 * "Insert into notebook", around `ModelDetail`. Closing the tab disposes the view and its model.
 */
export class ModelDetailView extends MainAreaWidget<ModelDetail> {
  constructor(model: ModelDetailModel, client: IGenesisClient, trans: TranslationBundle, actions: IModelDetailActions) {
    super({ content: new ModelDetail(model, client, trans, actions) });
    this.id = `genesis-model-${model.id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
    this.addClass('jp-Genesis-detailView');
    this.addClass('jp-Genesis-modelView');
    this.toolbar.addItem(
      'insert',
      ReactWidget.create(
        <UseSignal signal={model.stateChanged} initialSender={model}>
          {() => (
            <ToolbarButtonComponent
              className="jp-Genesis-insertDetail"
              label={trans.__('Insert into notebook')}
              tooltip={trans.__('Insert a cell that calls this exact version on an input table')}
              enabled={model.version !== undefined}
              onClick={() => actions.insert(model.ref)}
            />
          )}
        </UseSignal>
      )
    );
  }
}

/** What the model view shows: card, signature, versions. It renders the model's state only. */
export class ModelDetail extends VDomRenderer<ModelDetailModel> {
  constructor(
    model: ModelDetailModel,
    private _client: IGenesisClient,
    private _trans: TranslationBundle,
    private _actions: IModelDetailActions
  ) {
    super(model);
    this.addClass('jp-Genesis-detail');
    this.addClass('jp-Genesis-modelDetail');
    this.title.icon = modelIcon;
    this.title.label = model.id;
    this.title.caption = _trans.__('Genesis model %1', model.id);
    model.stateChanged.connect(this._onModelChanged, this);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    const model = this.model;
    super.dispose();
    model.dispose();
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (!this.model.record && !this.model.loading) void this.model.load();
  }

  protected render(): React.ReactElement {
    const { model } = this;
    const trans = this._trans;
    const record = model.record;
    const denied = model.recordError?.code === 'forbidden';
    return (
      <>
        <ConnectionBanner client={this._client} trans={trans} />
        {model.recordError && (
          <div className={`jp-Genesis-error${denied ? ' jp-mod-denied' : ''}`} role="alert">
            {denied ? trans.__('Access denied: %1', model.recordError.message) : model.recordError.message}
          </div>
        )}
        {!record && model.loading && <div className="jp-Genesis-muted">{trans.__('Loading %1…', model.id)}</div>}
        {record && model.version && (
          <ModelSummary record={record} version={model.version} model={model} trans={trans} actions={this._actions} />
        )}
      </>
    );
  }

  private _onModelChanged(): void {
    const record = this.model.record;
    if (record) this.title.label = record.title.length > 40 ? `${record.title.slice(0, 38)}…` : record.title;
  }
}

interface ISummaryProps {
  record: ModelRecord;
  version: ModelVersion;
  model: ModelDetailModel;
  trans: TranslationBundle;
  actions: IModelDetailActions;
}

function ModelSummary(props: ISummaryProps) {
  const { record, version, model, trans, actions } = props;
  const card = version.card;
  const link = (href: string, text: string) => (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {text}
    </a>
  );
  return (
    <article aria-label={trans.__('Model %1', record.id)}>
      <header className="jp-Genesis-detailHeader">
        <h1 className="jp-Genesis-detailTitle">{record.title}</h1>
        <div className="jp-Genesis-detailRef">
          <code>{model.ref}</code>
        </div>
        <div className="jp-Genesis-detailBadges">
          <ModelBadge trans={trans} />
          <LicenseBadge license={record.license} url={record.licenseUrl} link trans={trans} />
          <AccessBadge level={record.accessLevel} trans={trans} />
          {record.domain && <span className="jp-Genesis-badge">{record.domain}</span>}
          <span className="jp-Genesis-badge" title={trans.__('Runtime: how the platform runs this version')}>
            {version.runtime.kind}
          </span>
        </div>
      </header>
      {model.missingVersion && (
        <div className="jp-Genesis-error" role="alert">
          {trans.__('%1 has no version “%2”; the latest is shown.', record.id, model.missingVersion)}
        </div>
      )}
      {record.description && <p className="jp-Genesis-description">{record.description}</p>}
      <dl className="jp-Genesis-facts">
        <dt>{trans.__('Model type')}</dt>
        <dd>{card.modelType}</dd>
        {card.framework && (
          <>
            <dt>{trans.__('Framework')}</dt>
            <dd>{card.framework}</dd>
          </>
        )}
        {record.creators.length > 0 && (
          <>
            <dt>{trans.__('Creators')}</dt>
            <dd>{record.creators.map((c) => c.name).join(', ')}</dd>
          </>
        )}
        <dt>{trans.__('Licence')}</dt>
        <dd className="jp-Genesis-modelLicense">
          {record.licenseUrl ? link(record.licenseUrl, record.license) : record.license}
        </dd>
        {record.citation && (
          <>
            <dt>{trans.__('Cite as')}</dt>
            <dd className="jp-Genesis-modelCitation">{record.citation}</dd>
          </>
        )}
        {record.url && (
          <>
            <dt>{trans.__('Home page')}</dt>
            <dd>{link(record.url, record.url)}</dd>
          </>
        )}
      </dl>
      <IntendedUse version={version} trans={trans} />
      <DataRefs
        kind="training"
        title={trans.__('Training data')}
        refs={card.trainingData}
        version={version}
        trans={trans}
        actions={actions}
      />
      <DataRefs
        kind="evaluation"
        title={trans.__('Evaluation data')}
        refs={card.evaluationData}
        version={version}
        trans={trans}
        actions={actions}
      />
      <Metrics version={version} trans={trans} actions={actions} />
      <Caveats version={version} trans={trans} />
      <Signature version={version} trans={trans} />
      <Versions record={record} selected={version} model={model} trans={trans} actions={actions} />
      <Exports record={record} version={version} model={model} trans={trans} />
    </article>
  );
}

function List(props: { items: readonly string[]; className?: string }) {
  return (
    <ul className={props.className}>
      {props.items.map((x, i) => (
        <li key={i}>{x}</li>
      ))}
    </ul>
  );
}

function IntendedUse(props: { version: ModelVersion; trans: TranslationBundle }) {
  const { trans } = props;
  const use = props.version.card.intendedUse;
  return (
    <section className="jp-Genesis-section jp-Genesis-intendedUse" aria-label={trans.__('Intended use')}>
      <h2>{trans.__('Intended use')}</h2>
      <List items={use.primaryUses} />
      {use.primaryUsers.length > 0 && (
        <p>
          <span className="jp-Genesis-muted">{trans.__('Primary users:')}</span> {use.primaryUsers.join(', ')}
        </p>
      )}
      {use.outOfScope.length > 0 && (
        <div className="jp-Genesis-outOfScope">
          <h3>{trans.__('Out-of-scope use')}</h3>
          <List items={use.outOfScope} />
        </div>
      )}
    </section>
  );
}

/** A catalog dataset ref as a link that opens its record in the catalog. */
function DatasetLink(props: { dataRef: string; trans: TranslationBundle; actions: IModelDetailActions }) {
  const { dataRef, trans, actions } = props;
  return (
    <button
      className="jp-Genesis-linkButton jp-Genesis-datasetLink"
      data-ref={dataRef}
      title={trans.__('Open %1 in the Genesis catalog', dataRef)}
      onClick={() => actions.openDataset(dataRef)}
    >
      {dataRef}
    </button>
  );
}

function DataRefs(props: {
  kind: 'training' | 'evaluation';
  title: string;
  refs: readonly ModelDataRef[];
  version: ModelVersion;
  trans: TranslationBundle;
  actions: IModelDetailActions;
}) {
  const { kind, title, refs, version, trans, actions } = props;
  const job = kind === 'training' ? version.origin.jobId : undefined;
  if (refs.length === 0 && !job) return null;
  return (
    <section className={`jp-Genesis-section jp-Genesis-${kind}Data`} aria-label={title}>
      <h2>{title}</h2>
      <ul>
        {refs.map((r, i) => (
          <li key={i}>
            <DatasetLink dataRef={r.ref} trans={trans} actions={actions} />
            {r.split && <span> — {r.split}</span>}
            {r.description && <span className="jp-Genesis-muted"> ({r.description})</span>}
            {r.sha256 && (
              <code className="jp-Genesis-muted" title={r.sha256}>
                {' '}
                {shortDigest(r.sha256)}
              </code>
            )}
          </li>
        ))}
      </ul>
      {job && (
        <p className="jp-Genesis-generator">
          {trans.__('Trained by job')}{' '}
          <button
            className="jp-Genesis-linkButton jp-Genesis-jobLink"
            data-job-id={job}
            title={trans.__('Open job %1', job)}
            onClick={() => actions.openJob(job)}
          >
            {job}
          </button>
        </p>
      )}
    </section>
  );
}

function Metrics(props: { version: ModelVersion; trans: TranslationBundle; actions: IModelDetailActions }) {
  const { version, trans, actions } = props;
  const metrics = version.card.metrics;
  if (metrics.length === 0) return null;
  return (
    <section className="jp-Genesis-section" aria-label={trans.__('Metrics')}>
      <h2>{trans.__('Metrics')}</h2>
      <table className="jp-Genesis-table jp-Genesis-metrics">
        <thead>
          <tr>
            <th scope="col">{trans.__('Metric')}</th>
            <th scope="col">{trans.__('Value')}</th>
            <th scope="col">{trans.__('Measured on')}</th>
          </tr>
        </thead>
        <tbody>
          {metrics.map((m, i) => (
            <tr key={i} title={m.description}>
              <td>{m.name}</td>
              <td className="jp-Genesis-num">
                {m.value}
                {m.unit ? ` ${m.unit}` : ''}
              </td>
              <td>
                {m.dataset && <DatasetLink dataRef={m.dataset} trans={trans} actions={actions} />}
                {m.dataset && m.split ? ', ' : ''}
                {m.split}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Limitations, failure modes, factors, ethics and recommendations: where the model should not be trusted. */
function Caveats(props: { version: ModelVersion; trans: TranslationBundle }) {
  const { trans } = props;
  const card = props.version.card;
  return (
    <>
      {card.limitations.length > 0 && (
        <section className="jp-Genesis-section jp-Genesis-limitations" aria-label={trans.__('Limitations')}>
          <h2>{trans.__('Limitations')}</h2>
          <List items={card.limitations} />
        </section>
      )}
      {card.failureModes.length > 0 && (
        <section className="jp-Genesis-section" aria-label={trans.__('Failure modes')}>
          <h2>{trans.__('Failure modes')}</h2>
          <table className="jp-Genesis-table jp-Genesis-failureModes">
            <thead>
              <tr>
                <th scope="col">{trans.__('When')}</th>
                <th scope="col">{trans.__('What goes wrong')}</th>
              </tr>
            </thead>
            <tbody>
              {card.failureModes.map((f, i) => (
                <tr key={i}>
                  <td>{f.condition}</td>
                  <td>{f.effect}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {card.factors.length > 0 && (
        <section className="jp-Genesis-section" aria-label={trans.__('Factors')}>
          <h2>{trans.__('Factors')}</h2>
          <List items={card.factors} />
        </section>
      )}
      {card.ethicalConsiderations && (
        <section className="jp-Genesis-section" aria-label={trans.__('Ethical considerations')}>
          <h2>{trans.__('Ethical considerations')}</h2>
          <p>{card.ethicalConsiderations}</p>
        </section>
      )}
      {card.recommendations.length > 0 && (
        <section className="jp-Genesis-section" aria-label={trans.__('Recommendations')}>
          <h2>{trans.__('Recommendations')}</h2>
          <List items={card.recommendations} />
        </section>
      )}
    </>
  );
}

function Signature(props: { version: ModelVersion; trans: TranslationBundle }) {
  const { trans } = props;
  const { inputs, outputs } = props.version.signature;
  const row = (direction: string, f: SignatureField) => (
    <tr key={`${direction}:${f.name}`} data-field={f.name}>
      <td>{direction === 'in' ? trans.__('input') : trans.__('output')}</td>
      <td>
        <code>{f.name}</code>
      </td>
      <td>
        <code>{f.type}</code>
        {direction === 'in' && !f.nullable ? ` ${trans.__('(required)')}` : ''}
      </td>
      <td>{f.unit ?? ''}</td>
      <td>
        <code>{f.shape.length ? `[${f.shape.join(', ')}]` : trans.__('scalar')}</code>
      </td>
      <td>{f.description ?? ''}</td>
    </tr>
  );
  return (
    <section className="jp-Genesis-section" aria-label={trans.__('Signature')}>
      <h2>{trans.__('Signature')}</h2>
      <table className="jp-Genesis-table jp-Genesis-signature">
        <thead>
          <tr>
            <th scope="col">{trans.__('Direction')}</th>
            <th scope="col">{trans.__('Column')}</th>
            <th scope="col">{trans.__('Type')}</th>
            <th scope="col">{trans.__('Unit')}</th>
            <th scope="col">{trans.__('Shape per row')}</th>
            <th scope="col">{trans.__('Description')}</th>
          </tr>
        </thead>
        <tbody>
          {inputs.map((f) => row('in', f))}
          {outputs.map((f) => row('out', f))}
        </tbody>
      </table>
    </section>
  );
}

function Versions(props: {
  record: ModelRecord;
  selected: ModelVersion;
  model: ModelDetailModel;
  trans: TranslationBundle;
  actions: IModelDetailActions;
}) {
  const { record, selected, model, trans, actions } = props;
  return (
    <section className="jp-Genesis-section" aria-label={trans.__('Versions')}>
      <h2>{trans.__('Versions')}</h2>
      <table className="jp-Genesis-table jp-Genesis-versions">
        <thead>
          <tr>
            <th scope="col">{trans.__('Version')}</th>
            <th scope="col">{trans.__('Created')}</th>
            <th scope="col">{trans.__('Size')}</th>
            <th scope="col">sha256</th>
            <th scope="col">{trans.__('Generated by')}</th>
          </tr>
        </thead>
        <tbody>
          {record.versions.map((v) => {
            const current = v.version === selected.version;
            return (
              <tr
                key={v.version}
                data-version={v.version}
                className={current ? 'jp-mod-selected' : undefined}
                aria-current={current || undefined}
              >
                <td>
                  <button
                    className="jp-Genesis-linkButton"
                    onClick={() => model.selectVersion(v.version)}
                    aria-pressed={current}
                    title={current ? trans.__('Shown above') : trans.__('Show this version')}
                  >
                    {v.version}
                  </button>
                  {v.version === record.latestVersion && (
                    <span className="jp-Genesis-muted"> {trans.__('latest')}</span>
                  )}
                </td>
                <td>{formatTime(v.createdAt)}</td>
                <td className="jp-Genesis-num">{formatBytes(v.sizeBytes)}</td>
                <td>
                  <code title={v.sha256}>{shortDigest(v.sha256)}</code>
                </td>
                <td>
                  {v.origin.jobId ? (
                    <button
                      className="jp-Genesis-linkButton jp-Genesis-jobLink"
                      data-job-id={v.origin.jobId}
                      title={trans.__('Open job %1', v.origin.jobId)}
                      onClick={() => actions.openJob(v.origin.jobId!)}
                    >
                      {trans.__('job %1', v.origin.jobId)}
                    </button>
                  ) : v.origin.script ? (
                    <span title={trans.__('Trained by this script, not by a Genesis job')}>
                      <code>{v.origin.script}</code>
                    </span>
                  ) : (
                    <span className="jp-Genesis-muted">{trans.__('uploaded')}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** The card as the platform exports it: JSON-LD and a Hugging Face README, for this version. */
function Exports(props: {
  record: ModelRecord;
  version: ModelVersion;
  model: ModelDetailModel;
  trans: TranslationBundle;
}) {
  const { record, version, model, trans } = props;
  const base = `/api/models/${record.id}/versions/${encodeURIComponent(version.version)}`;
  return (
    <section className="jp-Genesis-section jp-Genesis-modelExports" aria-label={trans.__('Card exports')}>
      <h2>{trans.__('Card exports')}</h2>
      <ul>
        <li>
          <a href={model.downloadUrl(`${base}/card.jsonld`)} target="_blank" rel="noopener noreferrer">
            {trans.__('Card as JSON-LD (schema.org, Croissant style)')}
          </a>
        </li>
        <li>
          <a href={model.downloadUrl(`${base}/README.md`)} target="_blank" rel="noopener noreferrer">
            {trans.__('Card as a Hugging Face README.md')}
          </a>
        </li>
      </ul>
    </section>
  );
}
