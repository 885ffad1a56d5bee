import { z } from 'zod';
import { Job, JobStateEvent, LogChunk, LogStream } from './jobs';

/**
 * socket.io events. Clients authenticate with `auth: { token }` and subscribe to what they
 * render; the server pushes changes (no polling from browsers).
 */
export const SOCKET_PATH = '/socket.io';

/** Client -> server. */
export const SubscribeJobs = z.object({ facility: z.string().optional() }).strict();
export const SubscribeLogs = z
  .object({
    jobId: z.string().min(1),
    stream: LogStream.default('stdout'),
    /** Resume from this byte offset: the client has everything before it. */
    offset: z.number().int().nonnegative().default(0)
  })
  .strict();
export type SubscribeLogs = z.infer<typeof SubscribeLogs>;

export const JobUpdate = z.object({ event: JobStateEvent, job: Job }).meta({ id: 'JobUpdate' });
export type JobUpdate = z.infer<typeof JobUpdate>;

export const CatalogChanged = z.object({
  id: z.string(),
  version: z.string().optional(),
  action: z.enum(['published', 'updated', 'deleted'])
});
export type CatalogChanged = z.infer<typeof CatalogChanged>;

export interface ServerToClientEvents {
  'job:update': (u: JobUpdate) => void;
  'job:log': (c: LogChunk) => void;
  'catalog:changed': (c: CatalogChanged) => void;
  'genesis:error': (e: { code: string; message: string }) => void;
}

export interface ClientToServerEvents {
  'jobs:subscribe': (s: z.input<typeof SubscribeJobs>, ack?: (r: { ok: boolean; error?: string }) => void) => void;
  'jobs:unsubscribe': () => void;
  'logs:subscribe': (s: z.input<typeof SubscribeLogs>, ack?: (r: { ok: boolean; error?: string }) => void) => void;
  'logs:unsubscribe': (s: { jobId: string; stream?: string }) => void;
}
