import type { Db } from '../../db/database';

/** Where a dictionary lives: its table, and how a key is read from and written to it. */
export interface DictionaryTable {
  /** `SELECT id, key ... WHERE id >= ? ORDER BY id` */
  select: string;
  /** `INSERT ... (id, key)` taking (id, ...values). */
  insert: string;
  /** The insert's values for a key. */
  values(key: string): unknown[];
  /** `SELECT MAX(id)` */
  max: string;
}

/**
 * An append-only numbering of strings kept in SQLite (the catalog's words, its facet values):
 * every process that writes records and every index that reads them agree on the ids, so a
 * search document stores numbers, and loading the index hashes no strings. Ids are dense
 * (0, 1, 2, ...): `keys[id]` is the string.
 *
 * Writers assign ids inside their write transaction, which holds SQLite's write lock, after
 * catching up with what other processes added; so no id is handed out twice. An id assigned in
 * a transaction that rolled back is forgotten by `reconcile()`.
 */
export class Dictionary {
  readonly keys: string[] = [];
  private ids: Map<string, number> | undefined;
  private readonly since;
  private readonly insert;
  private readonly max;

  constructor(
    db: Db,
    private readonly table: DictionaryTable
  ) {
    this.since = db.prepare<[number], [number, string]>(table.select).raw(true);
    this.insert = db.prepare(table.insert);
    this.max = db.prepare<[], number | null>(table.max).pluck();
  }

  get size(): number {
    return this.keys.length;
  }

  /** Read what other processes added. */
  catchUp(): void {
    for (const [id, key] of this.since.iterate(this.keys.length)) {
      if (id !== this.keys.length) throw new Error(`dictionary ids are not dense: ${id} after ${this.keys.length - 1}`);
      this.keys.push(key);
      this.ids?.set(key, id);
    }
    this.keysChanged();
  }

  /** The id of a key, adding it when new. Call inside a write transaction, after catchUp() in it. */
  intern(key: string): number {
    const ids = this.lookup();
    let id = ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.insert.run(id, ...this.table.values(key));
      this.keys.push(key);
      ids.set(key, id);
      this.keysChanged();
    }
    return id;
  }

  idOf(key: string): number | undefined {
    return this.lookup().get(key);
  }

  /** After a write transaction ended: forget ids it assigned if it rolled back. */
  reconcile(): void {
    const stored = (this.max.get() ?? -1) + 1;
    if (stored >= this.keys.length) return;
    for (const key of this.keys.splice(stored)) this.ids?.delete(key);
    this.keysChanged();
  }

  /** Keys were added or forgotten (subclasses keep per-id data in step). */
  protected keysChanged(): void {}

  /** The string -> id map, built on first use (an index that only reads never needs it). */
  private lookup(): Map<string, number> {
    if (!this.ids) this.ids = new Map(this.keys.map((k, i) => [k, i]));
    return this.ids;
  }
}
