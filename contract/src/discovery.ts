import { z } from 'zod';

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
    /**
     * The data path's counters since start: scans open now (a stream not yet finished), streams
     * waiting now for their client to take what was sent (a full socket), scans, batches and bytes read.
     */
    data: z
      .object({
        openScans: z.number().int(),
        waitingStreams: z.number().int(),
        scans: z.number().int(),
        batchReads: z.number().int(),
        bytesRead: z.number().int()
      })
      .optional(),
    facilities: z
      .array(z.object({ name: z.string(), healthy: z.boolean(), message: z.string().optional() }))
      .default([])
  })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof Health>;
