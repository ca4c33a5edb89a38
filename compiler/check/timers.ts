import { parseDuration } from '../../grammar/index.js';
import type { Reporter } from '../diagnostics/reporter.js';
import type { Loc } from '../diagnostics/types.js';
import type { Located, ScenarioAst, SourceString, StepAst } from '../scenario/ast.js';
import type { CheckedScenario, CheckedTimers } from './model.js';
import type { Template } from '../../grammar/index.js';

type Ref = (target: Located<string>) => { target: string; loc: Loc } | undefined;
type ParseMessage = (src: SourceString) => { template: Template; src: SourceString } | undefined;

/** A duration in ms, or undefined after reporting why it is not one. */
export function durationMs(reporter: Reporter, field: string, text: Located<string> | undefined): number | undefined {
  if (!text) return undefined;
  const r = parseDuration(text.value);
  if (r.ok) return r.ms;
  if (r.issue === 'syntax') reporter.report('DURATION_SYNTAX', text.loc, { field, value: text.value });
  else reporter.report('DURATION_OUT_OF_RANGE', text.loc, { field, value: text.value, limit: r.issue === 'too_short' ? '1s' : '365d' });
  return undefined;
}

/** The timers of a step: durations read, reminders in order and before the timeout, and only where they can fire. */
export function checkStepTimers(reporter: Reporter, step: StepAst, ref: Ref, message: ParseMessage): CheckedTimers | undefined {
  const { timeout, reminders, wait } = step;
  if (!timeout && !reminders && !wait) return undefined;
  const complete = !step.incomplete;
  if (wait && step.input) reporter.report('WAIT_WITH_INPUT', wait.loc);
  if (!step.input && complete) {
    if (timeout) reporter.report('TIMER_WITHOUT_INPUT', timeout.loc, { field: 'timeout' });
    if (reminders) reporter.report('TIMER_WITHOUT_INPUT', reminders.loc, { field: 'reminders' });
  }
  const waitMs = durationMs(reporter, 'wait', wait);
  const timeoutMs = durationMs(reporter, 'timeout.after', timeout?.after);
  const target = timeout?.next && ref(timeout.next);
  const checked: CheckedTimers['reminders'][number][] = [];
  let previous: { ms: number; text: string } | undefined;
  for (const r of reminders?.items ?? []) {
    const afterMs = durationMs(reporter, 'reminders.after', r.after);
    if (afterMs !== undefined && r.after) {
      if (previous && afterMs <= previous.ms) reporter.report('REMINDERS_NOT_INCREASING', r.after.loc, { after: r.after.value, previous: previous.text });
      else if (timeoutMs !== undefined && timeout?.after && afterMs >= timeoutMs) {
        reporter.report('REMINDER_AFTER_TIMEOUT', r.after.loc, { after: r.after.value, timeout: timeout.after.value });
      }
      previous = { ms: afterMs, text: r.after.value };
    }
    checked.push({ afterMs, message: r.message && message(r.message) });
  }
  const out: { -readonly [K in keyof CheckedTimers]: CheckedTimers[K] } = { reminders: checked, waits: wait !== undefined };
  if (timeout) out.timeout = { afterMs: timeoutMs, target };
  if (waitMs !== undefined) out.waitMs = waitMs;
  return out;
}

/** The scenario's idle expiry. */
export function checkExpiry(reporter: Reporter, ast: ScenarioAst, ref: Ref): CheckedScenario['expire'] {
  if (!ast.expireAfter && !ast.onExpire) return undefined;
  const afterMs = durationMs(reporter, 'expire_after', ast.expireAfter);
  const onExpire = ast.onExpire && ref(ast.onExpire);
  if (ast.onExpire && !ast.expireAfter && !ast.incomplete) reporter.report('ON_EXPIRE_WITHOUT_EXPIRE_AFTER', ast.onExpire.loc);
  return { afterMs, onExpire };
}
