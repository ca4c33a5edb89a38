// Regenerates the generated parts of docs/: run with `npm run docs`.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnosticsMarkdown } from '../compiler/index.js';
import { scnGrammarDiagrams } from '../grammar/scn/diagrams.js';

writeFileSync('docs/diagnostics.md', diagnosticsMarkdown());

// Railroad diagrams of the .scn grammar: one page, and one SVG per rule for docs/dsl.md.
const grammarDir = join('docs', 'grammar');
const diagrams = scnGrammarDiagrams();
mkdirSync(grammarDir, { recursive: true });
for (const file of readdirSync(grammarDir)) {
  if (file.endsWith('.svg') && !(file.slice(0, -4) in diagrams.svgs)) rmSync(join(grammarDir, file));
}
for (const [rule, svg] of Object.entries(diagrams.svgs)) writeFileSync(join(grammarDir, `${rule}.svg`), svg);
writeFileSync(join(grammarDir, 'scn-diagrams.html'), diagrams.html);
