import { PassThrough } from 'node:stream';
import { GenesisError } from '@genesis-lab/contract';
import {
  IngestProgressLines,
  PLAIN_INTERVAL_MS,
  formatProgressLine,
  percentOf,
  progressSettings
} from '../src/progress';
import type { IngestProgress } from '@genesis-lab/platform';

/** A real stream that keeps what was written, split into lines. */
function sink(): { stream: PassThrough; lines(): string[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

const scan = (done: number, total = 1000): IngestProgress => ({ phase: 'scan', done, total, unit: 'bytes', rows: 0 });
const write = (done: number, rows: number, total = 1000): IngestProgress => ({
  phase: 'write',
  done,
  total,
  unit: 'bytes',
  rows
});

describe('progressSettings (--progress)', () => {
  it('resolves auto to a bar on a terminal and to nothing on a pipe', () => {
    expect(progressSettings('auto', {}, { isTTY: true }).mode).toBe('bar');
    expect(progressSettings('auto', {}, { isTTY: false }).mode).toBe('none');
    expect(progressSettings('auto', {}, {}).mode).toBe('none');
    for (const m of ['bar', 'plain', 'none'] as const) expect(progressSettings(m, {}, { isTTY: false }).mode).toBe(m);
  });

  it('rejects an unknown mode naming the option and the allowed values', () => {
    expect.assertions(4);
    try {
      progressSettings('fancy', {}, {});
    } catch (err) {
      expect(err).toBeInstanceOf(GenesisError);
      const e = err as GenesisError;
      expect(e.code).toBe('validation_failed');
      expect(e.message).toMatch(/--progress/);
      expect(e.message).toMatch(/"auto"\|"bar"\|"plain"\|"none"/);
    }
  });

  it('reads the plain interval from GENESIS_PROGRESS_INTERVAL_MS, validated', () => {
    expect(progressSettings('plain', {}, {}).intervalMs).toBe(PLAIN_INTERVAL_MS);
    expect(progressSettings('plain', { GENESIS_PROGRESS_INTERVAL_MS: '0' }, {}).intervalMs).toBe(0);
    expect(() => progressSettings('plain', { GENESIS_PROGRESS_INTERVAL_MS: 'soon' }, {})).toThrow(
      /GENESIS_PROGRESS_INTERVAL_MS/
    );
    expect(() => progressSettings('plain', { GENESIS_PROGRESS_INTERVAL_MS: '-5' }, {})).toThrow(
      /GENESIS_PROGRESS_INTERVAL_MS/
    );
  });
});

describe('plain progress lines', () => {
  it('formats phase, percent, MB and rows; 100% only when a phase is done', () => {
    expect(formatProgressLine('t/x', scan(250_000, 1_000_000))).toBe('t/x: scanning  25% | 0.3/1.0 MB | 0 rows');
    expect(formatProgressLine('t/x', write(999_999, 70_000, 1_000_000))).toBe(
      't/x: writing  99% | 1.0/1.0 MB | 70,000 rows'
    );
    expect(
      formatProgressLine('t/p', { phase: 'write', done: 65_536, total: 3_000_000, unit: 'rows', rows: 65_536 })
    ).toBe('t/p: writing   2% | 65,536/3,000,000 rows');
    expect(percentOf(scan(0, 0))).toBe(100);
  });

  it('prints at most one line per interval of (injected) time, and each phase ends with its 100% line', () => {
    let now = 0;
    const out = sink();
    const view = new IngestProgressLines('t/x', out.stream, 500, () => now);
    // 101 updates per phase, 10 ms apart: 1 s of (fake) time per phase.
    for (let i = 0; i <= 100; i++, now += 10) view.update(scan(i * 10));
    for (let i = 0; i <= 100; i++, now += 10) view.update(write(i * 10, i * 100));
    view.update(write(1000, 10_050)); // the last batch, after the bytes were all read
    view.stop();
    const lines = out.lines();
    const scanLines = lines.filter((l) => l.includes('scanning'));
    const writeLines = lines.filter((l) => l.includes('writing'));
    expect(scanLines).toEqual([
      't/x: scanning   0% | 0.0/0.0 MB | 0 rows',
      't/x: scanning  50% | 0.0/0.0 MB | 0 rows',
      't/x: scanning 100% | 0.0/0.0 MB | 0 rows'
    ]);
    expect(writeLines).toEqual([
      't/x: writing   0% | 0.0/0.0 MB | 0 rows',
      't/x: writing  50% | 0.0/0.0 MB | 5,000 rows',
      't/x: writing 100% | 0.0/0.0 MB | 10,050 rows'
    ]);
    expect(lines).toEqual([...scanLines, ...writeLines]);
  });

  it('prints every change of percentage with interval 0, never the same percentage twice', () => {
    const out = sink();
    const view = new IngestProgressLines('t/x', out.stream, 0, () => 0);
    for (const d of [0, 1, 4, 5, 500, 500, 999, 1000, 1000]) view.update(scan(d));
    view.stop();
    expect(out.lines().map((l) => /(\d+)%/.exec(l)![1])).toEqual(['0', '50', '99', '100']);
  });

  it('after a failure, shows how far it got and no 100% line', () => {
    const out = sink();
    const view = new IngestProgressLines('t/x', out.stream, 500, () => 0);
    view.update(scan(100));
    view.update(scan(300));
    view.stop();
    view.stop();
    expect(out.lines()).toEqual([
      't/x: scanning  10% | 0.0/0.0 MB | 0 rows',
      't/x: scanning  30% | 0.0/0.0 MB | 0 rows'
    ]);
  });
});
