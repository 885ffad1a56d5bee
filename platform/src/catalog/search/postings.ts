/**
 * Postings lists: for each key (a word id, or a facet value id) the slots of the records that
 * carry it, in ascending slot order, with an optional 16-bit weight per posting.
 *
 * Slots only grow (a changed record gets a new slot, the old one dies), so new postings are
 * always appended after the existing ones. Each index refresh adds segments in compressed
 * sparse row form (one offsets array, one slots array, one weights array: no object per key);
 * small segments merge as in an LSM tree, so a refresh costs what it adds and a read walks a
 * few dozen segments at most. Merging drops the postings of dead slots.
 */
/** Postings beyond which segments are not merged (about 24 MB of slots and weights). */
const MERGE_LIMIT = 4_000_000;

export interface Segment {
  /** Keys below this have an entry (keys interned later have none). */
  readonly keys: number;
  /** Postings of key k are positions start[k] .. start[k + 1] - 1. */
  readonly start: Int32Array;
  readonly slots: Int32Array;
  readonly weights: Uint16Array | undefined;
}

/** Postings of one refresh, collected record by record (in ascending slot order), then sealed. */
export class SegmentBuilder {
  private keys = new Int32Array(1024);
  private slots = new Int32Array(1024);
  private weights: Uint16Array | undefined;
  size = 0;

  constructor(weighted: boolean) {
    if (weighted) this.weights = new Uint16Array(1024);
  }

  add(key: number, slot: number, weight = 0): void {
    if (this.size === this.keys.length) this.grow();
    this.keys[this.size] = key;
    this.slots[this.size] = slot;
    if (this.weights) this.weights[this.size] = weight;
    this.size++;
  }

  private grow(): void {
    const n = this.keys.length * 2;
    this.keys = resized(this.keys, n);
    this.slots = resized(this.slots, n);
    if (this.weights) this.weights = resized(this.weights, n);
  }

  /** A counting sort by key; stable, so each key's slots stay ascending. */
  seal(keyCount: number): Segment {
    const start = new Int32Array(keyCount + 1);
    for (let i = 0; i < this.size; i++) start[this.keys[i]! + 1]!++;
    for (let k = 0; k < keyCount; k++) start[k + 1]! += start[k]!;
    const fill = start.slice(0, keyCount);
    const slots = new Int32Array(this.size);
    const weights = this.weights ? new Uint16Array(this.size) : undefined;
    for (let i = 0; i < this.size; i++) {
      const at = fill[this.keys[i]!]!++;
      slots[at] = this.slots[i]!;
      if (weights) weights[at] = this.weights![i]!;
    }
    return { keys: keyCount, start, slots, weights };
  }
}

export class PostingsStore {
  private segs: Segment[] = [];

  /** The segments, oldest first; a key's postings are its ranges in each, in this order. */
  get segments(): readonly Segment[] {
    return this.segs;
  }

  /** Postings held (dead slots included until their segment is merged). */
  get size(): number {
    let n = 0;
    for (const s of this.segs) n += s.slots.length;
    return n;
  }

  /** Number of postings of a key, dead slots included (an upper bound of its live records). */
  count(key: number): number {
    let n = 0;
    for (const s of this.segs) if (key < s.keys) n += s.start[key + 1]! - s.start[key]!;
    return n;
  }

  append(seg: Segment, live: Uint8Array): void {
    if (!seg.slots.length) return;
    this.segs.push(seg);
    // Merge like a binary counter (the newest into the one before while it is at least half its
    // size), but leave segments of MERGE_LIMIT postings alone: merging big ones would only double
    // the memory a load needs, and a read walks a few dozen segments at most.
    while (this.segs.length > 1) {
      const last = this.segs[this.segs.length - 1]!;
      const prev = this.segs[this.segs.length - 2]!;
      if (last.slots.length * 2 < prev.slots.length || prev.slots.length + last.slots.length > MERGE_LIMIT) break;
      this.segs.splice(this.segs.length - 2, 2, merge(prev, last, live));
    }
  }

  clear(): void {
    this.segs = [];
  }
}

/** One segment holding a's then b's postings of every key, without dead slots. */
function merge(a: Segment, b: Segment, live: Uint8Array): Segment {
  const keys = Math.max(a.keys, b.keys);
  const start = new Int32Array(keys + 1);
  let n = 0;
  for (let k = 0; k < keys; k++) {
    start[k] = n;
    n += liveIn(a, k, live) + liveIn(b, k, live);
  }
  start[keys] = n;
  const slots = new Int32Array(n);
  const weights = a.weights ? new Uint16Array(n) : undefined;
  let at = 0;
  for (let k = 0; k < keys; k++) {
    at = copyLive(a, k, live, slots, weights, at);
    at = copyLive(b, k, live, slots, weights, at);
  }
  return { keys, start, slots, weights };
}

function liveIn(s: Segment, k: number, live: Uint8Array): number {
  if (k >= s.keys) return 0;
  let n = 0;
  for (let j = s.start[k]!, end = s.start[k + 1]!; j < end; j++) n += live[s.slots[j]!]!;
  return n;
}

function copyLive(
  s: Segment,
  k: number,
  live: Uint8Array,
  slots: Int32Array,
  weights: Uint16Array | undefined,
  at: number
): number {
  if (k >= s.keys) return at;
  for (let j = s.start[k]!, end = s.start[k + 1]!; j < end; j++) {
    const slot = s.slots[j]!;
    if (!live[slot]) continue;
    slots[at] = slot;
    if (weights) weights[at] = s.weights![j]!;
    at++;
  }
  return at;
}

export function resized<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array>(
  a: T,
  n: number
): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a.subarray(0, Math.min(a.length, n)));
  return b;
}
