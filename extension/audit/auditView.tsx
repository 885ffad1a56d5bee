import type { AuditEntry } from '@genesis-lab/contract';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  downloadIcon,
  ReactWidget,
  refreshIcon,
  ToolbarButtonComponent,
  UseSignal,
  VDomRenderer
} from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';
import * as React from 'react';
import { describeError } from '../client/errors';
import { ConnectionBanner } from '../common/connection';
import { formatTime } from '../common/format';
import { genesisIcon } from '../common/icons';
import type { IGenesisClient } from '../tokens';
import { type AuditLogModel, type ChainState, type IAuditFilters } from './auditModel';

/** Where a browser download of the export lands (the CLI's export writes the same lines). */
const EXPORT_FILE = 'genesis-audit.jsonl';

/**
 * The audit log in the main area: filters (user, action or action prefix, time window), the
 * matching entries oldest first with their key ids, paging, the chain's verification status and
 * an export. Its toolbar has Refresh, Verify chain and Export; the content only renders the model.
 */
export class AuditLogView extends MainAreaWidget<AuditLogContent> {
  constructor(model: AuditLogModel, client: IGenesisClient, trans: TranslationBundle) {
    super({ content: new AuditLogContent(model, client, trans) });
    this.id = 'genesis-audit-log';
    this.addClass('jp-Genesis-auditView');
    this.title.icon = genesisIcon;
    this.title.label = trans.__('Audit Log');
    this.title.caption = trans.__('The Genesis platform audit log');
    this.title.closable = true;
    const button = (props: React.ComponentProps<typeof ToolbarButtonComponent>) =>
      ReactWidget.create(
        <UseSignal signal={model.stateChanged} initialSender={model}>
          {() => <ToolbarButtonComponent {...props} />}
        </UseSignal>
      );
    this.toolbar.addItem(
      'refresh',
      button({
        className: 'jp-Genesis-auditRefresh',
        icon: refreshIcon,
        label: trans.__('Refresh'),
        tooltip: trans.__('Load the entries again'),
        onClick: () => void model.load()
      })
    );
    this.toolbar.addItem(
      'verify',
      button({
        className: 'jp-Genesis-auditVerify',
        label: trans.__('Verify chain'),
        tooltip: trans.__('Check every entry’s keyed hash and link on the platform (admins)'),
        onClick: () => void model.verify()
      })
    );
    this.toolbar.addItem(
      'export',
      ReactWidget.create(
        <UseSignal signal={model.stateChanged} initialSender={model}>
          {() => (
            <ToolbarButtonComponent
              className="jp-Genesis-auditExport"
              icon={downloadIcon}
              label={model.exporting ? trans.__('Exporting…') : trans.__('Export')}
              tooltip={trans.__('Download the entries matching the filters as JSON lines')}
              enabled={!model.exporting && model.access.kind === 'allowed'}
              onClick={() => void this.content.exportToFile()}
            />
          )}
        </UseSignal>
      )
    );
  }
}

export class AuditLogContent extends VDomRenderer<AuditLogModel> {
  constructor(
    model: AuditLogModel,
    private _client: IGenesisClient,
    private _trans: TranslationBundle
  ) {
    super(model);
    this.addClass('jp-Genesis-auditLog');
  }

  /** Export and hand the file to the browser; a failure is shown where the entries are. */
  async exportToFile(): Promise<void> {
    try {
      const text = await this.model.exportLines();
      const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = EXPORT_FILE;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      this._exportError = describeError(err);
      this.update();
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    const model = this.model;
    super.dispose();
    model.dispose();
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.model.access.kind === 'unknown') void this.model.load();
  }

  protected override onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    this._focusFirstFilter(10);
  }

  /** Focus the first filter; on a first activation React may not have rendered it yet. */
  private _focusFirstFilter(frames: number): void {
    const input = this.node.querySelector<HTMLInputElement>('.jp-Genesis-auditActor');
    if (input) input.focus();
    else if (frames > 0) requestAnimationFrame(() => this._focusFirstFilter(frames - 1));
  }

  protected render(): React.ReactElement {
    const { model } = this;
    const trans = this._trans;
    return (
      <>
        <ConnectionBanner client={this._client} trans={trans} />
        <FilterForm
          key={JSON.stringify(model.filters)}
          filters={model.filters}
          trans={trans}
          onApply={(f) => void model.setFilters(f)}
        />
        <ChainStatus chain={model.chain} trans={trans} />
        {this._exportError && (
          <div className="jp-Genesis-error" role="alert">
            {trans.__('Export failed: %1', this._exportError)}
          </div>
        )}
        <Entries model={model} trans={trans} />
      </>
    );
  }

  private _exportError: string | null = null;
}

/** A `datetime-local` value (the user's local time) as an ISO instant, or empty. */
function localToIso(value: string): string {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** An ISO instant as a `datetime-local` value in the user's time zone. */
function isoToLocal(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function FilterForm(props: {
  filters: IAuditFilters;
  trans: TranslationBundle;
  onApply: (f: IAuditFilters) => void;
}): React.ReactElement {
  const { trans } = props;
  const [actor, setActor] = React.useState(props.filters.actor);
  const [action, setAction] = React.useState(props.filters.action);
  const [since, setSince] = React.useState(isoToLocal(props.filters.since));
  const [until, setUntil] = React.useState(isoToLocal(props.filters.until));
  return (
    <form
      className="jp-Genesis-auditFilters"
      aria-label={trans.__('Filter the audit log')}
      onSubmit={(e) => {
        e.preventDefault();
        props.onApply({ actor, action, since: localToIso(since), until: localToIso(until) });
      }}
    >
      <label>
        {trans.__('User')}
        <input
          className="jp-mod-styled jp-Genesis-auditActor"
          value={actor}
          placeholder={trans.__('any')}
          onChange={(e) => setActor(e.target.value)}
        />
      </label>
      <label>
        {trans.__('Action')}
        <input
          className="jp-mod-styled jp-Genesis-auditAction"
          value={action}
          placeholder={trans.__('e.g. token or job.submit')}
          title={trans.__('An action, or a prefix: "token" matches token.create and token.revoke')}
          onChange={(e) => setAction(e.target.value)}
        />
      </label>
      <label>
        {trans.__('From')}
        <input
          type="datetime-local"
          className="jp-mod-styled jp-Genesis-auditSince"
          value={since}
          onChange={(e) => setSince(e.target.value)}
        />
      </label>
      <label>
        {trans.__('Before')}
        <input
          type="datetime-local"
          className="jp-mod-styled jp-Genesis-auditUntil"
          value={until}
          onChange={(e) => setUntil(e.target.value)}
        />
      </label>
      <button type="submit" className="jp-mod-styled jp-mod-accept jp-Genesis-auditApply">
        {trans.__('Apply')}
      </button>
      <button
        type="button"
        className="jp-mod-styled jp-Genesis-auditClear"
        onClick={() => props.onApply({ actor: '', action: '', since: '', until: '' })}
      >
        {trans.__('Clear')}
      </button>
    </form>
  );
}

function ChainStatus(props: { chain: ChainState; trans: TranslationBundle }): React.ReactElement | null {
  const { chain, trans } = props;
  const text = (() => {
    switch (chain.kind) {
      case 'idle':
        return trans.__('Chain not verified in this view yet: Verify chain checks it.');
      case 'checking':
        return trans.__('Verifying the chain…');
      case 'intact':
        return trans.__('Chain intact: %1 entries, every hash and link verified with the audit keys.', chain.entries);
      case 'broken':
        return trans.__('Chain BROKEN at entry %1: %2', chain.seq, chain.reason);
      case 'not-allowed':
        return trans.__('Only admins can verify the chain: %1', chain.message);
      case 'error':
        return trans.__('Could not verify the chain: %1', chain.message);
    }
  })();
  return (
    <div
      className={`jp-Genesis-auditChain jp-mod-${chain.kind}`}
      role={chain.kind === 'broken' ? 'alert' : 'status'}
      aria-busy={chain.kind === 'checking'}
    >
      {chain.kind === 'checking' && <span className="jp-Genesis-liveDot" aria-hidden="true" />}
      {text}
    </div>
  );
}

function Entries(props: { model: AuditLogModel; trans: TranslationBundle }): React.ReactElement {
  const { model, trans } = props;
  if (model.access.kind === 'forbidden')
    return (
      <div className="jp-Genesis-auditDenied" role="alert">
        <strong>{trans.__('Not allowed.')}</strong> {model.access.message}
      </div>
    );
  return (
    <div className="jp-Genesis-auditEntries" aria-busy={model.loading}>
      {model.error && (
        <div className="jp-Genesis-error" role="alert">
          {model.error}
        </div>
      )}
      {model.loading && (
        <div className="jp-Genesis-auditLoading" role="status">
          <span className="jp-Genesis-liveDot" aria-hidden="true" /> {trans.__('Loading entries…')}
        </div>
      )}
      {model.access.kind === 'allowed' && !model.entries.length && !model.loading && (
        <p className="jp-Genesis-empty">{trans.__('No entries match these filters.')}</p>
      )}
      {model.entries.length > 0 && (
        <table className="jp-Genesis-table jp-Genesis-auditTable">
          <caption className="jp-Genesis-auditCaption">{trans.__('Audit log entries, oldest first')}</caption>
          <thead>
            <tr>
              <th scope="col">{trans.__('#')}</th>
              <th scope="col">{trans.__('Time')}</th>
              <th scope="col">{trans.__('User')}</th>
              <th scope="col">{trans.__('Action')}</th>
              <th scope="col">{trans.__('Target')}</th>
              <th scope="col">{trans.__('Detail')}</th>
              <th scope="col">{trans.__('Key')}</th>
            </tr>
          </thead>
          <tbody>
            {model.entries.map((e) => (
              <EntryRow key={e.seq} entry={e} trans={trans} />
            ))}
          </tbody>
        </table>
      )}
      {model.hasMore && (
        <button
          type="button"
          className="jp-mod-styled jp-Genesis-auditMore"
          disabled={model.loading}
          onClick={() => void model.loadMore()}
        >
          {trans.__('Load more')}
        </button>
      )}
    </div>
  );
}

function EntryRow(props: { entry: AuditEntry; trans: TranslationBundle }): React.ReactElement {
  const { entry: e, trans } = props;
  const detail = Object.keys(e.detail).length ? JSON.stringify(e.detail) : '';
  return (
    <tr className="jp-Genesis-auditEntry" data-seq={e.seq}>
      <td>{e.seq}</td>
      <td>
        <time dateTime={e.at} title={e.at}>
          {formatTime(e.at)}
        </time>
      </td>
      <td>{e.actor}</td>
      <td>
        <code>{e.action}</code>
      </td>
      <td>
        <code>{e.target}</code>
      </td>
      <td className="jp-Genesis-auditDetail" title={detail}>
        {detail}
      </td>
      <td title={e.keyId ?? trans.__('written before the log was keyed (SHA-256)')}>
        {e.keyId ? <code>{e.keyId.slice(0, 9)}…</code> : trans.__('none')}
      </td>
    </tr>
  );
}
