import { targetProblems } from '../src/bench-targets';

/** The checker every benchmark smoke test uses: it must catch each way a `targets` object can be wrong. */
describe('targetProblems', () => {
  const good = {
    targets: {
      ratio: { value: 0.71, target: '>= 0.6', met: true },
      ms: { value: 80, target: '<= 50', met: false },
      missing: { value: null, target: '<= 1', met: false }
    }
  };

  it('accepts a well-formed targets object', () => {
    expect(targetProblems(good, ['ratio', 'ms'])).toEqual([]);
  });

  it('reports a missing or empty targets object and a missing required target', () => {
    expect(targetProblems({}, [])).toEqual(['the final line has no `targets` object']);
    expect(targetProblems(undefined, [])).toEqual(['the final line is not a JSON object']);
    expect(targetProblems({ targets: {} }, ['ratio'])).toEqual(['`targets` is empty', 'targets.ratio is missing']);
  });

  it('reports a `met` that contradicts value and target', () => {
    const lying = { targets: { ratio: { value: 0.5, target: '>= 0.6', met: true } } };
    expect(targetProblems(lying, [])).toEqual(['targets.ratio.met is true but 0.5 >= 0.6 is false']);
    const unknown = { targets: { ratio: { value: null, target: '>= 0.6', met: true } } };
    expect(targetProblems(unknown, [])).toHaveLength(1);
  });

  it('reports a bare number as target, a non-boolean met and a non-numeric value', () => {
    const bad = {
      targets: {
        a: { value: 1, target: 2, met: true },
        b: { value: 1, target: '<= 2', met: 'yes' },
        c: { value: '1', target: '<= 2', met: true }
      }
    };
    expect(targetProblems(bad, [])).toEqual([
      'targets.a.target is 2, not ">= N" or "<= N"',
      'targets.b.met is "yes", not a boolean',
      'targets.c.value is "1", not a number or null',
      'targets.c.met is true but 1 <= 2 is false'
    ]);
  });
});
