// Tokens of the Fanout release language.
//
// Strings carry interpolation ("v${release.version}"), so the lexer keeps a mode stack:
// a quote enters TEMPLATE mode, "${" re-enters the default mode, and every brace pushes
// or pops so that a map literal inside an interpolation closes where it should.
lexer grammar FanoutLexer;

@members {
  // A stray closing brace at the top level must become a syntax error, not an
  // EmptyStackException from the runtime.
  @Override
  public int popMode() {
    return _modeStack.isEmpty() ? DEFAULT_MODE : super.popMode();
  }
}

LBRACE   : '{' -> pushMode(DEFAULT_MODE);
RBRACE   : '}' -> popMode;
LBRACK   : '[';
RBRACK   : ']';
LPAREN   : '(';
RPAREN   : ')';
COMMA    : ',';
DOT      : '.';
ELLIPSIS : '...';
FATARROW : '=>';
EQEQ     : '==';
NEQ      : '!=';
LE       : '<=';
GE       : '>=';
LT       : '<';
GT       : '>';
ANDAND   : '&&';
OROR     : '||';
BANG     : '!';
ASSIGN   : '=';
QUESTION : '?';
COLON    : ':';
PLUS     : '+';
MINUS    : '-';
STAR     : '*';
SLASH    : '/';
PERCENT  : '%';

TRUE  : 'true';
FALSE : 'false';
NULL  : 'null';
FOR   : 'for';
IN    : 'in';
IF    : 'if';

NUMBER : DIGIT+ ('.' DIGIT+)? ([eE] [+-]? DIGIT+)?;
IDENT  : [a-zA-Z_] [a-zA-Z0-9_-]*;

QUOTE : '"' -> pushMode(TEMPLATE);

LINE_COMMENT  : ('#' | '//') ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN);
NEWLINE       : NL -> channel(HIDDEN);
// Skipped, not hidden: nothing reads spaces back (the formatter lays lines out itself), and a
// token each was about a third of a large release's tokens.
WS            : [ \t\f\u00A0\uFEFF]+ -> skip;

// Anything else is one bad character: the parser reports it with its position.
// Only text without a "*/" may run to the end of the file: with '.*? EOF' this rule would
// out-match (longest match wins) every block comment that is followed by more text.
UNTERMINATED_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* EOF;
BAD_CHAR : .;

fragment DIGIT       : [0-9];
fragment NL          : '\r'? '\n';

mode TEMPLATE;
INTERP_START : '${' -> pushMode(DEFAULT_MODE);
// "$$" is a literal '$' (so "$${" writes "${"); a lone '$' may not be followed by '{' or
// '$', or "$$${x}" could split either way and the longest match would swallow the ${x}.
TEXT         : (~["\\$\r\n] | '\\' ~[\r\n] | '$$' | '$' { _input.LA(1) != '{' && _input.LA(1) != '$' }?)+;
QUOTE_END    : '"' -> popMode;
// A line break before the closing quote: the string was never closed.
UNTERMINATED : '\r'? '\n' -> popMode;
