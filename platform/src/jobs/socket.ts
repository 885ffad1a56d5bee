import {
  SubscribeJobs,
  SubscribeLogs,
  UnsubscribeLogs,
  validationError,
  GenesisError,
  type Principal
} from '@genesis-lab/contract';
import type { Io } from '../platform-module';
import { jobVisible } from '../access/policy';
import { LogFollowers } from './log-follow';
import type { JobService } from './service';

/** Rooms: every job, one facility's jobs, one job. */
const NOBODY: Principal = { user: '', clearances: [], projects: {}, scopes: [], admin: false };

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
    // Only to the sockets whose user may see the job (policy.jobVisible), as their token stands
    // now: a revoked token or a removed member stops receiving at once. Socket ids are rooms, so
    // the update is still encoded once.
    const nsp = io.of('/');
    const owned = { owner: u.job.owner, project: u.job.spec.project };
    const verdicts = new Map<Principal, boolean>();
    const to: string[] = [];
    const seen = new Set<string>();
    for (const name of [room.all, room.facility(u.job.facility), room.job(u.job.id)])
      for (const id of nsp.adapter.rooms.get(name) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        const p = nsp.sockets.get(id)?.data.currentPrincipal?.();
        if (!p) continue;
        let ok = verdicts.get(p);
        if (ok === undefined) verdicts.set(p, (ok = jobVisible(p, owned)));
        if (ok) to.push(id);
      }
    if (to.length) io.to(to).emit('job:update', u);
  });
  io.on('connection', (socket) => {
    // Checked per event against the token as it stands now (revoked: nothing is visible).
    const current = (): Principal => socket.data.currentPrincipal?.() ?? NOBODY;
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
          jobs.reads.get(r.data.jobId, current());
          void socket.join(room.job(r.data.jobId));
        } else if (r.data.facility) {
          jobs.facilities.require(r.data.facility);
          void socket.join(room.facility(r.data.facility));
        } else void socket.join(room.all);
        // The platform's time of joining: the client's catch-up after a reconnect lists from it.
        if (typeof ack === 'function') ack({ ok: true, at: new Date().toISOString() });
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
        const job = jobs.reads.get(r.data.jobId, current());
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
