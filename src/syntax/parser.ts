/**
 * The rubric grammar as a Chevrotain CstParser (see grammar/rubric.ebnf; rule names match).
 * Recovery is on, so one mistake does not hide the next. Values that users often get wrong
 * (weights, versions, aggregation names) are parsed loosely here and checked in compile/, where
 * the message can say what a correct value looks like.
 */
import type { CstNode, CstParser, IToken } from "chevrotain";
import { lazy } from "../util/lazy.js";
import { chevrotainPackage } from "../util/packages.js";
import { errorMessages } from "./messages.js";
import { rubricTokens } from "./tokens.js";

/** The parser's surface the rest of syntax/ uses (the class itself lives inside the factory). */
export type RubricParser = CstParser & { rubricFile(): CstNode };

function buildParser(validate: boolean): RubricParser {
  const { CstParser } = chevrotainPackage();
  const {
    allTokens,
    Colon,
    Comma,
    DotDot,
    Hash,
    Identifier,
    K,
    Name,
    NumberLit,
    RegexLit,
    StringLit,
    TextBlock,
    Version,
  } = rubricTokens();

  class RubricParser extends CstParser {
    constructor() {
      super(allTokens, {
        recoveryEnabled: true,
        maxLookahead: 3,
        nodeLocationTracking: "onlyOffset",
        errorMessageProvider: errorMessages,
        // Chevrotain's checks of the grammar itself (ambiguities, left recursion) took a fifth
        // of `rulers compile`'s start-up on every run; tests/syntax/grammar.test.ts runs them.
        skipValidations: !validate,
      });
      this.performSelfAnalysis();
    }

    public rubricFile = this.RULE("rubricFile", () => {
      this.SUBRULE(this.header);
      this.MANY(() => this.SUBRULE(this.declaration));
    });

    private header = this.RULE("header", () => {
      this.OR([{ ALT: () => this.CONSUME(K.rubric) }, { ALT: () => this.CONSUME(K.part) }]);
      this.CONSUME(Name, { LABEL: "id" });
      this.CONSUME(K.version);
      this.SUBRULE(this.value, { LABEL: "versionValue" });
    });

    private declaration = this.RULE("declaration", () => {
      this.OR([
        { ALT: () => this.SUBRULE(this.titleDecl) },
        { ALT: () => this.SUBRULE(this.descriptionDecl) },
        { ALT: () => this.SUBRULE(this.tagsDecl) },
        { ALT: () => this.SUBRULE(this.modeDecl) },
        { ALT: () => this.SUBRULE(this.inputDecl) },
        { ALT: () => this.SUBRULE(this.scaleDecl) },
        { ALT: () => this.SUBRULE(this.instructionsDecl) },
        { ALT: () => this.SUBRULE(this.judgeDecl) },
        { ALT: () => this.SUBRULE(this.aggregateDecl) },
        { ALT: () => this.SUBRULE(this.roundingDecl) },
        { ALT: () => this.SUBRULE(this.sectionDecl) },
        { ALT: () => this.SUBRULE(this.criterionDecl) },
        { ALT: () => this.SUBRULE(this.checkDecl) },
        { ALT: () => this.SUBRULE(this.gateDecl) },
        { ALT: () => this.SUBRULE(this.importDecl) },
        { ALT: () => this.SUBRULE(this.templateDecl) },
      ]);
    });

    private text = this.RULE("text", () => {
      this.OR([{ ALT: () => this.CONSUME(StringLit) }, { ALT: () => this.CONSUME(TextBlock) }]);
    });

    /** A loosely typed value: checked in compile/ so the message can be specific. */
    private value = this.RULE("value", () => {
      this.OR([
        { ALT: () => this.CONSUME(NumberLit) },
        { ALT: () => this.CONSUME(Version) },
        { ALT: () => this.CONSUME(StringLit) },
        // Not `Name`: a keyword here is almost always a forgotten value before the next statement.
        { ALT: () => this.CONSUME(Identifier) },
      ]);
    });

    private nameList = this.RULE("nameList", () => {
      this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.CONSUME(Name) });
    });

    private titleDecl = this.RULE("titleDecl", () => {
      this.CONSUME(K.title);
      this.SUBRULE(this.text);
    });

    private descriptionDecl = this.RULE("descriptionDecl", () => {
      this.CONSUME(K.description);
      this.SUBRULE(this.text);
    });

    private tagsDecl = this.RULE("tagsDecl", () => {
      this.CONSUME(K.tags);
      this.SUBRULE(this.nameList);
    });

    private modeDecl = this.RULE("modeDecl", () => {
      this.CONSUME(K.mode);
      this.OR([
        { ALT: () => this.CONSUME(K.pointwise) },
        {
          ALT: () => {
            this.CONSUME(K.pairwise);
            this.MANY(() => this.SUBRULE(this.pairwiseSetting));
            this.CONSUME(K.end);
          },
        },
      ]);
    });

    private pairwiseSetting = this.RULE("pairwiseSetting", () => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(K.compare);
            this.CONSUME(Name, { LABEL: "a" });
            this.CONSUME(K.and);
            this.CONSUME2(Name, { LABEL: "b" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.swap);
            this.CONSUME(K.order);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.ties);
            this.CONSUME(K.allowed);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.no);
            this.CONSUME2(K.ties);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.if);
            this.CONSUME2(K.order);
            this.CONSUME(K.disagrees);
            this.CONSUME(K.then);
            this.OR2([{ ALT: () => this.CONSUME(K.tie) }, { ALT: () => this.CONSUME(K.flag) }]);
          },
        },
      ]);
    });

    private inputDecl = this.RULE("inputDecl", () => {
      this.CONSUME(K.input);
      this.CONSUME(Name);
      this.OPTION4(() => this.SUBRULE(this.inputKind));
      this.OPTION(() => this.SUBRULE(this.text));
      this.OPTION2(() => this.CONSUME(Comma));
      this.OPTION3(() => this.CONSUME(K.quotable));
    });

    private inputKind = this.RULE("inputKind", () => {
      this.OR([
        { ALT: () => this.CONSUME(K.text) },
        { ALT: () => this.CONSUME(K.conversation) },
        { ALT: () => this.CONSUME(K.reference) },
        { ALT: () => this.CONSUME(K.image) },
      ]);
    });

    private scaleDecl = this.RULE("scaleDecl", () => {
      this.CONSUME(K.scale);
      this.OR([
        {
          ALT: () => {
            this.CONSUME(K.pass);
            this.CONSUME(K.or);
            this.CONSUME(K.fail);
          },
        },
        {
          ALT: () => {
            this.SUBRULE(this.value, { LABEL: "min" });
            this.OR2([{ ALT: () => this.CONSUME(K.to) }, { ALT: () => this.CONSUME(DotDot) }]);
            this.SUBRULE2(this.value, { LABEL: "max" });
            this.OPTION(() => {
              this.CONSUME(K.step);
              this.SUBRULE3(this.value, { LABEL: "step" });
            });
          },
        },
      ]);
    });

    private instructionsDecl = this.RULE("instructionsDecl", () => {
      this.CONSUME(K.instructions);
      this.SUBRULE(this.text);
    });

    private judgeDecl = this.RULE("judgeDecl", () => {
      this.CONSUME(K.judge);
      this.MANY(() => this.SUBRULE(this.judgeSetting));
      this.CONSUME(K.end);
    });

    private judgeSetting = this.RULE("judgeSetting", () => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(K.temperature);
            this.SUBRULE(this.value);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.samples);
            this.SUBRULE2(this.value);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.seed);
            this.SUBRULE3(this.value);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.max);
            this.CONSUME(K.tokens);
            this.SUBRULE4(this.value);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.quote);
            this.CONSUME(K.match);
            this.SUBRULE5(this.value);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.reasoning);
            this.OR2([{ ALT: () => this.CONSUME(K.effort) }, { ALT: () => this.CONSUME(K.budget) }]);
            this.SUBRULE6(this.value);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.each);
            this.CONSUME(K.criterion);
            this.CONSUME(K.separately);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.evidence);
            this.CONSUME(K.before);
            this.CONSUME(K.verdict);
          },
        },
        {
          ALT: () => {
            this.CONSUME2(K.verdict);
            this.CONSUME2(K.before);
            this.CONSUME2(K.evidence);
          },
        },
        { ALT: () => this.SUBRULE(this.evidencePolicy) },
      ]);
    });

    private evidencePolicy = this.RULE("evidencePolicy", () => {
      this.CONSUME(K.if);
      this.CONSUME(K.evidence);
      this.CONSUME(K.fails);
      this.CONSUME(K.then);
      this.OR([
        { ALT: () => this.CONSUME(K.unmet) },
        { ALT: () => this.CONSUME(K.flag) },
        { ALT: () => this.CONSUME(K.retry) },
        {
          ALT: () => {
            this.CONSUME(K.cap);
            this.OPTION(() => this.CONSUME(K.score));
            this.CONSUME(K.at);
            this.SUBRULE(this.value);
          },
        },
      ]);
    });

    private aggregateDecl = this.RULE("aggregateDecl", () => {
      this.CONSUME(K.aggregate);
      const first = this.CONSUME(Name, { LABEL: "method" });
      // "weighted mean" is the one two-word method; any other word is a complete (maybe unknown) name.
      this.OPTION({ GATE: () => first.image === "weighted", DEF: () => this.CONSUME2(Name, { LABEL: "method" }) });
    });

    private roundingDecl = this.RULE("roundingDecl", () => {
      this.CONSUME(K.rounding);
      const first = this.CONSUME(Name, { LABEL: "mode" });
      this.OPTION({ GATE: () => first.image === "half", DEF: () => this.CONSUME2(Name, { LABEL: "mode" }) });
    });

    private sectionDecl = this.RULE("sectionDecl", () => {
      this.CONSUME(K.section);
      this.SUBRULE(this.text);
      this.MANY(() =>
        this.OR([{ ALT: () => this.SUBRULE(this.criterionDecl) }, { ALT: () => this.SUBRULE(this.checkDecl) }]),
      );
      this.CONSUME(K.end);
    });

    private criterionDecl = this.RULE("criterionDecl", () => {
      this.CONSUME(K.criterion);
      this.CONSUME(Name);
      this.OPTION(() => this.SUBRULE(this.text, { LABEL: "title" }));
      this.MANY(() => this.SUBRULE(this.criterionSetting));
      this.CONSUME(K.end);
    });

    private criterionSetting = this.RULE("criterionSetting", () => {
      this.OR([
        { ALT: () => this.SUBRULE(this.text, { LABEL: "description" }) },
        { ALT: () => this.CONSUME(K.binary) },
        { ALT: () => this.CONSUME(K.checklist) },
        { ALT: () => this.SUBRULE(this.levelsBlock) },
        {
          ALT: () => {
            this.CONSUME(K.weight);
            this.SUBRULE(this.value);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.points);
            this.SUBRULE2(this.value);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.tags);
            this.SUBRULE(this.nameList);
          },
        },
        { ALT: () => this.SUBRULE(this.evidenceRule) },
        { ALT: () => this.SUBRULE(this.evidencePolicy) },
      ]);
    });

    private levelsBlock = this.RULE("levelsBlock", () => {
      this.CONSUME(K.levels);
      this.MANY(() => this.SUBRULE(this.levelAnchor));
      this.CONSUME(K.end);
    });

    private levelAnchor = this.RULE("levelAnchor", () => {
      this.SUBRULE(this.value);
      this.OPTION(() => this.CONSUME(Colon));
      this.SUBRULE(this.text);
    });

    private evidenceRule = this.RULE("evidenceRule", () => {
      this.CONSUME(K.evidence);
      this.AT_LEAST_ONE(() => {
        this.OPTION(() => this.CONSUME(Comma));
        this.SUBRULE(this.evidencePart);
      });
    });

    private evidencePart = this.RULE("evidencePart", () => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(K.at);
            this.OR2([{ ALT: () => this.CONSUME(K.least) }, { ALT: () => this.CONSUME(K.most) }]);
            this.SUBRULE(this.value);
            this.OR3([
              { ALT: () => this.CONSUME(K.quote) },
              { ALT: () => this.CONSUME(K.quotes) },
              { ALT: () => this.CONSUME(K.word) },
              { ALT: () => this.CONSUME(K.words) },
            ]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.from);
            this.AT_LEAST_ONE_SEP({ SEP: K.or, DEF: () => this.CONSUME(Name) });
          },
        },
        { ALT: () => this.SUBRULE(this.evidenceScope) },
      ]);
    });

    private evidenceScope = this.RULE("evidenceScope", () => {
      this.CONSUME(K.in);
      this.OR([
        {
          ALT: () => {
            this.CONSUME(K.tool);
            this.CONSUME(K.calls);
          },
        },
        {
          ALT: () => {
            this.CONSUME(Name, { LABEL: "role" });
            this.CONSUME(K.turns);
          },
        },
      ]);
    });

    private checkDecl = this.RULE("checkDecl", () => {
      this.CONSUME(K.check);
      this.CONSUME(Name);
      this.OPTION(() => this.SUBRULE(this.text, { LABEL: "title" }));
      this.SUBRULE(this.checkTest);
      this.MANY(() =>
        this.OR([
          {
            ALT: () => {
              this.CONSUME(K.weight);
              this.SUBRULE(this.value);
            },
          },
          {
            ALT: () => {
              this.CONSUME(K.points);
              this.SUBRULE2(this.value);
            },
          },
        ]),
      );
      this.CONSUME(K.end);
    });

    private checkTest = this.RULE("checkTest", () => {
      this.OR([
        {
          ALT: () => {
            this.OR2([
              { ALT: () => this.CONSUME(K.words) },
              { ALT: () => this.CONSUME(K.characters) },
              { ALT: () => this.CONSUME(K.turns) },
            ]);
            this.CONSUME(K.of);
            this.CONSUME(Name, { LABEL: "input" });
            this.SUBRULE(this.countRange);
          },
        },
        {
          // `last equals message as number` compares inputs named `last` and `message`.
          GATE: () => this.LA(4).tokenType === K.of,
          ALT: () => this.SUBRULE(this.lastMessage),
        },
        {
          ALT: () => {
            this.CONSUME2(Name, { LABEL: "input" });
            this.SUBRULE(this.checkPredicate);
          },
        },
      ]);
    });

    /** `last <role> message of <input> <predicate>`: a text test on a conversation's last message by a role. */
    private lastMessage = this.RULE("lastMessage", () => {
      this.CONSUME(K.last);
      this.CONSUME(Name, { LABEL: "role" });
      this.CONSUME(K.message);
      this.CONSUME(K.of);
      this.CONSUME2(Name, { LABEL: "input" });
      this.SUBRULE(this.checkPredicate);
    });

    /** `calls tool <name> [with arguments matching <schema>]`: a conversation's assistant called a tool. */
    private toolCall = this.RULE("toolCall", () => {
      this.CONSUME(K.tool);
      this.OR([{ ALT: () => this.CONSUME(Name, { LABEL: "toolName" }) }, { ALT: () => this.CONSUME(StringLit) }]);
      this.OPTION(() => {
        this.CONSUME(K.with);
        this.CONSUME(K.arguments);
        this.CONSUME(K.matching);
        this.SUBRULE(this.text, { LABEL: "schema" });
      });
    });

    private countRange = this.RULE("countRange", () => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(K.between);
            this.SUBRULE(this.value, { LABEL: "min" });
            this.CONSUME(K.and);
            this.SUBRULE2(this.value, { LABEL: "max" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.at);
            this.CONSUME(K.least);
            this.SUBRULE3(this.value, { LABEL: "min" });
          },
        },
        {
          ALT: () => {
            this.CONSUME2(K.at);
            this.CONSUME(K.most);
            this.SUBRULE4(this.value, { LABEL: "max" });
          },
        },
      ]);
    });

    private checkPredicate = this.RULE("checkPredicate", () => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(K.matches);
            this.CONSUME(RegexLit);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.does);
            this.CONSUME(K.not);
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME(K.match);
                  this.CONSUME2(RegexLit);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(K.contain);
                  this.SUBRULE(this.text);
                  this.OPTION(() => this.SUBRULE(this.ignoring));
                },
              },
              {
                ALT: () => {
                  this.CONSUME(K.call);
                  this.SUBRULE(this.toolCall);
                },
              },
            ]);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.calls);
            this.SUBRULE2(this.toolCall);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.contains);
            this.SUBRULE2(this.text);
            this.OPTION2(() => this.SUBRULE2(this.ignoring));
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.is);
            this.CONSUME(K.valid);
            this.CONSUME(K.json);
            this.OPTION3(() => {
              this.CONSUME(K.matching);
              this.SUBRULE3(this.text, { LABEL: "schema" });
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.equals);
            this.CONSUME(Name, { LABEL: "other" });
            this.OR3([
              {
                ALT: () => {
                  this.CONSUME(K.as);
                  this.CONSUME(K.number);
                  this.OPTION4(() => {
                    this.CONSUME(K.within);
                    this.SUBRULE(this.value, { LABEL: "tolerance" });
                  });
                },
              },
              { ALT: () => this.MANY(() => this.SUBRULE3(this.ignoring)) },
            ]);
          },
        },
      ]);
    });

    private ignoring = this.RULE("ignoring", () => {
      this.CONSUME(K.ignoring);
      this.OR([{ ALT: () => this.CONSUME(K.case) }, { ALT: () => this.CONSUME(K.whitespace) }]);
    });

    private gateDecl = this.RULE("gateDecl", () => {
      this.CONSUME(K.gate);
      this.CONSUME(Name);
      this.OPTION(() => this.SUBRULE(this.text, { LABEL: "title" }));
      this.CONSUME(K.when);
      this.SUBRULE(this.condition);
      this.SUBRULE(this.gateAction);
      this.CONSUME(K.end);
    });

    private condition = this.RULE("condition", () => {
      this.SUBRULE(this.conditionAtom);
      this.MANY(() => {
        this.OR([{ ALT: () => this.CONSUME(K.and) }, { ALT: () => this.CONSUME(K.or) }]);
        this.SUBRULE2(this.conditionAtom);
      });
    });

    private conditionAtom = this.RULE("conditionAtom", () => {
      this.CONSUME(Name, { LABEL: "ref" });
      this.OR([
        {
          ALT: () => {
            this.CONSUME(K.is);
            this.OPTION(() => this.CONSUME(K.not));
            this.OR2([{ ALT: () => this.CONSUME(K.met) }, { ALT: () => this.CONSUME(K.unmet) }]);
          },
        },
        { ALT: () => this.CONSUME(K.fails) },
        { ALT: () => this.CONSUME(K.passes) },
        {
          ALT: () => {
            this.CONSUME(K.level);
            this.OR3([
              { ALT: () => this.CONSUME(K.below) },
              { ALT: () => this.CONSUME(K.above) },
              {
                ALT: () => {
                  this.CONSUME(K.at);
                  this.OR4([{ ALT: () => this.CONSUME(K.least) }, { ALT: () => this.CONSUME(K.most) }]);
                },
              },
              { ALT: () => this.CONSUME2(K.is) },
            ]);
            this.SUBRULE(this.value);
          },
        },
      ]);
    });

    private gateAction = this.RULE("gateAction", () => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(K.cap);
            this.CONSUME(K.score);
            this.CONSUME(K.at);
            this.SUBRULE(this.value);
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.set);
            this.CONSUME2(K.score);
            this.CONSUME(K.to);
            this.SUBRULE2(this.value);
          },
        },
      ]);
    });

    private importDecl = this.RULE("importDecl", () => {
      this.CONSUME(K.import);
      this.CONSUME(StringLit);
      this.OPTION(() => this.CONSUME(Hash));
    });

    private templateDecl = this.RULE("templateDecl", () => {
      this.CONSUME(K.per);
      this.CONSUME(K.item);
      this.CONSUME(K.criteria);
      this.CONSUME(K.from);
      this.CONSUME(Name, { LABEL: "field" });
      this.MANY(() =>
        this.OR([
          { ALT: () => this.CONSUME(K.binary) },
          { ALT: () => this.CONSUME(K.checklist) },
          { ALT: () => this.SUBRULE(this.evidenceRule) },
          { ALT: () => this.SUBRULE(this.evidencePolicy) },
        ]),
      );
      this.CONSUME(K.end);
    });
  }

  return new RubricParser();
}

/**
 * One instance, reused (Chevrotain parsers are built once and reset per input); built on first
 * parse, since its self-analysis and Chevrotain's own loading are most of what syntax/ costs.
 */
export const rubricParser = lazy(() => buildParser(false));

/** A parser built with Chevrotain's grammar validations on: throws if the grammar has a defect. */
export const validatedParser = (): RubricParser => buildParser(true);

export type { CstNode, IToken };
