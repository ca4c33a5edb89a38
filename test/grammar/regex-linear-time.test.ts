import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transpileForWorker } from './transpile.js';

// Patterns that a backtracking engine takes tens of seconds on, for one short message. Each evaluation runs in a
// worker thread that is terminated when it blocks longer than BLOCKED_MS: a blocked event loop cannot be
// interrupted by a test timeout, only by another thread.
const BLOCKED_MS = 1000;
const NAME = `^${'[A-Za-z]{1,20} ?'.repeat(6)}$`;
const HOSTILE = ['^(.{0,20}){7}x$', NAME, '^(a+)+$', '^(a|aa)+$', '(.*a){20}$', '^(\\w+\\s?)*$', '^([a-z]+)*@'];
const letters = (n: number) => 'abcdefghij'.repeat(Math.ceil(n / 10)).slice(0, n);
/** None of the patterns matches these. */
const SHORT = [letters(60) + '!', 'a'.repeat(60) + '!', 'a'.repeat(100) + '!', 'ab '.repeat(20) + '!'];
/** Over the 1000 characters a pattern sees: validation refuses them, a condition matches their first 1000. */
const LONG = [letters(4096) + '!', 'a'.repeat(4096) + '!', 'ab '.repeat(1365) + '1'];

interface Outcome {
  readonly refused: string | null;
  readonly condition: boolean | null;
  readonly answer: boolean;
}

class PatternWorker {
  private readonly worker: Worker;
  readonly ready: Promise<void>;

  constructor(root: string) {
    this.worker = new Worker(new URL('./fixtures/regex-worker.mjs', import.meta.url), { workerData: { root } });
    this.ready = new Promise((done, fail) => {
      this.worker.once('message', () => done());
      this.worker.once('error', fail);
    });
  }

  run(pattern: string, message: string): Promise<Outcome> {
    return new Promise((done, fail) => {
      const timer = setTimeout(() => {
        void this.worker.terminate();
        fail(new Error(`${JSON.stringify(pattern)} blocked the event loop over ${BLOCKED_MS} ms on a ${message.length}-character message`));
      }, BLOCKED_MS);
      this.worker.once('message', (outcome: Outcome) => {
        clearTimeout(timer);
        done(outcome);
      });
      this.worker.postMessage({ pattern, message });
    });
  }

  stop(): Promise<number> {
    return this.worker.terminate();
  }
}

describe('hostile patterns on one message', () => {
  let root: string;
  beforeAll(() => {
    root = transpileForWorker(['grammar', 'compiler/semantics/answers.ts']);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each(HOSTILE)('%s is accepted and a 60- or 4,096-character message never blocks the event loop', async (pattern) => {
    const worker = new PatternWorker(root);
    try {
      await worker.ready;
      for (const message of SHORT) {
        const outcome = await worker.run(pattern, message);
        expect(outcome, `${pattern} on ${message.length} characters`).toEqual({ refused: null, condition: false, answer: false });
      }
      for (const message of LONG) {
        const outcome = await worker.run(pattern, message);
        expect(outcome, `${pattern} on ${message.length} characters`).toEqual({ refused: null, condition: expect.any(Boolean), answer: false });
      }
    } finally {
      await worker.stop();
    }
  });

  it('answers the same patterns correctly when they match', async () => {
    const worker = new PatternWorker(root);
    try {
      await worker.ready;
      expect(await worker.run('^(.{0,20}){7}x$', 'a'.repeat(60) + 'x')).toEqual({ refused: null, condition: true, answer: true });
      expect(await worker.run(NAME, 'Anna Maria Smith')).toEqual({ refused: null, condition: true, answer: true });
      expect(await worker.run(NAME, 'Anna 3')).toEqual({ refused: null, condition: false, answer: false });
    } finally {
      await worker.stop();
    }
  });
});
