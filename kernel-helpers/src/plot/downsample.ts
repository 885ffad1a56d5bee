/**
 * Largest-triangle-three-buckets (Steinarsson 2013): `budget` of the rows `rows` (sorted by x)
 * that keep the shape of the line: the first and last row, and from each bucket between them
 * the row that spans the largest triangle with its chosen neighbour and the next bucket's mean.
 * Peaks survive, unlike every-k-th-row sampling or bucket means.
 */
export function lttb(rows: readonly number[], xs: Float64Array, ys: Float64Array, budget: number): number[] {
  const n = rows.length;
  if (budget >= n || budget < 3) return [...rows];
  const out: number[] = [rows[0]!];
  const every = (n - 2) / (budget - 2);
  let a = 0;
  for (let b = 0; b < budget - 2; b++) {
    const start = Math.floor(b * every) + 1;
    const end = Math.min(Math.floor((b + 1) * every) + 1, n - 1);
    const nextEnd = Math.min(Math.floor((b + 2) * every) + 1, n);
    let mx = 0;
    let my = 0;
    for (let j = end; j < nextEnd; j++) {
      mx += xs[rows[j]!]!;
      my += ys[rows[j]!]!;
    }
    const count = nextEnd - end || 1;
    mx /= count;
    my /= count;
    const ax = xs[rows[a]!]!;
    const ay = ys[rows[a]!]!;
    let best = start;
    let area = -1;
    for (let j = start; j < end; j++) {
      const x = xs[rows[j]!]!;
      const y = ys[rows[j]!]!;
      const s = Math.abs((ax - mx) * (y - ay) - (ax - x) * (my - ay));
      if (s > area) {
        area = s;
        best = j;
      }
    }
    out.push(rows[best]!);
    a = best;
  }
  out.push(rows[n - 1]!);
  return out;
}

/** Every k-th of `rows` (k = ceil(n / budget)), in order: a sample spread evenly over the table. */
export function stride(rows: readonly number[], budget: number): { rows: number[]; k: number } {
  const k = Math.max(1, Math.ceil(rows.length / budget));
  const out: number[] = [];
  for (let i = 0; i < rows.length; i += k) out.push(rows[i]!);
  return { rows: out, k };
}

/**
 * Split a drawing budget over groups of rows (one line per series), in proportion to their
 * sizes and at least 3 each (a line's two ends and one point between).
 */
export function shareBudget(sizes: readonly number[], budget: number): number[] {
  const total = sizes.reduce((s, n) => s + n, 0);
  return sizes.map((n) => Math.min(n, Math.max(3, Math.floor((budget * n) / Math.max(total, 1)))));
}
