import {
  GENESIS_METADATA_KEY,
  Notebook,
  parseOrThrow,
  runNotebookProvenance,
  type CellExecution,
  type NormalizedOutput,
  type NotebookCell
} from '@genesis-lab/contract';

/** A normalised output as an nbformat output again (execution counts are not kept: null). */
function nbOutput(o: NormalizedOutput): Record<string, unknown> {
  if (o.output_type === 'execute_result') return { ...o, metadata: o.metadata ?? {}, execution_count: null };
  if (o.output_type === 'display_data') return { ...o, metadata: o.metadata ?? {} };
  return { ...o };
}

/**
 * The notebook of a run as the record knows it: each executed cell's latest code and outputs,
 * at its recorded position (markdown cells are not captured; an export with the client's
 * notebook keeps them). An output captured by hash only is left out.
 */
export function rebuildNotebook(executions: readonly CellExecution[], platform?: string): Notebook {
  const latest = new Map<string, CellExecution>();
  for (const e of executions) latest.set(e.cellId, e);
  const cells: NotebookCell[] = [...latest.values()]
    .sort((a, b) => a.cellIndex - b.cellIndex)
    .map((e) => ({
      cell_type: 'code',
      id: e.cellId,
      source: e.code,
      metadata: {},
      execution_count: e.executionCount,
      outputs: e.outputs.flatMap((o) => (o.content ? [nbOutput(o.content)] : [])) as never
    }));
  const kernel = executions[0]!.environment.kernel;
  return parseOrThrow(
    Notebook,
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: {
          name: kernel.name,
          display_name: kernel.displayName ?? kernel.name,
          language: kernel.language ?? ''
        },
        [GENESIS_METADATA_KEY]: runNotebookProvenance(executions, platform)
      },
      cells
    },
    'rebuilt notebook'
  );
}

/** The client's notebook with metadata.genesis set to this run's. */
export function withRunProvenance(
  notebook: unknown,
  executions: readonly CellExecution[],
  platform?: string
): Notebook {
  const nb = parseOrThrow(Notebook, notebook, 'body.notebook');
  return { ...nb, metadata: { ...nb.metadata, [GENESIS_METADATA_KEY]: runNotebookProvenance(executions, platform) } };
}
