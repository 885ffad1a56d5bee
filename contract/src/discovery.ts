import { z } from 'zod';

/**
 * The file a running platform writes (mode 0600) so kernels and the CLI on the same machine
 * find it without configuration. `GENESIS_URL`/`GENESIS_TOKEN` override it.
 */
export const DISCOVERY_FILE_NAME = 'platform.json';
export const DISCOVERY_ENV = {
  url: 'GENESIS_URL',
  token: 'GENESIS_TOKEN',
  home: 'GENESIS_HOME',
  runtimeDir: 'GENESIS_RUNTIME_DIR'
} as const;

export const Discovery = z
  .object({
    url: z.url().describe('Base URL of the platform, without /api'),
    token: z.string().min(16),
    pid: z.number().int(),
    home: z.string(),
    startedAt: z.iso.datetime(),
    version: z.string()
  })
  .meta({ id: 'Discovery' });
export type Discovery = z.infer<typeof Discovery>;

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    startedAt: z.iso.datetime(),
    uptimeSeconds: z.number(),
    datasets: z.number().int(),
    /** Catalog searches answered from the result cache, and evaluated (counters since start). */
    searchCache: z.object({ hits: z.number().int(), misses: z.number().int() }).optional(),
    facilities: z
      .array(z.object({ name: z.string(), healthy: z.boolean(), message: z.string().optional() }))
      .default([])
  })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof Health>;
