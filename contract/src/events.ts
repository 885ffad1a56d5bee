import { z } from 'zod';
import { Job, JobStateEvent, LogChunk, LogStream } from './jobs';

/**
 * socket.io events. Clients authenticate with `auth: { token }` and subscribe to what they
 * render; the server pushes changes (no polling from browsers).
 *
 * Jobs: `jobs:subscribe` (all jobs, or one facility, or one job) -> a `job:update` for every
 * state transition from then on, in per-job `event.seq` order. A client that (re)connects
 * re-subscribes and then reads `GET /api/jobs?updatedSince=` (its previous subscription's
 * `ack.at`) once to catch up; `event.seq` lets it drop an update it already has and fill a gap
 * from the job's history (client/core JobTransitions).
 *
 * Logs: `logs:subscribe {jobId, stream, offset}` -> `job:log` chunks starting exactly at
 * `offset` (byte offset in the file), each with `nextOffset`; the server follows the file
 * while the job runs and sends a last chunk with `eof: true` once the job is final and the
 * file is fully sent. A reconnecting client subscribes again with the last `nextOffset` it
 * received: no gap, no duplicate. Chunks never split a UTF-8 character.
 */
/** Client -> server. At most one of `facility` / `jobId`; neither = every job. */
export const SubscribeJobs = z
  .object({
    facility: z.string().optional(),
    jobId: z.string().min(1).optional()
  })
  .strict();
export type SubscribeJobs = z.infer<typeof SubscribeJobs>;

export const SubscribeLogs = z
  .object({
    jobId: z.string().min(1),
    stream: LogStream.default('stdout'),
    /** Resume from this byte offset: the client has everything before it. */
    offset: z.number().int().nonnegative().default(0)
  })
  .strict();
export type SubscribeLogs = z.infer<typeof SubscribeLogs>;

export const UnsubscribeLogs = z.object({ jobId: z.string().min(1), stream: LogStream.optional() }).strict();
export type UnsubscribeLogs = z.infer<typeof UnsubscribeLogs>;

/** A state transition of one job, with the job as it is after it. */
export const JobUpdate = z.object({ event: JobStateEvent, job: Job }).meta({ id: 'JobUpdate' });
export type JobUpdate = z.infer<typeof JobUpdate>;

/** The answer to a subscribe: ok, or the error (same wording as the HTTP error body's message). */
export interface SubscribeAck {
  ok: boolean;
  error?: string;
  /**
   * When the subscription took effect, by the platform's clock (ISO): every transition after
   * it is pushed; a reconnecting client lists `updatedSince` its previous one to catch up.
   */
  at?: string;
}

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
  'jobs:subscribe': (s: z.input<typeof SubscribeJobs>, ack?: (r: SubscribeAck) => void) => void;
  'jobs:unsubscribe': (s?: z.input<typeof SubscribeJobs>) => void;
  'logs:subscribe': (s: z.input<typeof SubscribeLogs>, ack?: (r: SubscribeAck) => void) => void;
  'logs:unsubscribe': (s: z.input<typeof UnsubscribeLogs>) => void;
}
