import { z } from 'zod';
import { DATA_LIMIT_MAX } from './core/media';
import { Cql2Expr, parseFilter } from './cql2';
import { listParam } from './query';

/** Projection: `a,b`, or repeated `columns=a&columns=b` (or both). */
const columnsParam = listParam('comma', z.string().min(1), (a) => a.max(10000));

/**
 * The filter parameter: CQL2-JSON text (or an object). An invalid filter throws the
 * `invalid_filter` GenesisError of `parseFilter` from inside the parse on purpose (zod does not
 * catch exceptions in transforms), so the client gets the same code and JSON path (`filter.args[1]`)
 * whether it validated locally or the platform did.
 */
const filterParam = z.unknown().transform((v): Cql2Expr | undefined => {
  if (v === undefined || v === '') return undefined;
  return parseFilter(v);
});

/** Query of `GET .../arrow|csv|parquet|json`: projection, filter and window, pushed down. */
export const DataQuery = z
  .object({
    columns: columnsParam.describe('Comma-separated column names; all when absent'),
    filter: filterParam.optional().describe('CQL2-JSON row filter, as JSON text'),
    limit: z.coerce
      .number()
      .int('limit must be a whole number')
      .min(0, 'limit must be at least 0')
      .max(DATA_LIMIT_MAX, `limit must be at most ${DATA_LIMIT_MAX}`)
      .optional(),
    offset: z.coerce.number().int('offset must be a whole number').min(0, 'offset must be at least 0').default(0),
    batchSize: z.coerce
      .number()
      .int()
      .min(1, 'batchSize must be at least 1')
      .max(1_048_576, 'batchSize must be at most 1048576')
      .optional()
      .describe(
        'Maximum rows per record batch in the response (larger stored batches are split); default keeps stored batches'
      ),
    int64: z
      .enum(['number', 'string'])
      .default('number')
      .describe(
        'JSON export only: int64/uint64 values as exact decimal JSON numbers (default) or as quoted strings; Arrow, Parquet and CSV are always exact'
      )
  })
  .meta({ id: 'DataQuery' });
export type DataQuery = z.infer<typeof DataQuery>;

/** The same options as the kernel helpers take them (filter as an object). */
export interface PullOptions {
  columns?: string[];
  filter?: Cql2Expr;
  limit?: number;
  offset?: number;
  batchSize?: number;
}

/**
 * How int64/uint64 columns reach JavaScript. Arrow JS yields `bigint`, which JSON and most
 * plotting code reject. `number` (the default) converts when every value is a safe integer
 * and fails with a clear error otherwise; `bigint` keeps Arrow's values; `string` gives decimal text.
 */
export const Int64Policy = z.enum(['number', 'bigint', 'string']);
export type Int64Policy = z.infer<typeof Int64Policy>;
