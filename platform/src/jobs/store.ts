import {
  FINAL_STATES,
  DEFAULT_PROJECT,
  GenesisError,
  JOB_STATES,
  type JobSpec,
  canTransition,
  isFinal,
  type Job,
  type JobList,
  type JobListQuery,
  type JobReason,
  type JobState,
  type JobStateEvent
} from '@genesis-lab/contract';
import type { Db } from '../db/database';
import type { Observation } from '../facilities/connector';
import { PageCursor } from '../http/page-cursor';

export interface NewJob {
  id: string;
  facility: string;
  owner: string;
  spec: JobSpec;
  specHash: string;
  idempotencyKey?: string;
  workDir: string;
  at: string;
  /** Record the submission as attempted in the same transaction (it is sent right after). */
  attempted?: boolean;
}

/** Internal fields the service needs beside the public `Job`. */
export interface StoredJob extends Job {
  submitAttempts: number;
  cancelRequested: boolean;
  specHash: string;
}

interface JobRow {
  id: string;
  facility: string;
  owner: string;
  name: string;
  spec: string;
  spec_hash: string;
  idempotency_key: string | null;
  native_id: string | null;
  state: JobState;
  exit_code: number | null;
  reason: JobReason | null;
  message: string | null;
  native_state: string | null;
  native_reason: string | null;
  work_dir: string | null;
  submit_attempts: number;
  cancel_requested: number;
  outputs: string;
  created_at: string;
  submitted_at: string | null;
  started_at: string | null;
  ended_at: string | null;
  updated_at: string;
}

interface EventRow {
  job_id: string;
  seq: number;
  state: JobState;
  at: string;
  message: string | null;
  exit_code: number | null;
  reason: JobReason | null;
  native_state: string | null;
  native_reason: string | null;
}

function eventOf(r: EventRow): JobStateEvent {
  return {
    jobId: r.job_id,
    seq: r.seq,
    state: r.state,
    at: r.at,
    ...(r.message !== null ? { message: r.message } : {}),
    ...(r.exit_code !== null ? { exitCode: r.exit_code } : {}),
    ...(r.reason !== null ? { reason: r.reason } : {}),
    ...(r.native_state !== null ? { nativeState: r.native_state } : {}),
    ...(r.native_reason !== null ? { nativeReason: r.native_reason } : {})
  };
}

/** Job cursors (newest first: the rowid of the last job of a page) belong to the filters they were issued for. */
const jobCursor = new PageCursor<JobListQuery>(['facility', 'state', 'tag', 'updatedSince'], (q) => [
  q.facility ?? '',
  [...new Set(q.state ?? [])].sort(),
  q.tag ?? '',
  q.updatedSince ?? ''
]);

/** The contract's final and open states as SQL lists (the same text as the `jobs_open` index's condition). */
const sqlList = (states: Iterable<JobState>) => [...states].map((s) => `'${s}'`).join(', ');
const FINAL_SQL = sqlList(FINAL_STATES);
const OPEN_SQL = sqlList(JOB_STATES.filter((s) => !isFinal(s)));

/**
 * Jobs and their state events in SQLite. Transitions are checked (forward only) and each one
 * is an event row, written in the same transaction as the job row it changes.
 */
export class JobStore {
  private readonly s;
  /** Prepared UPDATEs by the columns they set (a handful of shapes). */
  private readonly updates = new Map<string, import('better-sqlite3').Statement>();

  constructor(private readonly db: Db) {
    this.s = {
      byId: db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?'),
      byKey: db.prepare<[string, string], JobRow>('SELECT * FROM jobs WHERE owner = ? AND idempotency_key = ?'),
      events: db.prepare<[string], EventRow>('SELECT * FROM job_events WHERE job_id = ? ORDER BY seq'),
      insert: db.prepare(
        `INSERT INTO jobs (id, facility, owner, name, spec, spec_hash, idempotency_key, state, work_dir, tags, submit_attempts, created_at, updated_at)
         VALUES (@id, @facility, @owner, @name, @spec, @specHash, @idempotencyKey, 'NEW', @workDir, @tags, @attempts, @at, @at)`
      ),
      insertEvent: db.prepare(
        `INSERT INTO job_events (job_id, seq, state, at, message, exit_code, reason, native_state, native_reason)
         VALUES (@jobId, @seq, @state, @at, @message, @exitCode, @reason, @nativeState, @nativeReason)`
      ),
      maxSeq: db.prepare<[string], { s: number | null }>('SELECT MAX(seq) AS s FROM job_events WHERE job_id = ?'),
      open: db.prepare<[], JobRow>(`SELECT * FROM jobs WHERE state NOT IN (${FINAL_SQL}) ORDER BY rowid`),
      setNative: db.prepare('UPDATE jobs SET native_id = ?, updated_at = ? WHERE id = ?'),
      setNativeStatus: db.prepare('UPDATE jobs SET native_state = ?, native_reason = ? WHERE id = ?'),
      attempt: db.prepare(
        'UPDATE jobs SET submit_attempts = submit_attempts + 1, submitted_at = COALESCE(submitted_at, ?), updated_at = ? WHERE id = ?'
      ),
      cancel: db.prepare('UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ?'),
      outputs: db.prepare('UPDATE jobs SET outputs = ?, updated_at = ? WHERE id = ?'),
      counts: db.prepare<[], { facility: string; state: JobState; n: number }>(
        `SELECT facility, state, COUNT(*) AS n FROM jobs WHERE state IN (${OPEN_SQL}) GROUP BY facility, state`
      )
    };
  }

  /**
   * Insert a NEW job (and its NEW event), or return the job already stored under the same
   * owner + idempotency key. One transaction: two clients racing with one key get one job.
   */
  /**
   * `onCreated` runs inside the creating transaction (e.g. the audit entry of the submission),
   * so the job and what records it commit together or not at all.
   */
  insertOrGet(input: NewJob, onCreated?: (job: StoredJob) => void): { job: StoredJob; created: boolean } {
    return this.db
      .transaction(() => {
        if (input.idempotencyKey) {
          const existing = this.s.byKey.get(input.owner, input.idempotencyKey);
          if (existing) {
            if (existing.spec_hash !== input.specHash)
              throw new GenesisError(
                'conflict',
                `Idempotency key "${input.idempotencyKey}" was already used for a different job spec (job ${existing.id})`,
                { hint: 'Use a new key for a different job, or resend the identical spec to get the same job back' }
              );
            return { job: this.assemble(existing), created: false };
          }
        }
        this.s.insert.run({
          id: input.id,
          facility: input.facility,
          owner: input.owner,
          name: input.spec.name,
          spec: JSON.stringify(input.spec),
          specHash: input.specHash,
          idempotencyKey: input.idempotencyKey ?? null,
          workDir: input.workDir,
          tags: JSON.stringify(input.spec.tags),
          attempts: input.attempted ? 1 : 0,
          at: input.at
        });
        this.s.insertEvent.run({
          jobId: input.id,
          seq: 0,
          state: 'NEW',
          at: input.at,
          message: 'persisted; not yet sent to the facility',
          exitCode: null,
          reason: null,
          nativeState: null,
          nativeReason: null
        });
        const job = this.assemble(this.s.byId.get(input.id)!);
        onCreated?.(job);
        return { job, created: true };
      })
      .immediate();
  }

  get(id: string): StoredJob | undefined {
    const row = this.s.byId.get(id);
    return row ? this.assemble(row) : undefined;
  }

  /** Every job not yet final, oldest first (the reconcile set). */
  openJobs(): StoredJob[] {
    return this.s.open.all().map((r) => this.assemble(r));
  }

  /** `visible`: the owner and projects whose jobs the caller sees (policy.jobVisible); all when absent. */
  list(q: JobListQuery, visible?: { owner: string; projects: string[] }): JobList {
    const where: string[] = [];
    const args: Record<string, unknown> = {};
    if (visible) {
      const projects = visible.projects.filter((p) => p !== DEFAULT_PROJECT);
      where.push(
        projects.length
          ? `(owner = @owner OR json_extract(spec, '$.project') IN (${projects.map((_, i) => `@p${i}`).join(', ')}))`
          : 'owner = @owner'
      );
      args.owner = visible.owner;
      projects.forEach((p, i) => (args[`p${i}`] = p));
    }
    if (q.facility) {
      where.push('facility = @facility');
      args.facility = q.facility;
    }
    if (q.state?.length) {
      where.push(`state IN (${q.state.map((_, i) => `@s${i}`).join(', ')})`);
      q.state.forEach((s, i) => (args[`s${i}`] = s));
    }
    if (q.tag) {
      const eq = q.tag.indexOf('=');
      if (eq <= 0)
        throw new GenesisError('validation_failed', 'Invalid query.tag: must be "key=value"', {
          issues: [{ path: 'query.tag', message: 'must be "key=value"' }]
        });
      where.push('json_extract(tags, @tagPath) = @tagValue');
      args.tagPath = `$."${q.tag.slice(0, eq).replace(/"/g, '')}"`;
      args.tagValue = q.tag.slice(eq + 1);
    }
    if (q.updatedSince) {
      // Stored times are toISOString() text; the query's is normalised the same way to compare.
      where.push('updated_at >= @updatedSince');
      args.updatedSince = new Date(q.updatedSince).toISOString();
    }
    if (q.cursor) {
      const after = jobCursor.decode(q, q.cursor);
      if (typeof after.key !== 'number')
        throw new GenesisError('bad_request', 'Invalid cursor: it is not a job cursor');
      where.push('rowid < @cursor');
      args.cursor = after.key;
    }
    const sql = `SELECT rowid AS _rowid, * FROM jobs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY rowid DESC LIMIT @limit`;
    const rows = this.db.prepare<Record<string, unknown>, JobRow & { _rowid: number }>(sql).all({
      ...args,
      limit: q.limit + 1
    });
    const page = rows.slice(0, q.limit);
    return {
      jobs: page.map((r) => publicJob(this.assemble(r))),
      ...(rows.length > q.limit ? { nextCursor: jobCursor.encode(q, page.at(-1)!._rowid, page.at(-1)!.id) } : {})
    };
  }

  /**
   * Apply an observation. Returns the new event when the state changed, undefined when the
   * observation says nothing new or would move the job backwards (which is refused, silently:
   * schedulers report stale states between polls).
   */
  apply(id: string, o: Observation, now: string): { job: StoredJob; event: JobStateEvent } | undefined {
    const row = this.s.byId.get(id);
    if (!row) return undefined;
    if (o.nativeState !== undefined && (o.nativeState !== row.native_state || o.nativeReason !== row.native_reason))
      this.s.setNativeStatus.run(o.nativeState, o.nativeReason ?? null, id);
    if (o.state === row.state || !canTransition(row.state, o.state)) return undefined;
    const at = o.at ?? now;
    const seq = (this.s.maxSeq.get(id)?.s ?? -1) + 1;
    const event: JobStateEvent = {
      jobId: id,
      seq,
      state: o.state,
      at,
      ...(o.message !== undefined ? { message: o.message } : {}),
      ...(o.exitCode !== undefined ? { exitCode: o.exitCode } : {}),
      ...(o.reason !== undefined ? { reason: o.reason } : {}),
      ...(o.nativeState !== undefined ? { nativeState: o.nativeState } : {}),
      ...(o.nativeReason !== undefined ? { nativeReason: o.nativeReason } : {})
    };
    this.s.insertEvent.run({
      jobId: id,
      seq,
      state: o.state,
      at,
      message: o.message ?? null,
      exitCode: o.exitCode ?? null,
      reason: o.reason ?? null,
      nativeState: o.nativeState ?? null,
      nativeReason: o.nativeReason ?? null
    });
    const sets = ['state = @state', 'updated_at = @now'];
    if (o.message !== undefined) sets.push('message = @message');
    if (o.exitCode !== undefined) sets.push('exit_code = @exitCode');
    if (o.reason !== undefined) sets.push('reason = @reason');
    if (o.state === 'ACTIVE') sets.push('started_at = COALESCE(started_at, @at)');
    if (o.state === 'QUEUED' || o.state === 'HELD') sets.push('submitted_at = COALESCE(submitted_at, @at)');
    if (isFinal(o.state)) sets.push('ended_at = @at');
    const sql = `UPDATE jobs SET ${sets.join(', ')} WHERE id = @id`;
    let update = this.updates.get(sql);
    if (!update) this.updates.set(sql, (update = this.db.prepare(sql)));
    update.run({
      id,
      state: o.state,
      now,
      at,
      message: o.message ?? null,
      exitCode: o.exitCode ?? null,
      reason: o.reason ?? null
    });
    return { job: this.assemble(this.s.byId.get(id)!), event };
  }

  /** Run several writes in one transaction (one fsync for a whole poll cycle). */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  setNativeId(id: string, nativeId: string, now: string): void {
    this.s.setNative.run(nativeId, now, id);
  }

  /** Recorded before the facility is asked, so a crash mid-submit is recognisable on restart. */
  markSubmitAttempt(id: string, now: string): void {
    this.s.attempt.run(now, now, id);
  }

  markCancelRequested(id: string, now: string): void {
    this.s.cancel.run(now, id);
  }

  setOutputs(id: string, outputs: Job['outputs'], now: string): void {
    this.s.outputs.run(JSON.stringify(outputs), now, id);
  }

  /** Jobs waiting or running per facility and state (for the facility view). */
  queueCounts(): Map<string, Partial<Record<JobState, number>>> {
    const m = new Map<string, Partial<Record<JobState, number>>>();
    for (const r of this.s.counts.all()) {
      const e = m.get(r.facility) ?? {};
      e[r.state] = r.n;
      m.set(r.facility, e);
    }
    return m;
  }

  private assemble(r: JobRow): StoredJob {
    return {
      id: r.id,
      // Validated when it was submitted and written only by us: parsed, not re-validated.
      spec: JSON.parse(r.spec) as JobSpec,
      facility: r.facility,
      nativeId: r.native_id,
      state: r.state,
      exitCode: r.exit_code,
      reason: r.reason,
      message: r.message,
      workDir: r.work_dir,
      nativeState: r.native_state,
      nativeReason: r.native_reason,
      owner: r.owner,
      createdAt: r.created_at,
      submittedAt: r.submitted_at,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      updatedAt: r.updated_at,
      history: this.s.events.all(r.id).map(eventOf),
      outputs: JSON.parse(r.outputs) as Job['outputs'],
      submitAttempts: r.submit_attempts,
      cancelRequested: r.cancel_requested === 1,
      specHash: r.spec_hash
    };
  }
}

/** The public view of a stored job (drops the bookkeeping fields). */
export function publicJob(j: StoredJob): Job {
  const { submitAttempts: _a, cancelRequested: _c, specHash: _h, ...job } = j;
  return job;
}
