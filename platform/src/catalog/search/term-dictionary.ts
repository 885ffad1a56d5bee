import type { Db } from '../../db/database';
import { Dictionary } from './dictionary';

/**
 * The catalog's words (`catalog_search_words`), numbered, and the lookups a query needs: the
 * ids of all words starting with a prefix, and of one exact word. Words are kept sorted for
 * that; words added since the last sort are scanned until there are enough of them to be
 * worth sorting in, so a refresh that adds a few records does not re-sort a million words.
 */
export class TermDictionary extends Dictionary {
  private sortedWords: string[] = [];
  private sortedIds = new Int32Array(0);

  constructor(db: Db) {
    super(db, {
      select: 'SELECT id, word FROM catalog_search_words WHERE id >= ? ORDER BY id',
      insert: 'INSERT INTO catalog_search_words (id, word) VALUES (?, ?)',
      values: (word) => [word],
      max: 'SELECT MAX(id) FROM catalog_search_words'
    });
  }

  /** Sort the words added since the last sort in, once there are too many to scan (indexes call it after loading). */
  tidy(): void {
    const unsorted = this.keys.length - this.sortedWords.length;
    if (unsorted > Math.max(4096, this.sortedWords.length / 16) || unsorted < 0) {
      const keys = this.keys;
      this.sortedIds = Int32Array.from(keys, (_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1));
      this.sortedWords = Array.from(this.sortedIds, (id) => keys[id]!);
    }
  }

  /** Append to `out` the ids of the words starting with `prefix` (or equal to it, with `exact`). */
  matching(prefix: string, exact: boolean, out: number[]): void {
    this.tidy();
    let lo = 0;
    let hi = this.sortedWords.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sortedWords[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.sortedWords.length && this.sortedWords[i]!.startsWith(prefix); i++)
      if (!exact || this.sortedWords[i] === prefix) out.push(this.sortedIds[i]!);
    for (let id = this.sortedWords.length; id < this.keys.length; id++)
      if (exact ? this.keys[id] === prefix : this.keys[id]!.startsWith(prefix)) out.push(id);
  }
}
