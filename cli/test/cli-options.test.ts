import { z } from 'zod';
import { GenesisError } from '@genesis-lab/contract';
import { parseCliOptions } from '../src/options';

const Options = z.object({
  logLevel: z.enum(['info', 'debug']),
  facilitiesFile: z.string(),
  filter: z.array(z.string().regex(/:/, 'must be "facet:value"'))
});

function messageOf(value: Record<string, unknown>): string {
  try {
    parseCliOptions(Options, value, { facilitiesFile: '--facilities' });
  } catch (e) {
    expect(e).toBeInstanceOf(GenesisError);
    return (e as GenesisError).message;
  }
  throw new Error('expected a validation error');
}

describe('parseCliOptions', () => {
  const ok = { logLevel: 'info', facilitiesFile: 'f.json', filter: ['a:b'] };

  it('names the flag typed: mapped, or the key in kebab case', () => {
    expect(messageOf({ ...ok, logLevel: 'loud' })).toMatch(/^Invalid --log-level: /);
    expect(messageOf({ ...ok, facilitiesFile: 3 })).toMatch(/^Invalid --facilities: /);
  });

  it('names which value of a repeated flag', () => {
    expect(messageOf({ ...ok, filter: ['a:b', 'nope'] })).toBe('Invalid --filter (value 2): must be "facet:value"');
  });

  it('says a missing option is missing, in the contract’s words', () => {
    expect(messageOf({ logLevel: 'info', filter: [] })).toBe('Invalid --facilities: required (string) but missing');
  });

  it('returns the parsed options', () => {
    expect(parseCliOptions(Options, ok, {})).toEqual(ok);
  });
});
