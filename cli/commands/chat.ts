import { createInterface } from 'node:readline';
import { emitMachineConfig, type IrButton } from '../../compiler/index.js';
import { durationMs, envSecrets, HttpCallClient, type CallClient } from '../../runtime/agenda/index.js';
import { Dialog, type Effect } from '../../runtime/engine/index.js';
import { LocalMedia, VirtualAgenda } from '../../runtime/testing/index.js';
import { channelMessages, channelOf, channelPick } from './chat-channel.js';
import { mediaLine, mediaMessage } from './chat-media.js';
import type { InspectionEvent } from 'xstate';
import type { RunningInspector } from '../../runtime/inspect/index.js';
import { bold, cyan, dim, red, UsageError, type Io } from '../io.js';
import { loadScenario, printDiagnostics } from '../load.js';
import type { Command } from './command.js';
import { inspectPort } from './serve.js';

export const chatCommand: Command = {
  name: 'chat',
  summary: 'Talk to a scenario in the terminal',
  usage: 'scenarist chat SCENARIO [--channel telegram|webchat|whatsapp|messenger] [--inspect [--inspect-port N]]',
  help: `Starts a dialog with the scenario in the terminal, on the same engine the server uses.

Buttons are listed with numbers: type the number, the button's value or its text to press it.
Commands such as /start (restart) and the scenario's own work as in a messenger.
/wait DURATION skips time ("90s", "10m", "24h", "7d"): the scenario's timers that come due meanwhile
(timeouts, reminders, wait steps, the idle expiry) fire in order, as they would on the server.
Media: /photo PATH, /document PATH, /video PATH, /audio PATH and /voice PATH send a file (PATH relative
to the working directory); it is fetched at once into an in-memory store, with the server's checks (the
input's size limit, the type read from the bytes). /location LAT LON shares a location, and
/contact PHONE FIRST [LAST] a contact. The bot's media show as lines such as
[image: receipt.jpg, image/jpeg, 212 bytes] or [location: 52.52, 13.405].
A call step makes its HTTP request for real, with the server's rules: secrets from SCENARIST_SECRET_<NAME>,
CALLS_ALLOW_PRIVATE / CALLS_ALLOWED_HOSTS for private addresses, CALLS_MAX_BODY_KB; no retries.
Type /quit or press Ctrl-D to leave.

Options:
  --channel C         show each bot message as channel C shows it (telegram, webchat, whatsapp,
                      messenger): WhatsApp's reply buttons, list or numbered menu, long texts split
                      into several messages; "2" or a button's text answers a numbered menu; where
                      the channel draws the buttons, type a button's text or value to tap it (a
                      number is text there, as on the channel)
  --inspect           watch the dialog's actor in Stately's inspector (the inspector page loads
                      https://stately.ai/inspect, so the browser needs internet)
  --inspect-port N    the inspector relay's port (default 8080)
  --help              show this help`,
  options: { channel: { type: 'string' }, inspect: { type: 'boolean' }, 'inspect-port': { type: 'string' } },
  async run(io: Io, args) {
    if (args.positionals.length !== 1) throw new UsageError('chat needs exactly one SCENARIO');
    const channel = channelOf(args.values['channel']);
    const loaded = await loadScenario(io, args.positionals[0]!);
    printDiagnostics(io, loaded.diagnostics.filter((d) => d.severity === 'error'), 'stderr');
    if (!loaded.ir) return 1;
    const config = emitMachineConfig(loaded.ir);
    let inspector: RunningInspector | undefined;
    let inspect: ((event: InspectionEvent) => void) | undefined;
    let sensitiveTurn = false;
    let isSensitive: (step: string | undefined) => boolean = () => false;
    if (args.values['inspect']) {
      const { InspectorPortError, maskInputEvent, startInspector } = await import('../../runtime/inspect/index.js');
      const { isSensitiveStep, sensitiveVariables } = await import('../../runtime/dialogs/logging.js');
      try {
        inspector = await startInspector({ port: inspectPort(args.values['inspect-port']), sensitiveVariables: () => sensitiveVariables(config) });
      } catch (err) {
        if (!(err instanceof InspectorPortError)) throw err;
        io.stderr(`scenarist chat: ${err.message}\n`);
        return 2;
      }
      io.stderr(`Inspector: open ${inspector.url} to watch the dialog (loads https://stately.ai/inspect: the browser needs internet)\n`);
      const relay = inspector.inspect;
      // Sends are synchronous: the flag covers exactly the events of an answer to a sensitive step.
      inspect = (event) => relay(sensitiveTurn ? maskInputEvent(event) : event);
      isSensitive = (step) => isSensitiveStep(config, step);
    }
    const dialog = new Dialog(config, inspect ? { inspect } : {});
    let buttons: readonly IrButton[] = [];
    const show = (effects: readonly Effect[]): void => {
      for (const e of effects) {
        if (e.type === 'say') {
          if (channel) {
            for (const m of e.media ?? []) io.stdout(`${bold(io.color, 'bot')}: ${cyan(io.color, mediaLine(m))}\n`);
            if (e.buttons.length > 0) buttons = e.buttons;
            if (e.text === '' && e.buttons.length === 0) continue;
            for (const m of channelMessages(channel, e.text, e.buttons)) {
              io.stdout(`${bold(io.color, 'bot')}: ${m.text}\n`);
              for (const line of m.below) io.stdout(`  ${cyan(io.color, line)}\n`);
            }
            continue;
          }
          if (e.text !== '' || !e.media?.length) io.stdout(`${bold(io.color, 'bot')}: ${e.text}\n`);
          for (const m of e.media ?? []) io.stdout(`${bold(io.color, 'bot')}: ${cyan(io.color, mediaLine(m))}\n`);
          if (e.buttons.length > 0) {
            buttons = e.buttons;
            io.stdout(`${e.buttons.map((b, i) => `  ${cyan(io.color, `[${i + 1}]`)} ${b.text}`).join('\n')}\n`);
          }
        } else if (e.type === 'error') io.stdout(`${red(io.color, `[${e.code}]`)} ${e.message}\n`);
        else if (e.type === 'end') io.stdout(`${dim(io.color, '(the dialog has ended; type anything to start again)')}\n`);
      }
    };
    io.stdout(`${dim(io.color, `Chatting with "${loaded.ir.name}" ${loaded.ir.version}. /quit or Ctrl-D to leave.`)}\n`);
    const time = new VirtualAgenda(config);
    let client: CallClient | undefined;
    const media = new LocalMedia();
    // Files the bot asked for are fetched at once, as the server's agenda would right after the write.
    const fetches = async (): Promise<void> => {
      for (let f = time.pendingFetch; f !== undefined; f = time.pendingFetch) {
        const event = await media.fetch(f.files, f.limits);
        if (!event.ok) io.stdout(`${dim(io.color, `(the file was not taken: ${event.detail})`)}\n`);
        show(time.stored(dialog, event)!.effects);
      }
    };
    const callsOf = async (): Promise<void> => {
      await fetches();
      for (let request = time.pendingCall; request !== undefined; request = time.pendingCall) {
        if (!client) {
          const { readCallSettings } = await import('../../runtime/server/index.js');
          const s = readCallSettings(process.env);
          client = new HttpCallClient({ policy: { allowPrivate: s.callsAllowPrivate, allowedHosts: s.callsAllowedHosts }, maxBodyBytes: s.callsMaxBodyKb * 1024, secrets: envSecrets(process.env) });
        }
        io.stdout(`${dim(io.color, `(${request.method} ${request.url} ...)`)}\n`);
        const { result, reason } = await client.send(request);
        io.stdout(`${dim(io.color, `(${result.ok ? result.status : `${result.error}${result.status === undefined ? '' : ` ${result.status}`}${reason ? `: ${reason}` : ''}`})`)}\n`);
        show(time.respond(dialog, result)!.effects);
      }
    };
    show(time.send(dialog, { text: '/start' }).effects);
    await callsOf();
    const rl = createInterface({ input: io.stdin, terminal: false });
    for await (const line of rl) {
      const text = line.trim();
      if (text === '/quit' || text === '/exit') break;
      if (text === '/wait' || text.startsWith('/wait ')) {
        skipTime(io, dialog, time, text.slice('/wait'.length).trim(), show);
        await callsOf();
        continue;
      }
      const sent = await mediaMessage(text, io.cwd, media);
      if (typeof sent === 'string') {
        io.stdout(`${dim(io.color, `(${sent})`)}\n`);
        continue;
      }
      const pressed = sent ? undefined : channel ? channelPick(channel, buttons, text) : pick(buttons, text);
      buttons = [];
      try {
        sensitiveTurn = isSensitive(dialog.step);
        const typed = channel ? { text: line, channel } : { text: line };
        show(time.send(dialog, sent ?? (pressed !== undefined ? { press: pressed } : typed)).effects);
        sensitiveTurn = false;
        await callsOf();
      } catch (err) {
        io.stderr(`${red(io.color, 'error')}: ${(err as Error).message}\n`);
        await inspector?.stop();
        return 1;
      }
    }
    rl.close();
    dialog.stop();
    await client?.close?.();
    await inspector?.stop();
    return 0;
  },
};

/** `/wait DURATION`: moves the chat's clock, showing each timer that fires and what the bot says then. */
function skipTime(io: Io, dialog: Dialog, time: VirtualAgenda, arg: string, show: (effects: readonly Effect[]) => void): void {
  const ms = durationMs(arg);
  if (ms === undefined) {
    io.stdout(`${dim(io.color, `(/wait needs a duration such as 90s, 10m, 24h or 7d, not ${JSON.stringify(arg)})`)}\n`);
    return;
  }
  const start = time.now;
  for (const { entry, effects } of time.advance(dialog, ms)) {
    io.stdout(`${dim(io.color, `(${clockText(entry.due - start)} later: ${entry.name}${entry.index === undefined ? '' : ` ${entry.index + 1}`})`)}\n`);
    show(effects);
  }
  io.stdout(`${dim(io.color, `(${arg} passed)`)}\n`);
}

/** A lapse as the largest whole units: "1h 30m", "45s". */
function clockText(ms: number): string {
  const parts: string[] = [];
  let s = Math.round(ms / 1000);
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  return parts.join(' ') || '0s';
}

/** The value of the button a typed line stands for: its number, its value or its text. */
function pick(buttons: readonly IrButton[], text: string): string | undefined {
  if (buttons.length === 0) return undefined;
  const n = Number(text);
  if (Number.isInteger(n) && n >= 1 && n <= buttons.length && /^\d+$/.test(text)) return buttons[n - 1]!.value;
  const lower = text.toLowerCase();
  return (buttons.find((b) => b.value === text) ?? buttons.find((b) => b.text.toLowerCase() === lower))?.value;
}
