/**
 * The reference implementation of the store port: plain Maps in one process. Values are deep-copied in and out,
 * so a caller that mutates what it passed or got back cannot change stored data (as with a real database).
 */
import { checkWrite, historyLimit, keyId, trimRecent } from './shared.js';
import {
  StoreUnavailableError,
  type BotInstance,
  type BotPlatformCredential,
  type BotScenario,
  type DialogKey,
  type DialogState,
  type DialogWrite,
  type HistoryEntry,
  type HistoryQuery,
  type NewBotScenario,
  type Store,
} from './types.js';

interface DialogRecord {
  state: DialogState;
  leaseOwner: string | null;
  leaseUntil: number | null;
}

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private readonly bots = new Map<string, BotInstance>();
  private readonly credentials = new Map<string, BotPlatformCredential>();
  private readonly scenarios = new Map<string, BotScenario[]>();
  private readonly dialogs = new Map<string, DialogRecord>();
  private readonly histories = new Map<string, HistoryEntry[]>();
  private closed = false;

  async upsertBot(bot: BotInstance): Promise<void> {
    this.open();
    this.bots.set(bot.id, copy(bot));
  }

  async getBot(id: string): Promise<BotInstance | undefined> {
    this.open();
    return copy(this.bots.get(id));
  }

  async listBots(): Promise<BotInstance[]> {
    this.open();
    return copy([...this.bots.values()].sort((a, b) => a.createdAt - b.createdAt || compare(a.id, b.id)));
  }

  async putCredential(credential: BotPlatformCredential): Promise<void> {
    this.open();
    this.credentials.set(`${credential.botId}\u0000${credential.platform}`, copy(credential));
  }

  async getCredential(botId: string, platform: string): Promise<BotPlatformCredential | undefined> {
    this.open();
    return copy(this.credentials.get(`${botId}\u0000${platform}`));
  }

  async putScenario(scenario: NewBotScenario): Promise<BotScenario> {
    this.open();
    const versions = this.scenarios.get(scenario.botId) ?? [];
    const existing = versions.find((s) => s.hash === scenario.hash);
    if (existing) return copy(existing);
    const stored: BotScenario = { ...copy(scenario), version: versions.length + 1 };
    this.scenarios.set(scenario.botId, [...versions, stored]);
    return copy(stored);
  }

  async getScenario(botId: string, hash?: string): Promise<BotScenario | undefined> {
    this.open();
    const versions = this.scenarios.get(botId) ?? [];
    return copy(hash === undefined ? versions.at(-1) : versions.find((s) => s.hash === hash));
  }

  async getDialog(key: DialogKey): Promise<DialogState | undefined> {
    this.open();
    return copy(this.dialogs.get(keyId(key))?.state);
  }

  async writeDialog(write: DialogWrite): Promise<boolean> {
    this.open();
    checkWrite(write);
    const id = keyId(write.state.key);
    const current = this.dialogs.get(id);
    if (write.expectedRev === 0 ? current !== undefined : current?.state.rev !== write.expectedRev) return false;
    const state: DialogState = {
      ...copy(write.state),
      recentUpdates: trimRecent(write.state.recentUpdates),
      delivered: current?.state.delivered ?? 0,
    };
    this.dialogs.set(id, { state, leaseOwner: current?.leaseOwner ?? null, leaseUntil: current?.leaseUntil ?? null });
    if (write.history.length > 0) this.histories.set(id, [...(this.histories.get(id) ?? []), ...copy(write.history)]);
    return true;
  }

  async markDelivered(key: DialogKey, seq: number): Promise<void> {
    this.open();
    const record = this.dialogs.get(keyId(key));
    if (record && seq > record.state.delivered) record.state = { ...record.state, delivered: seq };
  }

  async setBlocked(key: DialogKey, blocked: boolean): Promise<void> {
    this.open();
    const record = this.dialogs.get(keyId(key));
    if (record) record.state = { ...record.state, blocked };
  }

  async claimDelivery(key: DialogKey, owner: string, now: number, leaseMs: number): Promise<DialogState | undefined> {
    this.open();
    const record = this.dialogs.get(keyId(key));
    if (!record || !leaseFree(record, now, owner)) return undefined;
    record.leaseOwner = owner;
    record.leaseUntil = now + leaseMs;
    return copy(record.state);
  }

  async releaseDelivery(key: DialogKey, owner: string): Promise<boolean> {
    this.open();
    const record = this.dialogs.get(keyId(key));
    if (!record) return true;
    if (record.state.lastSeq > record.state.delivered) return false;
    if (record.leaseOwner === owner) {
      record.leaseOwner = null;
      record.leaseUntil = null;
    }
    return true;
  }

  async pendingDeliveries(now: number, limit: number): Promise<DialogKey[]> {
    this.open();
    return [...this.dialogs.values()]
      .filter((r) => r.state.lastSeq > r.state.delivered && (r.leaseOwner === null || (r.leaseUntil ?? 0) < now))
      .sort((a, b) => a.state.updatedAt - b.state.updatedAt)
      .slice(0, Math.max(0, limit))
      .map((r) => copy(r.state.key));
  }

  async history(key: DialogKey, query?: HistoryQuery): Promise<HistoryEntry[]> {
    this.open();
    const limit = historyLimit(query);
    const all = this.histories.get(keyId(key)) ?? [];
    return limit === 0 ? [] : copy(all.slice(-limit));
  }

  async countDialogs(botId?: string): Promise<number> {
    this.open();
    if (botId === undefined) return this.dialogs.size;
    let n = 0;
    for (const r of this.dialogs.values()) if (r.state.key.botId === botId) n++;
    return n;
  }

  async ping(): Promise<void> {
    this.open();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private open(): void {
    if (this.closed) throw new StoreUnavailableError('the store is closed');
  }
}

function leaseFree(record: DialogRecord, now: number, owner: string): boolean {
  return record.leaseOwner === null || record.leaseOwner === owner || (record.leaseUntil ?? 0) < now;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
