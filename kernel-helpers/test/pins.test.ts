import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GenesisError, PINS_ENV } from '@genesis-lab/contract';
import { ReproductionPins } from '../src/data/pins';

/** GENESIS_PINS as the kernel helpers read it: the versions a reproduction pinned, validated with the contract's schema. */

const SHA = 'a'.repeat(64);
const file = (text: string) => {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'genesis-pins-test-')), 'pins.json');
  fs.writeFileSync(f, text);
  return f;
};
const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GenesisError);
    return (e as GenesisError).message;
  }
  throw new Error('expected a GenesisError');
};

describe('ReproductionPins', () => {
  it('without GENESIS_PINS nothing is pinned (every unversioned ref is latest)', () => {
    const pins = new ReproductionPins({});
    expect(pins.active).toBe(false);
    expect(pins.datasetPin('test/co2')).toBeUndefined();
  });

  it('gives the recorded version of a pinned dataset, and nothing for one the run never recorded', () => {
    const f = file(JSON.stringify({ datasets: { 'test/co2': { version: '1', sha256: SHA } } }));
    const pins = new ReproductionPins({ [PINS_ENV]: f });
    expect(pins.active).toBe(true);
    expect(pins.datasetPin('test/co2')).toEqual({ version: '1', sha256: SHA });
    expect(pins.datasetPin('test/other')).toBeUndefined();
  });

  it('gives the recorded version of a pinned model, apart from datasets of the same name', () => {
    const f = file(
      JSON.stringify({
        datasets: { 'test/plane': { version: '3', sha256: SHA } },
        models: { 'test/plane': { version: '1', sha256: 'b'.repeat(64) } }
      })
    );
    const pins = new ReproductionPins({ [PINS_ENV]: f });
    expect(pins.modelPin('test/plane')).toEqual({ version: '1', sha256: 'b'.repeat(64) });
    expect(pins.datasetPin('test/plane')).toEqual({ version: '3', sha256: SHA });
    expect(pins.modelPin('test/other')).toBeUndefined();
    expect(new ReproductionPins({}).modelPin('test/plane')).toBeUndefined();
  });

  it('a missing, non-JSON or malformed pins file is an error naming it, never a silent latest', () => {
    expect(message(() => new ReproductionPins({ [PINS_ENV]: '/nonexistent/pins.json' }).datasetPin('a/b'))).toMatch(
      /GENESIS_PINS names \/nonexistent\/pins\.json, which cannot be read/
    );
    const notJson = file('{');
    expect(message(() => new ReproductionPins({ [PINS_ENV]: notJson }).datasetPin('a/b'))).toContain(
      `GENESIS_PINS file ${notJson} is not JSON`
    );
    const bad = file(JSON.stringify({ datasets: { 'test/co2': { version: '1', sha256: 'short' } } }));
    expect(message(() => new ReproductionPins({ [PINS_ENV]: bad }).datasetPin('test/co2'))).toMatch(
      new RegExp(`GENESIS_PINS file ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*sha256`)
    );
  });
});
