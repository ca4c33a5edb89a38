// Regenerates the generated parts of docs/: run with `npm run docs`.
import { writeFileSync } from 'node:fs';
import { diagnosticsMarkdown } from '../compiler/index.js';

writeFileSync('docs/diagnostics.md', diagnosticsMarkdown());
