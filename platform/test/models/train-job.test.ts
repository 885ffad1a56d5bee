import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ImpactAnswer, Job, ModelCardFileInput, ModelVersion } from '@genesis-lab/contract';
import { JobsClient } from '@genesis-lab/client';
import {
  REPO_ROOT,
  authedFetch,
  exampleIngestArgs,
  runCli,
  runCliOk,
  startPlatformProcess,
  tempHome,
  untilFinal,
  type PlatformProcess
} from '@genesis-lab/test-support';

/**
 * The example model trained as a Genesis job on the local facility: the job stages in the pinned
 * dataset version as CSV and runs the seeded script; POST /api/jobs/{id}/publish-model publishes
 * the ONNX it left as a model version whose generator is the job. A real platform process, real
 * jobs, real scikit-learn/skl2onnx and onnxruntime (which inspects the weights at publish).
 */

const EXAMPLE = path.join(REPO_ROOT, 'platform/seed/models/co2-trend');
const DATA = 'noaa/mauna-loa-co2@3.2.1';
const python = path.join(REPO_ROOT, '.venv/bin/python');
const hasSklearn =
  fs.existsSync(python) && spawnSync(python, ['-c', 'import sklearn, skl2onnx'], { encoding: 'utf8' }).status === 0;

let p: PlatformProcess;
let home: string;
let jobs: JobsClient;

/** The example card file, without the datasets it names: the job's stage-in must supply them. */
function cardFile(): ModelCardFileInput {
  const card = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'card.json'), 'utf8')) as ModelCardFileInput;
  return { ...card, origin: { script: 'platform/seed/models/co2-trend/train.py', seed: 20260301, trainedOn: [] } };
}

async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const r = await authedFetch(p, url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  });
  return { status: r.status, json: await r.json() };
}

async function trainingJob(args: string[] = [path.join(EXAMPLE, 'train.py'), 'co2.csv', 'out']): Promise<Job> {
  const { job } = await jobs.submit({
    name: 'train climate/co2-trend',
    facility: 'local',
    executable: python,
    arguments: args,
    environment: { PYTHONHASHSEED: '0' },
    stageIn: [{ dataset: DATA, target: 'co2.csv', format: 'csv' }]
  });
  return untilFinal(jobs, job.id, 120_000);
}

if (!hasSklearn) {
  const why = 'scikit-learn/skl2onnx are not in .venv (scripts/setup --test installs requirements-test.txt)';
  if (process.env.GENESIS_REQUIRE_SERVICES === '1') it('needs scikit-learn', () => fail(why));
  else {
    console.warn(`skipping the training-job test: ${why}`);
    it.skip(`needs scikit-learn: ${why}`, () => undefined);
  }
} else {
  beforeAll(async () => {
    home = tempHome('genesis-train-job-');
    runCliOk(exampleIngestArgs(home, 'noaa-mauna-loa-co2'));
    p = await startPlatformProcess({ home });
    jobs = new JobsClient(p);
  }, 120_000);

  afterAll(async () => {
    await p?.stop();
  });

  describe('training the example model as a job', () => {
    let job: Job;
    let version: ModelVersion;

    it('the job stages in the pinned dataset version and runs the seeded script; its ONNX is published with the job as generator', async () => {
      job = await trainingJob();
      expect(job.state).toBe('COMPLETED');
      const r = await post(`/api/jobs/${job.id}/publish-model`, {
        ...cardFile(),
        file: 'out/model.onnx',
        model: 'climate/co2-trend'
      });
      expect(r.status).toBe(201);
      version = r.json as ModelVersion;
      expect(version.version).toBe('1.0.0');
      expect(version.origin.jobId).toBe(job.id);
      // The card named no training data: the job's stage-in is what it was trained on, digest pinned.
      const dataset = (await (await authedFetch(p, '/api/datasets/noaa/mauna-loa-co2/versions/3.2.1')).json()) as {
        sha256: string;
      };
      expect(version.origin.trainedOn).toEqual([
        expect.objectContaining({ ref: DATA, sha256: dataset.sha256, description: 'staged in as co2.csv (csv)' })
      ]);
      // The record shows it too (the model view's "Trained by job" reads origin.jobId).
      const record = (await (await authedFetch(p, '/api/models/climate/co2-trend')).json()) as {
        versions: ModelVersion[];
      };
      expect(record.versions[0]!.origin.jobId).toBe(job.id);
    }, 180_000);

    it('the weights are byte-identical to a direct run of the script on the same data (and to the committed model.onnx)', async () => {
      const weights = Buffer.from(
        await (await authedFetch(p, `/api/models/climate/co2-trend/versions/${version.version}/weights`)).arrayBuffer()
      );
      const dir = fs.mkdtempSync(path.join(home, 'direct-'));
      const csv = await (await authedFetch(p, '/api/datasets/noaa/mauna-loa-co2/versions/3.2.1/csv')).text();
      fs.writeFileSync(path.join(dir, 'co2.csv'), csv);
      const direct = spawnSync(python, [path.join(EXAMPLE, 'train.py'), path.join(dir, 'co2.csv'), dir], {
        encoding: 'utf8',
        env: { ...process.env, HOME: dir, TMPDIR: dir }
      });
      expect(direct.stderr).toBe('');
      expect(weights.equals(fs.readFileSync(path.join(dir, 'model.onnx')))).toBe(true);
      expect(weights.equals(fs.readFileSync(path.join(EXAMPLE, 'model.onnx')))).toBe(true);
    }, 60_000);

    it("the dataset version's impact lists the job and the model version it generated", async () => {
      const r = await authedFetch(p, '/api/provenance/impact/noaa/mauna-loa-co2/3.2.1');
      expect(r.status).toBe(200);
      const impact = (await r.json()) as ImpactAnswer;
      expect(impact.jobs.map((j) => j.jobId)).toContain(job.id);
      expect(impact.derived).toContainEqual(
        expect.objectContaining({
          id: 'climate/co2-trend',
          version: version.version,
          sha256: version.sha256,
          jobId: job.id
        })
      );
    });

    it('publishing the same weights again answers 200 with the same version; bad requests are refused naming what was wrong', async () => {
      const again = await post(`/api/jobs/${job.id}/publish-model`, {
        ...cardFile(),
        file: 'out/model.onnx',
        model: 'climate/co2-trend'
      });
      expect(again.status).toBe(200);
      expect((again.json as ModelVersion).sha256).toBe(version.sha256);

      const outside = await post(`/api/jobs/${job.id}/publish-model`, {
        ...cardFile(),
        file: '../../outside.onnx',
        model: 'climate/co2-trend'
      });
      expect(outside.status).toBe(400);
      expect(JSON.stringify(outside.json)).toMatch(/outside the job's directory/);

      const notOnnx = await post(`/api/jobs/${job.id}/publish-model`, {
        ...cardFile(),
        version: '9',
        file: 'co2.csv',
        model: 'climate/co2-trend'
      });
      expect(notOnnx.status).toBe(422);
      const versions = (await (await authedFetch(p, '/api/models/climate/co2-trend/versions')).json()) as {
        versions: ModelVersion[];
      };
      expect(versions.versions.map((v) => v.version)).toEqual(['1.0.0']);

      const unknownField = await post(`/api/jobs/${job.id}/publish-model`, {
        ...cardFile(),
        file: 'out/model.onnx',
        model: 'climate/co2-trend',
        weights: 'x'
      });
      expect(unknownField.status).toBe(400);
    });

    it('genesis models train does it from the command line: the job, then the version it generated', async () => {
      const r = runCli(
        ['models', 'train', EXAMPLE, '--id', 'climate/co2-trend-cli', '--python', python, '--home', home, '--json'],
        { GENESIS_URL: '', GENESIS_TOKEN: '' },
        180_000
      );
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(/Training climate\/co2-trend-cli on noaa\/mauna-loa-co2@3\.2\.1 as job \S+ \(local\)/);
      const out = JSON.parse(r.stdout) as { jobId: string; version: ModelVersion };
      expect(out.version.origin.jobId).toBe(out.jobId);
      expect(out.version.sha256).toBe(version.sha256);
      const trained = (await (await authedFetch(p, `/api/jobs/${out.jobId}`)).json()) as Job;
      expect(trained.state).toBe('COMPLETED');
      expect(trained.spec.stageIn).toEqual([{ dataset: DATA, target: 'data.csv', format: 'csv' }]);
    }, 200_000);

    it('a job that failed cannot publish (409, saying so)', async () => {
      const failed = await trainingJob([path.join(EXAMPLE, 'train.py')]);
      expect(failed.state).toBe('FAILED');
      const r = await post(`/api/jobs/${failed.id}/publish-model`, {
        ...cardFile(),
        file: 'out/model.onnx',
        model: 'climate/co2-trend'
      });
      expect(r.status).toBe(409);
      expect(JSON.stringify(r.json)).toMatch(/is FAILED: only a completed job's files can be published/);
    }, 180_000);
  });
}
