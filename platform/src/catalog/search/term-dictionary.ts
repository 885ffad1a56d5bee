/**
 * Every distinct word of the catalog, numbered in the order first seen, and the lookup a
 * prefix query needs: the ids of all words that start with a given text. Words are kept sorted
 * for that; words added since the last sort are scanned until there are enough of them to be
 * worth sorting in, so a refresh that adds a few records does not re-sort a million words.
 */
export class TermDictionary {
  private readonly ids = new Map<string, number>();
  private readonly words: string[] = [];
  private sortedWords: string[] = [];
  private sortedIds = new Int32Array(0);
  /** Ids of the words added after the last sort. */
  private unsorted: number[] = [];

  get size(): number {
    return this.words.length;
  }

  intern(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.words.push(word);
      this.ids.set(word, id);
      this.unsorted.push(id);
    }
    return id;
  }

  idOf(word: string): number | undefined {
    return this.ids.get(word);
  }

  /** Append to `out` the ids of the words starting with `prefix`. */
  withPrefix(prefix: string, out: number[]): void {
    if (this.unsorted.length > Math.max(4096, this.sortedWords.length / 16)) this.sort();
    let lo = 0;
    let hi = this.sortedWords.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sortedWords[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.sortedWords.length && this.sortedWords[i]!.startsWith(prefix); i++)
      out.push(this.sortedIds[i]!);
    for (const id of this.unsorted) if (this.words[id]!.startsWith(prefix)) out.push(id);
  }

  private sort(): void {
    const words = [...this.words].sort();
    this.sortedWords = words;
    this.sortedIds = Int32Array.from(words, (w) => this.ids.get(w)!);
    this.unsorted = [];
  }
}
