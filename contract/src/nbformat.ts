import { z } from 'zod';

/**
 * The parts of the Jupyter notebook format (nbformat 4.5) that Genesis Lab reads and writes:
 * outputs (capture, comparison, export), cells and the notebook itself (the headless runner,
 * crate export and import). Unknown keys are kept (`loose`), because a notebook carries metadata
 * of other tools that a round trip must not drop.
 */

/** nbformat stores text as one string or as a list of lines; both mean their concatenation. */
export const MultilineString = z.union([z.string(), z.array(z.string())]);
export type MultilineString = z.infer<typeof MultilineString>;

/** MIME type -> data (text as a multiline string, JSON types as JSON). */
export const MimeBundle = z.record(z.string(), z.unknown());
export type MimeBundle = z.infer<typeof MimeBundle>;

const OutputMetadata = z.record(z.string(), z.unknown());

export const StreamOutput = z
  .object({ output_type: z.literal('stream'), name: z.enum(['stdout', 'stderr']), text: MultilineString })
  .loose();
export const DisplayDataOutput = z
  .object({
    output_type: z.literal('display_data'),
    data: MimeBundle,
    metadata: OutputMetadata.default({}),
    /** Not saved by nbformat, but present in live messages: display ids live here. */
    transient: z.object({ display_id: z.string().optional() }).loose().optional()
  })
  .loose();
export const ExecuteResultOutput = z
  .object({
    output_type: z.literal('execute_result'),
    execution_count: z.number().int().nullable(),
    data: MimeBundle,
    metadata: OutputMetadata.default({}),
    transient: z.object({ display_id: z.string().optional() }).loose().optional()
  })
  .loose();
export const ErrorOutput = z
  .object({
    output_type: z.literal('error'),
    ename: z.string(),
    evalue: z.string(),
    traceback: z.array(z.string())
  })
  .loose();

export const NotebookOutput = z
  .discriminatedUnion('output_type', [StreamOutput, DisplayDataOutput, ExecuteResultOutput, ErrorOutput])
  .meta({ id: 'NotebookOutput' });
export type NotebookOutput = z.infer<typeof NotebookOutput>;
export type NotebookOutputInput = z.input<typeof NotebookOutput>;
export const OUTPUT_TYPES = ['stream', 'display_data', 'execute_result', 'error'] as const;
export const OutputType = z.enum(OUTPUT_TYPES);
export type OutputType = z.infer<typeof OutputType>;

/** nbformat 4.5 cell ids: 1-64 letters, digits, "-" or "_". */
export const CellId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_" (nbformat 4.5 cell id)')
  .meta({ id: 'CellId' });
export type CellId = z.infer<typeof CellId>;

const CellMetadata = z.record(z.string(), z.unknown());

export const CodeCell = z
  .object({
    cell_type: z.literal('code'),
    id: CellId.optional(),
    source: MultilineString,
    metadata: CellMetadata.default({}),
    execution_count: z.number().int().nullable().default(null),
    outputs: z.array(NotebookOutput).default([])
  })
  .loose();
export const MarkdownCell = z
  .object({
    cell_type: z.literal('markdown'),
    id: CellId.optional(),
    source: MultilineString,
    metadata: CellMetadata.default({})
  })
  .loose();
export const RawCell = z
  .object({
    cell_type: z.literal('raw'),
    id: CellId.optional(),
    source: MultilineString,
    metadata: CellMetadata.default({})
  })
  .loose();
export const NotebookCell = z.discriminatedUnion('cell_type', [CodeCell, MarkdownCell, RawCell]);
export type NotebookCell = z.infer<typeof NotebookCell>;
export type CodeCell = z.infer<typeof CodeCell>;

/** `metadata.kernelspec`: the kernel a notebook runs in (JupyterLab writes it when a kernel is chosen). */
export const NotebookKernelspec = z
  .object({ name: z.string().min(1), display_name: z.string().optional(), language: z.string().optional() })
  .loose()
  .meta({ id: 'NotebookKernelspec' });
export type NotebookKernelspec = z.infer<typeof NotebookKernelspec>;

export const Notebook = z
  .object({
    nbformat: z.literal(4),
    nbformat_minor: z.number().int().nonnegative(),
    metadata: z.record(z.string(), z.unknown()).default({}),
    cells: z.array(NotebookCell)
  })
  .loose()
  .meta({ id: 'Notebook' });
export type Notebook = z.infer<typeof Notebook>;
export type NotebookInput = z.input<typeof Notebook>;

/** A multiline string as the one string it means. */
export function joinText(text: MultilineString): string {
  return typeof text === 'string' ? text : text.join('');
}
