/**
 * A queue per key: tasks with the same key run one at a time, in arrival order; different keys run concurrently.
 * This is how one dialog's events are serialised inside a process (across processes, the revision check is).
 */
export class Mailboxes {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const result = previous ? previous.then(task) : task();
    // The tail never rejects, so one failed task does not poison the queue behind it; settling, it leaves the map
    // unless a later task queued behind it (one promise per task: an idle dialog's update allocates no queue).
    const release = (): void => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    const tail: Promise<void> = result.then(release, release);
    this.tails.set(key, tail);
    return result;
  }

  /** Keys with queued or running tasks. */
  get size(): number {
    return this.tails.size;
  }

  /** Resolves when every task queued so far has settled. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
