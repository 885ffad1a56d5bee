import type { FastifyInstance } from 'fastify';
import { GenesisError, routes, type Job, type ModelDataRef } from '@genesis-lab/contract';
import { jobFile } from '../ingest/publishing';
import type { JobService } from '../jobs/service';
import { addRoute } from '../http/route';
import type { ProvenanceStore } from '../provenance/store';
import type { ModelService } from './service';

export interface JobModelPublishDeps {
  models: ModelService;
  jobs?: JobService;
  provenance?: ProvenanceStore;
}

/**
 * `POST /api/jobs/{id}/publish-model`: a model trained by a Genesis job. The weights file the
 * completed job left (confined to its directory, as `job.publish` for datasets) goes through the
 * registry's one publish path (role check, signature inspection, one transaction); the version
 * names the job as its generator, and provenance records the generation, so the impact of the
 * dataset version the job staged in lists the model version.
 */
export function registerJobModelRoutes(app: FastifyInstance, deps: JobModelPublishDeps): void {
  addRoute(app, routes.publishJobModel, async ({ params, body, principal, reply }) => {
    if (!deps.jobs) throw new GenesisError('not_found', 'This platform runs no jobs');
    const job = deps.jobs.reads.get(params.id, principal);
    if (job.state !== 'COMPLETED')
      throw new GenesisError(
        'conflict',
        `Job ${job.id} is ${job.state}: only a completed job's files can be published`,
        {
          hint: job.state === 'FAILED' ? 'Its stderr says why it failed' : 'Wait for it to complete (job.wait())'
        }
      );
    if (!job.workDir) throw new GenesisError('not_found', `Job ${job.id} has no directory on this platform`);
    const file = jobFile(job.workDir, body.file);
    const { file: _file, model, ...cardFile } = body;
    const trainedOn = cardFile.origin.trainedOn.length ? cardFile.origin.trainedOn : stagedDatasets(job);
    const published = await deps.models.registry.publishFile(
      model,
      file,
      { ...cardFile, origin: { ...cardFile.origin, jobId: job.id, trainedOn } },
      principal
    );
    const v = published.version;
    deps.provenance?.recordGeneration({ dataset: { id: model, version: v.version }, jobId: job.id }, v.sha256);
    void reply.code(published.created ? 201 : 200).send(v);
    return undefined;
  });
}

/** The catalog datasets a job staged in, as the data a model it trained was trained on. */
function stagedDatasets(job: Job): ModelDataRef[] {
  return job.spec.stageIn.flatMap((s) =>
    'dataset' in s ? [{ ref: s.dataset, description: `staged in as ${s.target} (${s.format})` }] : []
  );
}
