/**
 * The reference implementation of the store port: plain Maps in one process. Values are deep-copied in and out,
 * so a caller that mutates what it passed or got back cannot change stored data (as with a real database).
 */
import {
  activeOf,
  bucketStart,
  checkBucketMs,
  checkWrite,
  compareText,
  dialogListLimit,
  conversationsOf,
  funnelOf,
  historyAfterRev,
  historyLimit,
  keyId,
  newLeaseToken,
  stepCounts,
  trimRecent,
  type FunnelGroup,
  type StepCount,
} from './shared.js';
import {
  StoreUnavailableError,
  type AgendaLease,
  type BotInstance,
  type BotPlatformCredential,
  type BotScenario,
  type DeliveryLease,
  type DialogKey,
  type DialogListQuery,
  type DialogState,
  type DialogSummary,
  type DialogWrite,
  type FunnelCounts,
  type HistoryEntry,
  type HistoryQuery,
  type LeasedWrite,
  type MarkOptions,
  type NewBotScenario,
  type PendingQuery,
  type RateBucket,
  type ScenarioSummary,
  type Store,
} from './types.js';

interface DialogRecord {
  state: DialogState;
  leaseOwner: string | null;
  leaseUntil: number | null;
  leaseToken: string | null;
  /** The agenda lease: apart from delivery's, so a timer can fire while replies go out. */
  agenda: Lease;
}

interface Lease {
  owner: string | null;
  until: number | null;
  token: string | null;
}

const freeLease = (): Lease => ({ owner: null, until: null, token: null });

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
    return copy([...this.bots.values()].sort((a, b) => a.createdAt - b.createdAt || compareText(a.id, b.id)));
  }

  async putCredential(credential: BotPlatformCredential): Promise<void> {
    this.open();
    this.credentials.set(`${credential.botId}\u0000${credential.platform}`, copy(credential));
  }

  async getCredential(botId: string, platform: string): Promise<BotPlatformCredential | undefined> {
    this.open();
    return copy(this.credentials.get(`${botId}\u0000${platform}`));
  }

  async listCredentials(botId: string): Promise<BotPlatformCredential[]> {
    this.open();
    return copy([...this.credentials.values()].filter((c) => c.botId === botId).sort((a, b) => compareText(a.platform, b.platform)));
  }

  async deleteCredential(botId: string, platform: string): Promise<boolean> {
    this.open();
    return this.credentials.delete(`${botId}\u0000${platform}`);
  }

  async putScenario(scenario: NewBotScenario): Promise<BotScenario> {
    this.open();
    const versions = this.scenarios.get(scenario.botId) ?? [];
    const existing = versions.find((s) => s.hash === scenario.hash);
    if (existing) return copy(existing);
    const stored: BotScenario = { ...copy(scenario), version: versions.length + 1, activatedAt: scenario.createdAt };
    this.scenarios.set(scenario.botId, [...versions, stored]);
    return copy(stored);
  }

  async getScenario(botId: string, hash?: string): Promise<BotScenario | undefined> {
    this.open();
    const versions = this.scenarios.get(botId) ?? [];
    return copy(hash === undefined ? activeOf(versions) : versions.find((s) => s.hash === hash));
  }

  async activateScenario(botId: string, version: number, at: number): Promise<BotScenario | undefined> {
    this.open();
    const versions = this.scenarios.get(botId) ?? [];
    const i = versions.findIndex((s) => s.version === version);
    if (i < 0) return undefined;
    const activated = { ...versions[i]!, activatedAt: at };
    this.scenarios.set(botId, versions.with(i, activated));
    return copy(activated);
  }

  async getDialog(key: DialogKey): Promise<DialogState | undefined> {
    this.open();
    return copy(this.dialogs.get(keyId(key))?.state);
  }

  async writeDialog(write: DialogWrite): Promise<boolean | LeasedWrite> {
    this.open();
    checkWrite(write);
    const id = keyId(write.state.key);
    const current = this.dialogs.get(id);
    if (write.expectedRev === 0 ? current !== undefined : current?.state.rev !== write.expectedRev) return false;
    const delivered = current?.state.delivered ?? 0;
    const state: DialogState = { ...copy(write.state), recentUpdates: trimRecent(write.state.recentUpdates), delivered };
    const record: DialogRecord = {
      state,
      leaseOwner: current?.leaseOwner ?? null,
      leaseUntil: current?.leaseUntil ?? null,
      leaseToken: current?.leaseToken ?? null,
      agenda: current?.agenda ?? freeLease(),
    };
    this.dialogs.set(id, record);
    if (write.history.length > 0) this.histories.set(id, [...(this.histories.get(id) ?? []), ...copy(write.history)]);
    const lease = write.lease;
    if (!lease) return true;
    if (state.lastSeq <= delivered || !leaseFree(record, lease.now, lease.owner)) return { delivered };
    take(record, lease.owner, lease.now + lease.leaseMs);
    return { delivered, token: record.leaseToken! };
  }

  async markDelivered(key: DialogKey, seq: number, token?: string, options?: MarkOptions): Promise<boolean | 'released'> {
    this.open();
    const record = this.dialogs.get(keyId(key));
    if (token !== undefined && record?.leaseToken !== token) return false;
    if (record && seq > record.state.delivered) record.state = { ...record.state, delivered: seq };
    if (token === undefined || !options?.release || record!.state.lastSeq > record!.state.delivered) return true;
    free(record!);
    return 'released';
  }

  async setBlocked(key: DialogKey, blocked: boolean): Promise<void> {
    this.open();
    const record = this.dialogs.get(keyId(key));
    if (record) record.state = { ...record.state, blocked };
  }

  async claimDelivery(key: DialogKey, owner: string, now: number, leaseMs: number): Promise<DeliveryLease | undefined> {
    this.open();
    const record = this.dialogs.get(keyId(key));
    if (!record || !leaseFree(record, now, owner)) return undefined;
    take(record, owner, now + leaseMs);
    return { ...copy(record.state), token: record.leaseToken! };
  }

  async renewDelivery(key: DialogKey, token: string, now: number, leaseMs: number): Promise<DeliveryLease | undefined> {
    this.open();
    const record = this.dialogs.get(keyId(key));
    if (!record || record.leaseToken !== token) return undefined;
    record.leaseUntil = now + leaseMs;
    return { ...copy(record.state), token };
  }

  async releaseDelivery(key: DialogKey, token: string, evenIfPending = false): Promise<boolean> {
    this.open();
    const record = this.dialogs.get(keyId(key));
    if (!record) return true;
    const pending = record.state.lastSeq > record.state.delivered;
    if (pending && !evenIfPending) return false;
    if (record.leaseToken === token) free(record);
    return !pending;
  }

  async pendingDeliveries(now: number, limit: number, query: PendingQuery = {}): Promise<DialogKey[]> {
    this.open();
    const { owner, skip = [] } = query;
    const skipped = (k: DialogKey): boolean => skip.some((s) => s.botId === k.botId && s.platform === k.platform);
    return [...this.dialogs.values()]
      .filter((r) => r.state.lastSeq > r.state.delivered && (r.leaseOwner === null || (r.leaseUntil ?? 0) < now || (owner !== undefined && r.leaseOwner === owner)))
      .filter((r) => !skipped(r.state.key))
      .sort((a, b) => a.state.updatedAt - b.state.updatedAt)
      .slice(0, Math.max(0, limit))
      .map((r) => copy(r.state.key));
  }

  async dueAgenda(now: number, limit: number, query: PendingQuery = {}): Promise<DialogKey[]> {
    this.open();
    const { owner, skip = [] } = query;
    const skipped = (k: DialogKey): boolean => skip.some((s) => s.botId === k.botId && s.platform === k.platform);
    const due = (r: DialogRecord): number => (r.state.agenda ?? []).reduce((min, e) => Math.min(min, e.due), Infinity);
    return [...this.dialogs.values()]
      .filter((r) => due(r) <= now && agendaFree(r.agenda, now, owner) && !skipped(r.state.key))
      .sort((a, b) => due(a) - due(b))
      .slice(0, Math.max(0, limit))
      .map((r) => copy(r.state.key));
  }

  async claimAgenda(key: DialogKey, owner: string, now: number, leaseMs: number): Promise<AgendaLease | undefined> {
    this.open();
    const record = this.dialogs.get(keyId(key));
    if (!record || !agendaFree(record.agenda, now, owner)) return undefined;
    record.agenda = { owner, until: now + leaseMs, token: newLeaseToken() };
    return { state: copy(record.state), token: record.agenda.token! };
  }

  async renewAgenda(key: DialogKey, token: string, now: number, leaseMs: number): Promise<boolean> {
    this.open();
    const record = this.dialogs.get(keyId(key));
    if (!record || record.agenda.token !== token) return false;
    record.agenda.until = now + leaseMs;
    return true;
  }

  async releaseAgenda(key: DialogKey, token: string): Promise<boolean> {
    this.open();
    const record = this.dialogs.get(keyId(key));
    if (!record || record.agenda.token !== token) return false;
    record.agenda = freeLease();
    return true;
  }

  async history(key: DialogKey, query?: HistoryQuery): Promise<HistoryEntry[]> {
    this.open();
    const limit = historyLimit(query);
    const afterRev = historyAfterRev(query);
    const all = this.histories.get(keyId(key)) ?? [];
    if (limit === 0) return [];
    // Entries are appended in revision order, so a filter keeps them oldest first.
    return copy(afterRev === undefined ? all.slice(-limit) : all.filter((h) => h.rev > afterRev).slice(0, limit));
  }

  async countDialogs(botId?: string): Promise<number> {
    this.open();
    if (botId === undefined) return this.dialogs.size;
    let n = 0;
    for (const r of this.dialogs.values()) if (r.state.key.botId === botId) n++;
    return n;
  }

  async listDialogs(botId: string, query?: DialogListQuery): Promise<DialogSummary[]> {
    this.open();
    const limit = dialogListLimit(query);
    return this.statesOf(botId)
      .filter((s) => query?.platform === undefined || s.key.platform === query.platform)
      .sort((a, b) => b.updatedAt - a.updatedAt || compareText(a.key.platform, b.key.platform) || compareText(a.key.chatId, b.key.chatId))
      .slice(0, limit)
      .map(({ key, rev, scenarioVersion, step, status, blocked, createdAt, updatedAt, lastSeq }) =>
        copy({ key, rev, scenarioVersion, step, status, blocked, createdAt, updatedAt, lastSeq }),
      );
  }

  async activeByStep(botId: string, since?: number): Promise<Record<string, number>> {
    this.open();
    const waiting = this.statesOf(botId).filter((s) => s.status === 'active' && (since === undefined || s.updatedAt >= since));
    return stepCounts(waiting.map((s) => ({ step: s.step, n: 1 })));
  }

  async funnel(botId: string, since: number, startStep?: string): Promise<FunnelCounts> {
    this.open();
    const reached: StepCount[] = [];
    const groups: FunnelGroup[] = [];
    for (const [id, entries] of this.histories) {
      const recent = entries.filter((h) => h.key.botId === botId && h.at >= since);
      if (recent.length === 0) continue;
      const conversations = conversationsOf(recent, startStep);
      reached.push(...conversations.reached);
      groups.push(...conversations.past);
      // The last conversation is where the dialog is now.
      const state = this.dialogs.get(id)?.state;
      groups.push({ status: state?.status ?? null, step: state?.step ?? null, n: 1 });
    }
    return funnelOf(reached, groups);
  }

  async messageRate(botId: string, since: number, bucketMs: number): Promise<RateBucket[]> {
    this.open();
    checkBucketMs(bucketMs);
    const buckets = new Map<number, { at: number; in: number; out: number }>();
    for (const entries of this.histories.values()) {
      for (const h of entries.filter((e) => e.key.botId === botId && e.at >= since)) {
        const at = bucketStart(h.at, bucketMs);
        const bucket = buckets.get(at) ?? { at, in: 0, out: 0 };
        bucket[h.direction]++;
        buckets.set(at, bucket);
      }
    }
    return [...buckets.values()].sort((a, b) => a.at - b.at);
  }

  async listScenarios(botId: string): Promise<ScenarioSummary[]> {
    this.open();
    return (this.scenarios.get(botId) ?? []).map(({ botId, version, hash, format, createdAt, activatedAt }) => ({ botId, version, hash, format, createdAt, activatedAt })).reverse();
  }

  async ping(): Promise<void> {
    this.open();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private statesOf(botId: string): DialogState[] {
    return [...this.dialogs.values()].map((r) => r.state).filter((s) => s.key.botId === botId);
  }

  private open(): void {
    if (this.closed) throw new StoreUnavailableError('the store is closed');
  }
}

function agendaFree(lease: Lease, now: number, owner: string | undefined): boolean {
  return lease.owner === null || (owner !== undefined && lease.owner === owner) || (lease.until ?? 0) < now;
}

function leaseFree(record: DialogRecord, now: number, owner: string): boolean {
  return record.leaseOwner === null || record.leaseOwner === owner || (record.leaseUntil ?? 0) < now;
}

/** Every take draws a new token, fencing out the previous holder. */
function take(record: DialogRecord, owner: string, until: number): void {
  record.leaseOwner = owner;
  record.leaseUntil = until;
  record.leaseToken = newLeaseToken();
}

function free(record: DialogRecord): void {
  record.leaseOwner = null;
  record.leaseUntil = null;
  record.leaseToken = null;
}
