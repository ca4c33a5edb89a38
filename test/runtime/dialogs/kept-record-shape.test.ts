import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Built code (npm run build): V8's own check of hidden classes needs --allow-natives-syntax in a process of its own.
const registry = fileURLToPath(new URL('../../../dist/runtime/dialogs/registry.js', import.meta.url));

const script = `
import { DialogRegistry } from ${JSON.stringify(registry)};
const r = new DialogRegistry({ maxSize: 100000 }, () => 0);
const now = Date.now();
for (let i = 0; i < 20000; i++) {
  r.set('k' + i, undefined, {
    key: { bot: 'b', chat: String(i) }, rev: i + 1, scenarioVersion: 'v1', step: i % 3 ? 'ask' : null,
    status: i % 3 ? 'active' : 'ended', vars: { name: 'n' + i }, snapshot: { state: 'ask', attempts: 0 },
    outbox: [{ seq: 1, text: 'hi', at: now }], lastSeq: 1, delivered: 0, recentUpdates: [String(i)],
    blocked: false, createdAt: now, updatedAt: now + i,
  });
  if (i % 2) r.delivered('k' + i, 1);
}
const records = Array.from({ length: 20000 }, (_, i) => r.get('k' + i).record);
const states = Array.from({ length: 2000 }, (_, i) => r.get('k' + i).state);
let records_ = 0, states_ = 0;
for (let i = 1; i < records.length; i++) if (!%HaveSameMap(records[0], records[i])) records_++;
for (let i = 1; i < states.length; i++) if (!%HaveSameMap(states[0], states[i])) states_++;
console.log(JSON.stringify({ records: records_, states: states_ }));
`;

describe('kept records', () => {
  // A hidden class of its own per record costs about 450 bytes (its map and descriptors), more than the record.
  it('share one hidden class, as do the states read from them', () => {
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ records: 0, states: 0 });
  });
});
