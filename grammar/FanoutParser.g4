// The Fanout release language: HCL-like blocks, attributes and expressions.
//
// The grammar accepts a little more than is valid (an attribute at the top level, any
// block type, any label count): the checker reports those with names and positions,
// which reads far better than a syntax error would.
parser grammar FanoutParser;

options { tokenVocab = FanoutLexer; }

file      : item* EOF ;
item      : block | attribute ;
block     : type=ident label* LBRACE item* RBRACE ;
label     : ident | string ;
attribute : name=ident ASSIGN expr ;

// One rule, precedence by the order of its alternatives (the first binds tightest): ANTLR
// climbs it in a loop, so a plain value is two rule calls deep, not ten as with a rule per level.
expr        : primary                                       # atomExpr
            | expr suffix                                   # postfixExpr
            | op=(BANG | MINUS) expr                        # unaryExpr
            | expr op=(STAR | SLASH | PERCENT) expr         # mulExpr
            | expr op=(PLUS | MINUS) expr                   # addExpr
            | expr op=(LT | GT | LE | GE) expr              # relExpr
            | expr op=(EQEQ | NEQ) expr                     # eqExpr
            | expr op=ANDAND expr                           # andExpr
            | expr op=OROR expr                             # orExpr
            | <assoc=right> expr QUESTION expr COLON expr   # condExpr
            ;
suffix      : DOT ident            # getAttr
            | DOT NUMBER           # getIndexDot
            | LBRACK expr RBRACK   # getIndex
            | DOT STAR             # splat
            ;
primary     : NUMBER                        # number
            | (TRUE | FALSE)                # bool
            | NULL                          # null
            | string                        # text
            | forList                       # listFor
            | forMap                        # mapFor
            | LBRACK (expr (COMMA expr)* COMMA?)? RBRACK         # list
            | LBRACE (mapEntry (COMMA? mapEntry)* COMMA?)? RBRACE # map
            | name=IDENT LPAREN (expr (COMMA expr)* (COMMA | ELLIPSIS)?)? RPAREN # call
            | ident                         # variable
            | LPAREN expr RPAREN            # parens
            ;
string      : QUOTE part* (QUOTE_END | UNTERMINATED) ;
part        : TEXT                          # literalPart
            | INTERP_START expr RBRACE      # interpolation
            ;
mapEntry    : key=mapKey (ASSIGN | COLON) value=expr ;
mapKey      : ident | string | LPAREN expr RPAREN ;
forList     : LBRACK FOR ident (COMMA ident)? IN expr COLON expr (IF expr)? RBRACK ;
forMap      : LBRACE FOR ident (COMMA ident)? IN expr COLON expr FATARROW expr ELLIPSIS? (IF expr)? RBRACE ;
// Keywords are reserved only where they would be ambiguous.
ident       : IDENT | FOR | IN | IF ;
