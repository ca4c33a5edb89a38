/**
 * The Telegram adapter's sends alone: sendMessage calls from CONCURRENCY chats at once to a fake Bot API in another
 * process (pinned to core 1 when taskset exists), and the CPU this process spends per call. With BASELINE_DIR (a
 * built checkout), its adapter runs too, alternating with ours in the same invocation.
 * Run: npm run build && taskset -c 0 node dist/bench/bot-api-sender.js  (options: CALLS=40000 CONCURRENCY=64 RUNS=3
 *      SENDER=direct|telegraf BASELINE_DIR=/tmp/base)
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const calls = Number(process.env['CALLS'] ?? 40_000);
const concurrency = Number(process.env['CONCURRENCY'] ?? 64);
const runs = Number(process.env['RUNS'] ?? 3);
const sender = process.env['SENDER'] === 'telegraf' ? 'telegraf' : 'direct';
const TOKEN = '7000000001:AAbenchbenchbenchbenchbenchbenchben';
const ours = fileURLToPath(new URL('../..', import.meta.url));

interface Adapter {
  addBot(botId: string, token: string): void;
  send(botId: string, chatId: string, message: { text: string; buttons: { text: string; value: string }[] }): Promise<void>;
  close(): unknown;
}
type AdapterClass = new (options: { apiRoot: string; sender: string }) => Adapter;

if (process.argv[2] === 'api') {
  const { FakeBotApi } = await import('../runtime/testing/fake-bot-api.js');
  const api = await FakeBotApi.start({ record: false });
  process.stdout.write(`${api.url}\n`);
} else {
  const pin = spawnSync('taskset', ['--version']).status === 0;
  const script = fileURLToPath(import.meta.url);
  const child = pin ? spawn('taskset', ['-c', '1', process.execPath, script, 'api']) : spawn(process.execPath, [script, 'api']);
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const apiRoot = line.toString().trim();
  const roots = [{ name: 'ours', dir: ours }, ...(process.env['BASELINE_DIR'] ? [{ name: 'baseline', dir: process.env['BASELINE_DIR'] }] : [])];
  const message = { text: 'Nice to meet you, Ann! This bot was built with Scenarist.', buttons: [{ text: 'Tell me more', value: 'more_info' }, { text: 'Goodbye', value: 'end' }] };
  const results: Record<string, number[]> = {};
  try {
    for (let run = 1; run <= runs; run++) {
      for (const root of roots) {
        const { TelegramAdapter } = (await import(pathToFileURL(join(root.dir, 'dist/runtime/adapters/telegram/index.js')).href)) as { TelegramAdapter: AdapterClass };
        const adapter = new TelegramAdapter({ apiRoot, sender });
        adapter.addBot('b', TOKEN);
        const play = async (n: number): Promise<void> => {
          let next = 0;
          const chat = async (c: number): Promise<void> => {
            while (next < n) {
              next++;
              await adapter.send('b', String(1000 + c), message);
            }
          };
          await Promise.all(Array.from({ length: concurrency }, (_, c) => chat(c)));
        };
        await play(Math.min(5000, calls)); // warm-up
        const cpu = process.cpuUsage();
        const started = performance.now();
        await play(calls);
        const used = process.cpuUsage(cpu);
        const seconds = (performance.now() - started) / 1000;
        await adapter.close();
        const us = (used.user + used.system) / calls;
        (results[root.name] ??= []).push(us);
        console.log(`run ${run}/${runs} ${root.name}: ${us.toFixed(1)} µs CPU per call, ${Math.round(calls / seconds)} calls/s`);
      }
    }
  } finally {
    child.kill();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [name, xs] of Object.entries(results)) console.log(`${name}: median ${median(xs).toFixed(1)} µs CPU per call (${sender} sender)`);
  if (results['baseline']) console.log(`ours/baseline: ×${(median(results['ours']!) / median(results['baseline'])).toFixed(2)}`);
}
