/**
 * The audit view, loaded as its own chunk when the Open Audit Log command first runs.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IGenesisClient } from '../tokens';
import { AuditLogModel } from './auditModel';
import { AuditLogView } from './auditView';

/** Entries per page: one screen of a review, and what "Load more" adds. */
const PAGE_SIZE = 200;

let view: AuditLogView | null = null;

/** Open (or bring forward) the one audit view of this page. */
export function openAuditLog(app: JupyterFrontEnd, client: IGenesisClient, trans: TranslationBundle): AuditLogView {
  if (!view || view.isDisposed) {
    view = new AuditLogView(new AuditLogModel(client, () => PAGE_SIZE), client, trans);
  }
  if (!view.isAttached) app.shell.add(view, 'main');
  app.shell.activateById(view.id);
  return view;
}
