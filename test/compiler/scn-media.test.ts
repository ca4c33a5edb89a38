import { describe, expect, it } from 'vitest';
import { compileScenario, convertScenario, formatScn, readScenario, withoutPlaces, type Diagnostic } from '../../compiler/index.js';
import { at } from '../support/scenario-text.js';

const show = (ds: readonly Diagnostic[]): string[] => ds.map((d) => `${d.line}:${d.column} ${d.code}`);
const compile = (text: string) => compileScenario(text, { file: 'bot.scn' });
const lines = (...ls: string[]): string => `${ls.join('\n')}\n`;

const RECEIPT = lines(
  'scenario "Receipts" version "1.0"',
  'start photo',
  '',
  'step photo',
  '  say "Send a photo of the receipt."',
  '  ask photo, document -> receipt',
  '    max_bytes 5MB',
  '    mime "image/*" "application/pdf"',
  '    error "A photo or a PDF under 5 MB, please."',
  '    attempts 3',
  '    on fail go done',
  '  go scans',
  '',
  'step scans',
  '  say "Up to three more pages?"',
  '  ask document -> pages',
  '    max_bytes 2000000',
  '    min_count 1',
  '    max_count 3',
  '  go place',
  '',
  'step place',
  '  say "Where did you buy it?"',
  '  ask location -> place',
  '  go who',
  '',
  'step who',
  '  say "Who paid?"',
  '  ask contact -> payer',
  '  when receipt.size > 1000000 go big',
  '  else go done',
  '',
  'step big',
  '  say "A big one: {{receipt.name}} at {{place}}."',
  '  image "{{receipt}}" caption "Your receipt, {{receipt.size}} bytes"',
  '  image "https://maps.example.com/{{place.latitude}},{{place.longitude}}.png"',
  '  document "files/terms.pdf" caption "Terms"',
  '  location "{{place}}"',
  '  location 52.52 13.405 title "Office" address "Unter den Linden 1"',
  '  contact "{{payer}}"',
  '  contact "+1 555 0100" "Ann" "Lee"',
  '  go done',
  '',
  'step done',
  '  say "Thank you!"',
);

describe('.scn: media lines and media inputs', () => {
  it('compiles to the same IR as the JSON form', () => {
    const scn = compile(RECEIPT);
    expect(show(scn.diagnostics)).toEqual([]);
    const json = convertScenario(RECEIPT, 'bot.scn', 'bot.json');
    expect(json.diagnostics).toEqual([]);
    const fromJson = compileScenario(json.text!, { file: 'bot.json' });
    expect(show(fromJson.diagnostics)).toEqual([]);
    const { hash: _a, ...a } = scn.ir!;
    const { hash: _b, ...b } = fromJson.ir!;
    expect(a).toEqual(b);
  });

  it('builds the inputs and the media of the IR', () => {
    const ir = compile(RECEIPT).ir!;
    expect(ir.steps['photo']!.input!.media).toEqual({ kinds: ['photo', 'document'], maxBytes: 5 * 1024 * 1024, mime: ['image/*', 'application/pdf'], minCount: 1, maxCount: 1 });
    expect(ir.steps['scans']!.input!.media).toEqual({ kinds: ['document'], maxBytes: 2000000, minCount: 1, maxCount: 3 });
    expect(ir.variables['pages']!.type).toBe('files');
    expect(ir.variables['place']!.type).toBe('location');
    expect(ir.variables['payer']!.type).toBe('contact');
    expect(ir.steps['big']!.media!.map((m) => `${m.type}:${m.source.kind}`)).toEqual([
      'image:var',
      'image:url',
      'document:path',
      'location:var',
      'location:fixed',
      'contact:var',
      'contact:fixed',
    ]);
    expect(ir.steps['big']!.media![4]).toEqual({ type: 'location', source: { kind: 'fixed', value: { latitude: 52.52, longitude: 13.405, title: 'Office', address: 'Unter den Linden 1' } } });
    expect(ir.steps['big']!.media![6]).toEqual({ type: 'contact', source: { kind: 'fixed', value: { phone: '+1 555 0100', first_name: 'Ann', last_name: 'Lee' } } });
  });

  it('is already in the canonical layout, and round-trips through JSON', () => {
    expect(formatScn(RECEIPT, 'bot.scn').text).toBe(RECEIPT);
    const json = convertScenario(RECEIPT, 'bot.scn', 'bot.json').text!;
    const back = convertScenario(json, 'bot.json', 'bot.scn');
    expect(back.text).toBe(RECEIPT);
    expect(withoutPlaces(readScenario(back.text!, 'bot.scn').ast)).toEqual(withoutPlaces(readScenario(RECEIPT, 'bot.scn').ast));
  });

  it('formats media lines written loosely', () => {
    const loose = RECEIPT.replace('  ask photo, document -> receipt', '  ask photo ,document  -> receipt').replace('max_bytes 5MB', 'max_bytes   "5MB"');
    const formatted = formatScn(loose, 'bot.scn').text!;
    expect(formatted).toContain('  ask photo, document -> receipt\n');
    expect(formatted).toContain('    max_bytes 5MB\n');
  });

  it('places media diagnostics inside the .scn line', () => {
    const text = lines(
      'scenario "T" version "1"',
      'start a',
      'step a',
      '  say "x"',
      '  ask text -> name',
      '    max_count 2',
      '  go b',
      'step b',
      '  say "{{name}}"',
      '  image "../outside.png"',
      '  image "{{name}}"',
      '  location 95 10',
      '  when name.size > 3 go a',
    );
    expect(show(compile(text).diagnostics)).toEqual([
      '6:15 MEDIA_RULE_NOT_APPLICABLE',
      '10:9 MEDIA_SOURCE',
      '11:12 MEDIA_VARIABLE_TYPE',
      '12:12 WRONG_TYPE',
      '13:8 UNDEFINED_VARIABLE',
    ]);
  });

  it('checks shipped files through the fileExists hook, at the path string', () => {
    const text = lines('scenario "T" version "1"', 'start a', 'step a', '  say "x"', '  image "menu.jpg" caption "Menu"', '  document "gone.pdf"');
    const result = compileScenario(text, { file: 'bot.scn', fileExists: (p) => p === 'menu.jpg' });
    expect(result.diagnostics).toMatchObject([{ code: 'MEDIA_FILE_MISSING', ...at(text, '"gone.pdf"') }]);
  });

  it('reports a path with a control character or a backslash', () => {
    const text = lines('scenario "T" version "1"', 'start a', 'step a', '  say "x"', '  image "a\\nb.png"', '  image "a\\\\nb.png"');
    // A line break names no file; a backslash is no portable separator.
    expect(show(compile(text).diagnostics)).toEqual(['5:9 MEDIA_SOURCE', '6:9 MEDIA_SOURCE']);
  });

  it('reports an unknown media field in a .scn condition at its place', () => {
    const text = lines('scenario "T" version "1"', 'start a', 'step a', '  say "x"', '  ask photo -> pic', '  when pic.sizes > 3 go a', '  else go a');
    const ds = compile(text).diagnostics;
    expect(ds).toMatchObject([{ code: 'UNKNOWN_MEDIA_FIELD', ...at(text, 'pic.sizes') }]);
  });

  it('reports a broken media line as a syntax error on its line', () => {
    const text = lines('scenario "T" version "1"', 'start a', 'step a', '  say "x"', '  location 52.5', '  image caption "x"');
    expect(show(compile(text).diagnostics).map((d) => d.replace(/^(\d+):\d+/, '$1'))).toEqual(['5 SCN_SYNTAX', '6 SCN_SYNTAX']);
  });
});
