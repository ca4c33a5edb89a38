import { describe, expect, it } from 'vitest';
import { compileScenario, emitMachineConfig, type ChannelId } from '../../../compiler/index.js';
import { Dialog } from '../../../runtime/engine/index.js';
import { scenario } from '../../support/scenario-text.js';

const options = (n: number) => Array.from({ length: n }, (_, i) => ({ text: `Option ${i + 1}`, value: `o${i + 1}` }));

/** A step with `n` buttons; the dialog waits in it. */
function waiting(n: number): Dialog {
  const text = scenario({
    pick: { message: { text: 'Pick one' }, buttons: options(n), expected_input: { type: 'button', variable: 'choice' }, next_step: 'done' },
    done: { message: { text: 'You chose {{choice}}' } },
  });
  const dialog = new Dialog(emitMachineConfig(compileScenario(text, { file: 'menu.json' }).ir!));
  dialog.send({ text: '/start' });
  return dialog;
}

const answer = (n: number, text: string, channel?: ChannelId) => {
  const dialog = waiting(n);
  const turn = dialog.send(channel ? { text, channel } : { text });
  return { choice: dialog.vars['choice'], refused: turn.refused };
};

describe('a typed number answers a numbered menu', () => {
  it('on WhatsApp, "11" and "11." pick the eleventh of 12 buttons', () => {
    expect(answer(12, '11', 'whatsapp')).toEqual({ choice: 'o11', refused: false });
    expect(answer(12, ' 11. ', 'whatsapp')).toEqual({ choice: 'o11', refused: false });
  });

  it("the button's text picks it too, on every channel", () => {
    for (const channel of ['telegram', 'webchat', 'whatsapp', 'messenger'] as const) expect(answer(12, 'option 7', channel).choice).toBe('o7');
  });

  it('a number out of range, zero or a word re-asks', () => {
    for (const text of ['13', '0', 'eleven', '1.5']) expect(answer(12, text, 'whatsapp')).toEqual({ choice: undefined, refused: true });
  });

  it('where the channel draws the buttons, a number is text like any other', () => {
    // WhatsApp shows 3 as reply buttons and 10 as a list; Telegram 12 as an inline keyboard; Messenger 12 as quick replies.
    expect(answer(3, '2', 'whatsapp').refused).toBe(true);
    expect(answer(10, '2', 'whatsapp').refused).toBe(true);
    expect(answer(12, '2', 'telegram').refused).toBe(true);
    expect(answer(12, '2', 'messenger').refused).toBe(true);
    expect(answer(12, '2', 'webchat').refused).toBe(true);
    expect(answer(12, '2').refused).toBe(true);
  });

  it('Messenger shows 14 buttons as a numbered menu, Telegram 101', () => {
    expect(answer(14, '14', 'messenger').choice).toBe('o14');
    expect(answer(101, '101', 'telegram').choice).toBe('o101');
  });
});
