import type { Template } from '../../grammar/index.js';
import { CHANNELS, type ButtonLayout, type ChannelId, type OutMediaKind } from '../channels/index.js';
import { buttonLayout, textLimit } from '../channels/index.js';
import type { Reporter } from '../diagnostics/reporter.js';
import type { Loc } from '../diagnostics/types.js';
import type { SourceString } from '../scenario/ast.js';
import type { CheckedScenario, CheckedStep } from './model.js';
import { spanLoc } from './parse-strings.js';

const LAYOUT_WORDS: Readonly<Record<ButtonLayout, string>> = {
  buttons: 'buttons',
  list: 'an interactive list',
  'numbered-menu': 'a numbered text menu that accepts the number or the text',
};

/**
 * Reports what each channel cannot show as written and what its adapter does instead. Telegram's text and
 * callback-data limits are checked for every scenario already (MESSAGE_TOO_LONG, CALLBACK_DATA_TOO_LONG), so they
 * are not reported twice.
 */
export function checkChannels(reporter: Reporter, s: CheckedScenario, channels: readonly ChannelId[]): void {
  for (const channel of new Set(channels)) for (const step of s.steps) checkStep(reporter, step, channel);
}

function checkStep(reporter: Reporter, step: CheckedStep, channel: ChannelId): void {
  const caps = CHANNELS[channel];
  const items = step.ast.buttons?.items ?? [];
  const layout = items.length > 0 ? buttonLayout(channel, items.map((b) => b.text?.value ?? '')) : undefined;
  if (layout && step.ast.buttons) checkButtons(reporter, step, channel, layout.layout);
  if (step.message && channel !== 'telegram') {
    const limit = textLimit(channel, layout);
    if (limit !== undefined) checkText(reporter, step.message.template, step.message.src, caps.name, limit);
  }
  // A re-ask and a reminder are messages of their own too.
  if (caps.maxText !== undefined && channel !== 'telegram') {
    const others = [step.input?.errorMessage, ...(step.timers?.reminders ?? []).map((r) => r.message)];
    for (const m of others) if (m) checkText(reporter, m.template, m.src, caps.name, caps.maxText);
  }
  for (const m of step.media ?? []) {
    const kind = m.type as OutMediaKind;
    if (!caps.sends.includes(kind)) reporter.report('CHANNEL_MEDIA_AS_TEXT', m.loc, { channel: caps.name, kind, fallback: caps.mediaAsText[kind] ?? 'text' });
    if (m.caption && caps.maxCaption !== undefined) {
      const length = literalLength(m.caption.template);
      if (length > caps.maxCaption) reporter.report('CHANNEL_CAPTION_SEPARATE', whole(m.caption.src), { channel: caps.name, length, limit: caps.maxCaption });
    }
  }
  checkInput(reporter, step, channel);
}

function checkButtons(reporter: Reporter, step: CheckedStep, channel: ChannelId, layout: ButtonLayout): void {
  const caps = CHANNELS[channel];
  const buttons = step.ast.buttons!;
  const count = buttons.items.length;
  const tiers = caps.buttonTiers;
  const fits = tiers.find((t) => count <= t.maxCount);
  const words = LAYOUT_WORDS[layout];
  if (fits !== tiers[0]) {
    const limit = fits ? tiers[0]!.maxCount : Math.max(...tiers.map((t) => t.maxCount));
    reporter.report('CHANNEL_TOO_MANY_BUTTONS', buttons.loc, { channel: caps.name, count, limit, layout: words });
  }
  for (const b of buttons.items) {
    if (fits?.maxTitle !== undefined && b.text && b.text.value.length > fits.maxTitle) {
      reporter.report('CHANNEL_BUTTON_TITLE_TOO_LONG', b.text.loc, { channel: caps.name, title: b.text.value, length: b.text.value.length, limit: fits.maxTitle, layout: words });
    }
    // A numbered menu still needs the value back from a press on the other layouts; Telegram's own check covers it.
    if (b.value && caps.maxPayloadBytes !== undefined && channel !== 'telegram') {
      const bytes = Buffer.byteLength(b.value.value, 'utf8');
      if (bytes > caps.maxPayloadBytes) reporter.report('CHANNEL_PAYLOAD_TOO_LONG', b.value.loc, { channel: caps.name, value: b.value.value, bytes, limit: caps.maxPayloadBytes });
    }
  }
}

function checkInput(reporter: Reporter, step: CheckedStep, channel: ChannelId): void {
  const caps = CHANNELS[channel];
  const kinds = step.input?.media?.kinds;
  const ast = step.ast.input;
  if (!kinds || !ast) return;
  const missing = kinds.filter((k) => !caps.receives.includes(k));
  if (missing.length === 0) return;
  const locOf = (kind: string): Loc => ast.kinds?.items.find((i) => i.value === kind)?.loc ?? ast.type?.loc ?? ast.loc;
  const none = missing.length === kinds.length;
  for (const kind of missing) {
    if (none) reporter.report('CHANNEL_INPUT_UNSUPPORTED', locOf(kind), { channel: caps.name, kind, receives: caps.receives.join(', ') });
    else reporter.report('CHANNEL_INPUT_KIND_UNSUPPORTED', locOf(kind), { channel: caps.name, kind });
  }
}

/** Only the fixed parts of a template can be measured; values are unknown until the dialog runs. */
function literalLength(template: Template): number {
  let length = 0;
  for (const part of template.parts) if (part.kind === 'text') length += part.text.length;
  return length;
}

const whole = (src: SourceString): Loc => spanLoc(src, { start: 0, end: src.value.length });

function checkText(reporter: Reporter, template: Template, src: SourceString, channel: string, limit: number): void {
  const length = literalLength(template);
  if (length <= limit) return;
  reporter.report('CHANNEL_TEXT_SPLIT', whole(src), { channel, length, limit, templated: template.parts.some((p) => p.kind === 'value') });
}
