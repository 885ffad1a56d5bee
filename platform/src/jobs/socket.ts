import {
  OWNER,
  SubscribeJobs,
  SubscribeLogs,
  UnsubscribeLogs,
  validationError,
  GenesisError,
  type Principal
} from '@genesis-lab/contract';
import type { Io } from '../platform-module';
import { LogFollowers } from './log-follow';
import type { JobService } from './service';

/** Rooms: every job, one facility's jobs, one job. */
const room = {
  all: 'jobs:*',
  facility: (f: string) => `jobs:facility:${f}`,
  job: (id: string) => `jobs:job:${id}`
};

/**
 * socket.io for jobs: `jobs:subscribe` joins rooms that receive `job:update` for every
 * transition; `logs:subscribe` streams a log from a byte offset (see contract/src/events.ts).
 */
export function attachJobSockets(io: Io, jobs: JobService): LogFollowers {
  const followers = new LogFollowers(jobs.store);
  jobs.observations.on('update', (u) => {
    io.to(room.all).to(room.facility(u.job.facility)).to(room.job(u.job.id)).emit('job:update', u);
  });
  io.on('connection', (socket) => {
    const principal = ((socket.data as { principal?: Principal }).principal ?? OWNER) as Principal;
    const stops = new Map<string, () => void>();
    const fail = (ack: ((r: { ok: boolean; error?: string }) => void) | undefined, err: unknown) => {
      const message = err instanceof GenesisError ? err.message : 'Internal error';
      if (typeof ack === 'function') ack({ ok: false, error: message });
      else socket.emit('genesis:error', { code: err instanceof GenesisError ? err.code : 'internal', message });
    };
    socket.on('jobs:subscribe', (raw, ack) => {
      const r = SubscribeJobs.safeParse(raw ?? {});
      if (!r.success) return fail(ack, validationError('jobs:subscribe', r.error));
      try {
        if (r.data.jobId) {
          jobs.reads.get(r.data.jobId, principal);
          void socket.join(room.job(r.data.jobId));
        } else if (r.data.facility) {
          jobs.facilities.require(r.data.facility);
          void socket.join(room.facility(r.data.facility));
        } else void socket.join(room.all);
        if (typeof ack === 'function') ack({ ok: true });
      } catch (err) {
        fail(ack, err);
      }
    });
    socket.on('jobs:unsubscribe', (raw) => {
      const r = SubscribeJobs.safeParse(raw ?? {});
      if (!r.success) return;
      if (r.data.jobId) void socket.leave(room.job(r.data.jobId));
      else if (r.data.facility) void socket.leave(room.facility(r.data.facility));
      else void socket.leave(room.all);
    });
    socket.on('logs:subscribe', (raw, ack) => {
      const r = SubscribeLogs.safeParse(raw);
      if (!r.success) return fail(ack, validationError('logs:subscribe', r.error));
      try {
        const job = jobs.reads.get(r.data.jobId, principal);
        const key = `${r.data.jobId}/${r.data.stream}`;
        stops.get(key)?.();
        // Ack first, so the client knows the subscription stands before chunks arrive.
        if (typeof ack === 'function') ack({ ok: true });
        stops.set(
          key,
          followers.add(job.id, r.data.stream, r.data.offset, jobs.reads.logFile(job, r.data.stream), (c) =>
            socket.emit('job:log', c)
          )
        );
      } catch (err) {
        fail(ack, err);
      }
    });
    socket.on('logs:unsubscribe', (raw) => {
      const r = UnsubscribeLogs.safeParse(raw);
      if (!r.success) return;
      for (const s of r.data.stream ? [r.data.stream] : ['stdout', 'stderr']) {
        const key = `${r.data.jobId}/${s}`;
        stops.get(key)?.();
        stops.delete(key);
      }
    });
    socket.on('disconnect', () => {
      for (const stop of stops.values()) stop();
      stops.clear();
    });
  });
  return followers;
}
