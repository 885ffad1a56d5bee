import { AccessLevel, type FacetName } from '@genesis-lab/contract';
import type { Db } from '../../db/database';

/**
 * A compact in-memory image of what search filters, counts and sorts on: per record its
 * access level, facet value ids, and sort keys. Full-text matching stays in FTS5; everything
 * after it (access filtering, facet filters, facet counts, ordering) runs over these arrays
 * in a few milliseconds instead of one B-tree lookup per matching record.
 *
 * It follows the database incrementally: every write bumps a record's `change_seq`, and
 * `refresh()` loads the records changed since the last refresh. Writes by another process
 * (the CLI ingesting while the server runs) show up through SQLite's `data_version`.
 */
export const ACCESS_CODES: readonly AccessLevel[] = AccessLevel.options;

export type SortName = 'title' | 'updated' | 'rows';

export class RecordIndex {
  /** rid -> slot + 1 (0: unknown); rids are dense rowids, so an array beats a Map. */
  private slotOf = new Int32Array(1024);
  ids: string[] = [];
  rids: number[] = [];
  access: number[] = [];
  kinds: string[] = [];
  titleKeys: string[] = [];
  updated: string[] = [];
  rows: number[] = [];
  facets: Int32Array[] = [];
  /** Facet value dictionary: id -> facet, value. */
  readonly facetName: FacetName[] = [];
  readonly facetValue: string[] = [];
  private readonly facetId = new Map<string, number>();

  /** Increases whenever the image changes (for caches derived from it). */
  generation = 0;
  private lastSeq = 0;
  private dataVersion = -1;
  private dirty = true;
  private orders = new Map<SortName, Int32Array>();
  private postingsCache: Int32Array[] | undefined;
  private kindCheck: { generation: number; kind: string; all: boolean } | undefined;
  private postingsGeneration = -1;

  private readonly changed;
  private readonly facetsOf;

  constructor(private readonly db: Db) {
    this.changed = db.prepare<
      [number],
      {
        rid: number;
        id: string;
        kind: string;
        access_level: AccessLevel;
        title_key: string;
        updated_at: string;
        latest_rows: number | null;
        change_seq: number;
      }
    >(
      `SELECT rid, id, kind, access_level, title_key, updated_at, latest_rows, change_seq
       FROM catalog_records WHERE change_seq > ? ORDER BY change_seq`
    );
    this.facetsOf = db.prepare<[number], { rid: number; facet: FacetName; value: string }>(
      `SELECT f.rid, f.facet, f.value FROM catalog_records r CROSS JOIN catalog_facets f ON f.rid = r.rid
       WHERE r.change_seq > ? ORDER BY f.rid`
    );
  }

  /** This connection wrote: the next search refreshes. */
  markDirty(): void {
    this.dirty = true;
  }

  get size(): number {
    return this.ids.length;
  }

  idOfFacet(facet: FacetName, value: string): number | undefined {
    return this.facetId.get(`${facet}\u0000${value}`);
  }

  private internFacet(facet: FacetName, value: string): number {
    const key = `${facet}\u0000${value}`;
    let id = this.facetId.get(key);
    if (id === undefined) {
      id = this.facetName.length;
      this.facetName.push(facet);
      this.facetValue.push(value);
      this.facetId.set(key, id);
    }
    return id;
  }

  /** Bring the image up to date with the database (cheap when nothing changed). */
  refresh(): void {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (!this.dirty && version === this.dataVersion) return;
    this.dirty = false;
    this.dataVersion = version;
    const rows = this.changed.all(this.lastSeq);
    if (!rows.length) return;
    const facetRows = new Map<number, number[]>();
    for (const f of this.facetsOf.all(this.lastSeq)) {
      let list = facetRows.get(f.rid);
      if (!list) facetRows.set(f.rid, (list = []));
      list.push(this.internFacet(f.facet, f.value));
    }
    for (const r of rows) {
      if (r.rid >= this.slotOf.length) {
        const grown = new Int32Array(Math.max(r.rid + 1, this.slotOf.length * 2));
        grown.set(this.slotOf);
        this.slotOf = grown;
      }
      let slot = this.slotOf[r.rid]! - 1;
      if (slot < 0) {
        slot = this.ids.length;
        this.slotOf[r.rid] = slot + 1;
      }
      this.ids[slot] = r.id;
      this.rids[slot] = r.rid;
      this.kinds[slot] = r.kind;
      this.access[slot] = ACCESS_CODES.indexOf(r.access_level);
      this.titleKeys[slot] = r.title_key;
      this.updated[slot] = r.updated_at;
      this.rows[slot] = r.latest_rows ?? -1;
      this.facets[slot] = Int32Array.from(facetRows.get(r.rid) ?? []);
      if (r.change_seq > this.lastSeq) this.lastSeq = r.change_seq;
    }
    this.orders.clear();
    this.generation++;
  }

  slotOfRid(rid: number): number | undefined {
    const s = rid < this.slotOf.length ? this.slotOf[rid]! - 1 : -1;
    return s < 0 ? undefined : s;
  }

  /** Compare two slots by a sort key, ties by id (ascending). */
  compare(sort: SortName, a: number, b: number): number {
    let d: number;
    if (sort === 'rows') d = this.rows[a]! - this.rows[b]!;
    else {
      const x = sort === 'title' ? this.titleKeys[a]! : this.updated[a]!;
      const y = sort === 'title' ? this.titleKeys[b]! : this.updated[b]!;
      d = x < y ? -1 : x > y ? 1 : 0;
    }
    if (d !== 0) return d;
    const i = this.ids[a]!;
    const j = this.ids[b]!;
    return i < j ? -1 : i > j ? 1 : 0;
  }

  /** All slots in ascending (key, id) order; cached until the next change. */
  order(sort: SortName): Int32Array {
    let o = this.orders.get(sort);
    if (!o) {
      o = Int32Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.compare(sort, a, b));
      this.orders.set(sort, o);
    }
    return o;
  }

  /** Slots carrying each facet value id (postings lists), built once per catalog change. */
  postings(): Int32Array[] {
    if (this.postingsCache && this.postingsGeneration === this.generation) return this.postingsCache;
    const counts = new Int32Array(this.facetName.length);
    for (const f of this.facets) for (let i = 0; i < f.length; i++) counts[f[i]!]!++;
    const lists = Array.from(counts, (n) => new Int32Array(n));
    const fill = new Int32Array(this.facetName.length);
    for (let slot = 0; slot < this.facets.length; slot++) {
      const f = this.facets[slot]!;
      for (let i = 0; i < f.length; i++) lists[f[i]!]![fill[f[i]!]!++] = slot;
    }
    this.postingsCache = lists;
    this.postingsGeneration = this.generation;
    return lists;
  }

  /** True when every record has this kind (a kind filter then filters nothing). */
  allOfKind(kind: string): boolean {
    if (this.kindCheck?.generation !== this.generation || this.kindCheck.kind !== kind)
      this.kindCheck = { generation: this.generation, kind, all: this.kinds.every((k) => k === kind) };
    return this.kindCheck.all;
  }

  sortKey(sort: SortName, slot: number): string | number {
    return sort === 'rows' ? this.rows[slot]! : sort === 'title' ? this.titleKeys[slot]! : this.updated[slot]!;
  }
}
