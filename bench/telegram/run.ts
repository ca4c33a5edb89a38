/**
 * Telegram webhook benchmark: our server against a hand-written telegraf bot, same scenario, same run.
 * Run: npm run bench:telegram   (env: CHATS=10000 CONNECTIONS=64 RUNS=3 WARMUP=500 DIALOGS=100000
 *      TARGETS=ours,telegraf VERIFY=20 REPLY_TIMEOUT_MS=120000 READY_TIMEOUT_MS=60000)
 * Each run starts a fresh server process (core 0) and a fresh fake Bot API in this process (core 1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FakeBotApi } from '../../runtime/testing/fake-bot-api.js';
import { CONVERSATION, percentile, runLoad, type Step } from './load.js';
import {
  fileSize, freePort, logTail, pinSelf, pinning, procCpuMs, procStatusKB, startServer, stopServer, systemBusyMs, waitReady, type Server,
} from './proc.js';
import { markdown, ratioOf, round, summarize, writeJson, type MemoryFigures, type RunFigures } from './report.js';
import { TARGETS, type RunContext, type Target } from './targets.js';
import { checkDialogs } from './verify.js';

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number`);
  return v;
};
const cfg = {
  chats: num('CHATS', 10_000),
  connections: num('CONNECTIONS', 64) || 1,
  runs: num('RUNS', 3) || 1,
  warmup: num('WARMUP', 500),
  dialogs: num('DIALOGS', 100_000),
  verify: num('VERIFY', 20),
  replyTimeoutMs: num('REPLY_TIMEOUT_MS', 120_000),
  readyTimeoutMs: num('READY_TIMEOUT_MS', 60_000),
};
const wanted = (process.env['TARGETS'] ?? 'ours,telegraf').split(',').map((s) => s.trim());
const targets = TARGETS.filter((t) => wanted.includes(t.name));
if (targets.length === 0) throw new Error(`TARGETS matches none of ${TARGETS.map((t) => t.name).join(', ')}`);
const TOKEN = '7000000001:AAbenchbenchbenchbenchbenchbenchben';

type Api = Awaited<ReturnType<typeof FakeBotApi.start>>;
const REPLIES: Record<Step, { send: number; ack: number }> = {
  start: { send: 2, ack: 0 },
  name: { send: 1, ack: 0 },
  more_info: { send: 2, ack: 1 },
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = (kB: number) => round(kB / 1024);

/** A fresh server (and fake Bot API) for one measurement; everything is torn down afterwards. */
async function withServer<T>(target: Target, record: boolean, body: (s: Server, api: Api, ctx: RunContext) => Promise<T>): Promise<T> {
  const api = await FakeBotApi.start({ port: 0, record });
  const dir = mkdtempSync(join(os.tmpdir(), `scenarist-telegram-bench-${target.name}-`));
  const ctx: RunContext = { port: await freePort(), apiRoot: api.url, dir, token: TOKEN };
  const server = startServer(target.command, target.args(ctx), target.env(ctx), join(dir, 'server.log'));
  try {
    await waitReady(server, target.readyUrl(ctx.port), cfg.readyTimeoutMs);
    return await body(server, api, ctx);
  } finally {
    await stopServer(server);
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Plays `chats` dialogs and waits until the fake Bot API has every expected reply: the phase ends
 * when the last reply arrives, not when the last webhook answers (ours replies after answering).
 */
async function phase(target: Target, server: Server, api: Api, ctx: RunContext, chats: number, firstChatId: number, steps: readonly Step[]) {
  const expectSend = chats * steps.reduce((n, s) => n + REPLIES[s].send, 0);
  const expectAck = chats * steps.reduce((n, s) => n + REPLIES[s].ack, 0);
  const base = { send: api.count('sendMessage'), ack: api.count('answerCallbackQuery') };
  const got = () => ({ send: api.count('sendMessage') - base.send, ack: api.count('answerCallbackQuery') - base.ack });
  const load = await runLoad({ url: target.webhookUrl(ctx.port), secret: target.secret, chats, connections: cfg.connections, firstChatId, steps });
  if (load.errors > 0) {
    throw new Error(`${target.name}: ${load.errors} of ${load.requests} webhook requests failed: ${load.errorSamples.join('; ')}\n${logTail(server.logFile)}`);
  }
  const deadline = performance.now() + cfg.replyTimeoutMs;
  for (;;) {
    const g = got();
    if (g.send >= expectSend && g.ack >= expectAck) break;
    if (performance.now() > deadline) {
      throw new Error(
        `${target.name}: after ${cfg.replyTimeoutMs} ms the fake Bot API has ${g.send}/${expectSend} sendMessage and ` +
          `${g.ack}/${expectAck} answerCallbackQuery\n${logTail(server.logFile)}`,
      );
    }
    await sleep(1);
  }
  const doneAt = performance.now();
  // Out of the timed window: no duplicate replies.
  await sleep(200);
  const g = got();
  if (g.send !== expectSend || g.ack !== expectAck) {
    throw new Error(`${target.name}: expected ${expectSend} sendMessage / ${expectAck} answerCallbackQuery, got ${g.send} / ${g.ack}`);
  }
  return { load, seconds: (doneAt - load.startedAt) / 1000 };
}

// Chat id ranges per phase (each run has a fresh server, so only phases of one server must not overlap).
const CHAT_IDS = { verify: 900_000, warmup: 1_000_000, measured: 2_000_000, memory: 10_000_000 };

async function measure(target: Target): Promise<RunFigures> {
  return withServer(target, false, async (server, api, ctx) => {
    if (cfg.warmup > 0) await phase(target, server, api, ctx, cfg.warmup, CHAT_IDS.warmup, CONVERSATION);
    const cpu0 = procCpuMs(server.pid);
    const self0 = process.cpuUsage();
    const all0 = systemBusyMs();
    const { load, seconds } = await phase(target, server, api, ctx, cfg.chats, CHAT_IDS.measured, CONVERSATION);
    const serverCpuMs = procCpuMs(server.pid) - cpu0;
    const self = process.cpuUsage(self0);
    const otherCpuMs = systemBusyMs() - all0 - serverCpuMs - (self.user + self.system) / 1000;
    const sorted = Float64Array.from(load.latenciesMs).sort();
    return {
      updatesPerSec: round(load.requests / seconds, 0),
      p50Ms: round(percentile(sorted, 50), 2),
      p99Ms: round(percentile(sorted, 99), 2),
      peakRssMB: MB(procStatusKB(server.pid, 'VmHWM')),
      seconds: round(seconds, 3),
      webhookSeconds: round((load.endedAt - load.startedAt) / 1000, 3),
      // Both over the same window (incl. the 200 ms duplicate check): near 100% means that side was the bottleneck.
      serverCpuPct: round((serverCpuMs / 10 / (seconds + 0.2)), 0),
      loadCpuPct: round(((self.user + self.system) / 1e4 / (seconds + 0.2)), 0),
      otherCpuPct: Math.max(0, round(otherCpuMs / 10 / (seconds + 0.2), 0)),
      getMeCalls: api.count('getMe'),
      apiConnections: api.connections,
      logKB: round(fileSize(server.logFile) / 1024, 0),
    };
  });
}

/** One /start for each of `dialogs` chats, then the server's memory and the database's size. */
async function memoryPhase(target: Target): Promise<MemoryFigures> {
  return withServer(target, false, async (server, api, ctx) => {
    const { seconds } = await phase(target, server, api, ctx, cfg.dialogs, CHAT_IDS.memory, ['start']);
    await sleep(1000); // let the outbox bookkeeping and WAL settle
    const files = target.dataFiles?.(ctx) ?? [];
    return {
      dialogs: cfg.dialogs,
      startsPerSec: round(cfg.dialogs / seconds, 0),
      rssMB: MB(procStatusKB(server.pid, 'VmRSS')),
      peakRssMB: MB(procStatusKB(server.pid, 'VmHWM')),
      dbMB: round(files.reduce((n, f) => n + fileSize(f), 0) / 1024 / 1024),
      files: Object.fromEntries(files.map((f) => [f.slice(ctx.dir.length + 1), fileSize(f)])),
    };
  });
}

async function main(): Promise<number> {
  pinSelf();
  const env = {
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    pinning: pinning.describe(),
    ...cfg,
    targets: targets.map((t) => t.name),
  };
  console.error(`telegram bench: ${JSON.stringify(env)}`);
  const failures: Record<string, string> = {};
  const fail = (t: Target, e: unknown) => {
    failures[t.name] = e instanceof Error ? e.message : String(e);
    console.error(`\n${t.name} FAILED: ${failures[t.name]}\n`);
  };

  const verification: Record<string, string> = {};
  if (cfg.verify > 0) {
    for (const t of targets) {
      try {
        await withServer(t, true, async (server, api, ctx) => {
          await phase(t, server, api, ctx, cfg.verify, CHAT_IDS.verify, CONVERSATION);
          checkDialogs(api, CHAT_IDS.verify, cfg.verify);
        });
        verification[t.name] = `ok (${cfg.verify} dialogs, exact texts and buttons)`;
        console.error(`verified ${t.name}`);
      } catch (e) {
        fail(t, e);
      }
    }
  }

  // Alternate the targets run by run, so drift (thermal, noisy neighbours) hits both alike.
  const results: Record<string, RunFigures[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let run = 0; run < cfg.runs; run++) {
    for (const t of targets) {
      if (failures[t.name]) continue;
      try {
        const r = await measure(t);
        results[t.name]!.push(r);
        console.error(`run ${run + 1}/${cfg.runs} ${t.name}: ${JSON.stringify(r)}`);
      } catch (e) {
        fail(t, e);
      }
    }
  }

  const ours = targets.find((t) => t.name === 'ours');
  let memory: MemoryFigures | undefined;
  if (ours && cfg.dialogs > 0 && !failures['ours']) {
    try {
      memory = await memoryPhase(ours);
      console.error(`memory: ${JSON.stringify(memory)}`);
    } catch (e) {
      fail(ours, e);
    }
  }

  const summary = summarize(results);
  const report = { env, summary, ratio: ratioOf(summary), memory, verification, failures };
  console.log(markdown(report));
  console.error(`raw figures: ${writeJson({ ...report, results })}`);
  return Object.keys(failures).length > 0 ? 1 : 0;
}

process.exitCode = await main();
