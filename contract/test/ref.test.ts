import fc from 'fast-check';
import { GenesisError, formatRef, parseRef } from '@genesis-lab/contract';

const seg = fc.stringMatching(/^[a-z0-9](?:[a-z0-9._-]{0,20}[a-z0-9])?$/);
const version = fc.stringMatching(/^[A-Za-z0-9](?:[A-Za-z0-9._+-]{0,20}[A-Za-z0-9])?$/).filter((v) => v !== 'latest');

describe('parseRef', () => {
  it('round-trips every valid ref', () => {
    fc.assert(
      fc.property(seg, seg, fc.option(version, { nil: undefined }), (ns, name, v) => {
        const text = formatRef({ id: `${ns}/${name}`, version: v });
        const ref = parseRef(text);
        expect(ref).toEqual({ id: `${ns}/${name}`, namespace: ns, name, ...(v ? { version: v } : {}) });
        expect(formatRef(ref)).toBe(text);
      })
    );
  });

  it('treats @latest as no version', () => {
    expect(parseRef('noaa/co2@latest').version).toBeUndefined();
  });

  it('rejects anything else with invalid_ref, never another exception', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          const r = parseRef(s);
          expect(r.id).toMatch(/^[a-z0-9._-]+\/[a-z0-9._-]+$/);
        } catch (e) {
          expect(e).toBeInstanceOf(GenesisError);
          expect((e as GenesisError).code).toBe('invalid_ref');
        }
      })
    );
  });

  it.each(['Mauna', 'NOAA/co2', 'noaa/', '/co2', 'noaa/co2@', 'noaa/co2@bad version', 'a/b/c'])('rejects %p', (s) => {
    expect(() => parseRef(s)).toThrow(GenesisError);
  });
});
