import type { Message } from '@lumino/messaging';
import { BoxPanel, Widget } from '@lumino/widgets';
import { describeError } from '../client/errors';

/**
 * A sidebar placeholder that loads its real content (a separate webpack chunk, with zod,
 * React views and the models) when it is first shown or asked for. JupyterLab starts with
 * only this shell: its id, icon and caption are all the layout and the restorer need.
 */
export class LazyPanel<T extends Widget> extends BoxPanel {
  constructor(private _factory: () => Promise<T>) {
    super();
    this.addClass('jp-Genesis-lazy');
  }

  /** The real widget, loading it if needed. */
  get content(): Promise<T> {
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

  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this.content.catch(() => undefined);
  }

  private _content: Promise<T> | null = null;
}
