/**
 * The catalog's records presorted by each sort key, ties broken by id, so (key, id) is a total
 * order: browsing walks an order instead of sorting, and a slot's rank (its position) turns
 * every comparison in a page selection into an integer comparison. Orders are kept up to date
 * at each index refresh by merging the changed records in, which costs one pass, not a sort.
 */
export type SortName = 'title' | 'updated' | 'rows';
export const SORT_NAMES: readonly SortName[] = ['title', 'updated', 'rows'];

export type SortKey = string | number;

/** What the orders sort on, per slot. */
export interface SortColumns {
  ids: string[];
  titleKeys: string[];
  updated: string[];
  rows: Float64Array;
}

export interface SortOrder {
  /** Live slots in ascending (key, id) order. */
  order: Int32Array;
  /** Position of each live slot in `order` (dead slots: -1). */
  rank: Int32Array;
}

export class SortOrders {
  private readonly orders = new Map<SortName, SortOrder>();

  constructor(private readonly cols: SortColumns) {}

  key(sort: SortName, slot: number): SortKey {
    return sort === 'rows'
      ? this.cols.rows[slot]!
      : sort === 'title'
        ? this.cols.titleKeys[slot]!
        : this.cols.updated[slot]!;
  }

  /** (key, id) of slot `a` against (key, id), ascending. */
  compareTo(sort: SortName, a: number, key: SortKey, id: string): number {
    const k = this.key(sort, a);
    if (k !== key) return k < key ? -1 : 1;
    const i = this.cols.ids[a]!;
    return i === id ? 0 : i < id ? -1 : 1;
  }

  compare(sort: SortName, a: number, b: number): number {
    return this.compareTo(sort, a, this.key(sort, b), this.cols.ids[b]!);
  }

  get(sort: SortName): SortOrder {
    // Not built yet: nothing was ever loaded, so the catalog is empty.
    return this.orders.get(sort) ?? { order: new Int32Array(0), rank: new Int32Array(0) };
  }

  /**
   * After a refresh: `added` slots are new, `live` says which slots survive. The first call
   * sorts everything; later ones merge the added slots into each order.
   */
  update(added: Int32Array, live: Uint8Array, slotCount: number): void {
    for (const sort of SORT_NAMES) {
      const cmp = (a: number, b: number) => this.compare(sort, a, b);
      const fresh = added.slice().sort(cmp);
      const old = this.orders.get(sort)?.order ?? new Int32Array(0);
      const order = new Int32Array(old.length + fresh.length);
      let n = 0;
      let i = 0;
      let j = 0;
      while (i < old.length || j < fresh.length) {
        if (i < old.length && !live[old[i]!]) {
          i++;
          continue;
        }
        if (j < fresh.length && !live[fresh[j]!]) {
          j++;
          continue;
        }
        if (j >= fresh.length || (i < old.length && cmp(old[i]!, fresh[j]!) <= 0)) order[n++] = old[i++]!;
        else order[n++] = fresh[j++]!;
      }
      const rank = new Int32Array(slotCount).fill(-1);
      for (let r = 0; r < n; r++) rank[order[r]!] = r;
      this.orders.set(sort, { order: order.subarray(0, n), rank });
    }
  }

  /**
   * How many records sort before (key, id), or at-or-before it with `inclusive`: where a page
   * that continues after a cursor starts, whether or not the cursor's record still exists.
   */
  position(sort: SortName, key: SortKey, id: string, inclusive: boolean): number {
    const order = this.get(sort).order;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.compareTo(sort, order[mid]!, key, id);
      if (c < 0 || (inclusive && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  clear(): void {
    this.orders.clear();
  }
}
