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

expr        : orExpr (QUESTION expr COLON expr)? ;
orExpr      : andExpr (OROR andExpr)* ;
andExpr     : eqExpr (ANDAND eqExpr)* ;
eqExpr      : relExpr (op+=(EQEQ | NEQ) relExpr)* ;
relExpr     : addExpr (op+=(LT | GT | LE | GE) addExpr)* ;
addExpr     : mulExpr (op+=(PLUS | MINUS) mulExpr)* ;
mulExpr     : unary (op+=(STAR | SLASH | PERCENT) unary)* ;
unary       : op=(BANG | MINUS) unary | postfix ;
postfix     : primary suffix* ;
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
