import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnvList, startFlags, targetsFor, type RunContext } from '../../../bench/telegram/targets.js';

const ctx: RunContext = { port: 1, apiRoot: 'http://127.0.0.1:2', dir: '/tmp/x', token: '1:a' };

describe('parseEnvList', () => {
  it('reads K=V pairs, keeping commas and = that belong to a value', () => {
    expect(parseEnvList("A=1,B_2=x=y,NODE_OPTIONS=--a,--b, C=", 'SERVER_ENV')).toEqual({ A: '1', B_2: 'x=y', NODE_OPTIONS: '--a,--b', C: '' });
    expect(parseEnvList(undefined, 'SERVER_ENV')).toEqual({});
    expect(parseEnvList(' ', 'SERVER_ENV')).toEqual({});
  });

  it('refuses what is not NAME=value, naming the variable', () => {
    expect(() => parseEnvList('A', 'SERVER_ENV')).toThrow(/SERVER_ENV/);
    expect(() => parseEnvList('=1', 'OURS_B_ENV')).toThrow(/OURS_B_ENV/);
    expect(() => parseEnvList('1A=2', 'SERVER_ENV')).toThrow(/SERVER_ENV/);
  });
});

describe('targetsFor', () => {
  it('adds SERVER_ENV to every ours-* target and not to telegraf, over their own variables', () => {
    const [ours, logOff, telegraf] = targetsFor(['ours', 'ours-log-off', 'telegraf'], { SERVER_ENV: 'LEVER=1,BOT_LOG_LEVEL=WARN' });
    expect(ours!.env(ctx)).toMatchObject({ LEVER: '1', TELEGRAM_MODE: 'webhook' });
    expect(logOff!.env(ctx)).toMatchObject({ LEVER: '1', BOT_LOG_LEVEL: 'WARN' });
    expect(telegraf!.env(ctx)).not.toHaveProperty('LEVER');
    expect(ours!.addedEnv).toEqual({ LEVER: '1', BOT_LOG_LEVEL: 'WARN' });
  });

  it('makes ours-<x> ours with SERVER_ENV and then OURS_<X>_ENV', () => {
    const [ours, b] = targetsFor(['ours', 'ours-b'], { SERVER_ENV: 'A=1,B=1', OURS_B_ENV: 'B=2' });
    expect(b!.name).toBe('ours-b');
    expect(b!.env(ctx)).toMatchObject({ A: '1', B: '2', TELEGRAM_MODE: 'webhook' });
    expect(ours!.env(ctx)).toMatchObject({ A: '1', B: '1' });
    expect(b!.webhookUrl(5)).toBe(ours!.webhookUrl(5));
  });

  it('takes NODE_FLAGS as the node flags in place of npm start\'s, not as a variable', () => {
    const [ours, b] = targetsFor(['ours', 'ours-b'], { OURS_B_ENV: 'NODE_FLAGS=--max-semi-space-size=16 --trace-gc,X=1' });
    const dir = mkdtempSync(join(tmpdir(), 'targets-'));
    const [own, bArgs] = [ours!.args({ ...ctx, dir }), b!.args({ ...ctx, dir })];
    rmSync(dir, { recursive: true, force: true });
    expect(bArgs.slice(0, 2)).toEqual(['--max-semi-space-size=16', '--trace-gc']);
    expect(bArgs.slice(2)).toEqual(own.slice(own.findIndex((a) => !a.startsWith('-'))));
    expect(b!.env(ctx)).toMatchObject({ X: '1' });
    expect(b!.env(ctx)).not.toHaveProperty('NODE_FLAGS');
  });

  it('keeps the order asked for and leaves targets without added variables as they are', () => {
    expect(targetsFor(['telegraf', 'ours'], {}).map((t) => [t.name, t.addedEnv])).toEqual([
      ['telegraf', undefined],
      ['ours', undefined],
    ]);
  });

  it('refuses an unknown target, and ours-<x> without its variable', () => {
    expect(() => targetsFor(['nope'], {})).toThrow(/unknown target "nope"/);
    expect(() => targetsFor(['ours-fast'], {})).toThrow(/OURS_FAST_ENV/);
  });
});

describe('startFlags', () => {
  it("reads the node flags of a checkout's npm start, so a baseline runs with its own", () => {
    const dir = mkdtempSync(join(tmpdir(), 'targets-'));
    const flagsOf = (start: string) => {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { start } }));
      return startFlags(dir);
    };
    try {
      expect(flagsOf('node --max-semi-space-size=32 bin/scenarist.js serve')).toEqual(['--max-semi-space-size=32']);
      expect(flagsOf('node  --a=1 --b bin/scenarist.js serve')).toEqual(['--a=1', '--b']);
      expect(flagsOf('node bin/scenarist.js serve')).toEqual([]);
      expect(() => flagsOf('tsx bin/scenarist.js serve')).toThrow(/npm start/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives ours-baseline the flags of its own checkout', () => {
    const base = mkdtempSync(join(tmpdir(), 'targets-base-'));
    const dir = mkdtempSync(join(tmpdir(), 'targets-'));
    writeFileSync(join(base, 'package.json'), JSON.stringify({ scripts: { start: 'node --old-flag bin/scenarist.js serve' } }));
    const saved = process.env['BASELINE_DIR'];
    process.env['BASELINE_DIR'] = base;
    try {
      const [baseline] = targetsFor(['ours-baseline'], {});
      const args = baseline!.args({ ...ctx, dir });
      expect(args[0]).toBe('--old-flag');
      expect(args[1]).toBe(join(base, 'bin', 'scenarist.js'));
    } finally {
      if (saved === undefined) delete process.env['BASELINE_DIR'];
      else process.env['BASELINE_DIR'] = saved;
      rmSync(base, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
