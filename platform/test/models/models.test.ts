import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  Field,
  Float64,
  RecordBatch,
  Schema,
  Table,
  tableFromArrays,
  tableFromIPC,
  tableToIPC,
  vectorFromArray
} from 'apache-arrow';
import {
  ARROW_META,
  ARROW_STREAM_MEDIA_TYPE,
  ErrorBody,
  MODEL_SHA256_HEADER,
  MODEL_VERSION_HEADER,
  ModelList,
  ModelRecord,
  ModelVersionList,
  SearchResult
} from '@genesis-lab/contract';
import {
  REPO_ROOT,
  authedFetch,
  exampleIngestArgs,
  runCli,
  startPlatformProcess,
  tempHome,
  type PlatformProcess
} from '@genesis-lab/test-support';

/**
 * The model registry end to end on a real platform process: the example model registered with
 * the CLI (the real ONNX file, onnxruntime-node in worker threads), its record, card exports,
 * search beside datasets, predict with Arrow IPC in and out, and every refusal the issue lists.
 */
const EXAMPLE = path.join(REPO_ROOT, 'platform/seed/models/co2-trend');

let home: string;
let p: PlatformProcess;
let registered: ReturnType<typeof runCli>;

beforeAll(async () => {
  home = tempHome('genesis-models-');
  const ingest = runCli(exampleIngestArgs(home, 'noaa-mauna-loa-co2'));
  expect(ingest.stderr).toBe('');
  registered = runCli([
    'models',
    'register',
    EXAMPLE,
    '--id',
    'climate/co2-trend',
    '--card',
    path.join(EXAMPLE, 'card.json'),
    '--home',
    home
  ]);
  p = await startPlatformProcess({ home });
}, 120000);
afterAll(async () => {
  await p?.stop();
});

async function json<T>(url: string): Promise<{ status: number; body: T }> {
  const r = await authedFetch(p, url);
  return { status: r.status, body: (await r.json()) as T };
}

async function predict(table: Table, query = ''): Promise<Response> {
  return authedFetch(p, `/api/models/climate/co2-trend/versions/latest/predict${query}`, {
    method: 'POST',
    headers: { 'content-type': ARROW_STREAM_MEDIA_TYPE },
    body: tableToIPC(table, 'stream')
  });
}

/**
 * The same, with the body streamed (chunked, no length): the platform runs it through the session
 * worker (decoded, checked and encoded there), where a small declared body runs on its main thread.
 */
async function predictStreamed(table: Table, query = ''): Promise<Response> {
  const bytes = tableToIPC(table, 'stream');
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (let at = 0; at < bytes.byteLength; at += 64 * 1024) c.enqueue(bytes.slice(at, at + 64 * 1024));
      c.close();
    }
  });
  return authedFetch(p, `/api/models/climate/co2-trend/versions/latest/predict${query}`, {
    method: 'POST',
    headers: { 'content-type': ARROW_STREAM_MEDIA_TYPE },
    body,
    duplex: 'half'
  } as RequestInit);
}

/** The signature's inputs for some months, as a cell would build them. */
function months(list: [number, number][]): Table {
  return tableFromArrays({
    decimal_year: Float64Array.from(list, ([y, m]) => y + (m - 0.5) / 12),
    month: Float64Array.from(list, ([, m]) => m)
  });
}

describe('genesis models register', () => {
  it('registers the example: digest of the file, signature printed', () => {
    expect(registered.stderr).toBe('');
    const sha = createHash('sha256')
      .update(fs.readFileSync(path.join(EXAMPLE, 'model.onnx')))
      .digest('hex');
    expect(registered.stdout).toContain(`Registered climate/co2-trend@1.0.0: onnx`);
    expect(registered.stdout).toContain(sha);
    expect(registered.stdout).toContain('decimal_year (float64, a), month (float64)');
  });

  it('refuses a file that is not ONNX, and publishes nothing', async () => {
    const bad = path.join(home, 'not-a-model.onnx');
    fs.writeFileSync(bad, 'this is not a protobuf');
    const r = runCli([
      'models',
      'register',
      bad,
      '--id',
      'climate/broken',
      '--card',
      path.join(EXAMPLE, 'card.json'),
      '--home',
      home
    ]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/not a model onnxruntime can load/);
    const missing = await json<ErrorBody>('/api/models/climate/broken');
    expect(missing.status).toBe(404);
    expect(fs.readdirSync(path.join(home, 'tmp')).filter((f) => f.startsWith('model-upload'))).toEqual([]);
  });

  it('refuses a signature that does not fit the graph, naming the tensor', () => {
    const card = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'card.json'), 'utf8')) as {
      signature: { inputs: { tensor?: string }[] };
    };
    card.signature.inputs[0]!.tensor = 'features';
    const file = path.join(home, 'wrong-card.json');
    fs.writeFileSync(file, JSON.stringify(card));
    const r = runCli(['models', 'register', EXAMPLE, '--id', 'climate/wrong', '--card', file, '--home', home]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/graph input tensor "features"/);
  });
});

describe('model routes', () => {
  it('answers the record with card, signature and pinned training data', async () => {
    const { status, body } = await json<unknown>('/api/models/climate/co2-trend');
    expect(status).toBe(200);
    const m = ModelRecord.parse(body);
    expect(m.latestVersion).toBe('1.0.0');
    expect(m.signature.outputs[0]).toMatchObject({ name: 'co2', unit: 'ppm' });
    expect(m.card.metrics.find((x) => x.split?.startsWith('held-out'))?.value).toBeGreaterThan(0);
    expect(m.card.trainingData[0]!.ref).toBe('noaa/mauna-loa-co2@3.2.1');
    expect(m.card.trainingData[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const both = await json<ModelRecord>('/api/catalog/records/climate/co2-trend');
    expect(both.body.kind).toBe('model');
    const versions = ModelVersionList.parse((await json<unknown>('/api/models/climate/co2-trend/versions')).body);
    expect(versions.versions.map((v) => v.version)).toEqual(['1.0.0']);
    expect(ModelList.parse((await json<unknown>('/api/models')).body).models.map((x) => x.id)).toEqual([
      'climate/co2-trend'
    ]);
  });

  it('unknown model or version: 404 with suggestions', async () => {
    const m = await json<ErrorBody>('/api/models/climate/co2-trnd');
    expect(m.status).toBe(404);
    expect(m.body.error.suggestions).toEqual(['climate/co2-trend']);
    const v = await json<ErrorBody>('/api/models/climate/co2-trend/versions/1.0.1');
    expect(v.status).toBe(404);
    expect(v.body.error.suggestions).toEqual(['climate/co2-trend@1.0.0']);
  });

  it('search finds the model beside the dataset, with a kind facet', async () => {
    const r = SearchResult.parse((await json<unknown>('/api/catalog/search?q=mauna%20loa%20co2')).body);
    expect(r.hits.map((h) => [h.id, h.kind]).sort()).toEqual([
      ['climate/co2-trend', 'model'],
      ['noaa/mauna-loa-co2', 'dataset']
    ]);
    expect(r.facets.kind).toEqual([
      { value: 'dataset', count: 1 },
      { value: 'model', count: 1 }
    ]);
    const only = SearchResult.parse((await json<unknown>('/api/catalog/search?q=co2&kind=model')).body);
    expect(only.hits.map((h) => h.id)).toEqual(['climate/co2-trend']);
    const byFacet = SearchResult.parse((await json<unknown>('/api/catalog/search?filter=kind:model')).body);
    expect(byFacet.hits.map((h) => h.id)).toEqual(['climate/co2-trend']);
  });

  it('exports the card as JSON-LD and as a Hugging Face README.md', async () => {
    const ld = (await (
      await authedFetch(p, '/api/models/climate/co2-trend/versions/latest/card.jsonld')
    ).json()) as Record<string, unknown>;
    expect(ld.name).toMatch(/Keeling curve/);
    expect(ld['genesis:outOfScopeUse']).toContain('Forecasting CO2 for policy or emissions accounting');
    expect((ld['genesis:trainingData'] as { url: string }[])[0]!.url).toMatch(
      /\/api\/catalog\/records\/noaa\/mauna-loa-co2\/croissant$/
    );
    const readme = await (await authedFetch(p, '/api/models/climate/co2-trend/versions/1.0.0/README.md')).text();
    const front = /^---\n([\s\S]*?)\n---\n/.exec(readme)?.[1];
    expect(front).toContain('license: "cc-by-4.0"');
    expect(front).toContain('  - "noaa/mauna-loa-co2@3.2.1"');
    expect(front).toMatch(/value: 1\.5224/);
    for (const section of [
      '## Uses',
      '### Out-of-scope use',
      '## Training data',
      '## Evaluation',
      '### Domain failure modes'
    ])
      expect(readme).toContain(section);
  });

  it('serves the weights byte for byte', async () => {
    const r = await authedFetch(p, '/api/models/climate/co2-trend/versions/latest/weights');
    const bytes = Buffer.from(await r.arrayBuffer());
    expect(bytes.equals(fs.readFileSync(path.join(EXAMPLE, 'model.onnx')))).toBe(true);
  });
});

describe('predict (Arrow IPC in, Arrow IPC out)', () => {
  it('answers row-aligned predictions close to the record, naming version and digest', async () => {
    const r = await predict(
      months([
        [2015, 1],
        [2015, 5],
        [2019, 9]
      ])
    );
    expect(r.status).toBe(200);
    expect(r.headers.get(MODEL_VERSION_HEADER)).toBe('1.0.0');
    expect(r.headers.get(MODEL_SHA256_HEADER)).toMatch(/^[0-9a-f]{64}$/);
    const out = tableFromIPC(new Uint8Array(await r.arrayBuffer()));
    expect(out.schema.fields.map((f) => f.name)).toEqual(['co2']);
    expect(out.schema.fields[0]!.metadata.get(ARROW_META.unit)).toBe('ppm');
    const co2 = Array.from(out.getChild('co2')!.toArray() as Float64Array);
    // Mauna Loa monthly means: Jan 2015 399.98, May 2015 403.94, Sep 2019 408.54 ppm; held-out RMSE is 1.5 ppm.
    [399.98, 403.94, 408.54].forEach((want, i) => expect(Math.abs(co2[i]! - want)).toBeLessThan(5));
    // May is the seasonal peak, above January of the same year.
    expect(co2[1]!).toBeGreaterThan(co2[0]!);
  });

  it('batches a large table and keeps passthrough columns row-aligned', async () => {
    const n = 200_000;
    const year = Float64Array.from({ length: n }, (_, i) => 1960 + (i % 720) / 12);
    const month = Float64Array.from({ length: n }, (_, i) => (i % 12) + 1);
    const id = Float64Array.from({ length: n }, (_, i) => i);
    const r = await predict(tableFromArrays({ decimal_year: year, month, id }), '?batchRows=50000&passthrough=id');
    expect(r.status).toBe(200);
    const out = tableFromIPC(new Uint8Array(await r.arrayBuffer()));
    expect(out.numRows).toBe(n);
    expect(out.batches.length).toBe(4);
    const ids = out.getChild('id')!.toArray() as Float64Array;
    expect(ids[123_456]).toBe(123_456);
    const co2 = out.getChild('co2')!.toArray() as Float64Array;
    expect(co2[720]).toBe(co2[0]);
  });

  it('refuses a missing column, naming it and what the signature expects', async () => {
    const r = await predict(tableFromArrays({ year: new Float64Array([2015]), month: new Float64Array([1]) }));
    expect(r.status).toBe(400);
    const e = ((await r.json()) as ErrorBody).error;
    expect(e.message).toMatch(/missing input column "decimal_year" \(expected float64 in a\)/);
  });

  it('refuses a wrong type, naming the column', async () => {
    const t = new Table({
      decimal_year: vectorFromArray(['2015.04']),
      month: vectorFromArray(new Float64Array([1]))
    });
    const r = await predict(t);
    expect(r.status).toBe(400);
    expect(((await r.json()) as ErrorBody).error.message).toMatch(
      /column "decimal_year" is .*utf8.*, but the model expects float64/
    );
  });

  it('refuses a wrong unit from the field metadata', async () => {
    const schema = new Schema([
      new Field('decimal_year', new Float64(), false, new Map([[ARROW_META.unit, 'd']])),
      new Field('month', new Float64(), false)
    ]);
    const t = tableFromArrays({ decimal_year: new Float64Array([2015]), month: new Float64Array([1]) });
    const withUnits = new Table(t.batches.map((b) => new RecordBatch(schema, b.data)));
    const r = await predict(withUnits);
    expect(r.status).toBe(400);
    expect(((await r.json()) as ErrorBody).error.message).toMatch(
      /column "decimal_year" is in d, but the model expects a/
    );
  });

  it('refuses nulls in a non-nullable input; NaN passes through as NaN', async () => {
    const withNull = new Table({
      decimal_year: vectorFromArray([2015.04, null], new Float64()),
      month: vectorFromArray(new Float64Array([1, 2]))
    });
    const r = await predict(withNull);
    expect(r.status).toBe(400);
    expect(((await r.json()) as ErrorBody).error.message).toMatch(/column "decimal_year" has 1 null value/);
    const nan = await predict(
      tableFromArrays({ decimal_year: new Float64Array([Number.NaN]), month: new Float64Array([1]) })
    );
    expect(nan.status).toBe(200);
    const out = tableFromIPC(new Uint8Array(await nan.arrayBuffer()));
    expect(Number.isNaN(out.getChild('co2')!.get(0))).toBe(true);
  });

  it('refuses an empty table and a body that is not Arrow', async () => {
    const empty = await predict(months([]));
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as ErrorBody).error.message).toMatch(/input table is empty/);
    const garbage = await authedFetch(p, '/api/models/climate/co2-trend/versions/latest/predict', {
      method: 'POST',
      headers: { 'content-type': ARROW_STREAM_MEDIA_TYPE },
      body: 'not arrow at all'
    });
    expect(garbage.status).toBe(400);
    // A stream cut short (its schema, then part of a batch, then the end) is the client's input, not a 500.
    const whole = tableToIPC(months([[2015, 1]]), 'stream');
    for (const cut of [whole.length - 40, 200]) {
      const truncated = await authedFetch(p, '/api/models/climate/co2-trend/versions/latest/predict', {
        method: 'POST',
        headers: { 'content-type': ARROW_STREAM_MEDIA_TYPE },
        body: whole.slice(0, cut)
      });
      expect(truncated.status).toBe(400);
      expect(((await truncated.json()) as ErrorBody).error.message).toMatch(
        /^The body is not a complete Arrow IPC stream: /
      );
    }
    // The platform is still healthy and predicts after every refusal.
    expect((await predict(months([[2000, 6]]))).status).toBe(200);
  });
});

describe('predict in the session worker (a streamed body) and on the main thread (a small declared one)', () => {
  it('answers alike, refusals included', async () => {
    const t = months([
      [1990, 1],
      [2005, 7],
      [2015, 12]
    ]);
    const [small, streamed] = await Promise.all([predict(t), predictStreamed(t)]);
    expect(streamed.status).toBe(200);
    const a = tableFromIPC(new Uint8Array(await small.arrayBuffer()));
    const b = tableFromIPC(new Uint8Array(await streamed.arrayBuffer()));
    expect(Array.from(b.getChild('co2')!.toArray() as Float64Array)).toEqual(
      Array.from(a.getChild('co2')!.toArray() as Float64Array)
    );
    expect(b.schema.fields[0]!.metadata.get(ARROW_META.unit)).toBe('ppm');
    const missing = await predictStreamed(
      tableFromArrays({ year: new Float64Array([2015]), month: new Float64Array([1]) })
    );
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as ErrorBody).error.message).toMatch(/missing input column "decimal_year"/);
    const empty = await predictStreamed(months([]));
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as ErrorBody).error.message).toMatch(/input table is empty/);
  });

  it('streams a large table through in order, and stops when the client goes away', async () => {
    const n = 1_000_000;
    const year = Float64Array.from({ length: n }, (_, i) => 1960 + (i % 720) / 12);
    const month = Float64Array.from({ length: n }, (_, i) => (i % 12) + 1);
    const id = Float64Array.from({ length: n }, (_, i) => i);
    const big = tableFromArrays({ decimal_year: year, month, id });
    const whole = await predictStreamed(big, '?passthrough=id');
    const out = tableFromIPC(new Uint8Array(await whole.arrayBuffer()));
    expect(out.numRows).toBe(n);
    expect((out.getChild('id')!.toArray() as Float64Array)[987_654]).toBe(987_654);
    // Go away after the first bytes of the answer (the socket closed while the body is still being
    // sent): the worker's run is ended, the platform answers the next call and stops promptly.
    await new Promise<void>((resolve, reject) => {
      const url = new URL(`${p.url}/api/models/climate/co2-trend/versions/latest/predict?batchRows=1000`);
      const req = http.request(
        url,
        {
          method: 'POST',
          agent: false,
          headers: { authorization: `Bearer ${p.token}`, 'content-type': ARROW_STREAM_MEDIA_TYPE }
        },
        (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        }
      );
      req.on('error', (err) => {
        if (!req.destroyed) reject(err);
      });
      const bytes = tableToIPC(big, 'stream');
      for (let at = 0; at < bytes.byteLength; at += 1 << 20) req.write(bytes.subarray(at, at + (1 << 20)));
      req.end();
    });
    const again = await predictStreamed(months([[2000, 6]]));
    expect(again.status).toBe(200);
    expect(tableFromIPC(new Uint8Array(await again.arrayBuffer())).numRows).toBe(1);
  });
});

describe('the example model is reproducible', () => {
  const python = path.join(REPO_ROOT, '.venv/bin/python');
  const hasSklearn =
    fs.existsSync(python) && spawnSync(python, ['-c', 'import sklearn, skl2onnx'], { encoding: 'utf8' }).status === 0;
  if (!hasSklearn) {
    const why = 'scikit-learn/skl2onnx are not in .venv (scripts/setup --test installs requirements-test.txt)';
    if (process.env.GENESIS_REQUIRE_SERVICES === '1') it('needs scikit-learn', () => fail(why));
    else {
      console.warn(`skipping the reproducibility test: ${why}`);
      it.skip(`needs scikit-learn: ${why}`, () => undefined);
    }
    return;
  }
  it('train.py on the catalog CSV export gives the committed model.onnx, byte for byte', async () => {
    const csv = await (await authedFetch(p, '/api/datasets/noaa/mauna-loa-co2/versions/3.2.1/csv')).text();
    const dir = fs.mkdtempSync(path.join(home, 'train-'));
    fs.writeFileSync(path.join(dir, 'co2.csv'), csv);
    const r = spawnSync(python, [path.join(EXAMPLE, 'train.py'), path.join(dir, 'co2.csv'), dir], {
      encoding: 'utf8',
      env: { ...process.env, HOME: dir, TMPDIR: dir }
    });
    expect(r.stderr).toBe('');
    expect(
      fs.readFileSync(path.join(dir, 'model.onnx')).equals(fs.readFileSync(path.join(EXAMPLE, 'model.onnx')))
    ).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8'))).toEqual(
      JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'metrics.json'), 'utf8'))
    );
  }, 60000);
});
