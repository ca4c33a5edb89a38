import { catalog } from './catalog.js';

/** docs/diagnostics.md, generated from the catalogue so the two cannot drift apart. */
export function diagnosticsMarkdown(): string {
  const rows = Object.entries(catalog).map(([code, e]) => `| \`${code}\` | ${e.severity} | ${e.summary.replace(/\|/g, '\\|')} |`);
  return `# Diagnostics

Every diagnostic \`scenarist check\` can report. Codes are stable; editors, CI scripts and tests can key on them.
Errors stop \`compile\`; warnings and infos do not. Generated from \`compiler/diagnostics/catalog.ts\` by \`npm run docs\`.

| code | severity | meaning |
| --- | --- | --- |
${rows.join('\n')}
`;
}
