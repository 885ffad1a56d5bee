import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import { LINEAGE_MIME_TYPE } from '@genesis-lab/contract/core';
import type { IChipActions } from './actions';

export type { IChipActions };

type ChipModule = typeof import('./chip');
let chipModule: Promise<ChipModule> | null = null;

/**
 * The renderer JupyterLab creates for each lineage output. It is tiny; the chip code (and the
 * contract schema that validates the output) loads with the first lineage output shown.
 */
export class LineageRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(private _actions: IChipActions) {
    super();
    this.addClass('jp-Genesis-lineageOutput');
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    chipModule ??= import('./chip');
    const { renderLineage } = await chipModule;
    renderLineage(this.node, model.data[LINEAGE_MIME_TYPE], this._actions);
  }
}
