import type { IToken, Lexer as ChevrotainLexer, TokenType } from 'chevrotain';
import { createToken, Lexer } from '../chevrotain.js';

// Tokens of the .scn scenario language. Statements are lines; a line that starts with `set` or `when` switches the
// lexer into a mode where the expression is one token holding the raw text, parsed later by the expression parser.

/** Categories: what a rule consumes, whatever concrete token the lexer produced. */
export const Newline = createToken({ name: 'Newline', pattern: Lexer.NA, label: 'end of line' });
export const Name = createToken({ name: 'Name', pattern: Lexer.NA, label: 'a name' });

/**
 * Every character a complement-set pattern can start with, as a `start_chars_hint`, so the lexer keeps its
 * first-character dispatch (without hints it tries every pattern at every character). Chevrotain's table is exact
 * below 256 and groups higher codes 255 at a time: one code per group is enough there, since the pattern still decides.
 */
const startChars = (re: RegExp): number[] => {
  const out: number[] = [];
  for (let c = 0; c < 256; c++) if (re.test(String.fromCharCode(c))) out.push(c);
  for (let c = 256; c < 0x10000; c += 255) out.push(c);
  out.push(0xffff);
  return out;
};
const ANY_CHAR = startChars(/[^]/);

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[^\S\r\n]+/, start_chars_hint: startChars(/[^\S\r\n]/), group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, group: 'comments' });
export const LineEnd = createToken({ name: 'LineEnd', pattern: /\r\n|\r|\n/, line_breaks: true, categories: [Newline], label: 'end of line' });
/** The end of a `set` or `when` line, back to the main mode. */
export const ModeLineEnd = createToken({
  name: 'ModeLineEnd',
  pattern: /\r\n|\r|\n/,
  line_breaks: true,
  pop_mode: true,
  categories: [Newline],
  label: 'end of line',
});

/** A JSON string literal; anything else that starts with `"` is a BadString, reported with a precise reason. */
export const StringLit = createToken({
  name: 'StringLit',
  pattern: /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/,
  label: 'a quoted string',
});
export const BadString = createToken({ name: 'BadString', pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"?/, categories: [StringLit] });
export const NumberLit = createToken({ name: 'NumberLit', pattern: /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/, label: 'a number' });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_-]*/, categories: [Name], label: 'a name' });
export const CommandName = createToken({ name: 'CommandName', pattern: /\/[^\s#"]*/, label: 'a command such as /help' });
export const Arrow = createToken({ name: 'Arrow', pattern: '->', label: '"->"' });
export const Comma = createToken({ name: 'Comma', pattern: ',', label: '","' });
export const Equals = createToken({ name: 'Equals', pattern: '=', label: '"="' });
/** Text the current mode has no token for: a token of its own so the parser can say what it expected instead. */
export const Stray = createToken({ name: 'Stray', pattern: /[^\s#"=]+/, start_chars_hint: startChars(/[^\s#"=]/), label: 'text' });

const previousIs = (tokens: IToken[], type: TokenType): boolean => tokens[tokens.length - 1]?.tokenType === type;

const match = (image: string): RegExpExecArray => [image] as unknown as RegExpExecArray;

/** Keywords are lower case and only reserved at the start of a statement: in a name's place any word is a name. */
function keyword(word: string, extra: { push_mode?: string } = {}): TokenType {
  const name = `Kw_${word}`;
  return createToken({ name, pattern: word, longer_alt: Identifier, categories: [Name], label: `"${word}"`, ...extra });
}

const atLineStart = (tokens: IToken[]): boolean => {
  const last = tokens[tokens.length - 1];
  return last === undefined || last.tokenType === LineEnd || last.tokenType === ModeLineEnd;
};

/**
 * `set` and `when` switch the lexer to a mode for the rest of the line, so they are keywords only where a statement
 * starts; elsewhere (`ask text -> when`) they are plain names.
 */
function lineKeyword(word: string, mode: string): TokenType {
  return createToken({
    name: `Kw_${word}`,
    pattern: { exec: (text: string, offset: number, tokens: IToken[]) => (text.startsWith(word, offset) && atLineStart(tokens) ? match(word) : null) },
    start_chars_hint: [word.charAt(0)],
    line_breaks: false,
    longer_alt: Identifier,
    categories: [Name],
    label: `"${word}"`,
    push_mode: mode,
  });
}

export const Scenario = keyword('scenario');
export const Version = keyword('version');
export const Description = keyword('description');
export const Start = keyword('start');
export const Command = keyword('command');
export const Step = keyword('step');
export const Type = keyword('type');
export const SetKw = lineKeyword('set', 'assign');
export const Say = keyword('say');
export const Button = keyword('button');
export const Ask = keyword('ask');
export const Min = keyword('min');
export const Max = keyword('max');
export const MinLength = keyword('min_length');
export const MaxLength = keyword('max_length');
export const Pattern = keyword('pattern');
export const ErrorKw = keyword('error');
export const Attempts = keyword('attempts');
export const On = keyword('on');
export const Fail = keyword('fail');
export const Sensitive = keyword('sensitive');
export const Go = keyword('go');
export const When = lineKeyword('when', 'cond');
export const Else = keyword('else');
export const Wait = keyword('wait');
export const Timeout = keyword('timeout');
export const Remind = keyword('remind');
export const After = keyword('after');
export const Expire = keyword('expire');
export const Call = keyword('call');
export const Header = keyword('header');
export const Body = keyword('body');
export const Retries = keyword('retries');
export const Save = keyword('save');
export const Image = keyword('image');
export const Video = keyword('video');
export const Audio = keyword('audio');
export const DocumentKw = keyword('document');
export const Caption = keyword('caption');
export const Location = keyword('location');
export const Title = keyword('title');
export const Address = keyword('address');
export const Contact = keyword('contact');
export const MaxBytes = keyword('max_bytes');
export const Mime = keyword('mime');
export const MinCount = keyword('min_count');
export const MaxCount = keyword('max_count');

/** Longest first where one keyword is a prefix of another (`min_length` before `min`). */
export const KEYWORDS: readonly TokenType[] = [
  Scenario, Version, Description, Start, Command, Step, Type, SetKw, Say, Button, Ask,
  MinLength, MaxLength, MinCount, MaxCount, MaxBytes, Min, Max, Pattern, ErrorKw, Attempts, On, Fail, Sensitive, Go, When, Else,
  Wait, Timeout, Remind, After, Expire, Call, Header, Body, Retries, Save,
  Image, Video, Audio, DocumentKw, Caption, Location, Title, Address, Contact, Mime,
];

/** The words that may start a statement, for messages and suggestions. */
export const STATEMENT_WORDS: readonly string[] = [
  'scenario', 'description', 'start', 'command', 'step', 'type', 'set', 'say', 'button', 'ask', 'min', 'max',
  'min_length', 'max_length', 'pattern', 'error', 'attempts', 'on', 'sensitive', 'go', 'when', 'else',
  'wait', 'timeout', 'remind', 'expire', 'call', 'header', 'body', 'retries', 'save',
  'image', 'video', 'audio', 'document', 'location', 'contact', 'max_bytes', 'mime', 'min_count', 'max_count',
];

const isLineBreak = (c: number): boolean => c === 10 || c === 13;

/** Where an expression ends on its line: before a `#` outside quotes, or the line's end. */
function lineRestEnd(text: string, from: number): number {
  let quote = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isLineBreak(c)) return i;
    if (quote !== 0) {
      // A backslash escapes the next character, but not a line break: newlines end statements.
      if (c === 92) i += isLineBreak(text.charCodeAt(i + 1)) ? 0 : 1;
      else if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 35) return i;
  }
  return text.length;
}

const trimEnd = (text: string, from: number, end: number): number => {
  while (end > from && /\s/.test(text.charAt(end - 1))) end--;
  return end;
};

/** The expression of `set NAME = EXPR`: the rest of the line. */
export const SetExpr = createToken({
  name: 'SetExpr',
  label: 'an expression',
  line_breaks: false,
  start_chars_hint: ANY_CHAR,
  pattern: {
    exec: (text: string, offset: number, tokens: IToken[]) => {
      if (!previousIs(tokens, Equals)) return null;
      const end = trimEnd(text, offset, lineRestEnd(text, offset));
      return end > offset ? match(text.slice(offset, end)) : null;
    },
  },
});

const isBlank = (c: number): boolean => c === 32 || c === 9;
const isNameChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
const isNameStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;

/** Where the `go` of a trailing `go NAME` (or `go "name"`) starts, scanning back from `end`; -1 if the line has none. */
function trailingGo(text: string, from: number, end: number): number {
  // `start`: the first character of the name, or its opening quote.
  let start = end - 1;
  // A quote is escaped when an odd run of backslashes stands before it.
  const escaped = (at: number): boolean => {
    let slashes = 0;
    while (at - 1 - slashes >= from && text.charCodeAt(at - 1 - slashes) === 92) slashes++;
    return slashes % 2 === 1;
  };
  if (text.charCodeAt(start) === 34) {
    // A quoted name: its closing quote must be real; then back to its opening quote.
    if (escaped(start)) return -1;
    for (start--; start >= from; start--) if (text.charCodeAt(start) === 34 && !escaped(start)) break;
    if (start < from) return -1;
  } else {
    while (start >= from && isNameChar(text.charCodeAt(start))) start--;
    start++;
    if (start === end || !isNameStart(text.charCodeAt(start))) return -1;
  }
  let i = start - 1;
  if (i < from || !isBlank(text.charCodeAt(i))) return -1;
  while (i >= from && isBlank(text.charCodeAt(i))) i--;
  const go = i - 1;
  if (go < from || text.charCodeAt(go) !== 103 || text.charCodeAt(go + 1) !== 111) return -1;
  return go === from || isBlank(text.charCodeAt(go - 1)) ? go : -1;
}

/** Whether `at` lies outside every quoted literal that starts at or after `from`. */
function outsideQuotes(text: string, from: number, at: number): boolean {
  let quote = 0;
  for (let i = from; i < at; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === 92) i++;
      else if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
  }
  return quote === 0;
}

/**
 * The condition of `when EXPR go STEP`: everything before the `go STEP` that ends the line (outside quotes), so a
 * variable or a string may contain "go". Linear in the line's length, whatever the line holds.
 */
export const CondExpr = createToken({
  name: 'CondExpr',
  label: 'a condition',
  line_breaks: false,
  start_chars_hint: ANY_CHAR,
  pattern: {
    exec: (text: string, offset: number, tokens: IToken[]) => {
      if (!previousIs(tokens, When)) return null;
      let end = trimEnd(text, offset, lineRestEnd(text, offset));
      const go = trailingGo(text, offset, end);
      if (go >= offset && outsideQuotes(text, offset, go)) end = trimEnd(text, offset, go);
      return end > offset ? match(text.slice(offset, end)) : null;
    },
  },
});

/**
 * A duration after `after` or `wait`: digits and letters (`10m`, and `10x`, which the checks then report as a bad
 * duration at its place). Elsewhere `2e3` stays a number.
 */
export const Duration = createToken({
  name: 'Duration',
  label: 'a duration such as 10m',
  line_breaks: false,
  start_chars_hint: [...'0123456789'].map((c) => c.charCodeAt(0)),
  pattern: {
    exec: (text: string, offset: number, tokens: IToken[]) => {
      if (!previousIs(tokens, After) && !previousIs(tokens, Wait)) return null;
      const m = /^[0-9]+[A-Za-z]+/.exec(text.slice(offset, offset + 40));
      return m ? match(m[0]) : null;
    },
  },
});

/** A size after `max_bytes`: digits and a unit in one word (`5MB`, `500KB`); the checks read the unit. */
export const Size = createToken({
  name: 'Size',
  label: 'a size such as 5MB',
  line_breaks: false,
  start_chars_hint: [...'0123456789'].map((c) => c.charCodeAt(0)),
  pattern: {
    exec: (text: string, offset: number, tokens: IToken[]) => {
      if (!previousIs(tokens, MaxBytes)) return null;
      // Not the start of a number's exponent: `1e+21` stays a number.
      const m = /^[0-9]+(?:\.[0-9]+)?[A-Za-z]+(?![0-9+-])/.exec(text.slice(offset, offset + 40));
      return m ? match(m[0]) : null;
    },
  },
});

const MAIN: TokenType[] = [WhiteSpace, Comment, LineEnd, StringLit, BadString, Duration, Size, NumberLit, Arrow, Comma, Equals, CommandName, ...KEYWORDS, Identifier, Stray];
const ASSIGN: TokenType[] = [WhiteSpace, Comment, ModeLineEnd, SetExpr, Equals, StringLit, BadString, Identifier, Stray];
const COND: TokenType[] = [WhiteSpace, Comment, ModeLineEnd, CondExpr, Go, StringLit, BadString, Identifier, Stray];

export const lexerDefinition = { modes: { main: MAIN, assign: ASSIGN, cond: COND }, defaultMode: 'main' };

/** Every token type the parser may see. */
export const ALL_TOKENS: TokenType[] = [Newline, Name, ...new Set([...MAIN, ...ASSIGN, ...COND])];

let lexer: ChevrotainLexer | undefined;

/** Built on first use: most processes that load the compiler never read a .scn file. */
export const scnLexer = (): ChevrotainLexer => (lexer ??= new Lexer(lexerDefinition, { positionTracking: 'onlyOffset', ensureOptimizations: true }));
