import { COMPRESSIONS } from '@genesis-lab/client';
import { Int64Policy } from '@genesis-lab/contract';
import { z } from 'zod';

/** Defaults every pull starts from; `genesis.configure(...)` changes them (validated with this schema). */
export const Settings = z
  .object({
    /** Show tables (and search results) as rich HTML in a tslab notebook. Default true. */
    display: z.boolean(),
    /** Show a live progress indicator for pulls that take longer than a second. Default true. */
    progress: z.boolean(),
    /** How int64/uint64 columns reach JavaScript. Default "number" (see docs/kernel-helpers.md). */
    int64: Int64Policy,
    /** HTTP compression of pulls: "auto" = none on loopback, gzip/br for remote platforms. */
    compression: z.enum(COMPRESSIONS)
  })
  .strict();
export type GenesisSettings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: GenesisSettings = {
  display: true,
  progress: true,
  int64: 'number',
  compression: 'auto'
};
