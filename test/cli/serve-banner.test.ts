import { describe, expect, it } from 'vitest';
import { startupBanner } from '../../cli/commands/serve-banner.js';
import { listenAddress } from '../../runtime/server/index.js';

const facts = { bots: 2, withTelegram: 0, logs: 'Logs are JSON lines on stdout.', webchat: true, dashboardSuffix: ' (sign in with ADMIN_TOKEN)' };

describe('the startup banner of scenarist serve', () => {
  it('says that the default host binds every interface, and gives a local URL', () => {
    const text = startupBanner({ ...facts, address: listenAddress('0.0.0.0', 3000) });
    expect(text).toContain('listening on 0.0.0.0:3000 (every network interface');
    expect(text).toContain('Chat with the bots in a browser: http://localhost:3000/\n');
    expect(text).toContain('Dashboard: http://localhost:3000/dashboard (sign in with ADMIN_TOKEN)\n');
    expect(text).not.toContain('127.0.0.1');
  });

  it('names the WhatsApp variables while a bot is not on WhatsApp, and not once all are', () => {
    const address = listenAddress('127.0.0.1', 8080);
    expect(startupBanner({ ...facts, address, withWhatsApp: 1 })).toContain('WHATSAPP_PHONE_NUMBER_ID_<BOT_ID>');
    expect(startupBanner({ ...facts, address, withWhatsApp: 2 })).not.toContain('WHATSAPP_');
  });

  it('names the Messenger variables while a bot is not on Messenger, and not once all are', () => {
    const address = listenAddress('127.0.0.1', 8080);
    expect(startupBanner({ ...facts, address, withMessenger: 1 })).toContain('MESSENGER_PAGE_ID_<BOT_ID>');
    expect(startupBanner({ ...facts, address, withMessenger: 2 })).not.toContain('MESSENGER_');
  });

  it('names a specific host as bound, and links to that host', () => {
    const text = startupBanner({ ...facts, address: listenAddress('127.0.0.1', 8080) });
    expect(text).toContain('listening on 127.0.0.1:8080.');
    expect(text).not.toContain('every network interface');
    expect(text).toContain('Dashboard: http://127.0.0.1:8080/dashboard');
  });

  it('brackets IPv6 hosts and treats :: as every interface', () => {
    expect(listenAddress('::', 3000)).toEqual({ hostPort: '[::]:3000', everyInterface: true, localUrl: 'http://localhost:3000' });
    expect(listenAddress('::1', 3000)).toEqual({ hostPort: '[::1]:3000', everyInterface: false, localUrl: 'http://[::1]:3000' });
  });
});
