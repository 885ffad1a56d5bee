import type { RecordBatch, Schema } from 'apache-arrow';
import {
  ARROW_META,
  DataQuery,
  type DatasetVersion,
  GenesisError,
  formatRef,
  parseOrThrow,
  type Int64Policy,
  type PullOptions,
  type Ref
} from '@genesis-lab/contract';
import { contractMismatch, presentable, type StreamResponse, rethrowPresentable } from '@genesis-lab/client';
import type { GenesisContext } from '../context';
import { PullProgress } from '../notebook/progress';
import { BatchStream } from './batch-stream';
import { Int64Converter } from './int64';

/** Options of `.table()` and `.batches()`: the pushed-down query plus how the rows arrive. */
export interface BatchOptions extends PullOptions {
  /** Overrides the int64 policy for this pull. */
  int64?: Int64Policy;
  /** Set false to hide the progress indicator for this pull. */
  progress?: boolean;
}

export interface TableOptions extends BatchOptions {
  /** Set false to skip the rich display of this table in a notebook. */
  display?: boolean;
}

/** Validate pull options with the contract's query schema (same checks, same messages as the platform). */
export function validateOptions(opts: PullOptions): DataQuery {
  try {
    return parseOrThrow(
      DataQuery,
      { columns: opts.columns, filter: opts.filter, limit: opts.limit, offset: opts.offset, batchSize: opts.batchSize },
      'options'
    );
  } catch (err) {
    rethrowPresentable(err);
  }
}

/** A resolved ref: the concrete version, and whether a reproduction's pin chose it (rather than "latest"). */
export interface ResolvedVersion {
  version: DatasetVersion;
  pinned: boolean;
}

/**
 * Resolve a selector to the concrete version, once per pull: an explicit version as written; an
 * unversioned ref to the version a reproduction pinned (its sha256 checked), else to latest.
 */
export async function resolvePinned(ctx: GenesisContext, ref: Ref): Promise<ResolvedVersion> {
  const pin = ref.version === undefined ? ctx.pins.datasetPin(ref.id) : undefined;
  const version = await ctx.client
    .call('version', {
      params: { ns: ref.namespace, name: ref.name, version: ref.version ?? pin?.version ?? 'latest' }
    })
    .catch((err: unknown) => {
      if (!pin || !(err instanceof GenesisError) || err.code !== 'not_found') throw err;
      throw presentable(
        new GenesisError('not_found', `${ref.id}@${pin.version}, which the run recorded, is not on this platform`, {
          hint: 'Import the crate exported from the run (genesis provenance import CRATE.zip), or reproduce from it'
        })
      );
    });
  if (pin && version.sha256 !== pin.sha256)
    throw presentable(
      new GenesisError(
        'conflict',
        `${ref.id}@${pin.version} on this platform is not the version the run recorded: sha256 ${version.sha256.slice(0, 12)}… here, ${pin.sha256.slice(0, 12)}… recorded`,
        {
          hint: 'Reproduce from the exported crate (it carries the recorded data), or on the platform that recorded the run'
        }
      )
    );
  return { version, pinned: pin !== undefined };
}

/** Resolve a selector (a version, or none: the pin or "latest") to the concrete version. */
export async function resolveVersion(ctx: GenesisContext, ref: Ref): Promise<DatasetVersion> {
  return (await resolvePinned(ctx, ref)).version;
}

/**
 * One pull: `latest` resolved to a concrete version first and the request pinned to it, the
 * Arrow stream read batch by batch as it arrives (memory bounded by a batch or two), int64
 * policy applied, progress shown, and exactly one lineage record left behind naming what was
 * read (also when the consumer stops early; not when the pull fails).
 */
export class Pull {
  private bytes = 0;
  private constructor(
    private readonly ctx: GenesisContext,
    private readonly refText: string,
    private readonly ref: Ref,
    readonly version: DatasetVersion,
    private readonly pinned: boolean,
    private readonly query: DataQuery,
    private readonly res: StreamResponse,
    private readonly stream: BatchStream,
    private readonly converter: Int64Converter,
    private readonly mode: 'table' | 'batches',
    private readonly showProgress: boolean
  ) {}

  static async open(
    ctx: GenesisContext,
    refText: string,
    ref: Ref,
    options: BatchOptions,
    mode: 'table' | 'batches'
  ): Promise<Pull> {
    const query = validateOptions(options);
    const { version, pinned } = await resolvePinned(ctx, ref);
    const res = await ctx.client.stream(
      'arrow',
      {
        params: { ns: ref.namespace, name: ref.name, version: version.version },
        query: {
          columns: query.columns,
          filter: query.filter,
          limit: query.limit,
          offset: query.offset || undefined,
          batchSize: query.batchSize
        }
      },
      { compression: ctx.settings.compression }
    );
    let pull: Pull | undefined;
    let early = 0;
    try {
      const stream = new BatchStream(res.source, (n) => {
        if (pull) pull.bytes += n;
        else early += n;
      });
      const schema = await stream.schema();
      const meta = schema.metadata;
      if (meta.get(ARROW_META.sha256) !== version.sha256 || meta.get(ARROW_META.version) !== version.version)
        throw presentable(
          contractMismatch(
            'stream',
            `asked for ${ref.id}@${version.version} (sha256 ${version.sha256.slice(0, 12)}…), got ${meta.get(ARROW_META.ref)} (sha256 ${meta.get(ARROW_META.sha256)?.slice(0, 12)}…)`
          )
        );
      const converter = new Int64Converter(schema, options.int64 ?? ctx.settings.int64);
      pull = new Pull(
        ctx,
        refText,
        ref,
        version,
        pinned,
        query,
        res,
        stream,
        converter,
        mode,
        options.progress ?? ctx.settings.progress
      );
      pull.bytes = early;
      return pull;
    } catch (err) {
      res.destroy();
      throw err;
    }
  }

  /** The schema of the rows (after the int64 policy), with the platform's metadata. */
  get schema(): Schema {
    return this.converter.schema;
  }

  /** Give up the stream without reading rows (and without a lineage record). */
  close(): void {
    this.res.destroy();
  }

  /** How many rows the query matches in all, when that is known without reading them (no filter). */
  get totalRows(): number | undefined {
    return this.query.filter ? undefined : Math.max(0, this.version.rowCount - this.query.offset);
  }

  private expectedRows(): number | undefined {
    const total = this.totalRows;
    return total === undefined || this.query.limit === undefined ? total : Math.min(total, this.query.limit);
  }

  async *batches(): AsyncGenerator<RecordBatch, void, undefined> {
    const label = formatRef({ id: this.ref.id, version: this.version.version });
    const notebook = this.showProgress ? this.ctx.notebook() : undefined;
    const progress = notebook ? new PullProgress(notebook, label, this.expectedRows()) : undefined;
    let rows = 0;
    let failed: Error | undefined;
    let finished = false;
    try {
      for (let batch = await this.stream.next(); batch; batch = await this.stream.next()) {
        const b = this.converter.batch(batch);
        rows += b.numRows;
        progress?.update(rows, this.bytes);
        yield b;
      }
      finished = true;
    } catch (err) {
      failed =
        err instanceof GenesisError
          ? err
          : presentable(
              new GenesisError(
                'unavailable',
                `The stream of ${label} broke off after ${rows} rows: ${(err as Error).message}`,
                {
                  hint: 'Pull again; if it keeps failing, the platform log says why'
                }
              )
            );
      throw failed;
    } finally {
      progress?.update(rows, this.bytes);
      progress?.finish(failed);
      // Stopped early: close the connection so the platform stops reading.
      if (!finished) this.res.destroy();
      if (!failed) this.recordUse(rows);
    }
  }

  private recordUse(rows: number): void {
    const q = this.query;
    this.ctx.lineage.emit({
      kind: 'dataset',
      platform: this.ctx.client.url,
      ref: this.refText,
      id: this.ref.id,
      version: this.version.version,
      sha256: this.version.sha256,
      ...(q.columns ? { columns: q.columns } : {}),
      ...(q.filter ? { filter: q.filter } : {}),
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
      ...(q.offset ? { offset: q.offset } : {}),
      rowCount: rows,
      ...(this.totalRows !== undefined ? { totalRows: this.totalRows } : {}),
      mode: this.mode,
      ...(this.pinned ? { pinned: true } : {})
    });
  }
}
