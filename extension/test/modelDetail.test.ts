import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { GenesisError, ModelCardFile, ModelRecord, type ModelVersion } from '@genesis-lab/contract';
import { ModelDetailModel } from '../catalog/modelDetailModel';
import { modelSnippet } from '../catalog/modelSnippet';
import { TestClient } from './support/testClient';

/** The example model's real card file (platform/seed/models/co2-trend), as a record with two versions. */
const CARD = ModelCardFile.parse(
  JSON.parse(fs.readFileSync(path.join(__dirname, '../../platform/seed/models/co2-trend/card.json'), 'utf8'))
);

function version(v: string, extra: Partial<ModelVersion> = {}): ModelVersion {
  return {
    version: v,
    sha256: (v === '1.0.0' ? 'a' : 'b').repeat(64),
    sizeBytes: 1234,
    format: 'onnx',
    runtime: { kind: 'onnx', graphOptimization: 'all' },
    signature: CARD.signature,
    card: CARD.card,
    origin: CARD.origin ?? { trainedOn: [] },
    createdAt: '2026-12-02T10:00:00.000Z',
    ...extra
  };
}

function record(versions: ModelVersion[]): ModelRecord {
  const { card: _c, signature: _s, runtime: _r, origin: _o, version: _v, ...meta } = CARD;
  return ModelRecord.parse({
    ...meta,
    kind: 'model',
    id: 'climate/co2-trend',
    card: versions[0]!.card,
    signature: versions[0]!.signature,
    runtime: versions[0]!.runtime,
    versions,
    latestVersion: versions[0]!.version,
    createdAt: '2026-12-02T10:00:00.000Z',
    updatedAt: '2026-12-02T11:00:00.000Z'
  });
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('ModelDetailModel', () => {
  it('loads the record and shows the latest version, whose ref Insert pins', async () => {
    const client = new TestClient();
    const m = new ModelDetailModel('climate/co2-trend', client);
    const loading = m.load();
    expect(m.loading).toBe(true);
    expect(client.modelReads.map((c) => c.args)).toEqual(['climate/co2-trend']);
    client.modelReads[0]!.resolve(record([version('2.0.0'), version('1.0.0')]));
    await loading;
    expect(m.loading).toBe(false);
    expect(m.version?.version).toBe('2.0.0');
    expect(m.ref).toBe('climate/co2-trend@2.0.0');
    m.selectVersion('1.0.0');
    expect(m.version?.sha256).toBe('a'.repeat(64));
    expect(m.ref).toBe('climate/co2-trend@1.0.0');
    m.dispose();
  });

  it('a ref naming a version shows that version; one the record lacks is said, and the latest shown', async () => {
    const client = new TestClient();
    const pinned = new ModelDetailModel('climate/co2-trend@1.0.0', client);
    const p1 = pinned.load();
    client.modelReads[0]!.resolve(record([version('2.0.0'), version('1.0.0')]));
    await p1;
    expect(pinned.version?.version).toBe('1.0.0');
    expect(pinned.missingVersion).toBeUndefined();

    const missing = new ModelDetailModel('climate/co2-trend@9.9.9', client);
    const p2 = missing.load();
    client.modelReads[1]!.resolve(record([version('2.0.0'), version('1.0.0')]));
    await p2;
    expect(missing.missingVersion).toBe('9.9.9');
    expect(missing.version?.version).toBe('2.0.0');
    pinned.dispose();
    missing.dispose();
  });

  it('a refusal is kept with its code (the view says "Access denied"); a publish of the model reloads it', async () => {
    const client = new TestClient();
    const m = new ModelDetailModel('fusion/secret', client);
    const p = m.load();
    client.modelReads[0]!.reject(new GenesisError('forbidden', '"fusion/secret" is controlled: you are not cleared'));
    await p;
    expect(m.recordError).toEqual({ code: 'forbidden', message: expect.stringContaining('not cleared') });
    expect(m.record).toBeNull();
    client.catalogChanged.emit({ id: 'other/model', action: 'published' });
    expect(client.modelReads).toHaveLength(1);
    client.catalogChanged.emit({ id: 'fusion/secret', action: 'published', version: '2' });
    expect(client.modelReads).toHaveLength(2);
    client.modelReads[1]!.resolve(record([version('1.0.0')]));
    await settle();
    expect(m.recordError).toBeNull();
    expect(m.record?.id).toBe('climate/co2-trend');
    m.dispose();
  });
});

describe('modelSnippet', () => {
  const source = { id: 'climate/co2-trend', version: '1.0.0', title: CARD.title, signature: CARD.signature };

  it('calls the pinned version on a table with every input of the signature, typed, and shows the outputs beside the inputs', () => {
    const code = modelSnippet(source);
    expect(code).toContain('import { genesis } from "@genesis-lab/kernel";');
    expect(code).toContain(
      'genesis.model("climate/co2-trend@1.0.0").predict(input, { passthrough: ["decimal_year", "month"] })'
    );
    expect(code).toMatch(
      /^ {2}decimal_year: Float64Array\.of\(2015\.0417\), \/\/ decimal_year \(float64 in a\): Time as a decimal year/m
    );
    expect(code).toMatch(/^ {2}month: Float64Array\.of\(1\) \/\/ month \(float64\): Calendar month, 1 to 12$/m);
    expect(code).toContain('// Outputs: co2 (float64 in ppm): Predicted monthly mean CO2');
    expect(code).toContain('await genesis.show(co2Trend);');
  });

  it('is valid TypeScript for every signature type, names that are not identifiers and an output named like an input', () => {
    const types = ['bool', 'int8', 'int32', 'int64', 'uint64', 'float16', 'float32', 'float64', 'utf8'] as const;
    const code = modelSnippet({
      id: 'ns/all-types',
      version: '3',
      signature: {
        inputs: [
          ...types.map((type) => ({ name: `in ${type}`, type, shape: [], nullable: false })),
          // Examples as literals of their type; one that does not fit the type is replaced by zero.
          { name: 'n', type: 'int64', shape: [], nullable: false, example: 42 },
          { name: 's', type: 'utf8', shape: [], nullable: false, example: 'Mauna "Loa"' },
          { name: 'b', type: 'bool', shape: [], nullable: false, example: true },
          { name: 'bad', type: 'int32', shape: [], nullable: false, example: 1.5 }
        ],
        outputs: [{ name: 'in int8', type: 'int8', shape: [], nullable: false }]
      }
    });
    const file = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const diagnostics = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    expect(code).toContain('"in int64": BigInt64Array.of(0n)');
    expect(code).toContain('"in bool": [false]');
    expect(code).toContain('"in utf8": [""]');
    expect(code).toContain('n: BigInt64Array.of(42n)');
    expect(code).toContain('s: ["Mauna \\"Loa\\""]');
    expect(code).toContain('b: [true]');
    expect(code).toContain('bad: Int32Array.of(0)');
    // The output "in int8" would hide the input of that name: no passthrough.
    expect(code).toContain('.predict(input);');
  });

  it('says how to add a column whose rows are vectors (it cannot be built from a typed array)', () => {
    const code = modelSnippet({
      id: 'ns/embed',
      version: '1',
      signature: {
        inputs: [
          { name: 'v', type: 'float32', shape: [3], nullable: false },
          { name: 't', type: 'float64', shape: [], nullable: false }
        ],
        outputs: [{ name: 'y', type: 'float64', shape: [], nullable: false }]
      }
    });
    expect(code).toContain('// "v" takes a [3] float32 value per row: add it as a FixedSizeList column.');
    expect(code).not.toMatch(/^ {2}v:/m);
  });
});
