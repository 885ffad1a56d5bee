import { z } from 'zod';
import { ProjectId, RecordMetadata } from './catalog';
import { GenesisError } from './core/errors';
import { formatPath, issueMessage } from './errors';
import { FacilityName } from './jobs';
import { LineageRecord } from './lineage';
import { CellId, OutputType } from './nbformat';
import { utf8ToBytes } from '@noble/hashes/utils';
import {
  canonicalJson,
  digestOutputs,
  outputDigest,
  outputMimeTypes,
  sha256Hex,
  type NormalizedOutput
} from './core/output-digest';
import type { NotebookOutputInput } from './nbformat';
import { RecordId, Sha256, Version } from './ref';
import { STALE_FLAG_KINDS } from './core/staleness';
import { KERNEL_HELPER_PACKAGE } from './core/environment';

/**
 * Provenance: what each cell execution used and produced, as the extension and the headless
 * runner capture it, how a notebook carries its lineage (`metadata.genesis`), the PROV graph
 * answers the platform gives (lineage, impact, timeline), and the reproducibility report.
 * Normalising and hashing outputs is in output-digest.ts, the staleness rule in staleness.ts.
 */
export const PROVENANCE_SCHEMA_VERSION = 1;

const Timestamp = z.iso.datetime({ offset: true });

/** Ids are uuids the client makes, so a resend of the same thing is recognised (idempotency). */
export const ExecutionId = z
  .uuid()
  .meta({ id: 'ExecutionId', description: 'Client-generated uuid of one cell execution' });
export const RunId = z.uuid().meta({ id: 'RunId', description: 'Client-generated uuid of one run (a kernel session)' });
export const NotebookId = z.uuid().meta({
  id: 'NotebookId',
  description: 'Stable uuid of a notebook, kept in its metadata.genesis.notebookId'
});
export const ReproductionId = z.uuid().meta({ id: 'ReproductionId' });

// ---- capture ---------------------------------------------------------------------------------

/** A normalised output (see normalizeOutputs): the stored, hashed, exported form. */
export const NormalizedOutputSchema = z
  .discriminatedUnion('output_type', [
    z.object({ output_type: z.literal('stream'), name: z.enum(['stdout', 'stderr']), text: z.string() }).strict(),
    z
      .object({
        output_type: z.enum(['display_data', 'execute_result']),
        data: z.record(z.string(), z.unknown()),
        metadata: z.record(z.string(), z.unknown()).optional()
      })
      .strict(),
    z
      .object({
        output_type: z.literal('error'),
        ename: z.string(),
        evalue: z.string(),
        traceback: z.array(z.string())
      })
      .strict()
  ])
  .meta({ id: 'NormalizedOutput' }) as unknown as z.ZodType<NormalizedOutput>;

/**
 * Outputs whose normalised JSON is larger than this are captured by hash only (the lineage
 * still finds them; an export lists them without their bytes).
 */
export const MAX_CAPTURED_OUTPUT_BYTES = 1024 * 1024;

export const CapturedOutput = z
  .object({
    sha256: Sha256.describe('outputDigest() of the normalised output'),
    outputType: OutputType,
    mimeTypes: z.array(z.string()).default([]),
    content: NormalizedOutputSchema.optional().describe(
      'The normalised output; left out above MAX_CAPTURED_OUTPUT_BYTES'
    )
  })
  .strict()
  .meta({ id: 'CapturedOutput' });
export type CapturedOutput = z.infer<typeof CapturedOutput>;

/** A cell's outputs as capture records them: normalised, hashed, with content up to the bound. */
export function captureOutputs(
  outputs: readonly NotebookOutputInput[],
  maxContentBytes = MAX_CAPTURED_OUTPUT_BYTES
): CapturedOutput[] {
  return digestOutputs(outputs).map(({ output, sha256 }) => ({
    sha256,
    outputType: output.output_type,
    mimeTypes: outputMimeTypes(output),
    ...(utf8ToBytes(canonicalJson(output)).byteLength <= maxContentBytes ? { content: output } : {})
  }));
}

export const KernelInfo = z
  .object({
    name: z.string().min(1).describe('Kernelspec name, e.g. "tslab"'),
    displayName: z.string().optional(),
    language: z.string().optional(),
    version: z.string().optional().describe('Kernel implementation version (kernel_info_reply)')
  })
  .strict()
  .meta({ id: 'KernelInfo' });
export type KernelInfo = z.infer<typeof KernelInfo>;

export const ExecutionEnvironment = z
  .object({
    kernel: KernelInfo,
    helperVersion: z
      .string()
      .min(1)
      .nullable()
      .optional()
      .describe(
        `Version of ${KERNEL_HELPER_PACKAGE} the kernel loads; null: not installed there; absent: not captured`
      ),
    lockfileSha256: Sha256.nullable()
      .optional()
      .describe(
        "sha256 of the notebook project's lockfile (the first of lockfileCandidates() that exists); null: it has none; absent: not captured"
      ),
    lockfile: z
      .string()
      .min(1)
      .optional()
      .describe('Which lockfile was hashed, relative to the notebook (e.g. "../package-lock.json")'),
    client: z
      .object({ name: z.enum(['extension', 'runner']), version: z.string() })
      .strict()
      .describe('Who captured it: the JupyterLab extension or the headless runner')
  })
  .strict()
  .meta({ id: 'ExecutionEnvironment' });
export type ExecutionEnvironment = z.infer<typeof ExecutionEnvironment>;

export const NotebookRef = z
  .object({ id: NotebookId, path: z.string().min(1).describe('Path relative to the Jupyter root, as opened') })
  .strict();
export type NotebookRef = z.infer<typeof NotebookRef>;

/** Code larger than this is refused: a cell is not a place for data. */
export const MAX_CELL_CODE_BYTES = 1024 * 1024;

/** One cell execution as captured. `executionId` is the idempotency key: a resend never doubles. */
const cellExecutionFields = z
  .object({
    schemaVersion: z.literal(PROVENANCE_SCHEMA_VERSION),
    executionId: ExecutionId,
    runId: RunId,
    notebook: NotebookRef,
    cellId: CellId,
    cellIndex: z.number().int().nonnegative().describe("The cell's position in the notebook when it ran"),
    code: z.string().max(MAX_CELL_CODE_BYTES),
    codeSha256: Sha256.describe('sha256Hex(code)'),
    executionCount: z.number().int().nonnegative().nullable(),
    startedAt: Timestamp,
    endedAt: Timestamp,
    success: z.boolean().describe("From the kernel's execute_reply status (tslab reports errors on stderr)"),
    error: z.string().max(65536).optional().describe('What the kernel reported when it failed'),
    outputs: z.array(CapturedOutput).max(10_000),
    environment: ExecutionEnvironment,
    user: z.string().min(1),
    lineage: z.array(LineageRecord).max(10_000).default([]).describe('Lineage outputs the helpers emitted in the cell')
  })
  .strict();
export const CellExecution = cellExecutionFields
  .superRefine((e, ctx) => {
    if (sha256Hex(e.code) !== e.codeSha256)
      ctx.addIssue({ code: 'custom', path: ['codeSha256'], message: 'is not the sha256 of code' });
    if (Date.parse(e.endedAt) < Date.parse(e.startedAt))
      ctx.addIssue({ code: 'custom', path: ['endedAt'], message: 'is before startedAt' });
    e.outputs.forEach((o, i) => {
      if (!o.content) return;
      if (o.content.output_type !== o.outputType)
        ctx.addIssue({
          code: 'custom',
          path: ['outputs', i, 'outputType'],
          message: 'differs from content.output_type'
        });
      if (outputDigest(o.content) !== o.sha256)
        ctx.addIssue({ code: 'custom', path: ['outputs', i, 'sha256'], message: 'is not outputDigest(content)' });
    });
  })
  .meta({ id: 'CellExecution' });
export type CellExecution = z.infer<typeof CellExecution>;
export type CellExecutionInput = z.input<typeof CellExecution>;

/** How many executions one POST may carry (a queued browser flushes in batches of this). */
export const MAX_EXECUTIONS_PER_BATCH = 500;

export const ExecutionBatch = z
  .object({
    executions: z.array(CellExecution).min(1).max(MAX_EXECUTIONS_PER_BATCH),
    project: ProjectId.optional().describe(
      "The project a run first recorded in this batch belongs to (the caller's selected one; default: the default project). A run's project never changes."
    )
  })
  .strict()
  .meta({ id: 'ExecutionBatch' });
export type ExecutionBatch = z.infer<typeof ExecutionBatch>;

export const RecordedExecutions = z
  .object({
    created: z.number().int().nonnegative(),
    duplicates: z.number().int().nonnegative().describe('Already stored with identical content (a resend)'),
    results: z.array(z.object({ executionId: ExecutionId, status: z.enum(['created', 'duplicate']) }))
  })
  .meta({ id: 'RecordedExecutions' });
export type RecordedExecutions = z.infer<typeof RecordedExecutions>;

// ---- the notebook carries its lineage ----------------------------------------------------------

/** The key of Genesis Lab's metadata in a notebook's and a cell's `metadata`. */
export const GENESIS_METADATA_KEY = 'genesis';

export const VersionPin = z.object({ version: Version, sha256: Sha256 }).strict().meta({ id: 'VersionPin' });
export type VersionPin = z.infer<typeof VersionPin>;

export const NotebookPins = z
  .object({
    datasets: z.record(RecordId, VersionPin).default({}).describe('Dataset id -> the version the run used'),
    models: z.record(RecordId, VersionPin).default({}).describe('Model id -> version and weights digest'),
    jobs: z.array(z.string()).default([]).describe('Jobs the run submitted or awaited')
  })
  .strict()
  .meta({ id: 'NotebookPins' });
export type NotebookPins = z.infer<typeof NotebookPins>;

/**
 * The environment variable naming a JSON file of NotebookPins that a headless reproduction gives
 * the kernel: the kernel helpers resolve an unversioned dataset ref to its pinned version (and
 * say so in the lineage output, `pinned: true`) instead of to the latest.
 */
export const PINS_ENV = 'GENESIS_PINS';

/** `metadata.genesis` of a notebook: so a shared .ipynb still says what it came from. */
export const NotebookProvenance = z
  .object({
    schemaVersion: z.literal(PROVENANCE_SCHEMA_VERSION),
    notebookId: NotebookId,
    runId: RunId.optional().describe('The run whose outputs the notebook holds'),
    platform: z.string().optional().describe('URL of the platform that recorded the run (informative)'),
    pins: NotebookPins.default({ datasets: {}, models: {}, jobs: [] })
  })
  .strict()
  .meta({ id: 'NotebookProvenance' });
export type NotebookProvenance = z.infer<typeof NotebookProvenance>;

/** Numbers in a cell's outputs may differ by max(abs, rel * max(|a|, |b|)) (as math.isclose). */
export const Tolerance = z
  .object({
    abs: z.number().nonnegative().finite().optional(),
    rel: z.number().nonnegative().finite().optional()
  })
  .strict()
  .refine((t) => t.abs !== undefined || t.rel !== undefined, 'needs "abs", "rel" or both')
  .meta({ id: 'Tolerance' });
export type Tolerance = z.infer<typeof Tolerance>;

/** `metadata.genesis` of a cell: how its outputs are compared when reproduced. */
export const CellProvenance = z
  .object({
    tolerance: Tolerance.optional(),
    nondeterministic: z
      .union([z.literal(true), z.array(z.number().int().nonnegative())])
      .optional()
      .describe('true: ignore every output; a list: indices of the (normalised) outputs to ignore, e.g. a timestamp')
  })
  .strict()
  .meta({ id: 'CellProvenance' });
export type CellProvenance = z.infer<typeof CellProvenance>;

function readGenesis<S extends z.ZodType>(schema: S, metadata: unknown, where: string): z.output<S> | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  if (typeof metadata !== 'object' || Array.isArray(metadata))
    throw new GenesisError('validation_failed', `Invalid ${where}: must be an object`);
  const value = (metadata as Record<string, unknown>)[GENESIS_METADATA_KEY];
  if (value === undefined) return undefined;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({
    path: formatPath(`${where}.${GENESIS_METADATA_KEY}`, i.path),
    message: issueMessage(i)
  }));
  throw new GenesisError('validation_failed', `Invalid ${issues[0]!.path}: ${issues[0]!.message}`, {
    issues,
    hint: `Fix or remove "${GENESIS_METADATA_KEY}" in the metadata (Property Inspector in JupyterLab)`
  });
}

/** `metadata.genesis` of a notebook, validated; undefined when the notebook never ran with Genesis. */
export function readNotebookProvenance(notebookMetadata: unknown): NotebookProvenance | undefined {
  return readGenesis(NotebookProvenance, notebookMetadata, 'notebook metadata');
}

/**
 * `metadata.genesis` of a cell, validated; errors name the cell (its id and 1-based number),
 * e.g. `Invalid cell "a1b2" (cell 3) metadata.genesis.tolerance.abs: Too small: expected number to be >=0`.
 */
export function readCellProvenance(cellMetadata: unknown, cell: { id?: string; index: number }): CellProvenance {
  const name = `cell ${cell.id ? `"${cell.id}" ` : ''}(cell ${cell.index + 1}) metadata`;
  return readGenesis(CellProvenance, cellMetadata, name) ?? {};
}

/** Are two numbers equal within a declared tolerance (no tolerance: exactly equal)? */
export function withinTolerance(a: number, b: number, tolerance: Tolerance | undefined): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (!tolerance) return false;
  const allowed = Math.max(tolerance.abs ?? 0, (tolerance.rel ?? 0) * Math.max(Math.abs(a), Math.abs(b)));
  return Math.abs(a - b) <= allowed;
}

/**
 * The pins of a run from the lineage its cells emitted, in execution order: the last version
 * each dataset resolved to, every job. The runner writes them to metadata.genesis, the platform
 * answers them with the run, the crate lists their data.
 */
export function pinsFromLineage(lineage: Iterable<LineageRecord>): NotebookPins {
  const pins: NotebookPins = { datasets: {}, models: {}, jobs: [] };
  for (const r of lineage) {
    if (r.kind === 'dataset') pins.datasets[r.id] = { version: r.version, sha256: r.sha256 };
    else if (r.kind === 'model') pins.models[r.id] = { version: r.version, sha256: r.sha256 };
    else {
      if (!pins.jobs.includes(r.jobId)) pins.jobs.push(r.jobId);
      // What a job staged in is pinned like what a cell read: a reproduction's job stages the same.
      for (const d of r.stagedIn ?? []) pins.datasets[d.id] = { version: d.version, sha256: d.sha256 };
    }
  }
  return pins;
}

/**
 * `metadata.genesis` for a notebook after a run: its notebook id, the run id, the pins of what
 * the cells used. The runner writes it after `genesis run`, the platform into exported notebooks.
 */
export function runNotebookProvenance(
  executions: readonly Pick<CellExecution, 'notebook' | 'runId' | 'lineage'>[],
  platform?: string
): NotebookProvenance {
  const first = executions[0];
  if (!first) throw new GenesisError('bad_request', 'A run without executions has no notebook provenance');
  return {
    schemaVersion: PROVENANCE_SCHEMA_VERSION,
    notebookId: first.notebook.id,
    runId: first.runId,
    ...(platform ? { platform } : {}),
    pins: pinsFromLineage(executions.flatMap((e) => e.lineage))
  };
}

// ---- stored runs -------------------------------------------------------------------------------

export const StoredOutput = CapturedOutput.omit({ content: true })
  .extend({ stored: z.boolean().describe('Its content is stored (GET /api/provenance/outputs/{sha256})') })
  .meta({ id: 'StoredOutput' });
export type StoredOutput = z.infer<typeof StoredOutput>;

/** An execution as the platform holds it. */
export const ExecutionRecord = cellExecutionFields
  .omit({ schemaVersion: true })
  .extend({ outputs: z.array(StoredOutput), lineage: z.array(LineageRecord), recordedAt: Timestamp })
  .meta({ id: 'ExecutionRecord' });
export type ExecutionRecord = z.infer<typeof ExecutionRecord>;

export const RunSummary = z
  .object({
    runId: RunId,
    notebook: NotebookRef,
    user: z.string(),
    kernel: KernelInfo,
    recordedBy: z.enum(['extension', 'runner']),
    startedAt: Timestamp,
    lastActivityAt: Timestamp,
    executions: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    cells: z.number().int().nonnegative().describe('Distinct cells executed'),
    reproductionOf: RunId.optional().describe('Set when this run is the re-execution of a reproduction'),
    project: ProjectId.optional().describe(
      'The project the run belongs to (set when it was first recorded): its members, and its recorder, see it'
    )
  })
  .meta({ id: 'RunSummary' });
export type RunSummary = z.infer<typeof RunSummary>;

export const RunListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().optional()
});
export const RunList = z
  .object({
    notebookId: NotebookId,
    runs: z.array(RunSummary).describe('Newest first'),
    nextCursor: z.string().optional()
  })
  .meta({ id: 'RunList' });
export type RunList = z.infer<typeof RunList>;

const StaleCells = z.array(CellId);
export const StaleFlagSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('out-of-order'), cells: StaleCells }),
    z.object({ kind: z.literal('upstream-rerun'), cells: StaleCells }),
    z.object({ kind: z.literal('upstream-not-run'), cells: StaleCells }),
    z.object({ kind: z.literal('edited-after-run') }),
    z.object({ kind: z.literal('removed') })
  ])
  .meta({ id: 'StaleFlag' });
// The schema and staleness.ts's type name the same kinds.
const _kindsAgree: readonly z.infer<typeof StaleFlagSchema>['kind'][] = STALE_FLAG_KINDS;
void _kindsAgree;

export const CellStalenessSchema = z
  .object({ cellId: CellId, executionId: ExecutionId, flags: z.array(StaleFlagSchema) })
  .meta({ id: 'CellStaleness' });

export const ReproductionState = z
  .enum(['running', 'completed', 'failed'])
  .describe('failed: the reproduction itself could not finish (see message)');
export type ReproductionState = z.infer<typeof ReproductionState>;

export const ReproductionSummary = z
  .object({
    reproductionId: ReproductionId,
    runId: RunId,
    state: ReproductionState,
    reproducible: z.boolean(),
    startedAt: Timestamp,
    endedAt: Timestamp.optional()
  })
  .meta({ id: 'ReproductionSummary' });
export type ReproductionSummary = z.infer<typeof ReproductionSummary>;

/** A run with its executions in execution order: what the Provenance panel shows. */
export const RunDetail = z
  .object({
    run: RunSummary,
    executions: z.array(ExecutionRecord),
    staleness: z.array(CellStalenessSchema).describe('cellStaleness() of the executions, by recorded positions'),
    pins: NotebookPins,
    reproductions: z.array(ReproductionSummary).describe('Reproductions of this run, newest first')
  })
  .meta({ id: 'RunDetail' });
export type RunDetail = z.infer<typeof RunDetail>;

export const CellSource = z.object({ sha256: Sha256, code: z.string() }).meta({ id: 'CellSource' });
export const StoredOutputContent = z
  .object({ sha256: Sha256, output: NormalizedOutputSchema })
  .meta({ id: 'StoredOutputContent' });

// ---- the PROV graph ----------------------------------------------------------------------------

/** PROV relations, named as in PROV-DM; an edge reads `relation(from, to)`. */
export const ProvRelation = z
  .enum([
    'used',
    'wasGeneratedBy',
    'wasAssociatedWith',
    'wasAttributedTo',
    'wasDerivedFrom',
    'wasInformedBy',
    'wasStartedBy',
    'actedOnBehalfOf'
  ])
  .meta({ id: 'ProvRelation' });
export type ProvRelation = z.infer<typeof ProvRelation>;

/** Node ids of the graph; the panel uses the same functions to find a node. */
export const provNodeId = {
  execution: (executionId: string) => `execution:${executionId}`,
  cellSource: (sha256: string) => `source:${sha256}`,
  output: (sha256: string) => `output:${sha256}`,
  datasetVersion: (id: string, version: string) => `dataset:${id}@${version}`,
  modelVersion: (id: string, version: string) => `model:${id}@${version}`,
  job: (jobId: string) => `job:${jobId}`,
  notebook: (notebookId: string) => `notebook:${notebookId}`,
  run: (runId: string) => `run:${runId}`,
  reproduction: (reproductionId: string) => `reproduction:${reproductionId}`,
  user: (name: string) => `user:${name}`,
  kernel: (name: string, version?: string) => `kernel:${name}${version ? `@${version}` : ''}`
} as const;

const node = { id: z.string(), label: z.string() };
export const ProvNode = z
  .discriminatedUnion('kind', [
    z.object({
      ...node,
      kind: z.literal('execution'),
      prov: z.literal('activity'),
      executionId: ExecutionId,
      runId: RunId,
      cellId: CellId,
      executionCount: z.number().int().nullable(),
      startedAt: Timestamp,
      endedAt: Timestamp,
      success: z.boolean(),
      environment: ExecutionEnvironment.pick({ helperVersion: true, lockfileSha256: true, lockfile: true })
        .optional()
        .describe('What identifies the environment beyond the kernel (exported in PROV-JSON and the crate)')
    }),
    z.object({ ...node, kind: z.literal('cellSource'), prov: z.literal('entity'), sha256: Sha256, cellId: CellId }),
    z.object({
      ...node,
      kind: z.literal('output'),
      prov: z.literal('entity'),
      sha256: Sha256,
      outputType: OutputType,
      mimeTypes: z.array(z.string())
    }),
    z.object({
      ...node,
      kind: z.literal('datasetVersion'),
      prov: z.literal('entity'),
      datasetId: RecordId,
      version: Version,
      sha256: Sha256
    }),
    z.object({
      ...node,
      kind: z.literal('job'),
      prov: z.literal('activity'),
      jobId: z.string(),
      facility: z.string(),
      name: z.string(),
      state: z.string(),
      startedAt: Timestamp.optional(),
      endedAt: Timestamp.optional()
    }),
    z.object({
      ...node,
      kind: z.literal('notebook'),
      prov: z.literal('entity'),
      notebookId: NotebookId,
      path: z.string()
    }),
    z.object({
      ...node,
      kind: z.literal('run'),
      prov: z.literal('activity'),
      runId: RunId,
      startedAt: Timestamp,
      endedAt: Timestamp
    }),
    z.object({
      ...node,
      kind: z.literal('reproduction'),
      prov: z.literal('activity'),
      reproductionId: ReproductionId,
      state: ReproductionState,
      reproducible: z.boolean(),
      startedAt: Timestamp,
      endedAt: Timestamp.optional()
    }),
    z.object({
      ...node,
      kind: z.literal('agent'),
      prov: z.literal('agent'),
      agentType: z.enum(['person', 'software']),
      name: z.string(),
      version: z.string().optional()
    })
  ])
  .meta({ id: 'ProvNode' });
export type ProvNode = z.infer<typeof ProvNode>;
export type ProvNodeKind = ProvNode['kind'];

export const ProvEdge = z
  .object({
    relation: ProvRelation,
    from: z
      .string()
      .describe('Node id of the first PROV argument (the activity of used, the entity of wasGeneratedBy, ...)'),
    to: z.string(),
    role: z.string().optional().describe('prov:role, e.g. "code", "data", "user", "kernel", "submitted"'),
    time: Timestamp.optional()
  })
  .meta({ id: 'ProvEdge' });
export type ProvEdge = z.infer<typeof ProvEdge>;

/** A part of the PROV graph: the answer of lineage queries and what exports are built from. */
export const ProvGraph = z
  .object({
    roots: z.array(z.string()).describe('Ids of the nodes the question was about'),
    nodes: z.array(ProvNode),
    edges: z.array(ProvEdge),
    truncated: z.boolean().describe('More nodes were reachable than maxNodes allowed')
  })
  .meta({ id: 'ProvGraph' });
export type ProvGraph = z.infer<typeof ProvGraph>;

export const LineageQuery = z
  .object({
    output: Sha256.optional().describe('An output hash: what produced this output?'),
    execution: ExecutionId.optional().describe('A cell execution: what did it depend on?'),
    maxNodes: z.coerce.number().int().min(1).max(20_000).default(1000)
  })
  .refine((q) => (q.output === undefined) !== (q.execution === undefined), {
    message: 'give exactly one of "output" (an output sha256) or "execution" (an execution id)'
  });
export type LineageQuery = z.infer<typeof LineageQuery>;

export const DatasetVersionRef = z
  .object({ id: RecordId, version: Version, sha256: Sha256 })
  .meta({ id: 'DatasetVersionRef' });
export type DatasetVersionRef = z.infer<typeof DatasetVersionRef>;

/** Which runs, outputs, jobs and derived dataset versions used a dataset version. */
export const ImpactAnswer = z
  .object({
    dataset: DatasetVersionRef,
    runs: z.array(
      z.object({
        runId: RunId,
        notebook: NotebookRef,
        user: z.string(),
        startedAt: Timestamp,
        executions: z.array(
          z.object({
            executionId: ExecutionId,
            cellId: CellId,
            executionCount: z.number().int().nullable(),
            direct: z
              .boolean()
              .describe('It used the version itself (else: ran later in the same kernel, or used a derived version)')
          })
        )
      })
    ),
    outputs: z.array(
      z.object({
        sha256: Sha256,
        executionId: ExecutionId,
        runId: RunId,
        cellId: CellId,
        outputType: OutputType,
        direct: z.boolean()
      })
    ),
    jobs: z.array(z.object({ jobId: z.string(), name: z.string(), facility: z.string(), state: z.string() })),
    derived: z.array(DatasetVersionRef.extend({ jobId: z.string() })).describe('Versions jobs that used it generated'),
    truncated: z.boolean()
  })
  .meta({ id: 'ImpactAnswer' });
export type ImpactAnswer = z.infer<typeof ImpactAnswer>;

export const ImpactQuery = z.object({ maxNodes: z.coerce.number().int().min(1).max(20_000).default(5000) });

export const TimelineEntry = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('execution'),
      executionId: ExecutionId,
      cellId: CellId,
      executionCount: z.number().int().nullable(),
      startedAt: Timestamp,
      endedAt: Timestamp,
      durationMs: z.number().nonnegative(),
      success: z.boolean(),
      datasets: z.array(z.object({ id: RecordId, version: Version, sha256: Sha256 })),
      jobs: z.array(z.string())
    }),
    z.object({
      kind: z.literal('job'),
      jobId: z.string(),
      name: z.string(),
      facility: z.string(),
      state: z.string(),
      startedAt: Timestamp.describe('Submitted (or first seen)'),
      endedAt: Timestamp.optional(),
      executionId: ExecutionId.describe('The cell execution that submitted or first awaited it')
    }),
    ReproductionSummary.pick({ reproductionId: true, state: true, startedAt: true, endedAt: true }).extend({
      kind: z.literal('reproduction')
    })
  ])
  .meta({ id: 'TimelineEntry' });
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const RunTimeline = z
  .object({
    runId: RunId,
    startedAt: Timestamp,
    endedAt: Timestamp,
    entries: z.array(TimelineEntry).describe('By start time')
  })
  .meta({ id: 'RunTimeline' });
export type RunTimeline = z.infer<typeof RunTimeline>;

/** A job generated a dataset version (an ingest of its output); the lineage then runs through it. */
export const DatasetGeneration = z
  .object({ dataset: z.object({ id: RecordId, version: Version }).strict(), jobId: z.string().min(1) })
  .strict()
  .meta({ id: 'DatasetGeneration' });
export type DatasetGeneration = z.infer<typeof DatasetGeneration>;
export const RecordedGeneration = z
  .object({ dataset: DatasetVersionRef, jobId: z.string(), created: z.boolean() })
  .meta({ id: 'RecordedGeneration' });

// ---- reproduction ------------------------------------------------------------------------------

export const CELL_OUTCOMES = ['reproduced', 'within-tolerance', 'differs', 'failed', 'not-run'] as const;
export const CellOutcome = z.enum(CELL_OUTCOMES);
export type CellOutcome = z.infer<typeof CellOutcome>;

const cellReport = {
  cellId: CellId,
  cellIndex: z.number().int().nonnegative(),
  originalExecutionId: ExecutionId.optional(),
  executionId: ExecutionId.optional().describe("The reproduction's execution of the cell"),
  ignoredOutputs: z.array(z.number().int().nonnegative()).default([]).describe('Declared non-deterministic')
};
export const CellReport = z
  .discriminatedUnion('status', [
    z.object({ ...cellReport, status: z.literal('reproduced') }),
    z.object({
      ...cellReport,
      status: z.literal('within-tolerance'),
      tolerance: Tolerance,
      maxAbsDiff: z.number().nonnegative(),
      maxRelDiff: z.number().nonnegative()
    }),
    z.object({
      ...cellReport,
      status: z.literal('differs'),
      diff: z.string().describe('A readable diff of the normalised outputs (expected vs reproduced)'),
      outputIndex: z.number().int().nonnegative().optional().describe('The first output that differs')
    }),
    z.object({ ...cellReport, status: z.literal('failed'), error: z.string() }),
    z.object({ ...cellReport, status: z.literal('not-run'), reason: z.string() })
  ])
  .meta({ id: 'CellReport' });
export type CellReport = z.infer<typeof CellReport>;
export type CellReportInput = z.input<typeof CellReport>;

export const ReportSummary = z
  .object({
    total: z.number().int().nonnegative(),
    reproduced: z.number().int().nonnegative(),
    withinTolerance: z.number().int().nonnegative(),
    differs: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    notRun: z.number().int().nonnegative()
  })
  .meta({ id: 'ReportSummary' });
export type ReportSummary = z.infer<typeof ReportSummary>;

/** The one count of a report's cells. */
export function summarizeCells(cells: readonly Pick<CellReport, 'status'>[]): ReportSummary {
  const s: ReportSummary = { total: cells.length, reproduced: 0, withinTolerance: 0, differs: 0, failed: 0, notRun: 0 };
  for (const c of cells) {
    if (c.status === 'reproduced') s.reproduced++;
    else if (c.status === 'within-tolerance') s.withinTolerance++;
    else if (c.status === 'differs') s.differs++;
    else if (c.status === 'failed') s.failed++;
    else s.notRun++;
  }
  return s;
}

/** A finished reproduction whose every cell reproduced, exactly or within its tolerance. */
export function isReproducible(state: ReproductionState, summary: ReportSummary): boolean {
  return state === 'completed' && summary.reproduced + summary.withinTolerance === summary.total;
}

export const UnpinnedRef = z
  .object({
    kind: z
      .enum(['dataset', 'model'])
      .optional()
      .describe('A model, or (absent, "dataset") a dataset a cell read or a job staged in'),
    ref: z.string().describe('The ref as the cell wrote it'),
    id: RecordId,
    version: Version.describe('The latest version it resolved to'),
    sha256: Sha256,
    cellId: CellId.optional()
  })
  .meta({ id: 'UnpinnedRef' });
export type UnpinnedRef = z.infer<typeof UnpinnedRef>;

/**
 * The reproducibility report: a PROV activity (the reproduction) linked to the original run.
 * Recorded while it runs (state `running`, the cells so far) and when it ends.
 */
export const ReproducibilityReport = z
  .object({
    schemaVersion: z.literal(PROVENANCE_SCHEMA_VERSION),
    reproductionId: ReproductionId,
    originalRunId: RunId.nullable().describe(
      'null: the notebook never ran with Genesis (nothing pinned: latest was used)'
    ),
    runId: RunId.describe("The reproduction's own run (its executions are recorded like any run's)"),
    notebook: z.object({ id: NotebookId.optional(), path: z.string().min(1) }).strict(),
    facility: FacilityName,
    jobId: z.string().optional().describe('The job the reproduction ran as'),
    state: ReproductionState,
    message: z.string().optional().describe('Why a failed reproduction stopped'),
    startedAt: Timestamp,
    endedAt: Timestamp.optional(),
    pins: z.record(RecordId, VersionPin).default({}).describe('The dataset versions refs were pinned to'),
    pinnedModels: z
      .record(RecordId, VersionPin)
      .optional()
      .describe('The model versions unversioned model refs were pinned to (absent: none)'),
    unpinned: z.array(UnpinnedRef).default([]).describe('Refs the original run never recorded: resolved to latest'),
    cells: z.array(CellReport),
    summary: ReportSummary,
    reproducible: z.boolean()
  })
  .strict()
  .superRefine((r, ctx) => {
    const s = summarizeCells(r.cells);
    if (canonicalSummary(s) !== canonicalSummary(r.summary))
      ctx.addIssue({ code: 'custom', path: ['summary'], message: `does not count the cells (${canonicalSummary(s)})` });
    if (r.reproducible !== isReproducible(r.state, s))
      ctx.addIssue({
        code: 'custom',
        path: ['reproducible'],
        message: `must be ${isReproducible(r.state, s)} for these cells and state`
      });
    if (r.state !== 'running' && r.endedAt === undefined)
      ctx.addIssue({ code: 'custom', path: ['endedAt'], message: `required once the state is ${r.state}` });
  })
  .meta({ id: 'ReproducibilityReport' });
export type ReproducibilityReport = z.infer<typeof ReproducibilityReport>;
export type ReproducibilityReportInput = z.input<typeof ReproducibilityReport>;

function canonicalSummary(s: ReportSummary): string {
  return `total ${s.total}, reproduced ${s.reproduced}, within tolerance ${s.withinTolerance}, differs ${s.differs}, failed ${s.failed}, not run ${s.notRun}`;
}

// ---- export and import -------------------------------------------------------------------------

/** The RO-Crate and Process Run Crate versions exports conform to (see docs/provenance.md). */
export const RO_CRATE_VERSION = '1.1';
export const PROCESS_RUN_CRATE_PROFILE = 'https://w3id.org/ro/wfrun/process/0.5';
export const CRATE_MEDIA_TYPE = 'application/zip';

/** Pinned dataset data goes into a crate while the versions' bytes sum to at most this. */
export const DEFAULT_CRATE_DATA_BYTES = 64 * 1024 * 1024;

export const CrateExportQuery = z.object({
  maxDataBytes: z.coerce
    .number()
    .int()
    .min(0)
    .max(4 * 1024 * 1024 * 1024)
    .default(DEFAULT_CRATE_DATA_BYTES)
    .describe('Include the data of pinned dataset versions while their total size stays under this (0: none)')
});
export type CrateExportQuery = z.infer<typeof CrateExportQuery>;

/** An export with the notebook as the client holds it (markdown cells included); else it is rebuilt from the record. */
export const CrateExportRequest = z
  .object({
    notebook: z.record(z.string(), z.unknown()).optional().describe('The .ipynb JSON (nbformat 4)'),
    notebookName: z
      .string()
      .regex(/^[^/\\\0]{1,255}\.ipynb$/, 'must be a file name ending in .ipynb')
      .optional()
  })
  .strict()
  .meta({ id: 'CrateExportRequest' });
export type CrateExportRequest = z.infer<typeof CrateExportRequest>;

export const CrateImportResult = z
  .object({
    runId: RunId,
    notebookId: NotebookId,
    notebook: z.string().describe("The notebook's path inside the crate"),
    datasets: z.array(DatasetVersionRef.extend({ status: z.enum(['imported', 'present']) })),
    executions: RecordedExecutions.omit({ results: true })
  })
  .meta({ id: 'CrateImportResult' });
export type CrateImportResult = z.infer<typeof CrateImportResult>;

/** Where a crate keeps what an import needs to record its run here. */
export const CRATE_RUN_FILE = 'provenance/run.json';
export const CRATE_PROV_FILE = 'provenance/prov.json';

/**
 * `provenance/run.json` of an exported crate: the run as captured (so an import records the
 * same executions, idempotently) and the dataset versions it pinned, with the catalog metadata
 * a fresh platform needs to publish them and the crate file holding their data, when included.
 */
export const CrateRunRecord = z
  .object({
    schemaVersion: z.literal(PROVENANCE_SCHEMA_VERSION),
    runId: RunId,
    notebook: z.string().min(1).describe('Path of the notebook file inside the crate'),
    executions: z.array(CellExecution).min(1),
    datasets: z.array(
      DatasetVersionRef.extend({
        sizeBytes: z.number().int().nonnegative(),
        file: z.string().optional().describe('Crate path of its Arrow IPC file; absent when over the size bound'),
        metadata: RecordMetadata.describe('The catalog record, to publish it where it is new')
      })
    ),
    generations: z
      .array(
        DatasetGeneration.extend({
          sha256: Sha256,
          job: z
            .object({ facility: z.string(), name: z.string(), state: z.string(), used: z.array(DatasetVersionRef) })
            .describe('The job as the exporting platform knew it (the importing one may never have run it)')
        })
      )
      .default([]),
    reproductions: z.array(ReproducibilityReport).default([])
  })
  .strict()
  .meta({ id: 'CrateRunRecord' });
export type CrateRunRecord = z.infer<typeof CrateRunRecord>;

/** PROV-JSON (W3C member submission), as `prov` (the reference library) reads it. */
export const ProvJson = z
  .object({
    prefix: z.record(z.string(), z.string()),
    entity: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    activity: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    agent: z.record(z.string(), z.record(z.string(), z.unknown())).optional()
  })
  .catchall(z.record(z.string(), z.record(z.string(), z.unknown())))
  .meta({ id: 'ProvJson' });
export type ProvJson = z.infer<typeof ProvJson>;
