import { withinTolerance, type Tolerance } from '@genesis-lab/contract';

/**
 * Comparing the values inside outputs: numbers exactly or within a declared tolerance, all else
 * exactly. Differences are collected as readable lines; numeric differences that the tolerance
 * allowed are measured, so a report can say by how much.
 */
export class ValueComparison {
  readonly lines: string[] = [];
  /** Numbers that differed but within the tolerance. */
  tolerated = 0;
  maxAbsDiff = 0;
  maxRelDiff = 0;

  constructor(readonly tolerance: Tolerance | undefined) {}

  get equal(): boolean {
    return this.lines.length === 0;
  }

  differ(line: string): void {
    this.lines.push(line);
  }

  /** Two numbers; true when equal or within the tolerance. */
  numbers(a: number, b: number): boolean {
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
    if (!withinTolerance(a, b, this.tolerance)) return false;
    const abs = Math.abs(a - b);
    this.tolerated++;
    this.maxAbsDiff = Math.max(this.maxAbsDiff, abs);
    this.maxRelDiff = Math.max(this.maxRelDiff, abs / Math.max(Math.abs(a), Math.abs(b)));
    return true;
  }

  /** Texts token by token: numbers by value, everything else exactly. Returns true when they match. */
  texts(a: string, b: string): boolean {
    if (a === b) return true;
    const ta = tokens(a);
    const tb = tokens(b);
    if (ta.length !== tb.length) return false;
    for (let i = 0; i < ta.length; i++) {
      const x = ta[i]!;
      const y = tb[i]!;
      if (x === y) continue;
      const nx = asNumber(x);
      const ny = asNumber(y);
      if (nx === undefined || ny === undefined || !this.numbers(nx, ny)) return false;
    }
    return true;
  }

  /** JSON values: numbers by value, strings exactly, arrays by position, objects by key. `at` names the path. */
  json(a: unknown, b: unknown, at: string): void {
    if (typeof a === 'number' && typeof b === 'number') {
      if (!this.numbers(a, b)) this.differ(`${at}: ${a} → ${b}`);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) this.differ(`${at}: ${a.length} items → ${b.length} items`);
      for (let i = 0; i < Math.min(a.length, b.length); i++) this.json(a[i], b[i], `${at}[${i}]`);
      return;
    }
    if (isObject(a) && isObject(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (!(k in a)) this.differ(`${at}.${k}: (absent) → ${show(b[k])}`);
        else if (!(k in b)) this.differ(`${at}.${k}: ${show(a[k])} → (absent)`);
        else this.json(a[k], b[k], `${at}.${k}`);
      }
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) this.differ(`${at}: ${show(a)} → ${show(b)}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

// Numbers are whole tokens between separators, so "2020-04-01" or "v1.2.3" stay text (compared
// exactly) and a declared tolerance never lets a date or a version drift.
const SEPARATORS = /(\s+|[,;:()[\]{}<>"'=|])/;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?$/;

function tokens(s: string): string[] {
  return s.split(SEPARATORS).filter((t) => t !== '');
}

function asNumber(t: string): number | undefined {
  if (!NUMBER.test(t)) return undefined;
  const n = Number(t.replace(/%$/, ''));
  return Number.isFinite(n) ? n : undefined;
}
