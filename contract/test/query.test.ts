import { z } from 'zod';
import { jsonParam } from '../src/query';
import { PublishQuery } from '../src/publish';

describe('jsonParam: one JSON value in a query parameter', () => {
  const Point = z.object({ x: z.number(), y: z.number().default(0) }).strict();
  const q = z.object({ at: jsonParam(Point, 'a point').optional() });

  test('JSON text and an object give the same parsed value, with defaults', () => {
    expect(q.parse({ at: '{"x":1}' })).toEqual({ at: { x: 1, y: 0 } });
    expect(q.parse({ at: { x: 1 } })).toEqual({ at: { x: 1, y: 0 } });
  });

  test('absent or empty is undefined', () => {
    expect(q.parse({}).at).toBeUndefined();
    expect(q.parse({ at: '' }).at).toBeUndefined();
  });

  test('text that is not JSON says what JSON was expected', () => {
    const r = q.safeParse({ at: '{x:1' });
    expect(r.success).toBe(false);
    expect(r.error?.issues).toEqual([
      expect.objectContaining({ path: ['at'], message: 'must be JSON text of a point' })
    ]);
  });

  test("the schema's issues keep their path inside the value", () => {
    const r = q.safeParse({ at: '{"x":"one"}' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['at', 'x']);
  });
});

describe("the publish route's metadata parameter", () => {
  test('names the record metadata and the field that is wrong', () => {
    const notJson = PublishQuery.safeParse({ metadata: 'title=x' });
    expect(notJson.error?.issues[0]).toMatchObject({
      path: ['metadata'],
      message: 'must be JSON text of the record metadata'
    });
    const noLicense = PublishQuery.safeParse({ metadata: JSON.stringify({ title: 'T' }) });
    expect(noLicense.error?.issues.map((i) => i.path.join('.'))).toContain('metadata.license');
  });
});
