/**
 * The engine agrees with a reference interpreter of the timer semantics on random small scenarios (input steps with
 * timeouts and reminders, wait steps, call steps, final steps, expiry with or without on_expire) under random sequences
 * of messages, timer events and call results: the same replies, schedule and call requests and endings, and the same
 * step after each event.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileScenario, emitMachineConfig } from '../../compiler/index.js';
import { Dialog, type Effect, type InboundEvent } from '../../runtime/engine/index.js';
import { fcOptions } from '../support/fc-settings.js';

type Next = number | 'end';
type StepSpec =
  | { readonly kind: 'input'; readonly next: Next; readonly timeout?: number; readonly reminders: number }
  | { readonly kind: 'wait'; readonly next: Next }
  /** A call saving `body.v`; with `branch`, a 2xx whose v is "yes" goes there, others follow `next` (or fail NO_ROUTE). */
  | { readonly kind: 'call'; readonly next: Next; readonly onError?: number; readonly branch?: number }
  | { readonly kind: 'final' };
interface Spec {
  readonly steps: readonly StepSpec[];
  readonly expire?: { readonly onExpire?: number };
}

const MINUTE = 60_000;
const id = (i: number): string => `s${i}`;

const specArb: fc.Arbitrary<Spec> = fc.integer({ min: 1, max: 5 }).chain((n) => {
  const target = fc.integer({ min: 0, max: n - 1 });
  const next: fc.Arbitrary<Next> = fc.oneof(target, fc.constant('end' as const));
  const step: fc.Arbitrary<StepSpec> = fc.oneof(
    fc.record({ kind: fc.constant('input' as const), next, timeout: fc.option(target, { nil: undefined }), reminders: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ kind: fc.constant('wait' as const), next }),
    fc.record({ kind: fc.constant('call' as const), next, onError: fc.option(target, { nil: undefined }), branch: fc.option(target, { nil: undefined }) }),
    fc.constant({ kind: 'final' as const }),
  );
  return fc.record({
    steps: fc.array(step, { minLength: n, maxLength: n }),
    expire: fc.option(fc.record({ onExpire: fc.option(target, { nil: undefined }) }, { requiredKeys: [] }), { nil: undefined }),
  });
});

function scenarioOf(spec: Spec): string {
  const steps: Record<string, unknown> = {};
  spec.steps.forEach((s, i) => {
    const step: Record<string, unknown> = { message: { text: `m${i}` } };
    if (s.kind !== 'final' && s.next !== 'end') step['next_step'] = id(s.next);
    if (s.kind === 'input') {
      step['expected_input'] = { type: 'text', variable: `v${i}` };
      if (s.timeout !== undefined) step['timeout'] = { after: '10m', next: id(s.timeout) };
      if (s.reminders > 0) step['reminders'] = [...Array(s.reminders).keys()].map((r) => ({ after: `${r + 1}m`, message: `r${i}.${r}` }));
    }
    if (s.kind === 'wait') step['wait'] = '5m';
    if (s.kind === 'call') {
      step['call'] = { url: `https://api.example/${i}`, save: { [`b${i}`]: 'body.v' }, ...(s.onError !== undefined ? { on_error: id(s.onError) } : {}) };
      if (s.branch !== undefined) {
        step['next_step'] = { type: 'conditional', conditions: [{ if: `b${i} == "yes"`, then: id(s.branch) }], ...(s.next !== 'end' ? { else: id(s.next) } : {}) };
      }
    }
    steps[id(i)] = step;
  });
  const expire = spec.expire ? { expire_after: '1d', ...(spec.expire.onExpire !== undefined ? { on_expire: id(spec.expire.onExpire) } : {}) } : {};
  return JSON.stringify({ name: 'P', version: '1', start_step: 's0', ...expire, steps });
}

/** The semantics of docs/format.md, written out directly. */
class Reference {
  at: number | '$new' | '$ended' = '$new';
  private out: string[] = [];
  constructor(private readonly spec: Spec) {}

  private enter(i: number): void {
    const s = this.spec.steps[i]!;
    this.out.push(`say m${i}`);
    if (s.kind === 'input') {
      if (s.timeout !== undefined) this.out.push(`schedule ${id(i)} timeout ${10 * MINUTE}`);
      for (let r = 0; r < s.reminders; r++) this.out.push(`schedule ${id(i)} reminder${r} ${(r + 1) * MINUTE}`);
      this.at = i;
    } else if (s.kind === 'wait') {
      this.out.push(`schedule ${id(i)} wait ${5 * MINUTE}`);
      this.at = i;
    } else if (s.kind === 'call') {
      this.out.push(`call ${id(i)}`);
      this.at = i;
    } else this.finish(i, 'final');
  }

  private fail(i: number, code: string): void {
    this.out.push(`error ${code}`);
    this.finish(i, 'error');
  }

  private answered(i: number, s: Extract<StepSpec, { kind: 'call' }>, event: Extract<InboundEvent, { type: 'call.result' }>): void {
    if (!event.ok) {
      if (s.onError !== undefined) this.enter(s.onError);
      else this.fail(i, 'CALL_FAILED');
    } else if (s.branch === undefined) this.follow(i, s.next);
    else if ((event.body as { v?: unknown } | null)?.v === 'yes') this.enter(s.branch);
    else if (s.next !== 'end') this.enter(s.next);
    else this.fail(i, 'NO_ROUTE');
  }

  private finish(i: number, reason: string): void {
    this.out.push(`end ${id(i)} ${reason}`);
    this.at = '$ended';
  }

  private follow(i: number, next: Next): void {
    if (next === 'end') this.finish(i, 'final');
    else this.enter(next);
  }

  step(event: InboundEvent): string[] {
    this.out = [];
    const at = this.at;
    const s = typeof at === 'number' ? this.spec.steps[at]! : undefined;
    if (event.type === 'user.input') {
      if (typeof at !== 'number') this.enter(0);
      else if (s?.kind === 'input') this.follow(at, s.next);
    } else if (typeof at === 'number' && s) {
      if (event.type === 'timer.timeout' && s.kind === 'input' && s.timeout !== undefined) this.enter(s.timeout);
      if (event.type === 'timer.reminder' && s.kind === 'input' && event.index !== undefined && event.index < s.reminders) this.out.push(`say r${at}.${event.index}`);
      if (event.type === 'timer.wait' && s.kind === 'wait') this.follow(at, s.next);
      if (event.type === 'call.result' && s.kind === 'call') this.answered(at, s, event);
      if (event.type === 'timer.expire' && this.spec.expire) {
        if (this.spec.expire.onExpire !== undefined) this.enter(this.spec.expire.onExpire);
        else this.finish(at, 'expired');
      }
    }
    return this.out;
  }
}

const shown = (effects: readonly Effect[]): string[] =>
  effects.map((e) =>
    e.type === 'say' ? `say ${e.text}` : e.type === 'schedule' ? `schedule ${e.step} ${e.timer}${e.index ?? ''} ${e.afterMs}` : e.type === 'end' ? `end ${e.step} ${e.reason}` : e.type === 'error' ? `error ${e.code}` : `${e.type} ${e.step}`,
  );

const eventArb: fc.Arbitrary<InboundEvent> = fc.oneof(
  fc.constant({ type: 'user.input', text: 'x' } as const),
  fc.constant({ type: 'timer.timeout' } as const),
  fc.integer({ min: 0, max: 2 }).map((index) => ({ type: 'timer.reminder', index }) as const),
  fc.constant({ type: 'timer.wait' } as const),
  fc.constant({ type: 'timer.expire' } as const),
  fc.constantFrom('yes', 'no').map((v) => ({ type: 'call.result', ok: true, status: 200, body: { v } }) as const),
  fc.constant({ type: 'call.result', ok: false, error: 'status', status: 503, body: null } as const),
  fc.constant({ type: 'call.result', ok: false, error: 'network' } as const),
);

describe('timers and calls: the engine and the reference interpreter agree', () => {
  it('on random scenarios and random sequences of messages, timer events and call results', () => {
    fc.assert(
      fc.property(specArb, fc.array(eventArb, { maxLength: 25 }), (spec, events) => {
        const { ir, diagnostics } = compileScenario(scenarioOf(spec), { file: 'p.json' });
        if (!ir) throw new Error(JSON.stringify(diagnostics.filter((d) => d.severity === 'error')));
        const dialog = new Dialog(emitMachineConfig(ir));
        const reference = new Reference(spec);
        for (const event of events) {
          const expected = reference.step(event);
          const result = dialog.sendEvent(event);
          expect(shown(result.effects)).toEqual(expected);
          expect(result.step).toBe(typeof reference.at === 'number' ? id(reference.at) : undefined);
        }
      }),
      fcOptions,
    );
  });
});
