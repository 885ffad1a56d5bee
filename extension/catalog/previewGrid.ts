import type { TranslationBundle } from '@jupyterlab/translation';
import { BasicKeyHandler, BasicMouseHandler, DataGrid, DataModel, RendererMap, TextRenderer } from '@lumino/datagrid';
import type { Message } from '@lumino/messaging';
import { PanelLayout, Widget } from '@lumino/widgets';
import type { IPreviewTable } from '../tokens';

/** A read-only `DataModel` over the preview rows: header = column name (and unit). */
class PreviewDataModel extends DataModel {
  constructor(private _table: IPreviewTable) {
    super();
  }

  rowCount(region: DataModel.RowRegion): number {
    return region === 'body' ? this._table.rows.length : 1;
  }

  columnCount(region: DataModel.ColumnRegion): number {
    return region === 'body' ? this._table.columns.length : 1;
  }

  data(region: DataModel.CellRegion, row: number, column: number): unknown {
    if (region === 'corner-header') return '#';
    if (region === 'row-header') return String(row + 1);
    const col = this._table.columns[column];
    if (region === 'column-header') return col ? (col.unit ? `${col.name} (${col.unit})` : col.name) : '';
    const v = this._table.rows[row]?.[column];
    return v ?? '';
  }
}

/** Read a JupyterLab CSS variable where the grid lives (so the active theme applies). */
function cssVar(node: HTMLElement, name: string, fallback: string): string {
  return getComputedStyle(node).getPropertyValue(name).trim() || fallback;
}

/**
 * The preview table: a Lumino DataGrid (canvas-drawn, virtualised), coloured from the
 * theme's CSS variables. The grid paints on a canvas, so CSS cannot reach it: `applyTheme`
 * re-reads the variables whenever the theme changes.
 */
export class PreviewGrid extends Widget {
  constructor(trans: TranslationBundle) {
    super();
    this.addClass('jp-Genesis-previewGrid');
    this._grid = new DataGrid({
      defaultSizes: { rowHeight: 22, columnWidth: 110, rowHeaderWidth: 48, columnHeaderHeight: 24 },
      minimumSizes: { rowHeight: 18, columnWidth: 40, rowHeaderWidth: 24, columnHeaderHeight: 20 }
    });
    this._grid.keyHandler = new BasicKeyHandler();
    this._grid.mouseHandler = new BasicMouseHandler();
    this._grid.copyConfig = {
      separator: '\t',
      format: DataGrid.copyFormatGeneric,
      headers: 'all',
      warningThreshold: 1e6
    };
    this._grid.node.setAttribute('aria-label', trans.__('Preview of the first rows'));
    this._grid.node.tabIndex = 0;
    const layout = new PanelLayout();
    layout.addWidget(this._grid);
    this.layout = layout;
  }

  get grid(): DataGrid {
    return this._grid;
  }

  setTable(table: IPreviewTable | null): void {
    this._grid.dataModel = table ? new PreviewDataModel(table) : null;
    if (table) this._fitColumns(table);
  }

  /** Re-read colours and fonts from the current theme. */
  applyTheme(): void {
    const node = this.node;
    const font = `${cssVar(node, '--jp-ui-font-size1', '13px')} ${cssVar(node, '--jp-ui-font-family', 'sans-serif')}`;
    const text = cssVar(node, '--jp-ui-font-color1', '#000');
    const headerText = cssVar(node, '--jp-ui-font-color2', '#555');
    this._grid.style = {
      ...DataGrid.defaultStyle,
      voidColor: cssVar(node, '--jp-layout-color0', '#fff'),
      backgroundColor: cssVar(node, '--jp-layout-color0', '#fff'),
      rowBackgroundColor: (i) =>
        i % 2 === 0 ? cssVar(node, '--jp-layout-color0', '#fff') : cssVar(node, '--jp-layout-color1', '#f7f7f7'),
      headerBackgroundColor: cssVar(node, '--jp-layout-color2', '#eee'),
      gridLineColor: cssVar(node, '--jp-border-color3', '#ddd'),
      headerGridLineColor: cssVar(node, '--jp-border-color2', '#ccc'),
      selectionFillColor: 'rgba(33, 150, 243, 0.2)',
      selectionBorderColor: cssVar(node, '--jp-brand-color1', '#1976d2'),
      cursorBorderColor: cssVar(node, '--jp-brand-color1', '#1976d2'),
      headerSelectionFillColor: 'rgba(33, 150, 243, 0.15)',
      headerSelectionBorderColor: cssVar(node, '--jp-brand-color1', '#1976d2')
    };
    const header = new TextRenderer({ font: `bold ${font}`, textColor: headerText });
    this._grid.cellRenderers = new RendererMap(
      { 'column-header': header, 'row-header': header, 'corner-header': header },
      new TextRenderer({
        font,
        textColor: text,
        horizontalAlignment: ({ value }) => (typeof value === 'number' ? 'right' : 'left')
      })
    );
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.applyTheme();
  }

  /** Size each column to its header and first values, within bounds. */
  private _fitColumns(table: IPreviewTable): void {
    const charWidth = 7.5;
    table.columns.forEach((c, i) => {
      let chars = (c.unit ? c.name.length + c.unit.length + 3 : c.name.length) + 2;
      for (const row of table.rows.slice(0, 50)) chars = Math.max(chars, String(row[i] ?? '').length);
      this._grid.resizeColumn('body', i, Math.min(320, Math.max(60, Math.ceil(chars * charWidth) + 12)));
    });
  }

  private _grid: DataGrid;
}
