import type { FastifyInstance } from 'fastify';
import { IDEMPOTENCY_HEADER, parseOrThrow, routePath, routes } from '@genesis-lab/contract';
import { addRoute } from '../http/route';
import type { JobService } from './service';
import type { AuditLog } from '../access/audit-log';

/** The jobs and facilities routes of the contract's table. */
export function registerJobRoutes(app: FastifyInstance, jobs: JobService, audit: AuditLog): void {
  addRoute(app, routes.facilities, () => ({ facilities: jobs.reads.facilities() }));
  addRoute(app, routes.refreshFacilities, () => jobs.refresh());

  addRoute(app, routes.submitJob, async ({ body, principal, req, reply }) => {
    const headers = parseOrThrow(
      routes.submitJob.headers,
      { [IDEMPOTENCY_HEADER]: req.headers[IDEMPOTENCY_HEADER] },
      'headers'
    );
    // Audited in the transaction that persists the job, before it is sent to its facility.
    const { job, created } = await jobs.submissions.submit(body, principal, headers[IDEMPOTENCY_HEADER], (created) =>
      audit.append(principal.user, 'job.submit', created.id, {
        facility: created.facility,
        project: body.project ?? null,
        stageIn: body.stageIn.flatMap((s) => ('dataset' in s ? [s.dataset] : []))
      })
    );
    // 201 for a new job, 200 when an idempotent retry returns the existing one.
    void reply
      .code(created ? 201 : 200)
      .header('location', routePath('getJob', { id: job.id }))
      .send(job);
    return undefined;
  });

  addRoute(app, routes.listJobs, ({ query, principal }) => jobs.reads.list(query, principal));
  addRoute(app, routes.getJob, ({ params, principal }) => jobs.reads.get(params.id, principal));
  addRoute(app, routes.jobLogs, ({ params, query, principal }) => jobs.reads.logs(params.id, query, principal));
  addRoute(app, routes.cancelJob, async ({ params, principal }) => {
    const job = await jobs.submissions.cancel(params.id, principal);
    audit.append(principal.user, 'job.cancel', job.id, { state: job.state });
    return job;
  });
  addRoute(app, routes.releaseJob, async ({ params, principal }) => {
    const job = await jobs.submissions.release(params.id, principal);
    audit.append(principal.user, 'job.release', job.id, { state: job.state });
    return job;
  });
}
