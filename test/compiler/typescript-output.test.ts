import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compileScenario, emitMachineConfig, emitTypeScript } from '../../compiler/index.js';

// Inside the package, so `scenarist/engine` resolves to this package's own build (package.json "exports").
const out = 'test-artifacts/generated';

function typeErrors(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    resolveJsonModule: true,
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('generated TypeScript modules', () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const files = readdirSync('examples').filter((f) => f.endsWith('.json') && !f.endsWith('.test.json'));
  for (const f of files) {
    const name = f.replace(/\.json$/, '');
    const { ir } = compileScenario(readFileSync(join('examples', f), 'utf8'), { file: f });
    if (!ir) throw new Error(`${f} does not compile`);
    writeFileSync(join(out, `${name}.machine.json`), JSON.stringify(emitMachineConfig(ir)));
    writeFileSync(join(out, `${name}.machine.ts`), emitTypeScript(ir, { source: f, configImport: `./${name}.machine.json` }));
  }
  const timed = {
    name: 'Timed',
    version: '1',
    start_step: 'a',
    expire_after: '7d',
    steps: {
      a: {
        message: { text: '?' },
        expected_input: { type: 'text', variable: 'v' },
        timeout: { after: '1h', next: 'a' },
        reminders: [
          { after: '1m', message: 'r0' },
          { after: '2m', message: 'r1' },
        ],
      },
    },
  };
  const timedIr = compileScenario(JSON.stringify(timed), { file: 'timed.json' }).ir!;
  writeFileSync(join(out, 'timed.machine.json'), JSON.stringify(emitMachineConfig(timedIr)));
  writeFileSync(join(out, 'timed.machine.ts'), emitTypeScript(timedIr, { source: 'timed.json', configImport: './timed.machine.json' }));
  writeFileSync(
    join(out, 'timers.ts'),
    `import { createActor } from 'xstate';
import machine, { type TimerEvent } from './timed.machine.js';

const events: TimerEvent[] = [{ type: 'timer.timeout' }, { type: 'timer.reminder', index: 1 }, { type: 'timer.expire' }];
// @ts-expect-error the scenario has two reminders
const badIndex: TimerEvent = { type: 'timer.reminder', index: 2 };
// @ts-expect-error the scenario has no wait step
const noWait: TimerEvent = { type: 'timer.wait' };
const actor = createActor(machine).start();
for (const e of events) actor.send(e);
export const used = [badIndex, noWait];
`,
  );
  const called = {
    name: 'Called',
    version: '1',
    start_step: 'lookup',
    steps: {
      lookup: { message: { text: '...' }, call: { url: 'https://x.example/', save: { code: 'status', s: 'body.s' }, on_error: 'down' }, next_step: 'done' },
      done: { message: { text: '{{s}} {{code}}' } },
      down: { message: { text: 'down' } },
    },
  };
  const calledIr = compileScenario(JSON.stringify(called), { file: 'called.json' }).ir!;
  writeFileSync(join(out, 'called.machine.json'), JSON.stringify(emitMachineConfig(calledIr)));
  writeFileSync(join(out, 'called.machine.ts'), emitTypeScript(calledIr, { source: 'called.json', configImport: './called.machine.json' }));
  writeFileSync(
    join(out, 'calls.ts'),
    `import { createActor } from 'xstate';
import machine, { type CallResultEvent, type CallStepId, type Vars } from './called.machine.js';

const events: CallResultEvent[] = [
  { type: 'call.result', ok: true, status: 200, body: { s: 'x' } },
  { type: 'call.result', ok: false, error: 'timeout' },
  { type: 'call.result', ok: false, error: 'status', status: 503, body: null },
];
// @ts-expect-error not a reason a call fails
const badError: CallResultEvent = { type: 'call.result', ok: false, error: 'boom' };
// @ts-expect-error a 2xx result has a status
const noStatus: CallResultEvent = { type: 'call.result', ok: true, body: {} };
const step: CallStepId = 'lookup';
// @ts-expect-error done makes no call
const badStep: CallStepId = 'done';
// @ts-expect-error a status is a number
const badCode: Vars = { code: '200' };
const actor = createActor(machine).start();
for (const e of events) actor.send(e);
export const used = [badError, noStatus, step, badStep, badCode];
`,
  );
  const media = {
    name: 'Media',
    version: '1',
    start_step: 'photo',
    steps: {
      photo: { message: { text: 'Receipt?' }, expected_input: { type: 'photo', variable: 'receipt' }, next_step: 'scans' },
      scans: { message: { text: 'Scans?' }, expected_input: { type: 'document', variable: 'scans', validation: { max_count: 3 } }, next_step: 'place' },
      place: { message: { text: 'Where?' }, expected_input: { type: 'location', variable: 'place' }, next_step: 'who' },
      who: { message: { text: 'Who?' }, expected_input: { type: 'contact', variable: 'who' }, next_step: 'any' },
      any: { message: { text: 'Anything?' }, expected_input: { type: ['photo', 'location'], variable: 'either' }, next_step: 'done' },
      done: { message: { text: '{{receipt.name}} at {{place}}' }, media: [{ image: '{{receipt}}' }, { location: '{{place}}' }] },
    },
  };
  const mediaIr = compileScenario(JSON.stringify(media), { file: 'media.json' }).ir!;
  writeFileSync(join(out, 'media.machine.json'), JSON.stringify(emitMachineConfig(mediaIr)));
  writeFileSync(join(out, 'media.machine.ts'), emitTypeScript(mediaIr, { source: 'media.json', configImport: './media.machine.json' }));
  writeFileSync(
    join(out, 'media-usage.ts'),
    `import type { FileValue, LocationValue, Vars } from './media.machine.js';

const file: FileValue = { kind: 'photo', id: 'f1', mime: 'image/jpeg', size: 10, name: 'a.jpg', sha256: 'ab' };
const place: LocationValue = { kind: 'location', latitude: 1, longitude: 2 };
const ok: Vars = { receipt: file, scans: [file, file], place, who: { kind: 'contact', phone: '1', first_name: 'Ann' } };
const size: number | undefined = ok.receipt?.size;
const either: Vars = { either: place };
const eitherFile: Vars = { either: file };
// @ts-expect-error a photo or a location, not a contact
const badEither: Vars = { either: { kind: 'contact', phone: '1', first_name: 'Ann' } };
// @ts-expect-error a file is not text
const badReceipt: Vars = { receipt: 'a.jpg' };
// @ts-expect-error several documents are a list
const badScans: Vars = { scans: file };
// @ts-expect-error a location has coordinates
const badPlace: Vars = { place: { kind: 'location', latitude: 1 } };
export const used = [ok, size, either, eitherFile, badEither, badReceipt, badScans, badPlace];
`,
  );
  // Uses the types the way an application would; each @ts-expect-error must be a real type error.
  writeFileSync(
    join(out, 'usage.ts'),
    `import { createActor } from 'xstate';
import machine, { type StepId, type Vars } from './spec-example.machine.js';
import { type Vars as MenuVars } from './menu-loop.machine.js';

const ok: Vars = { name: 'Ann', choice: 'more_info' };
// @ts-expect-error "maybe" is not a button value of the step
const badChoice: Vars = { choice: 'maybe' };
// @ts-expect-error name is text, not a number
const badName: Vars = { name: 42 };
const visits: MenuVars['visits'] = 3;
// @ts-expect-error visits is a number
const badVisits: MenuVars['visits'] = 'three';
const step: StepId = 'greet_with_name';
// @ts-expect-error not a step of the scenario
const badStep: StepId = 'nowhere';
const actor = createActor(machine).start();
const name: string | undefined = actor.getSnapshot().context.vars.name;
// @ts-expect-error context variables keep their types
const wrong: number | undefined = actor.getSnapshot().context.vars.name;
export const used = [ok, badChoice, badName, visits, badVisits, step, badStep, name, wrong];
`,
  );

  it('type-check with tsc, and their types reject wrong values', () => {
    const all = readdirSync(out)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(out, f));
    expect(all.length).toBe(files.length + 7);
    expect(typeErrors(all)).toEqual([]);
  });
});
