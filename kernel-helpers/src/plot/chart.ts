import { inspect } from 'node:util';
import { VEGALITE_MIME_TYPE, type PlotReduction } from '@genesis-lab/contract';
import type { MimeBundle } from '../notebook/tslab';
import type { PlotSpec, VegaLiteSpec } from './spec';

/**
 * A drawn chart: the Vega-Lite spec with its data inlined (JupyterLab renders it, interactive
 * and in the lab's theme), the SVG rendered in the kernel (GitHub, nbviewer and HTML export show
 * it), and what of the table it shows. Printed (a bare last expression), it is one line, not the
 * whole spec.
 */
export class Chart {
  readonly spec: VegaLiteSpec;
  readonly reduction: PlotReduction;
  /** `co2 (ppm) by date`. */
  readonly description: string;
  /** Why fewer rows are drawn than the table has, when they are (also the chart's subtitle). */
  readonly note: string | undefined;

  constructor(
    drawn: PlotSpec,
    /** The static image, `<svg ...>`. */
    readonly svg: string
  ) {
    this.spec = drawn.spec;
    this.reduction = drawn.reduction;
    this.description = drawn.description;
    this.note = drawn.note;
  }

  /** The one output a cell shows: both representations, plus text for front ends with neither. */
  bundle(): MimeBundle {
    return { [VEGALITE_MIME_TYPE]: this.spec, 'image/svg+xml': this.svg, 'text/plain': this.toString() };
  }

  toString(): string {
    return `Chart: ${this.description}${this.note ? ` (${this.note})` : ''}`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  /** Deno's console (a bare last expression in Deno's kernel). */
  [Symbol.for('Deno.customInspect')](): string {
    return this.toString();
  }
}
