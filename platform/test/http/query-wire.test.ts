import fc from 'fast-check';
import Fastify from 'fastify';
import { buildRequest, encodeQuery } from '@genesis-lab/client/core';
import { JobListQuery, OWNER, SearchQuery, routes, type RouteDef } from '@genesis-lab/contract';
import { addRoute } from '../../src/http/route';

/**
 * A query the client core encodes is what the platform's own parser (fastify's query string,
 * then the route's schema in addRoute) reads back: the wire encoding declared beside each query
 * schema (repeated keys for facet filters, comma lists for states and columns) is read by both.
 */
async function parsedByPlatform(def: RouteDef, query: string): Promise<unknown> {
  const app = Fastify();
  app.addHook('onRequest', async (req) => {
    (req as unknown as { principal: unknown }).principal = OWNER;
  });
  addRoute(app, { ...def, params: undefined, response: undefined, method: 'GET' }, ({ query: q }) => ({ q }));
  const path = def.path.replace(/\{(\w+)\}/g, 'x');
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const res = await fetch(base + path + query);
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${res.status}: ${body}`);
    return (JSON.parse(body) as { q: unknown }).q;
  } finally {
    await app.close();
  }
}

const facetValue = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim().length > 0);

describe('query wire encoding', () => {
  it('facet filters travel as repeated keys, values with commas and ampersands intact', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(facetValue, { maxLength: 4 }), fc.string({ maxLength: 20 }), async (values, q) => {
        const input = { q, filter: values.map((v) => `publisher:${v}`) };
        const wire = encodeQuery(SearchQuery, SearchQuery.parse(input));
        if (values.length > 1) expect(wire.match(/(^|&|\?)filter=/g)?.length).toBe(values.length);
        const back = (await parsedByPlatform(routes.search, wire)) as SearchQuery;
        expect(back.filter).toEqual(input.filter);
        expect(back.q).toBe(q);
      }),
      { numRuns: 40 }
    );
  });

  it('job states travel as one comma list', async () => {
    const query = JobListQuery.parse({ state: ['QUEUED', 'ACTIVE'], facility: 'local', limit: 5 });
    const wire = encodeQuery(JobListQuery, query);
    expect(wire).toContain('state=QUEUED%2CACTIVE');
    const back = (await parsedByPlatform(routes.listJobs, wire)) as JobListQuery;
    expect(back.state).toEqual(['QUEUED', 'ACTIVE']);
    expect(back.limit).toBe(5);
  });

  it('columns travel as a comma list and a CQL2 filter as JSON text', async () => {
    const req = buildRequest('arrow', {
      params: { ns: 'a', name: 'b', version: '1' },
      query: { columns: ['x', 'y z'], filter: { op: '>', args: [{ property: 'x' }, 1] }, limit: 3 }
    });
    const wire = req.path.slice(req.path.indexOf('?'));
    expect(wire).toContain('columns=x%2Cy+z');
    const back = (await parsedByPlatform(routes.arrow, wire)) as { columns: string[]; filter: unknown; limit: number };
    expect(back.columns).toEqual(['x', 'y z']);
    expect(back.filter).toEqual({ op: '>', args: [{ property: 'x' }, 1] });
    expect(back.limit).toBe(3);
  });

  it('a list parameter without a declared encoding is refused by the encoder, not guessed', () => {
    const { z } = jest.requireActual<typeof import('zod')>('zod');
    expect(() => encodeQuery(z.object({ ids: z.array(z.string()) }), { ids: ['a', 'b'] })).toThrow(
      /"ids" is a list but its schema declares no encoding/
    );
  });
});
