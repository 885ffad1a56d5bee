import * as fs from 'node:fs';
import * as path from 'node:path';
import { OWNER, isFinal, ReproducibilityReport, type Job } from '@genesis-lab/contract';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { IdentityStore } from '../access/identity-store';
import type { Home } from '../home';
import type { JobService } from '../jobs/service';
import { writeFileAtomic } from '../util/atomic';
import type { ProvenanceStore } from './store';

/** Where platform-started reproductions keep their files: `$GENESIS_HOME/reproductions/<id>/`. */
export const REPRODUCTIONS_DIR = 'reproductions';
/** The job's spec (0600, it holds the reproduction's token): removed when the reproduction ends. */
export const REPRODUCTION_SPEC_FILE = 'reproduction.json';
/** What ending the reproduction must undo (no secret): its token's id and the job, once submitted. */
const PENDING_FILE = 'pending-cleanup.json';

const Pending = z.object({ tokenId: z.string().min(1), jobId: z.string().min(1).optional() }).strict();
type Pending = z.infer<typeof Pending>;

export interface CleanupDeps {
  home: Home;
  store: ProvenanceStore;
  identity: IdentityStore;
  jobs: () => JobService | undefined;
  log?: FastifyBaseLogger;
}

/**
 * The end of a platform-started reproduction, whichever way it ends (the job completed, failed
 * or was canceled, or it was found ended after a platform restart): the spec file is removed,
 * the reproduction's token revoked, and a report the job never finished is recorded as failed.
 * Idempotent: what `pending-cleanup.json` names is undone once, and the file goes last.
 */
export class ReproductionCleanup {
  constructor(private readonly deps: CleanupDeps) {}

  dir(reproductionId: string): string {
    return path.join(this.deps.home.root, REPRODUCTIONS_DIR, reproductionId);
  }

  /** Remember what to undo, before the token is written anywhere else. */
  remember(reproductionId: string, pending: Pending): void {
    writeFileAtomic(path.join(this.dir(reproductionId), PENDING_FILE), JSON.stringify(Pending.parse(pending)));
  }

  /** Note its job once submitted (for a restart's reconcile); ended already (a quick job): nothing to note. */
  noteJob(reproductionId: string, job: Job): void {
    const file = path.join(this.dir(reproductionId), PENDING_FILE);
    const pending = this.pending(file);
    if (!pending) return;
    if (isFinal(job.state)) this.end(reproductionId, job);
    else this.remember(reproductionId, { ...pending, jobId: job.id });
  }

  private pending(file: string): Pending | undefined {
    try {
      return Pending.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    } catch {
      return undefined; // already ended, or never got as far as a token
    }
  }

  /** End a reproduction: spec gone, token revoked, an unfinished report recorded failed. */
  end(reproductionId: string, job?: Job, why?: string): void {
    const dir = this.dir(reproductionId);
    const pendingFile = path.join(dir, PENDING_FILE);
    fs.rmSync(path.join(dir, REPRODUCTION_SPEC_FILE), { force: true });
    const pending = this.pending(pendingFile);
    if (pending) {
      try {
        this.deps.identity.revokeToken(OWNER, pending.tokenId);
      } catch (err) {
        this.deps.log?.warn({ err, reproductionId }, 'revoking the reproduction token failed');
      }
    }
    this.failUnfinished(reproductionId, job, why);
    fs.rmSync(pendingFile, { force: true });
  }

  private failUnfinished(reproductionId: string, job: Job | undefined, why: string | undefined): void {
    let report: ReproducibilityReport;
    try {
      report = this.deps.store.getReproduction(reproductionId);
    } catch {
      return;
    }
    if (report.state !== 'running') return;
    const message =
      why ??
      `the reproduction job ${job?.id ?? ''} ended ${job?.state ?? 'unseen'}${job?.reason ? ` (${job.reason})` : ''} without a report`;
    this.deps.store.putReproduction(
      ReproducibilityReport.parse({
        ...report,
        ...(job ? { jobId: job.id } : {}),
        state: 'failed',
        message,
        endedAt: new Date().toISOString(),
        reproducible: false
      })
    );
  }

  /** End each reproduction whose job ends from now on. */
  watch(jobs: JobService): void {
    jobs.observations.on('update', ({ job }) => {
      const id = job.spec.tags.reproductionId;
      if (job.spec.tags.genesis !== 'reproduction' || !id || !isFinal(job.state)) return;
      try {
        this.end(id, job);
      } catch (err) {
        this.deps.log?.warn({ err, reproductionId: id }, 'ending a reproduction failed');
      }
    });
  }

  /**
   * After a restart: end every reproduction still pending whose job ended meanwhile, is
   * unknown, or was never submitted (the platform stopped between spec and submit).
   */
  reconcile(): void {
    const root = path.join(this.deps.home.root, REPRODUCTIONS_DIR);
    let ids: string[];
    try {
      ids = fs.readdirSync(root);
    } catch {
      return;
    }
    for (const id of ids) {
      const file = path.join(root, id, PENDING_FILE);
      if (!fs.existsSync(file)) {
        // A spec without anything pending is a leftover of an ended reproduction (or an older platform's).
        fs.rmSync(path.join(root, id, REPRODUCTION_SPEC_FILE), { force: true });
        continue;
      }
      const pending = this.pending(file);
      let job: Job | undefined;
      try {
        job = pending?.jobId ? this.deps.jobs()?.reads.get(pending.jobId, OWNER) : undefined;
      } catch {
        job = undefined;
      }
      if (job && !isFinal(job.state)) continue; // still running: its end is watched
      this.end(id, job, job ? undefined : 'the platform stopped before the reproduction job was known to have run');
    }
  }
}
