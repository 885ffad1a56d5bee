import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetRecord } from '@genesis-lab/contract';
import { toCroissant } from '../../src/catalog/croissant';
import { loadDefinitions } from '../../src/seed/examples';
import { croissantValidatorAvailable, validateCroissant, type CroissantValidation } from '../support/croissant';
import {
  authedFetch,
  describeWithService,
  type PlatformProcess,
  runCliOk,
  startPlatformProcess,
  tempHome
} from '@genesis-lab/test-support';

/** One harvested record: metadata only, no version held here (empty distribution and recordSet). */
const HARVESTED = { id: 'harvest/soil-carbon', title: 'Soil organic carbon stocks', license: 'CC0-1.0' };

const cli = runCliOk;

/** Every finding as one line naming the record, so a failure prints the validator's own words. */
function findings(v: CroissantValidation, idOf: (file: string) => string): string[] {
  return v.results.flatMap((r) => [
    ...r.errors.map((e) => `${idOf(r.file)}: error: ${e}`),
    ...r.warnings.map((w) => `${idOf(r.file)}: warning: ${w}`)
  ]);
}

describeWithService(
  'mlcroissant (the Croissant validator)',
  croissantValidatorAvailable,
  "Croissant JSON-LD passes MLCommons' reference validator",
  () => {
    let home: string;
    let dir: string;
    let p: PlatformProcess;
    const fileOf = new Map<string, string>();
    const idOf = (file: string) => [...fileOf].find(([, f]) => f === file)?.[0] ?? file;

    /** GET the record's Croissant document and keep it as a file the validator reads. */
    async function fetchCroissant(id: string): Promise<Record<string, unknown>> {
      const r = await authedFetch(p, `/api/catalog/records/${id}/croissant`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/ld\+json/);
      const text = await r.text();
      const file = path.join(dir, `${id.replace('/', '__')}.jsonld`);
      fs.writeFileSync(file, text);
      fileOf.set(id, file);
      return JSON.parse(text) as Record<string, unknown>;
    }

    beforeAll(async () => {
      home = tempHome('genesis-croissant-');
      dir = tempHome('genesis-croissant-docs-');
      cli(['seed', 'examples', '--home', home]);
      const records = path.join(dir, 'harvested.ndjson');
      fs.writeFileSync(records, JSON.stringify(HARVESTED) + '\n');
      cli(['import-records', records, '--home', home]);
      p = await startPlatformProcess({ home });
    }, 180000);
    afterAll(async () => {
      await p?.stop();
      for (const d of [home, dir]) if (d) fs.rmSync(d, { recursive: true, force: true });
    });

    it('every seeded dataset: no error and no warning', async () => {
      const ids = loadDefinitions().map((d) => d.id);
      expect(ids.length).toBeGreaterThanOrEqual(9);
      const docs = new Map<string, Record<string, unknown>>();
      for (const id of ids) docs.set(id, await fetchCroissant(id));
      const v = await validateCroissant(ids.map((id) => fileOf.get(id)!));
      expect(v.mlcroissant).toBe('1.1.1');
      expect(v.results.map((r) => idOf(r.file))).toEqual(ids);
      expect(findings(v, idOf)).toEqual([]);

      // What the validator cannot see: the documents describe the records they were made from.
      for (const id of ids) {
        const record = DatasetRecord.parse(await (await authedFetch(p, `/api/catalog/records/${id}`)).json());
        const doc = docs.get(id) as {
          distribution: { '@id': string; name: string; contentUrl: string; sha256: string }[];
          recordSet: { field: { name: string; source: { fileObject: { '@id': string } } }[] }[];
        };
        expect(doc.distribution.map((d) => d.sha256)).toEqual(record.versions.map((x) => x.sha256));
        expect(doc.recordSet[0]!.field.map((f) => f.name)).toEqual(record.fields.map((f) => f.name));
        for (const f of doc.recordSet[0]!.field) expect(f.source.fileObject['@id']).toBe(doc.distribution[0]!['@id']);
      }
    });

    it("a FileObject's name is the file name its contentUrl downloads as", async () => {
      const doc = (await fetchCroissant('noaa/mauna-loa-co2')) as {
        distribution: { name: string; contentUrl: string }[];
      };
      const file = doc.distribution[0]!;
      expect(file.name).toBe('mauna-loa-co2-3.2.1.arrow');
      const r = await authedFetch(p, file.contentUrl.slice(p.url.length));
      expect(r.status).toBe(200);
      expect(r.headers.get('content-disposition')).toBe(`attachment; filename="${file.name}"`);
      await r.arrayBuffer();
    });

    it('creators are people or organizations as the record declares (an organization with an affiliation stays one)', async () => {
      const doc = (await fetchCroissant('noaa/mauna-loa-co2')) as {
        creator: { '@type': string; name: string }[];
        publisher: { '@type': string };
      };
      expect(doc.creator.map((c) => [c.name, c['@type']])).toEqual([
        ['Scripps CO2 Program', 'sc:Organization'],
        ['Charles D. Keeling', 'sc:Person']
      ]);
      expect(doc.publisher['@type']).toBe('sc:Organization');
    });

    it('a harvested record without data: no error; only the version it does not have yet is missing', async () => {
      const doc = await fetchCroissant(HARVESTED.id);
      expect(doc).toMatchObject({ distribution: [], recordSet: [], license: 'https://spdx.org/licenses/CC0-1.0.html' });
      const v = await validateCroissant([fileOf.get(HARVESTED.id)!]);
      expect(findings(v, idOf)).toEqual([
        `${HARVESTED.id}: warning: [Metadata(${HARVESTED.title})] Property "https://schema.org/version" is recommended, but does not exist.`
      ]);
    });

    it('types the seeds do not use, odd column names, a licence expression: valid too', async () => {
      const at = '2026-01-02T03:04:05.000Z';
      const fields = [
        { name: 'samples', type: 'list<float64>', nullable: true },
        { name: 'station', type: 'dictionary<values=utf8, indices=int32>', nullable: true },
        { name: 'level', type: 'dictionary<values=int16, indices=int8>', nullable: true },
        { name: 'observed at', type: 'time32[ms]', nullable: true },
        { name: 'temp (°C)/max', type: 'float32', nullable: true, unit: 'degC' },
        { name: 'ok', type: 'bool', nullable: false }
      ];
      const record = DatasetRecord.parse({
        kind: 'dataset',
        id: 'lab/edge-cases',
        title: 'Edge cases',
        license: 'MIT OR Apache-2.0',
        spatialCoverage: { bbox: [-10, 40, 5, 50] },
        fields,
        latestVersion: '2024.1',
        versions: [
          {
            version: '2024.1',
            sha256: 'a'.repeat(64),
            sizeBytes: 10,
            rowCount: 1,
            batchCount: 1,
            createdAt: at,
            sourceFormat: 'arrow',
            fields,
            distributions: [
              {
                format: 'arrow',
                mediaType: 'application/vnd.apache.arrow.file',
                contentUrl: '/api/datasets/lab/edge-cases/versions/2024.1/file'
              }
            ]
          }
        ],
        createdAt: at,
        updatedAt: at
      });
      const doc = toCroissant(record, 'http://127.0.0.1:1') as {
        license: string;
        spatialCoverage: { geo: { box: string } };
        recordSet: { field: { '@id': string; dataType: string; repeated?: boolean }[] }[];
      };
      expect(doc.license).toBe('MIT OR Apache-2.0');
      // schema.org's box is "south west north east" (latitude before longitude).
      expect(doc.spatialCoverage.geo.box).toBe('40 -10 50 5');
      expect(doc.recordSet[0]!.field.map((f) => [f['@id'], f.dataType, f.repeated ?? false])).toEqual([
        ['rows/samples', 'sc:Float', true],
        ['rows/station', 'sc:Text', false],
        ['rows/level', 'sc:Integer', false],
        ['rows/observed%20at', 'sc:Time', false],
        ['rows/temp%20(%C2%B0C)%2Fmax', 'sc:Float', false],
        ['rows/ok', 'sc:Boolean', false]
      ]);
      const file = path.join(dir, 'edge-cases.jsonld');
      fs.writeFileSync(file, JSON.stringify(doc));
      expect(findings(await validateCroissant([file]), idOf)).toEqual([]);
    });

    it('the validator reports what is wrong (the check can fail)', async () => {
      const doc = (await fetchCroissant('nist/isotopes')) as {
        '@context': Record<string, unknown>;
        distribution: Record<string, unknown>[];
        recordSet: { field: Record<string, unknown>[] }[];
      };
      delete doc.distribution[0]!.sha256;
      doc.recordSet[0]!.field[0]!.dataType = 'sc:NoSuchType';
      delete doc['@context'].samplingRate;
      const broken = path.join(dir, 'broken.jsonld');
      fs.writeFileSync(broken, JSON.stringify(doc));
      const [r] = (await validateCroissant([broken])).results;
      expect(r!.errors).toEqual([
        expect.stringMatching(
          /FileObject\(isotopes-2\.3\.3\.arrow\)\] At least one of these properties should be defined: \['md5', 'sha256'\]/
        ),
        expect.stringMatching(/Field\(atomic_number\)\] The field does not specify a valid .*dataType.*NoSuchType/)
      ]);
      expect(r!.warnings).toEqual([expect.stringMatching(/@context` is not standard.*samplingRate/)]);
    });
  }
);
