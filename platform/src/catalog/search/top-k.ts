/**
 * The k best of a stream of integers (entry numbers) under `better`, kept in a heap whose root
 * is the worst kept: O(n log k) instead of sorting all n, and most offers cost one comparison.
 */
export class TopK {
  private readonly heap: number[] = [];

  constructor(
    private readonly k: number,
    /** True when a should come before b. */
    private readonly better: (a: number, b: number) => boolean
  ) {}

  offer(x: number): void {
    const h = this.heap;
    if (h.length < this.k) {
      h.push(x);
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.better(h[p]!, h[i]!)) break;
        [h[i], h[p]] = [h[p]!, h[i]!];
        i = p;
      }
    } else if (this.k > 0 && this.better(x, h[0]!)) {
      h[0] = x;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let worst = i;
        if (l < h.length && this.better(h[worst]!, h[l]!)) worst = l;
        if (r < h.length && this.better(h[worst]!, h[r]!)) worst = r;
        if (worst === i) break;
        [h[i], h[worst]] = [h[worst]!, h[i]!];
        i = worst;
      }
    }
  }

  /** The kept entries, best first. */
  sorted(): number[] {
    return [...this.heap].sort((a, b) => (this.better(a, b) ? -1 : this.better(b, a) ? 1 : 0));
  }
}
