import type { TranslationBundle } from '@jupyterlab/translation';
import type { Message } from '@lumino/messaging';
import { BoxPanel, Widget } from '@lumino/widgets';
import { describeError } from '../client/errors';

/** A module loaded once, on first call (a webpack chunk of its own when `load` is an `import()`). */
export function lazyModule<M>(load: () => Promise<M>): () => Promise<M> {
  let module: Promise<M> | null = null;
  return () => (module ??= load());
}

/**
 * A sidebar placeholder that loads its real content (a separate webpack chunk, with zod,
 * React views and the models) when it is first shown or asked for. JupyterLab starts with
 * only this shell: its id, icon and caption are all the layout and the restorer need.
 */
export class LazyPanel<T extends Widget> extends BoxPanel {
  /**
   * @param _factory loads and builds the content.
   * @param _settled resolves once the layout is restored: until then the sidebar shows and
   *   hides panels while it is built, which must not load anything.
   */
  constructor(
    private _factory: () => Promise<T>,
    private _settled: Promise<unknown>,
    private _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Genesis-lazy');
  }

  /**
   * The real widget, loading it if needed. (A method, not a `content` getter: JupyterLab's
   * sidebar reads `widget.content` when it adds a widget, which would load everything.)
   */
  loadContent(): Promise<T> {
    this._content ??= this._factory().then(
      (widget) => {
        this.addWidget(widget);
        BoxPanel.setStretch(widget, 1);
        return widget;
      },
      (err: unknown) => {
        const message = document.createElement('div');
        message.className = 'jp-Genesis-error';
        message.setAttribute('role', 'alert');
        message.textContent = this._trans.__(
          'Could not load this Genesis panel: %1 Reload the page to try again.',
          describeError(err)
        );
        this.node.appendChild(message);
        throw err;
      }
    );
    return this._content;
  }

  /** Activating the placeholder activates (and focuses) the real panel, once it is there. */
  protected override onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    void this.loadContent().then(
      (content) => content.activate(),
      () => undefined
    );
  }

  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this._settled.then(() =>
      requestAnimationFrame(() => {
        if (this.isVisible) void this.loadContent().catch(() => undefined);
      })
    );
  }

  private _content: Promise<T> | null = null;
}
