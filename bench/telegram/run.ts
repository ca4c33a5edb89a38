/**
 * Telegram webhook benchmark: what users get from our server and from a hand-written telegraf bot, same scenario,
 * same invocation, the targets alternating run by run (drift hits both alike).
 *
 * Run: npm run bench:telegram   (env, with defaults:
 *   CHATS=10000           conversations per measured run (3 updates, 5 sendMessage, 1 answerCallbackQuery each)
 *   RUNS=3                measured runs per target (0: none, e.g. the memory phase alone); WARMUP=500 warm-up
 *                         conversations before each
 *   CONNECTIONS=64        keep-alive connections to the webhook; IN_FLIGHT=CONNECTIONS chats played at once
 *   PACE=webhook          a chat's next update is posted after the previous one's webhook answer (as Telegram
 *                         sends them, as fast as the server acknowledges); PACE=reply: after the previous one's
 *                         replies arrived too (users who answer what they read)
 *   TARGETS=ours,telegraf also telegraf-webhook-reply (telegraf's default: answerCallbackQuery in the webhook
 *                         answer), ours-telegraf-sender, ours-log-off, ours-log-file, ours-baseline (BASELINE_DIR=a
 *                         built checkout), and ours-<x>: ours with OURS_<X>_ENV='K=V,K=V' added to its environment
 *   SERVER_ENV='K=V,K=V'  added to the environment of every ours-* server (a lever on for all of them)
 *                         (NODE_FLAGS=... among them replaces the node flags of `npm start`)
 *   VERIFY=20             dialogs checked first for exact texts and buttons (0: skip)
 *   DIALOGS=100000        stored dialogs of the memory phase (ours only; 0: skip)
 *   REPLY_TIMEOUT_MS=120000  a phase fails when no reply arrives for that long while some are missing
 *   READY_TIMEOUT_MS=60000)
 *
 * Each run starts a fresh server process (core 0) and a fresh fake Bot API in this process (core 1), and ends
 * when the last expected reply arrives. A Bot API call in a webhook's answer counts as delivered when the answer
 * arrives (Telegram carries it out); an update answered 429 or 503 is posted again after its Retry-After. Per run: delivered replies/s (replies the fake Bot API received, calls
 * carried in webhook answers included, from the first post to the last reply), updates/s, reply latency (post of
 * an update to the arrival of its last reply; p50/p90/p99/max), webhook-answer latency, server CPU µs per update
 * (the process's user + system CPU over the run / updates) and peak RSS (VmHWM). The summary gives medians per
 * target and ratios against telegraf (and between ours-* targets); raw figures go to bench/results/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FakeBotApi } from '../../runtime/testing/fake-bot-api.js';
import { CONVERSATION, percentile, runLoad, type Pace, type Step } from './load.js';
import {
  fileSize, freePort, logTail, pinSelf, pinning, procCpuMs, procStatusKB, startServer, stopServer, systemBusyMs, waitReady, type Server,
} from './proc.js';
import { ReplyTracker, type Expected } from './replies.js';
import { markdown, ratios, round, summarize, writeJson, type MemoryFigures, type RunFigures } from './report.js';
import { targetsFor, type RunContext, type Target } from './targets.js';
import { checkDialogs } from './verify.js';

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number`);
  return v;
};
const pace = (process.env['PACE'] ?? 'webhook') as Pace;
if (pace !== 'webhook' && pace !== 'reply') throw new Error(`PACE must be webhook or reply, not ${JSON.stringify(pace)}`);
const connections = num('CONNECTIONS', 64) || 1;
const cfg = {
  chats: num('CHATS', 10_000),
  connections,
  inFlight: num('IN_FLIGHT', connections) || connections,
  pace,
  // RUNS=0: no measured runs (e.g. the memory phase alone).
  runs: num('RUNS', 3),
  warmup: num('WARMUP', 500),
  dialogs: num('DIALOGS', 100_000),
  verify: num('VERIFY', 20),
  replyTimeoutMs: num('REPLY_TIMEOUT_MS', 120_000),
  readyTimeoutMs: num('READY_TIMEOUT_MS', 60_000),
};
const targets = targetsFor((process.env['TARGETS'] ?? 'ours,telegraf').split(',').map((s) => s.trim()).filter(Boolean), process.env);
if (targets.length === 0) throw new Error('TARGETS names no target');
const TOKEN = '7000000001:AAbenchbenchbenchbenchbenchbenchben';

type Api = Awaited<ReturnType<typeof FakeBotApi.start>>;
const REPLIES: Record<Step, Expected> = {
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

/** CPU used (ms) from the first post to the last reply: by the server, by this process, by the whole machine. */
interface PhaseCpu {
  readonly serverMs: number;
  readonly selfMs: number;
  readonly allMs: number;
  readonly wallMs: number;
}

/**
 * Plays `chats` dialogs and waits until the fake Bot API has every expected reply: the phase ends when the last
 * reply arrives, not when the last webhook answers (ours replies after answering).
 */
async function phase(target: Target, server: Server, api: Api, ctx: RunContext, chats: number, firstChatId: number, steps: readonly Step[]) {
  const tracker = new ReplyTracker(firstChatId, chats, steps, REPLIES);
  const expectSend = chats * steps.reduce((n, s) => n + REPLIES[s].send, 0);
  const expectAck = chats * steps.reduce((n, s) => n + REPLIES[s].ack, 0);
  const base = { send: api.count('sendMessage'), ack: api.count('answerCallbackQuery') };
  const got = () => ({ send: api.count('sendMessage') - base.send, ack: api.count('answerCallbackQuery') - base.ack });
  const missing = () => {
    const g = got();
    return `the fake Bot API has ${g.send}/${expectSend} sendMessage and ${g.ack}/${expectAck} answerCallbackQuery`;
  };
  // Stalled: no reply for REPLY_TIMEOUT_MS while some are missing (with PACE=reply the load waits on replies).
  let lastProgress = performance.now();
  let seen = 0;
  const watchdog = setInterval(() => {
    if (tracker.received !== seen) [seen, lastProgress] = [tracker.received, performance.now()];
    else if (performance.now() - lastProgress > cfg.replyTimeoutMs) tracker.abort();
  }, 250);
  api.observe(tracker.observe);
  const cpu0 = { server: procCpuMs(server.pid), self: process.cpuUsage(), all: systemBusyMs(), wall: performance.now() };
  try {
    const load = await runLoad({
      url: target.webhookUrl(ctx.port),
      secret: target.secret,
      chats,
      connections: cfg.connections,
      inFlight: cfg.inFlight,
      pace: cfg.pace,
      tracker,
      carry: (method, payload) => api.deliver(ctx.token, method, payload),
      firstChatId,
      steps,
    });
    if (load.errors > 0) {
      throw new Error(`${target.name}: ${load.errors} of ${load.requests} webhook requests failed: ${load.errorSamples.join('; ')}\n${logTail(server.logFile)}`);
    }
    while (!tracker.done) {
      if (tracker.aborted) throw new Error(`${target.name}: no reply for ${cfg.replyTimeoutMs} ms; ${missing()}\n${logTail(server.logFile)}`);
      await sleep(1);
    }
    const self = process.cpuUsage(cpu0.self);
    const cpu: PhaseCpu = {
      serverMs: procCpuMs(server.pid) - cpu0.server,
      selfMs: (self.user + self.system) / 1000,
      allMs: systemBusyMs() - cpu0.all,
      wallMs: performance.now() - cpu0.wall,
    };
    if (tracker.early > 0) throw new Error(`${target.name}: ${tracker.early} updates had more replies than expected before they were posted`);
    // Out of the timed window: no duplicate replies.
    await sleep(200);
    const g = got();
    if (g.send !== expectSend || g.ack !== expectAck) {
      throw new Error(`${target.name}: expected ${expectSend} sendMessage / ${expectAck} answerCallbackQuery, got ${g.send} / ${g.ack}`);
    }
    return { load, tracker, cpu, seconds: (tracker.lastAt - load.startedAt) / 1000 };
  } finally {
    clearInterval(watchdog);
    api.observe(undefined);
  }
}

// Chat id ranges per phase (each run has a fresh server, so only phases of one server must not overlap).
const CHAT_IDS = { verify: 900_000, warmup: 1_000_000, measured: 2_000_000, memory: 10_000_000 };

async function measure(target: Target): Promise<RunFigures> {
  return withServer(target, false, async (server, api, ctx) => {
    if (cfg.warmup > 0) await phase(target, server, api, ctx, cfg.warmup, CHAT_IDS.warmup, CONVERSATION);
    const { load, tracker, cpu, seconds } = await phase(target, server, api, ctx, cfg.chats, CHAT_IDS.measured, CONVERSATION);
    const reply = tracker.latencies();
    const webhook = Float64Array.from(load.latenciesMs).sort();
    const pct = (ms: number) => round(ms / 10 / (cpu.wallMs / 1000), 0);
    return {
      deliveredPerSec: round(tracker.expected / seconds, 0),
      updatesPerSec: round(load.requests / seconds, 0),
      replyP50Ms: round(percentile(reply, 50), 2),
      replyP90Ms: round(percentile(reply, 90), 2),
      replyP99Ms: round(percentile(reply, 99), 2),
      replyMaxMs: round(reply[reply.length - 1] ?? NaN, 2),
      webhookP50Ms: round(percentile(webhook, 50), 2),
      webhookP99Ms: round(percentile(webhook, 99), 2),
      cpuUsPerUpdate: round((cpu.serverMs * 1000) / load.requests, 0),
      peakRssMB: MB(procStatusKB(server.pid, 'VmHWM')),
      seconds: round(seconds, 3),
      webhookSeconds: round((load.endedAt - load.startedAt) / 1000, 3),
      // Over the same window: near 100% means that side was the bottleneck.
      serverCpuPct: pct(cpu.serverMs),
      loadCpuPct: pct(cpu.selfMs),
      otherCpuPct: Math.max(0, pct(cpu.allMs - cpu.serverMs - cpu.selfMs)),
      carried: load.carried,
      retried: load.retried,
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
    addedEnv: Object.fromEntries(targets.map((t) => [t.name, t.addedEnv ?? {}])),
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
  const report = { env, summary, ratios: ratios(summary, results), memory, verification, failures };
  console.log(markdown(report));
  console.error(`raw figures: ${writeJson({ ...report, results })}`);
  return Object.keys(failures).length > 0 ? 1 : 0;
}

process.exitCode = await main();
