import { SearchQuery, parseOrThrow } from '../src';

/** The first message a bad search query gets. */
function messageOf(query: unknown): string {
  try {
    parseOrThrow(SearchQuery, query, 'query');
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('SearchQuery facet filters', () => {
  it('name an unknown facet and suggest the one a typo meant', () => {
    expect(messageOf({ filter: ['licence:CC0-1.0'] })).toBe(
      'Invalid query at query.filter[0]: unknown facet "licence": facet must be one of license, accessLevel, domain, publisher, format, keywords, kind (did you mean "license"?)'
    );
    expect(messageOf({ filter: ['domain:climate', 'Keyword:co2'] })).toMatch(/filter\[1\].*did you mean "keywords"/);
    expect(messageOf({ filter: ['access:open'] })).toMatch(/did you mean "accessLevel"/);
  });

  it('suggest nothing when nothing is close', () => {
    const m = messageOf({ filter: ['colour:red'] });
    expect(m).toMatch(/unknown facet "colour"/);
    expect(m).not.toMatch(/did you mean/);
  });

  it('accept every known facet', () => {
    const q = SearchQuery.parse({ filter: ['license:MIT', 'accessLevel:open', 'keywords:co2'] });
    expect(q.filter).toEqual(['license:MIT', 'accessLevel:open', 'keywords:co2']);
  });
});
