// One readable line per log record: the console's text format and the `scenarist logs` viewer share it.

const paint = (code: number) => (on: boolean, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
const dim = paint(2);
const cyan = paint(36);
const bold = paint(1);
const LEVEL_COLOR: Readonly<Record<string, (on: boolean, s: string) => string>> = {
  DEBUG: dim,
  INFO: paint(32),
  WARNING: paint(33),
  ERROR: paint(31),
};

/** Fields shown in the line's head, or not at all (dialog_id comes first after the message); the rest follow as key=value. */
const HEAD = new Set(['time', 'level', 'event_type', 'msg', 'bot_id', 'platform', 'platform_chat_id', 'dialog_id', 'update_id', 'pid', 'hostname']);

function value(v: unknown): string {
  if (typeof v === 'string') return /^[\w./:@+-]*$/.test(v) && v !== '' ? v : JSON.stringify(v);
  return JSON.stringify(v);
}

/** `12:01:02.345 INFO  INCOMING     spec-example/telegram:42 #17  message  dialog_id=… key=value …`, on one line. */
export function textLine(record: Record<string, unknown>, color: boolean): string {
  const time = typeof record['time'] === 'string' ? record['time'].slice(11, 23) : '';
  const level = String(record['level'] ?? '');
  const levelText = (LEVEL_COLOR[level] ?? ((_: boolean, s: string) => s))(color, level.padEnd(7));
  const event = record['event_type'] ? cyan(color, String(record['event_type']).padEnd(12)) : ' '.repeat(12);
  const bot = record['bot_id'] ? String(record['bot_id']) : '';
  const chat = record['platform_chat_id'] ? `${record['platform'] ?? ''}:${record['platform_chat_id']}` : '';
  const where = [bot, chat].filter(Boolean).join('/');
  const update = record['update_id'] ? ` #${record['update_id']}` : '';
  const rest = Object.entries(record)
    .filter(([k, v]) => !HEAD.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${k === 'err' && typeof v === 'object' && v ? value((v as { message?: unknown }).message) : value(v)}`)
    .join(' ');
  const msg = record['msg'] === undefined ? '' : bold(color, String(record['msg']).replace(/\r?\n/g, '\\n'));
  const dialog = record['dialog_id'] === undefined ? '' : `dialog_id=${value(record['dialog_id'])}`;
  return [dim(color, time), levelText, event, dim(color, `${where}${update}`), msg, dialog, rest].filter((s) => s !== '').join(' ');
}
