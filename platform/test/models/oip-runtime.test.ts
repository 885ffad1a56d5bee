import * as fs from 'node:fs';
import * as path from 'node:path';
import { RecordBatch, makeVector } from 'apache-arrow';
import Fastify from 'fastify';
import {
  GenesisError,
  ModelSignature,
  type ModelSignatureInput,
  type OipEndpointsFileInput
} from '@genesis-lab/contract';
import {
  authedFetch,
  describeWithService,
  planeCardFile,
  planeSignature,
  publishPlaneModel,
  startPlatformProcess,
  trainPlaneModel,
  mlserverInstalled,
  removeTempDirs,
  startMlserver,
  tempDir,
  type MlserverProcess,
  type PlaneModel
} from '@genesis-lab/test-support';
import { PlatformConfig } from '../../src/config';
import { Home } from '../../src/home';
import type { LoadRequest, ModelRuntime } from '../../src/models/runtime';
import { OipRuntime } from '../../src/models/runtimes/oip';

/**
 * The `oip` runtime against a real MLServer (mlserver-sklearn) serving a scikit-learn model this
 * test trains with a fixed seed; its answers are held to scikit-learn's own predictions for the
 * same rows (printed by the training script) and, where the platform has it, to the onnx runtime
 * on the ONNX export of the same fit.
 */
const ROWS: [number, number][] = [
  [1, 2],
  [3, 4],
  [-7.5, 0.25],
  [0, 0],
  [9.75, -10]
];

// MLServer's scikit-learn runtime names its output tensor "predict".
const signature = (over: Partial<ModelSignatureInput> = {}): ModelSignature =>
  ModelSignature.parse({ ...planeSignature('predict'), ...over });

const request = (sig: ModelSignature, model = 'plane', endpoint = 'mls'): LoadRequest => ({
  id: 'test/plane',
  version: '1',
  sha256: '0'.repeat(64),
  runtime: { kind: 'oip', endpoint, model },
  signature: sig
});

const batchOf = (rows: [number, number][]) =>
  new RecordBatch({
    x0: makeVector(Float64Array.from(rows.map((r) => r[0]))).data[0]!,
    x1: makeVector(Float64Array.from(rows.map((r) => r[1]))).data[0]!
  });

async function failure(p: Promise<unknown>): Promise<GenesisError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(GenesisError);
    return e as GenesisError;
  }
  throw new Error('did not fail');
}

describeWithService(
  'MLServer (requirements-test.txt)',
  mlserverInstalled,
  'oip runtime against a real MLServer',
  () => {
    let mls: MlserverProcess;
    let runtime: ModelRuntime;
    let expected: number[];
    let model: PlaneModel;
    let home: Home;
    const writeEndpoints = (file: OipEndpointsFileInput) =>
      fs.writeFileSync(path.join(home.root, 'model-endpoints.json'), JSON.stringify(file));

    beforeAll(async () => {
      model = trainPlaneModel(tempDir('genesis-oip-model-'), ROWS);
      expected = model.predicted;
      mls = await startMlserver([
        {
          name: 'plane',
          joblibPath: model.joblibPath,
          inputs: [{ name: 'x', datatype: 'FP64', shape: [-1, 2] }],
          outputs: [{ name: 'predict', datatype: 'FP64', shape: [-1, 1] }]
        }
      ]);
      home = new Home(tempDir('genesis-oip-home-')).ensure();
      writeEndpoints({ endpoints: { mls: { url: mls.url, timeoutMs: 10000 } } });
      runtime = new OipRuntime({
        home,
        config: PlatformConfig.parse({ home: home.root }),
        log: Fastify({ logger: false }).log
      });
    }, 120000);

    afterAll(async () => {
      await mls?.stop();
      removeTempDirs();
    });

    it('inspects the served model: its metadata fits the signature', async () => {
      const meta = await runtime.inspect(request(signature()));
      expect(meta.inputs).toEqual([{ name: 'x', type: 'float64', shape: [-1, 2] }]);
      expect(meta.outputs).toEqual([{ name: 'predict', type: 'float64', shape: [-1, 1] }]);
      expect(meta.details).toMatchObject({ endpoint: 'mls', model: 'plane' });
    });

    it('predicts what scikit-learn predicts for the same rows, row-aligned', async () => {
      const loaded = await runtime.load(request(signature()));
      const out = await loaded.predict(batchOf(ROWS));
      expect(out.numRows).toBe(ROWS.length);
      expect(out.schema.fields.map((f) => f.name)).toEqual(['z']);
      const z = [...out.getChild('z')!.toArray()] as number[];
      z.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
      await loaded.dispose();
    });

    it('through the platform: an oip version (MLServer) answers what the onnx version of the same fit answers', async () => {
      const platform = await startPlatformProcess();
      try {
        fs.writeFileSync(
          path.join(platform.home, 'model-endpoints.json'),
          JSON.stringify({ endpoints: { mls: { url: mls.url, timeoutMs: 10000 } } })
        );
        await publishPlaneModel(platform, model, 'test/plane-onnx');
        await publishPlaneModel(
          platform,
          model,
          'test/plane-oip',
          planeCardFile({
            signature: planeSignature('predict'),
            runtime: { kind: 'oip', endpoint: 'mls', model: 'plane' }
          })
        );
        const infer = async (name: string) => {
          const r = await authedFetch(platform, `/v2/models/${name}/infer`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              inputs: [{ name: 'x', shape: [ROWS.length, 2], datatype: 'FP64', data: ROWS.flat() }]
            })
          });
          expect(r.status).toBe(200);
          return ((await r.json()) as { outputs: { data: number[] }[] }).outputs[0]!.data;
        };
        const viaOnnx = await infer('test~plane-onnx');
        const viaOip = await infer('test~plane-oip');
        expect(viaOnnx).toHaveLength(ROWS.length);
        viaOnnx.forEach((v, i) => {
          expect(viaOip[i]).toBeCloseTo(v, 12);
          expect(v).toBeCloseTo(expected[i]!, 9);
        });
        const meta = (await (await authedFetch(platform, '/v2/models/test~plane-oip')).json()) as { platform: string };
        expect(meta.platform).toBe('genesis-lab/oip');
      } finally {
        await platform.stop();
      }
    }, 60000);

    it('refuses a model whose server metadata is another signature, naming the tensor and both sides', async () => {
      const e = await failure(
        runtime.load(
          request(
            signature({
              inputs: [
                { name: 'x0', type: 'float32', tensor: 'x', index: 0 },
                { name: 'x1', type: 'float32', tensor: 'x', index: 1 },
                { name: 'x2', type: 'float32', tensor: 'x', index: 2 }
              ]
            })
          )
        )
      );
      expect(e.status).toBe(422);
      expect(e.message).toMatch(/model "plane" on OIP endpoint "mls" .* has another signature than test\/plane/);
      expect(e.message).toMatch(/input "x" is FP64 on the server, FP32 \[-1, 3\] in the signature/);
      expect(e.message).toMatch(/input "x" has shape \[-1, 2\] on the server/);
      const o = await failure(
        runtime.load(request(signature({ outputs: [{ name: 'z', type: 'float64', tensor: 'y' }] })))
      );
      expect(o.message).toMatch(
        /the server has no output "y" \(the signature wants FP64 \[-1, 1\]; the server's outputs: "predict"\)/
      );
    });

    it('says a model the server does not serve is not ready, and an endpoint not configured is not called', async () => {
      const e = await failure(runtime.load(request(signature(), 'nope')));
      expect(e.message).toMatch(/The model "nope" on OIP endpoint "mls" .* is not ready/);
      const n = await failure(runtime.load(request(signature(), 'plane', 'elsewhere')));
      expect(n.status).toBe(422);
      expect(n.message).toBe('No OIP endpoint "elsewhere" is configured on this platform');
      expect(n.suggestions).toEqual(['mls']);
    });

    it('refuses an endpoints file that is not valid, naming the field', async () => {
      fs.writeFileSync(
        path.join(home.root, 'model-endpoints.json'),
        JSON.stringify({ endpoints: { bad: { url: 'file:///etc/passwd' } } })
      );
      try {
        const e = await failure(runtime.load(request(signature(), 'plane', 'bad')));
        expect(e.status).toBe(400);
        expect(e.message).toMatch(
          /model endpoints file .* at endpoints\.bad\.url: must be an http:\/\/ or https:\/\/ URL/
        );
      } finally {
        writeEndpoints({ endpoints: { mls: { url: mls.url, timeoutMs: 10000 } } });
      }
    });

    it('a loaded model whose server went down fails predict with "not reachable", not a hang', async () => {
      const loaded = await runtime.load(request(signature()));
      await mls.stop();
      const e = await failure(loaded.predict(batchOf(ROWS)));
      expect(e.status).toBe(503);
      expect(e.message).toMatch(
        /OIP endpoint "mls" .* is not reachable \(POST \/v2\/models\/plane\/infer: ECONNREFUSED/
      );
    });
  }
);
