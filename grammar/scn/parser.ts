import type { IOrAlt } from 'chevrotain';
import { CstParser } from '../chevrotain.js';
import { scnErrorMessages } from './messages.js';
import * as T from './tokens.js';

/**
 * The .scn grammar: a file is lines, each line at most one statement. Which statements may follow which (header
 * first, then steps; input options after `ask`) is checked when the statements are read into a scenario, where the
 * message can say what to do.
 */
export class ScnParser extends CstParser {
  private statementAlts?: IOrAlt<unknown>[];
  private inputAlts?: IOrAlt<unknown>[];
  private routeAlts?: IOrAlt<unknown>[];
  private limitAlts?: IOrAlt<unknown>[];
  private nameAlts?: IOrAlt<unknown>[];
  private versionAlts?: IOrAlt<unknown>[];
  private valueAlts?: IOrAlt<unknown>[];
  private commandAlts?: IOrAlt<unknown>[];
  private durationAlts?: IOrAlt<unknown>[];
  private callAlts?: IOrAlt<unknown>[];
  private onAlts?: IOrAlt<unknown>[];
  private fileAlts?: IOrAlt<unknown>[];
  private locationAlts?: IOrAlt<unknown>[];
  private sizeAlts?: IOrAlt<unknown>[];

  constructor() {
    super(T.ALL_TOKENS, { recoveryEnabled: true, maxLookahead: 1, errorMessageProvider: scnErrorMessages });
    this.performSelfAnalysis();
  }

  /** The whole file. The compiler parses line by line with `statement`, so a mistake never spills onto the next line. */
  public document = this.RULE('document', () => {
    this.OPTION(() => this.SUBRULE(this.statement));
    this.MANY(() => {
      this.CONSUME(T.Newline);
      this.OPTION2(() => this.SUBRULE2(this.statement));
    });
  });

  public statement = this.RULE('statement', () => {
    this.OR(
      (this.statementAlts ??= [
        { ALT: () => this.SUBRULE(this.scenarioStatement) },
        { ALT: () => this.SUBRULE(this.descriptionStatement) },
        { ALT: () => this.SUBRULE(this.startStatement) },
        { ALT: () => this.SUBRULE(this.commandStatement) },
        { ALT: () => this.SUBRULE(this.stepStatement) },
        { ALT: () => this.SUBRULE(this.typeStatement) },
        { ALT: () => this.SUBRULE(this.setStatement) },
        { ALT: () => this.SUBRULE(this.sayStatement) },
        { ALT: () => this.SUBRULE(this.buttonStatement) },
        { ALT: () => this.SUBRULE(this.fileStatement) },
        { ALT: () => this.SUBRULE(this.locationStatement) },
        { ALT: () => this.SUBRULE(this.contactStatement) },
        { ALT: () => this.SUBRULE(this.askStatement) },
        { ALT: () => this.SUBRULE(this.waitStatement) },
        { ALT: () => this.SUBRULE(this.expireStatement) },
        { ALT: () => this.SUBRULE(this.callStatement) },
        { ALT: () => this.SUBRULE(this.inputOption) },
        { ALT: () => this.SUBRULE(this.callOption) },
        { ALT: () => this.SUBRULE(this.route) },
      ]),
    );
  });

  private scenarioStatement = this.RULE('scenarioStatement', () => {
    this.CONSUME(T.Scenario);
    this.CONSUME(T.StringLit);
    this.OPTION(() => {
      this.CONSUME(T.Version);
      this.OR(
        (this.versionAlts ??= [
          { ALT: () => this.CONSUME2(T.StringLit) },
          { ALT: () => this.CONSUME(T.NumberLit) },
          { ALT: () => this.CONSUME(T.Name) },
        ]),
      );
    });
  });

  private descriptionStatement = this.RULE('descriptionStatement', () => {
    this.CONSUME(T.Description);
    this.CONSUME(T.StringLit);
  });

  private startStatement = this.RULE('startStatement', () => {
    this.CONSUME(T.Start);
    this.SUBRULE(this.name);
  });

  private commandStatement = this.RULE('commandStatement', () => {
    this.CONSUME(T.Command);
    this.OR((this.commandAlts ??= [{ ALT: () => this.CONSUME(T.CommandName) }, { ALT: () => this.CONSUME(T.StringLit) }]));
    this.CONSUME(T.Go);
    this.SUBRULE(this.name);
  });

  private stepStatement = this.RULE('stepStatement', () => {
    this.CONSUME(T.Step);
    this.SUBRULE(this.name);
  });

  private typeStatement = this.RULE('typeStatement', () => {
    this.CONSUME(T.Type);
    this.SUBRULE(this.name);
  });

  private setStatement = this.RULE('setStatement', () => {
    this.CONSUME(T.SetKw);
    this.SUBRULE(this.name);
    this.CONSUME(T.Equals);
    this.CONSUME(T.SetExpr);
  });

  private sayStatement = this.RULE('sayStatement', () => {
    this.CONSUME(T.Say);
    this.CONSUME(T.StringLit);
  });

  private buttonStatement = this.RULE('buttonStatement', () => {
    this.CONSUME(T.Button);
    this.CONSUME(T.StringLit);
    this.CONSUME(T.Equals);
    this.OR(
      (this.valueAlts ??= [
        { ALT: () => this.CONSUME2(T.StringLit) },
        { ALT: () => this.CONSUME(T.NumberLit) },
        { ALT: () => this.CONSUME(T.Name) },
      ]),
    );
  });

  /** `image STRING [caption STRING]`, likewise `video`, `audio`, `document`: a file sent after the message. */
  private fileStatement = this.RULE('fileStatement', () => {
    this.OR(
      (this.fileAlts ??= [
        { ALT: () => this.CONSUME(T.Image) },
        { ALT: () => this.CONSUME(T.Video) },
        { ALT: () => this.CONSUME(T.Audio) },
        { ALT: () => this.CONSUME(T.DocumentKw) },
      ]),
    );
    this.CONSUME(T.StringLit);
    this.OPTION(() => {
      this.CONSUME(T.Caption);
      this.CONSUME2(T.StringLit);
    });
  });

  /** `location LATITUDE LONGITUDE [title STRING] [address STRING]`, or `location "{{place}}"`. */
  private locationStatement = this.RULE('locationStatement', () => {
    this.CONSUME(T.Location);
    this.OR(
      (this.locationAlts ??= [
        { ALT: () => this.CONSUME(T.StringLit) },
        {
          ALT: () => {
            this.CONSUME(T.NumberLit);
            this.CONSUME2(T.NumberLit);
            this.OPTION(() => {
              this.CONSUME(T.Title);
              this.CONSUME2(T.StringLit);
            });
            this.OPTION2(() => {
              this.CONSUME(T.Address);
              this.CONSUME3(T.StringLit);
            });
          },
        },
      ]),
    );
  });

  /** `contact PHONE FIRST_NAME [LAST_NAME]` (strings), or `contact "{{person}}"`. */
  private contactStatement = this.RULE('contactStatement', () => {
    this.CONSUME(T.Contact);
    this.CONSUME(T.StringLit);
    this.OPTION(() => {
      this.CONSUME2(T.StringLit);
      this.OPTION2(() => this.CONSUME3(T.StringLit));
    });
  });

  /** `ask TYPE -> VARIABLE`; media kinds may be listed: `ask photo, document -> scan`. */
  private askStatement = this.RULE('askStatement', () => {
    this.CONSUME(T.Ask);
    this.SUBRULE(this.name);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE3(this.name);
    });
    this.CONSUME(T.Arrow);
    this.SUBRULE2(this.name);
  });

  private inputOption = this.RULE('inputOption', () => {
    this.OR(
      (this.inputAlts ??= [
        { ALT: () => this.SUBRULE(this.limitOption) },
        { ALT: () => this.SUBRULE(this.maxBytesOption) },
        { ALT: () => this.SUBRULE(this.mimeOption) },
        { ALT: () => this.SUBRULE(this.patternOption) },
        { ALT: () => this.SUBRULE(this.errorOption) },
        { ALT: () => this.SUBRULE(this.attemptsOption) },
        { ALT: () => this.SUBRULE(this.onFailOption) },
        { ALT: () => this.SUBRULE(this.sensitiveOption) },
        { ALT: () => this.SUBRULE(this.timeoutOption) },
        { ALT: () => this.SUBRULE(this.remindOption) },
      ]),
    );
  });

  private limitOption = this.RULE('limitOption', () => {
    this.OR(
      (this.limitAlts ??= [
        { ALT: () => this.CONSUME(T.Min) },
        { ALT: () => this.CONSUME(T.Max) },
        { ALT: () => this.CONSUME(T.MinLength) },
        { ALT: () => this.CONSUME(T.MaxLength) },
        { ALT: () => this.CONSUME(T.MinCount) },
        { ALT: () => this.CONSUME(T.MaxCount) },
      ]),
    );
    this.CONSUME(T.NumberLit);
  });

  /** `max_bytes 5MB`: the largest file a media input takes (a number of bytes, or digits and a unit). */
  private maxBytesOption = this.RULE('maxBytesOption', () => {
    this.CONSUME(T.MaxBytes);
    this.OR(
      (this.sizeAlts ??= [
        { ALT: () => this.CONSUME(T.Size) },
        { ALT: () => this.CONSUME(T.NumberLit) },
        { ALT: () => this.CONSUME(T.StringLit) },
      ]),
    );
  });

  /** `mime "image/*" "application/pdf"`: the types a media input takes. */
  private mimeOption = this.RULE('mimeOption', () => {
    this.CONSUME(T.Mime);
    this.AT_LEAST_ONE(() => this.CONSUME(T.StringLit));
  });

  private patternOption = this.RULE('patternOption', () => {
    this.CONSUME(T.Pattern);
    this.CONSUME(T.StringLit);
  });

  private errorOption = this.RULE('errorOption', () => {
    this.CONSUME(T.ErrorKw);
    this.CONSUME(T.StringLit);
  });

  private attemptsOption = this.RULE('attemptsOption', () => {
    this.CONSUME(T.Attempts);
    this.CONSUME(T.NumberLit);
  });

  /** `on fail go STEP` under an `ask`; `on error go STEP` under a `call`. */
  private onFailOption = this.RULE('onFailOption', () => {
    this.CONSUME(T.On);
    this.OR((this.onAlts ??= [{ ALT: () => this.CONSUME(T.Fail) }, { ALT: () => this.CONSUME(T.ErrorKw) }]));
    this.CONSUME(T.Go);
    this.SUBRULE(this.name);
  });

  private sensitiveOption = this.RULE('sensitiveOption', () => {
    this.CONSUME(T.Sensitive);
  });

  /** `timeout after 10m go STEP` under an `ask`; `timeout after 10s` (each attempt's limit) under a `call`. */
  private timeoutOption = this.RULE('timeoutOption', () => {
    this.CONSUME(T.Timeout);
    this.CONSUME(T.After);
    this.SUBRULE(this.duration);
    this.OPTION(() => {
      this.CONSUME(T.Go);
      this.SUBRULE(this.name);
    });
  });

  /** `call [METHOD] "URL"`: the step makes an HTTP call after its message. */
  private callStatement = this.RULE('callStatement', () => {
    this.CONSUME(T.Call);
    this.OPTION(() => this.CONSUME(T.Name));
    this.CONSUME(T.StringLit);
  });

  private callOption = this.RULE('callOption', () => {
    this.OR(
      (this.callAlts ??= [
        { ALT: () => this.SUBRULE(this.headerOption) },
        { ALT: () => this.SUBRULE(this.bodyOption) },
        { ALT: () => this.SUBRULE(this.retriesOption) },
        { ALT: () => this.SUBRULE(this.saveOption) },
      ]),
    );
  });

  private headerOption = this.RULE('headerOption', () => {
    this.CONSUME(T.Header);
    this.SUBRULE(this.name);
    this.CONSUME(T.StringLit);
  });

  private bodyOption = this.RULE('bodyOption', () => {
    this.CONSUME(T.Body);
    this.CONSUME(T.StringLit);
  });

  private retriesOption = this.RULE('retriesOption', () => {
    this.CONSUME(T.Retries);
    this.CONSUME(T.NumberLit);
  });

  /** `save status -> VARIABLE`, `save "body.order.status" -> VARIABLE`. */
  private saveOption = this.RULE('saveOption', () => {
    this.CONSUME(T.Save);
    this.SUBRULE(this.name);
    this.CONSUME(T.Arrow);
    this.SUBRULE2(this.name);
  });

  private remindOption = this.RULE('remindOption', () => {
    this.CONSUME(T.Remind);
    this.CONSUME(T.After);
    this.SUBRULE(this.duration);
    this.CONSUME(T.StringLit);
  });

  private waitStatement = this.RULE('waitStatement', () => {
    this.CONSUME(T.Wait);
    this.SUBRULE(this.duration);
  });

  private expireStatement = this.RULE('expireStatement', () => {
    this.CONSUME(T.Expire);
    this.CONSUME(T.After);
    this.SUBRULE(this.duration);
    this.OPTION(() => {
      this.CONSUME(T.Go);
      this.SUBRULE(this.name);
    });
  });

  /** `10m`; a string or a bare number is read too, so that the checks can say what is wrong with it. */
  private duration = this.RULE('duration', () => {
    this.OR(
      (this.durationAlts ??= [
        { ALT: () => this.CONSUME(T.Duration) },
        { ALT: () => this.CONSUME(T.StringLit) },
        { ALT: () => this.CONSUME(T.NumberLit) },
      ]),
    );
  });

  private route = this.RULE('route', () => {
    this.OR(
      (this.routeAlts ??= [
        { ALT: () => this.SUBRULE(this.goRoute) },
        { ALT: () => this.SUBRULE(this.whenRoute) },
        { ALT: () => this.SUBRULE(this.elseRoute) },
      ]),
    );
  });

  private goRoute = this.RULE('goRoute', () => {
    this.CONSUME(T.Go);
    this.SUBRULE(this.name);
  });

  private whenRoute = this.RULE('whenRoute', () => {
    this.CONSUME(T.When);
    this.CONSUME(T.CondExpr);
    this.CONSUME(T.Go);
    this.SUBRULE(this.name);
  });

  private elseRoute = this.RULE('elseRoute', () => {
    this.CONSUME(T.Else);
    this.CONSUME(T.Go);
    this.SUBRULE(this.name);
  });

  /** A step, variable or input type: a plain word (keywords included) or a quoted string for anything else. */
  private name = this.RULE('name', () => {
    this.OR((this.nameAlts ??= [{ ALT: () => this.CONSUME(T.Name) }, { ALT: () => this.CONSUME(T.StringLit) }]));
  });
}

let shared: ScnParser | undefined;

/** One parser instance, reused: Chevrotain parsers are costly to build and cheap to reset. */
export const scnParser = (): ScnParser => (shared ??= new ScnParser());
