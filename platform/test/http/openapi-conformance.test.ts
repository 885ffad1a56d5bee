import { spawnSync } from 'node:child_process';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { routes, type RouteName } from '@genesis-lab/contract';
import { JobsClient } from '@genesis-lab/client';
import { authedFetch, type PlatformProcess, startPlatformProcess, tempHome } from '@genesis-lab/test-support';
import { routeCases, routeSweepHome, sendCase } from '../support/route-cases';

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

/**
 * Validate a document with @seriousme/openapi-schema-validator (the official OpenAPI JSON
 * schemas on Ajv). It is an ES module only, which jest's CommonJS runtime cannot load, so it
 * runs in a Node child process, the document on stdin.
 */
function validateOpenApi(document: unknown): { valid: boolean; version?: string; errors?: unknown } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    const chunks = [];
    for await (const c of process.stdin) chunks.push(c);
    const v = new Validator();
    const r = await v.validate(JSON.parse(Buffer.concat(chunks).toString()));
    process.stdout.write(JSON.stringify({ valid: r.valid, version: v.version, errors: r.errors }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    input: JSON.stringify(document),
    encoding: 'utf8',
    cwd: __dirname
  });
  if (r.status !== 0) throw new Error(`the OpenAPI validator failed to run: ${r.stderr}`);
  return JSON.parse(r.stdout) as { valid: boolean; version?: string; errors?: unknown };
}

/** JSON pointer escaping of one reference token (RFC 6901). */
const token = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The OpenAPI document the platform serves, checked by an independent validator against the
 * OpenAPI 3.1 schema, and every route's real answers checked against what it documents.
 */
describe('OpenAPI document against the running platform', () => {
  let p: PlatformProcess;
  let doc: Document;
  let jobId: string;
  beforeAll(async () => {
    const home = tempHome('genesis-openapi-');
    routeSweepHome(home);
    p = await startPlatformProcess({ home });
    doc = (await (await authedFetch(p, '/api/openapi.json')).json()) as Document;
    const client = new JobsClient(p);
    jobId = (await client.submit({ name: 'documented', executable: '/bin/true' })).job.id;
    client.close();
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('is a valid OpenAPI 3.1 document (the official schema, by @seriousme/openapi-schema-validator)', () => {
    const result = validateOpenApi(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.version).toBe('3.1');
  });

  it('the validator rejects a broken document (the check can fail)', () => {
    const broken = JSON.parse(JSON.stringify(doc)) as { paths: Record<string, unknown> };
    broken.paths['/api/health'] = { get: { responses: 'none' } };
    expect(validateOpenApi(broken).valid).toBe(false);
  });

  it("every route's real answer is what the document says: status, media type and JSON schema", async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(doc, 'openapi');
    const cases = routeCases(jobId);
    const checked: string[] = [];
    for (const [name, c] of Object.entries(cases) as [RouteName, (typeof cases)[RouteName]][]) {
      const route = routes[name];
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect([name, op?.operationId]).toEqual([name, name]);
      const r = await sendCase(p, c);
      const status = String(r.status);
      expect([name, r.status < 500]).toEqual([name, true]);
      // A documented status, or an error answered with the documented error body.
      const key = op!.responses[status] ? status : r.status >= 400 ? 'default' : undefined;
      expect([name, status, key]).toEqual([name, status, expect.any(String)]);
      const content = op!.responses[key!]!.content;
      const media = (r.headers.get('content-type') ?? '').split(';')[0]!.trim();
      const documented = Object.keys(content ?? {});
      if (documented.length)
        expect([name, status, documented]).toEqual([name, status, expect.arrayContaining([media])]);
      const schema = content?.[media]?.schema;
      if (schema && media.endsWith('json')) {
        const pointer = `openapi#/paths/${token(route.path)}/${route.method.toLowerCase()}/responses/${key}/content/${token(media)}/schema`;
        const validate = ajv.getSchema(pointer) ?? ajv.compile({ $ref: pointer });
        const body: unknown = await r.json();
        const ok = validate(body);
        expect([name, status, ok ? [] : validate.errors]).toEqual([name, status, []]);
      } else await r.arrayBuffer();
      checked.push(`${name} ${status}`);
    }
    // Success answers were among them, not only errors (the sweep home has the data for these).
    for (const ok of [
      'health 200',
      'search 200',
      'record 200',
      'version 200',
      'listJobs 200',
      'getJob 200',
      'submitJob 201'
    ])
      expect(checked).toContain(ok);
  });
});
