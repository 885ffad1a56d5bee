import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithService, GENESIS_BIN, runCli, tempHome } from '@genesis-lab/test-support';

/**
 * `--progress` of the real, built CLI (`genesis ingest`, `genesis seed examples`) in a
 * subprocess whose stderr is a pipe, as in CI logs.
 */
const cli = runCli;

interface ProgressLine {
  label: string;
  phase: 'scanning' | 'writing';
  percent: number;
  done: number;
  total: number;
  unit: 'MB' | 'rows';
  rows?: number;
}

const LINE = /^(.+): (scanning|writing) +(\d+)% \| ([\d.,]+)\/([\d.,]+) (MB|rows)(?: \| ([\d,]+) rows)?$/;
const num = (s: string) => Number(s.replace(/,/g, ''));

/** Every stderr line must be a progress line. */
function parseLines(stderr: string): ProgressLine[] {
  return stderr
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const m = LINE.exec(line);
      if (!m) throw new Error(`not a progress line: ${JSON.stringify(line)}`);
      return {
        label: m[1]!,
        phase: m[2] as ProgressLine['phase'],
        percent: Number(m[3]),
        done: num(m[4]!),
        total: num(m[5]!),
        unit: m[6] as ProgressLine['unit'],
        ...(m[7] !== undefined ? { rows: num(m[7]) } : {})
      };
    });
}

/** Phases in order (scan before write), each with rising percentages that end at 100. */
function expectWellFormed(lines: ProgressLine[]): Record<string, ProgressLine[]> {
  const phases: Record<string, ProgressLine[]> = {};
  for (const l of lines) (phases[l.phase] ??= []).push(l);
  const order = [...new Set(lines.map((l) => l.phase))];
  expect(order).toEqual(order.includes('scanning') ? ['scanning', 'writing'] : ['writing']);
  for (const ls of Object.values(phases)) {
    const percents = ls.map((l) => l.percent);
    for (let i = 1; i < percents.length; i++) expect(percents[i]!).toBeGreaterThan(percents[i - 1]!);
    expect(percents.at(-1)).toBe(100);
    expect(percents.slice(0, -1)).not.toContain(100);
    expect(ls.at(-1)!.done).toBe(ls.at(-1)!.total);
    const rows = ls.map((l) => l.rows ?? 0);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!).toBeGreaterThanOrEqual(rows[i - 1]!);
  }
  return phases;
}

const ROWS = 300_000;
let dir: string;
let csv: string;
let meta: string;
let n = 0;
/** A fresh dataset id per run, in one home. */
const nextId = () => `t/progress-${++n}`;

beforeAll(() => {
  dir = tempHome('genesis-ingest-progress-');
  csv = path.join(dir, 'big.csv');
  // About 10 MB: several 1 MB read chunks while scanning and several 65,536-row batches while writing.
  const out = fs.openSync(csv, 'w');
  fs.writeSync(out, 'id,value,station,day\n');
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    chunk += `${i},${(i * 0.37).toFixed(3)},station-${i % 977},2024-01-${String(1 + (i % 28)).padStart(2, '0')}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(out, chunk);
      chunk = '';
    }
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
  meta = path.join(dir, 'meta.json');
  fs.writeFileSync(meta, JSON.stringify({ title: 'Progress test data', license: 'CC0-1.0' }));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function ingest(progress: string[], env: NodeJS.ProcessEnv = {}) {
  const id = nextId();
  const r = cli(['ingest', csv, '--id', id, '--meta', meta, '--home', path.join(dir, 'home'), ...progress], env);
  return { id, ...r };
}

/** Rows in the summary line: `Published t/x@1: 300,000 rows, ...`. */
function summaryRows(stdout: string, id: string): number {
  const m = new RegExp(`^Published ${id}@1: ([\\d,]+) rows`, 'm').exec(stdout);
  if (!m) throw new Error(`no summary for ${id} in ${stdout}`);
  return num(m[1]!);
}

describe('genesis ingest --progress', () => {
  it('plain: parseable lines per update, rising to 100% per phase, final rows = the summary', () => {
    // Interval 0: a line for every change of percentage, so the count does not depend on speed.
    const r = ingest(['--progress', 'plain'], { GENESIS_PROGRESS_INTERVAL_MS: '0' });
    expect(r.status).toBe(0);
    const lines = parseLines(r.stderr);
    expect(new Set(lines.map((l) => l.label))).toEqual(new Set([r.id]));
    const phases = expectWellFormed(lines);
    expect(phases.scanning!.length).toBeGreaterThanOrEqual(5);
    expect(phases.writing!.length).toBeGreaterThanOrEqual(4);
    const mb = Number((fs.statSync(csv).size / 1e6).toFixed(1));
    for (const l of lines) expect([l.unit, l.total]).toEqual(['MB', mb]);
    // The scan counts rows as it goes; its final line has them all.
    const scanRows = phases.scanning!.map((l) => l.rows!);
    expect(scanRows).toEqual([...scanRows].sort((a, b) => a - b));
    expect(scanRows.at(-1)).toBe(ROWS);
    expect(summaryRows(r.stdout, r.id)).toBe(ROWS);
    expect(phases.writing!.at(-1)!.rows).toBe(ROWS);
  });

  it('plain with the default throttle: still well formed and ends at 100% with every row', () => {
    const r = ingest(['--progress', 'plain']);
    expect(r.status).toBe(0);
    const phases = expectWellFormed(parseLines(r.stderr));
    expect(phases.writing!.at(-1)!.rows).toBe(summaryRows(r.stdout, r.id));
  });

  it('bar: the cli-progress bar is drawn on stderr even though it is not a terminal', () => {
    const r = ingest(['--progress', 'bar']);
    expect(r.status).toBe(0);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const bar = new RegExp(
      `^${r.id} (scanning|writing) +\\[[█░]{40}\\] +(\\d+)% \\| [\\d.]+/[\\d.]+ MB \\| ([\\d,]+) rows`
    );
    for (const l of lines) expect(l).toMatch(bar);
    expect(lines.some((l) => l.includes(' scanning '))).toBe(true);
    const last = bar.exec(lines.at(-1)!)!;
    expect([last[1], last[2], num(last[3]!)]).toEqual(['writing', '100', summaryRows(r.stdout, r.id)]);
  });

  it('none, and auto on a pipe: nothing on stderr', () => {
    for (const progress of [['--progress', 'none'], []]) {
      const r = ingest(progress);
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      expect(summaryRows(r.stdout, r.id)).toBe(ROWS);
    }
  });

  it('an unknown mode is an error naming --progress and its values; nothing is published', () => {
    const r = ingest(['--progress', 'fancy']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^genesis: Invalid --progress\b.*"auto"\|"bar"\|"plain"\|"none"/);
    const listed = cli(['ingest', csv, '--id', r.id, '--home', path.join(dir, 'home'), '--progress', 'none']);
    // The id was never created, so a second ingest without --meta is refused as a new id.
    expect(listed.status).not.toBe(0);
    expect(listed.stderr).toMatch(/metadata/i);
  });

  it('a bad GENESIS_PROGRESS_INTERVAL_MS is an error naming it', () => {
    const r = ingest(['--progress', 'plain'], { GENESIS_PROGRESS_INTERVAL_MS: 'soon' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/GENESIS_PROGRESS_INTERVAL_MS/);
  });
});

/** util-linux `script` runs a command on a pseudo-terminal: a real TTY for `auto`. */
function scriptAvailable(): { ok: boolean; why: string } {
  const r = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? { ok: true, why: r.stdout.trim() } : { ok: false, why: String(r.error ?? r.stderr) };
}

describeWithService('a pseudo-terminal (util-linux script)', scriptAvailable, 'genesis ingest on a terminal', () => {
  it('auto draws the cli-progress bar in place (cursor hidden, then restored)', () => {
    const id = nextId();
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [
      process.execPath,
      GENESIS_BIN,
      'ingest',
      csv,
      '--id',
      id,
      '--meta',
      meta,
      '--home',
      path.join(dir, 'home')
    ]
      .map(quote)
      .join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, GENESIS_URL: '', GENESIS_TOKEN: '', GENESIS_HOME: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120000
    });
    expect(r.status).toBe(0);
    // On the terminal, stdout and stderr are one stream: the bar's redraws, then the summary.
    const out = r.stdout;
    expect(out).toContain('\x1b[?25l');
    expect(out).toContain('\x1b[?25h');
    expect(out).toMatch(new RegExp(`${id} scanning \\[[█░]{40}\\] +\\d+%`));
    expect(out).toMatch(
      new RegExp(`${id} writing  \\[█{40}\\] 100% \\| [\\d.]+/[\\d.]+ MB \\| ${ROWS.toLocaleString('en-US')} rows`)
    );
    // The bar clears its line when done, and the summary takes its place.
    expect(out).toContain(`\x1b[2KPublished ${id}@1: ${ROWS.toLocaleString('en-US')} rows`);
  });
});

describe('genesis seed examples --progress', () => {
  it('plain: one labelled, well-formed series per dataset; final rows = the added line', () => {
    const home = path.join(dir, 'seed-home');
    const r = cli(['seed', 'examples', '--home', home, '--progress', 'plain']);
    expect(r.status).toBe(0);
    const added = [...r.stdout.matchAll(/^added +(\S+)@\S+ +([\d,]+) rows/gm)].map((m) => [m[1]!, num(m[2]!)] as const);
    expect(added.length).toBe(9);
    const lines = parseLines(r.stderr);
    for (const [i, [id, rows]] of added.entries()) {
      const own = lines.filter((l) => l.label === `[${i + 1}/9] ${id}`);
      const phases = expectWellFormed(own);
      expect(phases.writing!.at(-1)!.rows ?? phases.writing!.at(-1)!.done).toBe(rows);
    }
    // Every line belongs to one of them, and they come one dataset after the other.
    const labels = lines.map((l) => l.label);
    expect(labels.filter((l, i) => l !== labels[i - 1])).toEqual(added.map(([id], i) => `[${i + 1}/9] ${id}`));
    // Parquet is counted in rows, not MB.
    expect(lines.filter((l) => l.label.endsWith('bts/flights-3m')).every((l) => l.unit === 'rows')).toBe(true);

    const invalid = cli(['seed', 'examples', '--home', home, '--progress', 'loud']);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toMatch(/--progress.*"auto"\|"bar"\|"plain"\|"none"/);
  });
});
