import type { Message } from '@lumino/messaging';
import { BoxPanel, Widget } from '@lumino/widgets';
import { describeError } from '../client/errors';

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
    private _settled: Promise<unknown>
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
        message.textContent = `Could not load this Genesis panel: ${describeError(err)}. Reload the page to try again.`;
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
