import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('scenarist graph --format', () => {
  it('json prints the graph model: nodes and the edges of the graph', async () => {
    const r = await runCli(['graph', 'examples/signup-validation.scn', '--format', 'json']);
    expect(r.code).toBe(0);
    const model = JSON.parse(r.stdout) as { nodes: Record<string, unknown>[]; edges: Record<string, unknown>[] };
    expect(model.nodes.slice(0, 3)).toEqual([
      { id: '$start', kind: 'start', label: 'start', summary: '', final: false },
      { id: '$cmd/cancel', kind: 'command', label: '/cancel', summary: '', final: false },
      { id: 'intro', kind: 'step', label: 'intro', summary: "Let's create your account. Send /cancel…", final: false },
    ]);
    expect(model.nodes.find((n) => n['id'] === 'ask_age')).toMatchObject({ input: 'age: integer', final: false });
    expect(model.nodes.find((n) => n['id'] === 'summary')).toMatchObject({ final: true });
    expect(model.edges).toContainEqual({ from: '$cmd/cancel', to: 'cancelled', dashed: true });
    expect(model.edges).toContainEqual({ from: 'ask_age', to: 'age_failed', label: '3 failed attempts', dashed: true });
  });

  it('svg prints a standalone SVG document, to a file with --out', async () => {
    const r = await runCli(['graph', 'examples/menu-loop.json', '--format', 'svg']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* role="graphics-document"/);
    expect(r.stdout).toContain('data-step="menu"');
    expect(r.stdout.trimEnd()).toMatch(/<\/svg>$/);
    const out = join(mkdtempSync(join(tmpdir(), 'scn-')), 'menu.svg');
    expect((await runCli(['graph', 'examples/menu-loop.json', '-f', 'svg', '--out', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
  });

  it('names the accepted formats when given another, and in its help', async () => {
    const bad = await runCli(['graph', 'examples/menu-loop.json', '--format', 'png']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown --format "png": use mermaid, dot, json or svg');
    const help = await runCli(['graph', '--help']);
    expect(help.stdout).toContain('scenarist graph FILE [--format mermaid|dot|json|svg] [--out FILE]');
  });
});
