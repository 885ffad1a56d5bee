import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * tslab compiles cells with its own TypeScript 5.0 fork (module ESNext, moduleResolution Node10,
 * esModuleInterop, lib es2022, skipLibCheck): a cell that imports the helpers must type-check
 * there, with real types (not `any`), through the package's top-level `main` and `types`.
 */

const REPO = path.resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ts = require(path.join(REPO, 'node_modules/@tslab/typescript-for-tslab')) as typeof import('typescript');

function check(code: string): string[] {
  // Where tslab runs notebooks: a directory whose node_modules holds the installed package.
  const dir = fs.mkdtempSync(path.join(REPO, 'examples', '.typecheck-'));
  const file = path.join(dir, 'cell.ts');
  try {
    fs.writeFileSync(file, code);
    const program = ts.createProgram([file], {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      skipLibCheck: true,
      noEmit: true,
      typeRoots: [path.join(REPO, 'node_modules/@types')]
    });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const USE = `
import { genesis, GenesisError, Dataset, Chart, type DatasetUse } from "@genesis-lab/kernel";
import { Table, RecordBatch } from "apache-arrow";

async function main(): Promise<void> {
  const hits = await genesis.search("mauna loa co2", { limit: 5, filter: "license:CC-BY-4.0" });
  const first: string | undefined = hits.hits[0]?.id;
  const record = await genesis.record("noaa/mauna-loa-co2");
  const unit: string | undefined = record.fields[0]?.unit;
  const ds: Dataset = genesis.dataset("noaa/mauna-loa-co2@3.2.1");
  const t: Table = await ds.table({ columns: ["date", "co2"], filter: { op: ">", args: [{ property: "co2" }, 400] }, int64: "number" });
  const rows: number = t.numRows;
  for await (const b of ds.batches({ batchSize: 100 })) {
    const batch: RecordBatch = b;
    void batch;
  }
  const versions = await ds.versions();
  const sha: string = versions[0]!.sha256;
  const schema = await ds.schema();
  const uses: readonly unknown[] = genesis.lineage.records();
  const use = genesis.lineage.records()[0] as DatasetUse;
  genesis.configure({ display: false, progress: true, int64: "bigint" });
  try { await ds.table(); } catch (e) { if (e instanceof GenesisError) console.log(e.code, e.hint, e.issues); }
  const chart: Chart = await genesis.plot(t).line({ x: "date", y: ["co2"], color: undefined, scales: { y: "log" }, titles: { y: "ppm" } });
  const svg: string = chart.svg;
  await genesis.plot(t).histogram({ x: "co2", bins: 20, facet: "site", columns: 2 });
  await genesis.plot(t).point({ x: "date", y: "co2", size: "n", maxPoints: 1000 });
  await genesis.plot(t).bar({ x: "site", y: "co2" });
  await genesis.vegaLite({ mark: "point" }, t, { maxPoints: 500 });
  await genesis.show(t);
  console.log(first, unit, rows, sha, schema.fields.length, uses.length, use.version, svg.length);
}
void main();
`;

describe('the helpers under tslab’s TypeScript 5.0', () => {
  it('is the compiler tslab bundles', () => {
    expect(ts.version).toMatch(/^5\.0\./);
  });

  it('resolves the package through top-level main/types (no exports map needed)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'kernel-helpers/package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(pkg.main).toBe('dist/index.js');
    expect(pkg.types).toBe('dist/index.d.ts');
    expect(pkg.exports).toBeUndefined();
    expect(fs.existsSync(path.join(REPO, 'kernel-helpers', pkg.types as string))).toBe(true);
  });

  it('type-checks a cell using the whole API', () => {
    expect(check(USE)).toEqual([]);
  });

  it('catches type errors in such a cell (the types are real, not any)', () => {
    const errors = check(`
import { genesis } from "@genesis-lab/kernel";
async function f() {
  const t = await genesis.dataset("a/b").table({ columns: "date" });
  const n: string = t.numRows;
  genesis.configure({ int64: "float" });
  await genesis.dataset("a/b").table({ filter: { op: "~", args: [] } });
  await genesis.plot(t).line({ x: "date", y: "co2", scales: { x: "logarithmic" } });
  await genesis.plot(t).histogram({ x: "co2", bins: "20" });
}
void f;
`);
    expect(errors.length).toBeGreaterThanOrEqual(6);
    expect(errors.join('\n')).toMatch(/not assignable/);
  });
});
