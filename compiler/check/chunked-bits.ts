/**
 * Sets of small integers as copy-on-write chunked bit sets. A set is an array of chunk ids; a chunk holds
 * CHUNK_WORDS words of bits in one shared pool, and sets that agree on a chunk share it. Definite assignment keeps
 * three sets per step, and along a path each step adds one or two members: full bit sets would cost
 * steps × variables bits (quadratic), shared chunks cost about one chunk per added member.
 */

/** Words per chunk: 256 members. */
const CHUNK_WORDS = 8;

/** A set: the id of each chunk (0 is the shared empty chunk). Never written once built. */
export type BitSetId = Int32Array;

export class ChunkedBits {
  private pool: Uint32Array;
  /** Next free chunk id. */
  private next = 1;
  readonly chunks: number;

  constructor(members: number) {
    this.chunks = Math.max(1, Math.ceil(members / (32 * CHUNK_WORDS)));
    this.pool = new Uint32Array(CHUNK_WORDS * 64);
  }

  /** The empty set. */
  empty(): BitSetId {
    return new Int32Array(this.chunks);
  }

  has(set: BitSetId, member: number): boolean {
    const id = set[Math.floor(member / (32 * CHUNK_WORDS))]!;
    if (id === 0) return false;
    const word = this.pool[id * CHUNK_WORDS + ((member >> 5) % CHUNK_WORDS)]!;
    return (word & (1 << (member & 31))) !== 0;
  }

  /** `set` with `members` added (the same set when nothing is added). */
  with(set: BitSetId, members: Iterable<number>): BitSetId {
    let out: BitSetId | undefined;
    const firstOwned = this.next;
    for (const m of members) {
      if (this.has(out ?? set, m)) continue;
      out ??= set.slice();
      const c = Math.floor(m / (32 * CHUNK_WORDS));
      let id = out[c]!;
      if (id < firstOwned) {
        // A shared chunk: copy it before writing.
        const fresh = this.allocChunk();
        if (id !== 0) this.pool.copyWithin(fresh * CHUNK_WORDS, id * CHUNK_WORDS, (id + 1) * CHUNK_WORDS);
        out[c] = id = fresh;
      }
      this.pool[id * CHUNK_WORDS + ((m >> 5) % CHUNK_WORDS)]! |= 1 << (m & 31);
    }
    return out ?? set;
  }

  /** The intersection of `a` and `b` (one of them when it equals it). */
  intersect(a: BitSetId, b: BitSetId): BitSetId {
    if (a === b) return a;
    let out: BitSetId | undefined;
    for (let c = 0; c < this.chunks; c++) {
      const ia = a[c]!;
      const ib = b[c]!;
      if (ia === ib) continue;
      let id = 0;
      if (ia !== 0 && ib !== 0) {
        const fresh = this.allocChunk();
        const pool = this.pool;
        let sameAsA = true;
        let any = false;
        for (let w = 0; w < CHUNK_WORDS; w++) {
          const wa = pool[ia * CHUNK_WORDS + w]!;
          const v = wa & pool[ib * CHUNK_WORDS + w]!;
          pool[fresh * CHUNK_WORDS + w] = v;
          if (v !== wa) sameAsA = false;
          if (v !== 0) any = true;
        }
        if (sameAsA) {
          this.next--;
          id = ia;
        } else if (!any) {
          this.next--;
        } else id = fresh;
      }
      if (id === ia) continue;
      out ??= a.slice();
      out[c] = id;
    }
    return out ?? a;
  }

  equal(a: BitSetId, b: BitSetId): boolean {
    if (a === b) return true;
    for (let c = 0; c < this.chunks; c++) {
      const ia = a[c]!;
      const ib = b[c]!;
      if (ia === ib) continue;
      for (let w = 0; w < CHUNK_WORDS; w++) {
        const wa = ia === 0 ? 0 : this.pool[ia * CHUNK_WORDS + w]!;
        const wb = ib === 0 ? 0 : this.pool[ib * CHUNK_WORDS + w]!;
        if (wa !== wb) return false;
      }
    }
    return true;
  }

  private allocChunk(): number {
    if ((this.next + 1) * CHUNK_WORDS > this.pool.length) {
      const bigger = new Uint32Array(this.pool.length * 2);
      bigger.set(this.pool);
      this.pool = bigger;
    }
    const id = this.next++;
    this.pool.fill(0, id * CHUNK_WORDS, (id + 1) * CHUNK_WORDS);
    return id;
  }
}
