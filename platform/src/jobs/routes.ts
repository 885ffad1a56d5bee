import type { FastifyInstance } from 'fastify';
import { IDEMPOTENCY_HEADER, parseOrThrow, routePath, routes } from '@genesis-lab/contract';
import { addRoute } from '../http/route';
import type { JobService } from './service';

/** The jobs and facilities routes of the contract's table. */
export function registerJobRoutes(app: FastifyInstance, jobs: JobService): void {
  addRoute(app, routes.facilities, () => ({ facilities: jobs.reads.facilities() }));
  addRoute(app, routes.refreshFacilities, () => jobs.refresh());

  addRoute(app, routes.submitJob, async ({ body, principal, req, reply }) => {
    const headers = parseOrThrow(
      routes.submitJob.headers,
      { [IDEMPOTENCY_HEADER]: req.headers[IDEMPOTENCY_HEADER] },
      'headers'
    );
    const { job, created } = await jobs.submissions.submit(body, principal, headers[IDEMPOTENCY_HEADER]);
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
  addRoute(app, routes.cancelJob, ({ params, principal }) => jobs.submissions.cancel(params.id, principal));
  addRoute(app, routes.releaseJob, ({ params, principal }) => jobs.submissions.release(params.id, principal));
}
