import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import {
  VENV,
  authedFetch,
  describeWithService,
  publishPlaneModel,
  removeTempDirs,
  startPlatformProcess,
  tempDir,
  trainPlaneModel,
  type PlatformProcess
} from '@genesis-lab/test-support';

/**
 * The platform serves its registered models over OIP v2: a real OIP client (NVIDIA's
 * tritonclient[http], from requirements-test.txt) reads the metadata and infers through the
 * platform's /v2 routes; the answers are held to scikit-learn's own predictions of the same fit
 * (the platform runs its ONNX export). Bad inputs get 400s naming the input and what it must be.
 */
const SUPPORT = path.join(__dirname, 'support');
const ROWS: [number, number][] = [
  [1, 2],
  [3, 4],
  [-7.5, 0.25],
  [9.75, -10]
];

function tritonclientInstalled(): { ok: boolean; why: string } {
  try {
    execFileSync(path.join(VENV, 'bin', 'python'), ['-c', 'import tritonclient.http, skl2onnx, sklearn'], {
      stdio: 'ignore',
      timeout: 60000
    });
    return { ok: true, why: 'tritonclient[http], skl2onnx and scikit-learn import' };
  } catch {
    return {
      ok: false,
      why: `tritonclient[http], skl2onnx or scikit-learn missing in ${VENV}: run scripts/setup --test`
    };
  }
}

describeWithService(
  'tritonclient[http] (requirements-test.txt)',
  tritonclientInstalled,
  'the platform serves OIP v2',
  () => {
    let platform: PlatformProcess;
    let expected: number[];

    beforeAll(async () => {
      const model = trainPlaneModel(tempDir('genesis-oip-serve-'), ROWS);
      expected = model.predicted;
      platform = await startPlatformProcess();
      await publishPlaneModel(platform, model);
    }, 120000);

    afterAll(async () => {
      await platform?.stop();
      removeTempDirs();
    });

    it('answers a real OIP client: health, metadata, infer equal to scikit-learn, 400 for BYTES, 404 for an unknown model', () => {
      const out = execFileSync(
        path.join(VENV, 'bin', 'python'),
        [path.join(SUPPORT, 'oip_client.py'), platform.url, platform.token, 'test~plane', JSON.stringify(ROWS)],
        { encoding: 'utf8', timeout: 60000 }
      );
      const seen = JSON.parse(out.trim().split('\n').pop()!) as {
        live: boolean;
        ready: boolean;
        server: { name: string };
        model_ready: boolean;
        metadata: { name: string; platform: string; inputs: unknown[]; outputs: unknown[]; versions: string[] };
        predicted: number[];
        response: { model_name: string; model_version: string };
        bad: { status: string; message: string };
        unknown: { status: string; message: string };
      };
      expect(seen.live).toBe(true);
      expect(seen.ready).toBe(true);
      expect(seen.server.name).toBe('genesis-lab');
      expect(seen.model_ready).toBe(true);
      expect(seen.metadata).toMatchObject({
        name: 'test~plane',
        platform: 'genesis-lab/onnx',
        inputs: [{ name: 'x', datatype: 'FP64', shape: [-1, 2] }],
        outputs: [{ name: 'variable', datatype: 'FP64', shape: [-1, 1] }]
      });
      expect(seen.metadata.versions).toHaveLength(1);
      expect(seen.response.model_name).toBe('test~plane');
      expect(seen.predicted).toHaveLength(ROWS.length);
      seen.predicted.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 9));
      expect(seen.bad).toEqual({
        status: '400',
        message: 'input "x" is BYTES, but it must be FP64 with shape [-1, 2]'
      });
      expect(seen.unknown.status).toBe('404');
      expect(seen.unknown.message).toMatch(/No model "nope\/nothing"/);
    });

    const infer = (body: unknown, name = 'test~plane') =>
      authedFetch(platform, `/v2/models/${name}/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body)
      });

    it('answers a wrong shape, a bad element and a missing input with 400 naming the input and what it must be', async () => {
      const cases: [unknown, RegExp][] = [
        [
          { inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP64', data: [1, 2, 3, 4, 5, 6] }] },
          /input "x" has shape \[2, 3\], but it must be FP64 with shape \[-1, 2\]/
        ],
        [
          { inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP64', data: [1, 'a'] }] },
          /input "x" is FP64, so each element must be a number; element 1 is "a"/
        ],
        [
          { inputs: [{ name: 'y', shape: [1, 2], datatype: 'FP64', data: [1, 2] }] },
          /input "x" is missing \(it must be FP64 with shape \[-1, 2\]\); the inputs given: "y"/
        ],
        [
          { inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] },
          /input "x" is FP32, but it must be FP64/
        ],
        [{ inputs: [] }, /inputs/]
      ];
      for (const [body, message] of cases) {
        const r = await infer(body);
        const j = (await r.json()) as { error: string; code: string };
        expect(r.status).toBe(400);
        expect(j.error).toMatch(message);
      }
    });

    it('infers a version by path, with nested data, echoing the request id', async () => {
      const r = await infer({
        id: 'req-1',
        inputs: [{ name: 'x', shape: [2, 2], datatype: 'FP64', data: [ROWS[0], ROWS[1]] }]
      });
      expect(r.status).toBe(200);
      const j = (await r.json()) as {
        id: string;
        model_version: string;
        outputs: { data: number[]; shape: number[] }[];
      };
      expect(j.id).toBe('req-1');
      expect(j.outputs[0]!.shape).toEqual([2, 1]);
      expect(j.outputs[0]!.data[0]).toBeCloseTo(expected[0]!, 9);
      const v = await authedFetch(platform, `/v2/models/test~plane/versions/${j.model_version}/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP64', data: ROWS[1] }] })
      });
      expect(v.status).toBe(200);
      const none = await authedFetch(platform, '/v2/models/test~plane/versions/nope/ready');
      expect(none.status).toBe(404);
    });

    it('asks for the token on model routes, not on health', async () => {
      expect((await fetch(`${platform.url}/v2/health/live`)).status).toBe(200);
      const r = await fetch(`${platform.url}/v2/models/test~plane`);
      expect(r.status).toBe(401);
      expect(((await r.json()) as { error: unknown }).error).toEqual(expect.any(String));
    });
  }
);
