/** Wakes the live streams of a dialog when something new was stored for it. In-process only: streams also poll. */
export class WebChatHub {
  private readonly streams = new Map<string, Set<() => void>>();

  private static key(botId: string, chatId: string): string {
    return `${botId}\u0000${chatId}`;
  }

  /** Calls `wake` whenever `notify` is called for the dialog; returns the function that stops it. */
  subscribe(botId: string, chatId: string, wake: () => void): () => void {
    const k = WebChatHub.key(botId, chatId);
    let set = this.streams.get(k);
    if (!set) this.streams.set(k, (set = new Set()));
    set.add(wake);
    return () => {
      set.delete(wake);
      // Only our own set: a later stream of the dialog may have made a new one since.
      if (set.size === 0 && this.streams.get(k) === set) this.streams.delete(k);
    };
  }

  notify(botId: string, chatId: string): void {
    const set = this.streams.get(WebChatHub.key(botId, chatId));
    if (set) for (const wake of set) wake();
  }

  /** Open streams of one dialog (a page may be open in several tabs). */
  count(botId: string, chatId: string): number {
    return this.streams.get(WebChatHub.key(botId, chatId))?.size ?? 0;
  }

  get size(): number {
    let n = 0;
    for (const set of this.streams.values()) n += set.size;
    return n;
  }
}
