import { LINEAGE_MIME_TYPE } from './core/lineage';
import { LineageRecord } from './lineage';
import type { NotebookOutputInput } from './nbformat';

/**
 * The lineage records the kernel helpers left in a cell's outputs, as capture records them (the
 * extension and the headless runner both call this); `problems` collects outputs that do not parse.
 */
export function lineageOfOutputs(outputs: readonly NotebookOutputInput[], problems: string[] = []): LineageRecord[] {
  const found: LineageRecord[] = [];
  for (const o of outputs) {
    if (o.output_type !== 'display_data' && o.output_type !== 'execute_result') continue;
    const value = o.data[LINEAGE_MIME_TYPE];
    if (value === undefined) continue;
    const r = LineageRecord.safeParse(value);
    if (r.success) found.push(r.data);
    else
      problems.push(
        `a lineage output is not a valid lineage record (${r.error.issues[0]!.message}); it was not recorded as lineage`
      );
  }
  return found;
}
