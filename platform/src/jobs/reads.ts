import * as fs from 'node:fs';
import {
  isFinal,
  type FacilityInfo,
  type Job,
  type JobList,
  type JobListQuery,
  type LogChunk,
  type LogQuery,
  type LogStream,
  type Principal
} from '@genesis-lab/contract';
import type { FacilitySet } from '../facilities/facility-set';
import { readLogChunk } from './logs';
import { publicJob, type JobStore, type StoredJob } from './store';
import { noJob, trackedJob } from './submissions';
import { jobVisible } from '../access/policy';

/** What clients read: jobs (their owner's only), logs, and the facilities with their queues. */
export class JobReads {
  constructor(
    private readonly store: JobStore,
    private readonly facilitySet: FacilitySet
  ) {}

  get(id: string, principal: Principal): Job {
    const j = this.store.get(id);
    if (!j || !jobVisible(principal, { owner: j.owner, project: j.spec.project })) throw noJob(id);
    return publicJob(j);
  }

  list(q: JobListQuery, principal: Principal): JobList {
    return this.store.list(
      q,
      principal.admin ? undefined : { owner: principal.user, projects: Object.keys(principal.projects) }
    );
  }

  logs(id: string, q: LogQuery, principal: Principal): LogChunk {
    const job = this.get(id, principal);
    const file = this.logFile(job, q.stream);
    let offset = q.offset;
    if (q.tail !== undefined) {
      let size = 0;
      try {
        size = file ? fs.statSync(file).size : 0;
      } catch {
        size = 0;
      }
      offset = Math.max(0, size - q.tail);
    }
    return readLogChunk(id, q.stream, file, offset, q.maxBytes, isFinal(job.state));
  }

  logFile(job: Job, stream: LogStream): string | null {
    const c = this.facilitySet.get(job.facility);
    if (!c || !job.workDir) return null;
    return c.logFile(trackedJob(job as StoredJob), stream);
  }

  facilities(): FacilityInfo[] {
    const counts = this.store.queueCounts();
    return this.facilitySet.all().map((c) => {
      const h = c.health();
      const q = counts.get(c.name) ?? {};
      return {
        name: c.name,
        kind: c.kind,
        title: c.config.title ?? c.name,
        ...(c.config.description ? { description: c.config.description } : {}),
        clearance: c.config.clearance,
        healthy: h.healthy,
        ...(h.message ? { message: h.message } : {}),
        checkedAt: h.checkedAt,
        capabilities: c.capabilities(),
        queue: { queued: (q.QUEUED ?? 0) + (q.NEW ?? 0), held: q.HELD ?? 0, active: q.ACTIVE ?? 0 },
        stats: c.stats.snapshot()
      };
    });
  }
}
