import fc from 'fast-check';
import { GenesisError } from '@genesis-lab/contract';
import { PageCursor } from '../../src/http/page-cursor';

interface Query {
  text: string;
  states: string[];
  limit: number;
}

const cursors = new PageCursor<Query>(['text', 'state'], (q) => [q.text, [...q.states].sort()]);
const query: Query = { text: 'x', states: ['ACTIVE', 'QUEUED'], limit: 10 };

function refusal(fn: () => unknown): GenesisError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GenesisError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('page cursors (one codec for catalog search and job listings)', () => {
  it('round-trip any position (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.constant(null)),
        fc.string(),
        (key, id) => {
          const c = cursors.encode(query, key, id);
          expect(cursors.decode(query, c)).toEqual({ key: Object.is(key, -0) ? 0 : key, id });
        }
      )
    );
  });

  it('belong to the query, not to its page size or the order of its lists', () => {
    const c = cursors.encode(query, 7, 'j7');
    expect(cursors.decode({ ...query, limit: 500, states: ['QUEUED', 'ACTIVE'] }, c)).toEqual({ key: 7, id: 'j7' });
  });

  it('refuse a cursor reused with another query (400 naming the parameters that must stay the same)', () => {
    const c = cursors.encode(query, 7, 'j7');
    const e = refusal(() => cursors.decode({ ...query, states: ['ACTIVE'] }, c));
    expect(e.status).toBe(400);
    expect(e.message).toBe('Invalid cursor: it belongs to a different query (text or state changed)');
    expect(e.issues).toEqual([{ path: 'query.cursor', message: expect.stringMatching(/different query/) }]);
    expect(e.hint).toMatch(/with the same text and state$/);
  });

  it('refuse what this codec never issued: garbage, another shape, a changed body', () => {
    for (const bad of [
      'nonsense',
      Buffer.from('r42').toString('base64url'),
      Buffer.from(JSON.stringify({ v: 2, q: 'x', k: 1, id: 'a' })).toString('base64url')
    ])
      expect(refusal(() => cursors.decode(query, bad)).message).toBe(
        'Invalid cursor: it is not a cursor this platform issued'
      );
    const body = JSON.parse(Buffer.from(cursors.encode(query, 1, 'a'), 'base64url').toString()) as { q: string };
    const forged = Buffer.from(JSON.stringify({ ...body, q: 'AAAAAAAAAAAAAAAA' })).toString('base64url');
    expect(refusal(() => cursors.decode(query, forged)).message).toMatch(/different query/);
  });
});
