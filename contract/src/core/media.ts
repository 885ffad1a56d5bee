/** Media types of the data path. */
export const ARROW_STREAM_MEDIA_TYPE = 'application/vnd.apache.arrow.stream';
export const ARROW_FILE_MEDIA_TYPE = 'application/vnd.apache.arrow.file';
export const PARQUET_MEDIA_TYPE = 'application/vnd.apache.parquet';
export const CSV_MEDIA_TYPE = 'text/csv';

/** Keys in the Arrow schema metadata of every table the platform serves. */
export const ARROW_META = {
  id: 'genesis:id',
  version: 'genesis:version',
  sha256: 'genesis:sha256',
  ref: 'genesis:ref',
  columns: 'genesis:columns',
  filter: 'genesis:filter',
  /** Per-field metadata keys. */
  unit: 'genesis:unit',
  description: 'genesis:description',
  /** Set by the kernel helpers on a column converted from int64/uint64 under an Int64Policy (`number` or `string`). */
  int64: 'genesis:int64',
  /**
   * Set by the kernel helpers when the rows a query matches are known (no filter): how many there
   * are in all, so a limited pull can say "first 100,000 of 3,000,000".
   */
  totalRows: 'genesis:total-rows'
} as const;

export const DATA_LIMIT_MAX = 1_000_000_000;
