import { DataType, type Field, type Table, type Vector } from 'apache-arrow';
import { GenesisError, type PlotKind } from '@genesis-lab/contract';
import { presentable } from '@genesis-lab/client';
import { typeLabel, unitOf } from '../notebook/format';

/** One column of the table being plotted, as a plot reads it. */
export interface PlotColumn {
  readonly name: string;
  /** undefined: a type no mark can draw (lists, structs, binary, decimals). */
  readonly kind: PlotKind | undefined;
  readonly type: string;
  readonly unit: string | undefined;
  readonly field: Field;
  readonly vector: Vector;
}

/** Numbers are quantitative, dates and timestamps temporal, text and booleans nominal. */
export function plotKind(type: DataType): PlotKind | undefined {
  const t = DataType.isDictionary(type) ? type.dictionary : type;
  if (DataType.isInt(t) || DataType.isFloat(t)) return 'quantitative';
  if (DataType.isDate(t) || DataType.isTimestamp(t)) return 'temporal';
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t) || DataType.isBool(t)) return 'nominal';
  return undefined;
}

/** An axis or legend title: the column's name and its unit from the field metadata, `co2 (ppm)`. */
export function columnTitle(c: PlotColumn): string {
  return c.unit ? `${c.name} (${c.unit})` : c.name;
}

const described = (c: PlotColumn): string => `${c.name} (${c.kind ?? `${c.type}, not plottable`})`;

/**
 * The columns of a table for one mark (`line`, `histogram`, ...), looked up by channel with
 * errors that name the column, what it is, and which columns would fit.
 */
export class PlotColumns {
  /** Every column of the table, in order. */
  readonly all: PlotColumn[];

  constructor(
    table: Table,
    private readonly mark: string
  ) {
    this.all = table.schema.fields.map((field) => ({
      name: field.name,
      kind: plotKind(field.type),
      type: typeLabel(field.type),
      unit: unitOf(field),
      field,
      vector: table.getChild(field.name)!
    }));
    if (table.numRows === 0)
      throw this.error(
        'validation_failed',
        `the table has no rows, so there is nothing to plot (columns: ${this.all.map(described).join(', ') || 'none'})`,
        undefined,
        'If it came from a pull, its filter matched no rows: loosen it or check the dataset with genesis.dataset(ref).schema()'
      );
  }

  /** The column `name` given for `channel` (x, y, color, ...), which must be of one of `kinds`. */
  pick(channel: string, name: string, kinds: readonly PlotKind[]): PlotColumn {
    const fitting = this.all.filter((c) => c.kind && kinds.includes(c.kind)).map((c) => c.name);
    const fits = `${kinds.join(' or ')}${fitting.length ? `: ${fitting.join(', ')}` : ' (this table has none)'}`;
    const col = this.all.find((c) => c.name === name);
    if (!col)
      throw this.error(
        'unknown_column',
        `no column "${name}" for ${channel}; ${channel} of a ${this.mark} takes a column that is ${fits}`,
        channel,
        `The table's columns: ${this.all.map(described).join(', ')}`
      );
    if (!col.kind || !kinds.includes(col.kind))
      throw this.error(
        'validation_failed',
        `${channel} column "${name}" is ${col.kind ?? 'not plottable'} (${col.type}); ${channel} of a ${this.mark} takes a column that is ${fits}`,
        channel
      );
    return col;
  }

  private error(
    code: 'unknown_column' | 'validation_failed',
    what: string,
    path?: string,
    hint?: string
  ): GenesisError {
    return presentable(
      new GenesisError(code, `Cannot draw the ${this.mark}: ${what}`, {
        ...(path ? { issues: [{ path, message: what }] } : {}),
        ...(hint ? { hint } : {})
      })
    );
  }
}
