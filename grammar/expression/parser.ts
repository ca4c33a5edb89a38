import type { CstNode, IOrAlt, IRecognitionException, IToken, TokenType } from 'chevrotain';
import { CstParser } from '../chevrotain.js';
import * as T from './lexer.js';

/**
 * Grammar only (no meaning): precedence low -> high is
 * or, and, not, comparison (== contains matches in is), + -, * /, unary minus, primary.
 * Comparisons do not chain: `a == b == c` is a syntax error rather than a surprise.
 */
class ExpressionParser extends CstParser {
  // Alternatives of each OR, built on first use and then reused: an inline array literal would allocate the
  // array and one closure per alternative at every rule invocation (Chevrotain's recommended caching).
  private notAlts?: IOrAlt<unknown>[];
  private comparisonAlts?: IOrAlt<unknown>[];
  private testAlts?: IOrAlt<unknown>[];
  private unaryAlts?: IOrAlt<unknown>[];
  private primaryAlts?: IOrAlt<unknown>[];

  constructor() {
    super(T.allTokens, { recoveryEnabled: false, maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  public expression = this.RULE('expression', () => {
    this.SUBRULE(this.orExpr);
  });

  private orExpr = this.RULE('orExpr', () => {
    this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(T.OrOp);
      this.SUBRULE2(this.andExpr);
    });
  });

  private andExpr = this.RULE('andExpr', () => {
    this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(T.AndOp);
      this.SUBRULE2(this.notExpr);
    });
  });

  private notExpr = this.RULE('notExpr', () => {
    this.OR(
      (this.notAlts ??= [
        {
          ALT: () => {
            this.CONSUME(T.NotOp);
            this.SUBRULE(this.notExpr);
          },
        },
        { ALT: () => this.SUBRULE(this.comparison) },
      ]),
    );
  });

  private comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.additive);
    this.OPTION(() => {
      this.OR(
        (this.comparisonAlts ??= [
          {
            ALT: () => {
              this.CONSUME(T.CompareOp);
              this.SUBRULE2(this.additive);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Contains);
              this.SUBRULE3(this.additive);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Matches);
              this.CONSUME(T.StringLiteral);
            },
          },
          {
            ALT: () => {
              this.OPTION2(() => this.CONSUME(T.Not));
              this.CONSUME(T.In);
              this.SUBRULE(this.list);
            },
          },
          {
            ALT: () => {
              this.CONSUME(T.Is);
              this.OPTION3(() => this.CONSUME2(T.Not));
              this.OR2((this.testAlts ??= [{ ALT: () => this.CONSUME(T.Empty) }, { ALT: () => this.CONSUME(T.SetKw) }]));
            },
          },
        ]),
      );
    });
  });

  private list = this.RULE('list', () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.CONSUME(T.RBracket);
  });

  private additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.CONSUME(T.AdditiveOp);
      this.SUBRULE2(this.multiplicative);
    });
  });

  private multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.CONSUME(T.MultiplicativeOp);
      this.SUBRULE2(this.unary);
    });
  });

  private unary = this.RULE('unary', () => {
    this.OR(
      (this.unaryAlts ??= [
        {
          ALT: () => {
            this.CONSUME(T.Minus);
            this.SUBRULE(this.unary);
          },
        },
        { ALT: () => this.SUBRULE(this.primary) },
      ]),
    );
  });

  private primary = this.RULE('primary', () => {
    this.OR(
      (this.primaryAlts ??= [
        { ALT: () => this.CONSUME(T.StringLiteral) },
        { ALT: () => this.CONSUME(T.NumberLiteral) },
        { ALT: () => this.CONSUME(T.True) },
        { ALT: () => this.CONSUME(T.False) },
        { ALT: () => this.CONSUME(T.Null) },
        { ALT: () => this.SUBRULE(this.path) },
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            this.SUBRULE(this.expression);
            this.CONSUME(T.RParen);
          },
        },
      ]),
    );
  });

  private path = this.RULE('path', () => {
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Identifier);
    });
  });
}

/** One parser instance, reused: building it runs grammar analysis, which is slow. */
export const parser = new ExpressionParser();

export interface CstParseResult {
  cst?: CstNode;
  error?: IRecognitionException;
}

export function parseTokens(tokens: IToken[]): CstParseResult {
  parser.input = tokens;
  const cst = parser.expression();
  const error = parser.errors[0];
  return error ? { error } : { cst };
}

/** Token types that could come next after `preceding` (for "expected ..." messages). */
export function expectedAfter(preceding: IToken[]): ReadonlySet<TokenType> {
  const paths = parser.computeContentAssist('expression', preceding);
  return new Set(paths.map((p) => p.nextTokenType));
}
