import * as fs from 'node:fs';
import fc from 'fast-check';
import { tableFromIPC } from 'apache-arrow';
import { OWNER } from '@genesis-lab/contract';
import { classifyText, joinTypes, COLUMN_TYPES, type ColumnType } from '../../src/ingest/column-type';
import { ingestFile } from '../../src/ingest/ingest';
import { fixture, meta, tempCatalog } from '../support/catalog';

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

describe('type inference (property-based)', () => {
  it('joinTypes is commutative, associative and idempotent, with null as identity', () => {
    const t = fc.constantFrom(...COLUMN_TYPES);
    fc.assert(
      fc.property(t, t, t, (a, b, c) => {
        expect(joinTypes(a, b)).toBe(joinTypes(b, a));
        expect(joinTypes(joinTypes(a, b), c)).toBe(joinTypes(a, joinTypes(b, c)));
        expect(joinTypes(a, a)).toBe(a);
        expect(joinTypes('null', a)).toBe(a);
      })
    );
  });

  it('classifies generated values of each kind as that kind', () => {
    const cases: [fc.Arbitrary<string>, ColumnType][] = [
      [fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String), 'int64'],
      [
        fc
          .double({ noNaN: true, noDefaultInfinity: true })
          .filter((d) => !Number.isInteger(d))
          .map(String),
        'float64'
      ],
      [fc.boolean().map(String), 'bool'],
      [
        fc
          .date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true })
          .map((d) => d.toISOString().slice(0, 10)),
        'date32'
      ],
      [
        fc
          .date({ min: new Date('1000-01-01'), max: new Date('9999-12-31'), noInvalidDate: true })
          .map((d) => d.toISOString()),
        'timestamp'
      ]
    ];
    for (const [arb, type] of cases) fc.assert(fc.property(arb, (s) => expect(classifyText(s)).toBe(type)));
  });

  it('any column of text round-trips through CSV ingest without loss', async () => {
    const ctx = tempCatalog();
    try {
      let n = 0;
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(fc.string(), fc.integer().map(String), fc.double().map(String), fc.constant('')), {
            minLength: 1,
            maxLength: 30
          }),
          async (values) => {
            // A leading/trailing-space-only or empty header is renamed; keep a fixed header.
            const file = fixture(ctx.dir, `p${n}.csv`, 'v\n' + values.map((v) => csvCell(v) + '\n').join(''));
            const id = `p/case-${n++}`;
            let r;
            try {
              r = await ingestFile(ctx.catalog, { file, id, metadata: meta() });
            } catch (err) {
              // Only an all-empty file (no data rows after skipping blank lines) may be refused,
              // and only with that reason: any other value (whitespace, a null token) is data.
              expect(String(err)).toMatch(/no data rows/);
              expect(values.every((v) => v === '')).toBe(true);
              refused++;
              return;
            }
            const t = tableFromIPC(fs.readFileSync(ctx.catalog.resolve(id, 'latest', OWNER).objectPath));
            const col = t.getChild('v')!;
            const type = r.columns[0]!.type;
            // Blank lines are skipped by CSV, and null tokens read as nulls: compare the rest.
            const NULLS = ['NA', 'N/A', 'NULL', 'null'];
            const expected = values.filter((v) => v !== '' && !NULLS.includes(v));
            const got: string[] = [];
            for (let i = 0; i < t.numRows; i++) {
              const x = col.get(i);
              if (x !== null) got.push(x);
            }
            // Every non-blank line is a row, however little it holds.
            expect(t.numRows).toBe(values.filter((v) => v !== '').length);
            // (+0 so that "-0" and 0 compare equal.)
            if (type === 'null') expect([got, expected]).toEqual([[], []]);
            else if (type === 'utf8') expect(got).toEqual(expected);
            else if (type === 'float64' || type === 'int64')
              expect(got.map((g) => Number(g) + 0)).toEqual(expected.map((v) => Number(v) + 0));
            else throw new Error(`unexpected type ${type} for ${JSON.stringify(values)}`);
          }
        ),
        {
          numRuns: 40,
          // Always tried, besides the random cases: files at the edge of "empty".
          examples: [[['']], [['', '']], [[' ']], [['', '\t']], [['NA']], [['', 'null', '']]]
        }
      );
      // The refusal branch was taken (the all-empty examples), so its assertions ran.
      expect(refused).toBeGreaterThanOrEqual(2);
    } finally {
      ctx.close();
    }
  });
});
