import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { IDisposable } from '@lumino/disposable';
import { Widget } from '@lumino/widgets';
import type { IChipContext } from './context';
import { LINEAGE_MIME } from './mime';

type ChipModule = typeof import('./chip');
let chipModule: Promise<ChipModule> | null = null;

/**
 * The renderer JupyterLab creates for each lineage output. It is tiny; the chip code (and the
 * contract schema that validates the output) loads with the first lineage output shown.
 */
export class LineageRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(private _context: IChipContext) {
    super();
    this.addClass('jp-Genesis-lineageOutput');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    chipModule ??= import('./chip');
    const { renderLineage } = await chipModule;
    this._follow?.dispose();
    this._follow = renderLineage(this.node, model.data[LINEAGE_MIME], this._context);
  }

  override dispose(): void {
    this._follow?.dispose();
    this._follow = null;
    super.dispose();
  }

  /** A job chip's subscription to its job's updates (while the output is shown). */
  private _follow: IDisposable | null = null;
}
