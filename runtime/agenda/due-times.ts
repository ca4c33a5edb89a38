/**
 * Due times learned from this process's writes, earliest first (a binary min-heap of numbers). Bounded: past
 * `limit` a time is not kept, and the sweep finds its entry instead.
 */
export class DueTimes {
  private readonly heap: number[] = [];

  constructor(private readonly limit = 100_000) {}

  get size(): number {
    return this.heap.length;
  }

  /** The earliest time kept, or Infinity. */
  peek(): number {
    return this.heap[0] ?? Infinity;
  }

  /** Keeps `due`; false when the heap is full. */
  add(due: number): boolean {
    const h = this.heap;
    if (h.length >= this.limit) return false;
    h.push(due);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (h[parent]! <= h[i]!) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
    return true;
  }

  /** Drops every time up to `now` (they are due: a sweep is firing them). */
  dropUntil(now: number): void {
    while (this.heap.length > 0 && this.heap[0]! <= now) this.pop();
  }

  clear(): void {
    this.heap.length = 0;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]! < h[m]!) m = l;
      if (r < h.length && h[r]! < h[m]!) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
  }
}
