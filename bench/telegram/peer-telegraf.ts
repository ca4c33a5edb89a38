/**
 * The peer of the Telegram benchmark: the spec example (examples/spec-example.json) written by hand
 * the way telegraf users write it — a WizardScene in a Stage over in-memory session(), served through
 * bot.webhookCallback() on node:http. Run as its own process; reads PORT, API_ROOT, TOKEN, SECRET and
 * WEBHOOK_REPLY.
 */
import http from 'node:http';
import { Markup, Scenes, Telegraf, session } from 'telegraf';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`peer-telegraf: ${name} is not set`);
  return value;
};
const port = Number(env('PORT'));
const token = env('TOKEN');
const secret = env('SECRET');
const path = process.env['WEBHOOK_PATH'] ?? '/webhooks/telegram/bench';

interface SpecSession extends Scenes.WizardSessionData {
  name?: string;
}
type Ctx = Scenes.WizardContext<SpecSession>;

const spec = new Scenes.WizardScene<Ctx>(
  'spec',
  // welcome + ask_name
  async (ctx) => {
    await ctx.reply('Welcome to our bot!');
    await ctx.reply("What's your name?");
    return ctx.wizard.next();
  },
  // expected_input text -> greet_with_name
  async (ctx) => {
    if (!ctx.message || !('text' in ctx.message)) return void (await ctx.reply('Please tell me your name.'));
    const name = (ctx.scene.session.name = ctx.message.text);
    await ctx.reply(
      `Nice to meet you, ${name}!`,
      Markup.inlineKeyboard([Markup.button.callback('Tell me more', 'more_info'), Markup.button.callback('Goodbye', 'end')]),
    );
    return ctx.wizard.next();
  },
  // expected_input button -> provide_info? -> goodbye (end of dialog)
  async (ctx) => {
    const data = ctx.callbackQuery && 'data' in ctx.callbackQuery ? ctx.callbackQuery.data : undefined;
    if (ctx.callbackQuery) await ctx.answerCbQuery();
    if (data !== 'more_info' && data !== 'end') return void (await ctx.reply('Please choose one of the options.'));
    if (data === 'more_info') {
      await ctx.reply('This bot was built with Scenarist: a JSON scenario compiled into a state machine.');
    }
    await ctx.reply(`Goodbye, ${ctx.scene.session.name ?? ''}!`);
    return ctx.scene.leave();
  },
);

// The same keep-alive agent as ours (64 sockets). telegraf 4.16.3 sets options.agent = undefined for any
// http:// apiRoot, even one passed here (lib/core/network/client.js), and node-fetch then falls back to
// http.globalAgent: so it is installed there too, or the option would be a no-op.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
http.globalAgent = agent;
// webhookReply: false so that every reply is a real Bot API call, like ours. WEBHOOK_REPLY=true keeps
// telegraf's default instead: answerCallbackQuery (on its allow-list) rides in the webhook's HTTP answer.
const webhookReply = process.env['WEBHOOK_REPLY'] === 'true';
const bot = new Telegraf<Ctx>(token, { telegram: { apiRoot: env('API_ROOT'), agent, webhookReply } });
// Known up front, as after launch(): without it the first update waits for getMe.
bot.botInfo = {
  id: Number(token.split(':')[0]),
  is_bot: true,
  first_name: 'Bench',
  username: 'bench_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};
bot.catch((err, ctx) => {
  process.stderr.write(`peer-telegraf: update ${ctx.update.update_id} failed: ${String(err)}\n`);
});

const stage = new Scenes.Stage<Ctx>([spec]);
stage.command('start', (ctx) => ctx.scene.enter('spec'));
bot.use(session());
bot.use(stage.middleware());

const webhook = bot.webhookCallback(path, { secretToken: secret });
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/readyz') return void res.end('ok');
  // (@koa/bodyparser's typings widen IncomingMessage.body to unknown; telegraf reads the stream itself.)
  void webhook(req as Parameters<typeof webhook>[0], res);
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
