import { GenesisError, parseRef } from '@genesis-lab/contract';
import type { GenesisContext } from '../src/context';
import { Dataset } from '../src/data/dataset';
import { Model } from '../src/model';

/**
 * Datasets and models read their ref the one way (CatalogRef): the same fields, the same
 * printed form, and the same message for a malformed ref, thrown where the cell writes it.
 * Nothing is fetched when a ref is made, so no context is needed here.
 */
const ctx = {} as GenesisContext;
const kinds = [
  ['dataset', (ref: string) => new Dataset(ctx, ref)],
  ['model', (ref: string) => new Model(ctx, ref)]
] as const;

describe.each(kinds)('a %s ref', (_, make) => {
  it('keeps the ref as written, its id and its version', () => {
    const pinned = make('noaa/mauna-loa-co2@3.2.1');
    expect([pinned.ref, pinned.id, pinned.version, String(pinned)]).toEqual([
      'noaa/mauna-loa-co2@3.2.1',
      'noaa/mauna-loa-co2',
      '3.2.1',
      'noaa/mauna-loa-co2@3.2.1'
    ]);
    const latest = make('noaa/mauna-loa-co2');
    expect([latest.version, String(latest)]).toEqual([undefined, 'noaa/mauna-loa-co2']);
  });

  it('refuses a malformed ref with the contract’s message, as a presentable error', () => {
    let contractMessage = '';
    try {
      parseRef('no slash here');
    } catch (err) {
      contractMessage = (err as Error).message;
    }
    expect(contractMessage).not.toBe('');
    let thrown: unknown;
    try {
      make('no slash here');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(GenesisError);
    expect((thrown as Error).message).toContain(contractMessage.split('\n')[0]!);
  });
});
