import type { IParserErrorMessageProvider, IToken, TokenType } from 'chevrotain';
import { EOF, tokenLabel } from '../chevrotain.js';
import { quoteForMessage } from '../issues.js';
import { closest } from '../suggest.js';
import { STATEMENT_WORDS } from './tokens.js';

function describe(token: IToken): string {
  if (token.tokenType === EOF) return 'the end of the line';
  return token.image.startsWith('"') ? `the string ${quoteForMessage(token.image.slice(1, -1))}` : quoteForMessage(token.image);
}

const after = (previous: IToken | undefined): string =>
  previous && previous.tokenType !== EOF && previous.image ? ` after ${quoteForMessage(previous.image)}` : '';

const labelOf = (type: TokenType): string => tokenLabel(type);

function oneOf(labels: readonly string[]): string {
  const unique = [...new Set(labels)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

/** Messages that say what was expected in the words of the language, and what was found. */
export const scnErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous }) {
    return `Expected ${labelOf(expected)}${after(previous)}, but found ${describe(actual)}.`;
  },

  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `Unexpected ${describe(firstRedundant)}: the statement is already complete. Write one statement per line.`;
  },

  buildNoViableAltMessage({ expectedPathsPerAlt, actual, previous, ruleName }) {
    const found = actual[0]!;
    if (ruleName === 'statement') {
      const word = found.tokenType === EOF ? '' : found.image;
      const suggestion = closest(word, STATEMENT_WORDS);
      if (suggestion) return `Unknown statement ${describe(found)}. Did you mean "${suggestion}"?`;
      return `Unknown statement ${describe(found)}. A line starts with one of: ${STATEMENT_WORDS.join(', ')}.`;
    }
    const firsts = expectedPathsPerAlt.flatMap((paths) => paths.map((path) => (path[0] ? labelOf(path[0]) : 'something')));
    return `Expected ${oneOf(firsts)}${after(previous)}, but found ${describe(found)}.`;
  },

  buildEarlyExitMessage({ actual, previous }) {
    return `Unexpected ${describe(actual[0]!)}${after(previous)}.`;
  },
};
