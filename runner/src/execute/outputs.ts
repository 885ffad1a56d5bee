import { IopubContent, type KernelMessage } from '../protocol/messages';
import type { CodeCell, NotebookOutput as Output } from '@genesis-lab/contract';

/**
 * Turns a cell's iopub messages into nbformat outputs, as JupyterLab's output area and nbclient do:
 * consecutive stream texts of one name merge, `clear_output` empties the cell (with `wait`, at
 * the next output), and `update_display_data` replaces every output shown under its display_id,
 * in any cell of the notebook.
 */
export class OutputBuilder {
  /** display_id -> the outputs shown under it (objects inside cells' output lists). */
  private readonly displays = new Map<string, Array<{ cell: CodeCell; output: Output }>>();
  private clearPending = new WeakSet<CodeCell>();

  /**
   * Apply one iopub message to `cell`. Returns a note when the message could not be applied (so
   * the caller reports it), undefined otherwise; status and execute_input are not outputs.
   */
  apply(cell: CodeCell, msg: KernelMessage): string | undefined {
    const type = msg.header.msg_type;
    if (!(type in IopubContent)) return undefined; // comm_*, debug_event...: not notebook outputs
    const parsed = IopubContent[type as keyof typeof IopubContent].safeParse(msg.content);
    if (!parsed.success)
      return `the kernel sent a malformed ${type} (${parsed.error.issues[0]!.message}); it was not applied`;
    const c = parsed.data as Record<string, unknown>;
    switch (type) {
      case 'status':
        return undefined;
      case 'execute_input':
        if (typeof c.execution_count === 'number') cell.execution_count = c.execution_count;
        return undefined;
      case 'clear_output':
        if (c.wait) this.clearPending.add(cell);
        else this.clear(cell);
        return undefined;
      case 'update_display_data': {
        const id = (c.transient as { display_id?: string } | undefined)?.display_id;
        const shown = id ? this.displays.get(id) : undefined;
        if (!id) return 'the kernel sent update_display_data without a display_id; it was not applied';
        if (!shown?.length)
          return `the kernel updated display "${id}", which no output shows; the update was not applied`;
        for (const s of shown) Object.assign(s.output, { data: c.data, metadata: c.metadata });
        return undefined;
      }
    }
    if (this.clearPending.has(cell)) {
      this.clearPending.delete(cell);
      this.clear(cell);
    }
    if (type === 'stream') {
      const last = cell.outputs.at(-1);
      if (last?.output_type === 'stream' && last.name === c.name) {
        last.text = (Array.isArray(last.text) ? last.text.join('') : last.text) + (c.text as string);
        return undefined;
      }
      cell.outputs.push({ output_type: 'stream', name: c.name as 'stdout' | 'stderr', text: c.text as string });
      return undefined;
    }
    if (type === 'error') {
      cell.outputs.push({
        output_type: 'error',
        ename: c.ename as string,
        evalue: c.evalue as string,
        traceback: c.traceback as string[]
      });
      return undefined;
    }
    const output: Output =
      type === 'execute_result'
        ? {
            output_type: 'execute_result',
            execution_count: (c.execution_count as number | null | undefined) ?? cell.execution_count,
            data: c.data as Record<string, unknown>,
            metadata: c.metadata as Record<string, unknown>
          }
        : {
            output_type: 'display_data',
            data: c.data as Record<string, unknown>,
            metadata: c.metadata as Record<string, unknown>
          };
    cell.outputs.push(output);
    const id = (c.transient as { display_id?: string } | undefined)?.display_id;
    if (id) this.displays.set(id, [...(this.displays.get(id) ?? []), { cell, output }]);
    return undefined;
  }

  private clear(cell: CodeCell): void {
    for (const [id, shown] of this.displays) {
      const kept = shown.filter((s) => s.cell !== cell);
      if (kept.length) this.displays.set(id, kept);
      else this.displays.delete(id);
    }
    cell.outputs = [];
  }
}
