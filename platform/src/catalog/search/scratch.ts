/**
 * Per-slot working arrays that queries reuse instead of allocating megabytes each time (search
 * runs on one thread, one query at a time). Every user leaves them as it found them: an
 * accumulator all zero, a stamp array only holding stamps of finished queries.
 */
export class Scratch {
  private readonly accumulators: Uint32Array[] = [];
  private stamps = new Int32Array(0);
  private stamp = 0;
  private list = new Int32Array(1024);
  private matchSlots = new Int32Array(1024);
  private matchKeys = new Float64Array(1024);

  /** Accumulator `i`, all zero, at least `slots` long. */
  accumulator(i: number, slots: number): Uint32Array {
    let a = this.accumulators[i];
    if (!a || a.length < slots) {
      a = new Uint32Array(Math.ceil(Math.max(slots, 1024) * 1.25));
      this.accumulators[i] = a;
    }
    return a;
  }

  /** The stamp array (at least `slots` long) and `count` stamps no slot carries yet: stamp, stamp + 1, ... */
  freshStamps(slots: number, count: number): { stamps: Int32Array; stamp: number } {
    if (this.stamps.length < slots || this.stamp + count >= 0x7fffffff) {
      this.stamps = new Int32Array(Math.ceil(Math.max(slots, 1024) * 1.25));
      this.stamp = 0;
    }
    const stamp = this.stamp + 1;
    this.stamp += count;
    return { stamps: this.stamps, stamp };
  }

  /** A growable list of slots (its contents are the caller's until the next call). */
  slotList(size: number): Int32Array {
    if (this.list.length < size) this.list = new Int32Array(Math.ceil(size * 1.25));
    return this.list;
  }

  /** Buffers for one query's matches, at least `size` long; growing keeps their first `keep` entries. */
  matches(size = 0, keep = 0): { slots: Int32Array; keys: Float64Array } {
    if (this.matchSlots.length < size) {
      const n = Math.ceil(size * 1.25);
      const slots = new Int32Array(n);
      const keys = new Float64Array(n);
      slots.set(this.matchSlots.subarray(0, keep));
      keys.set(this.matchKeys.subarray(0, keep));
      this.matchSlots = slots;
      this.matchKeys = keys;
    }
    return { slots: this.matchSlots, keys: this.matchKeys };
  }
}
