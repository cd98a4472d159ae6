/*
 * front: Pancake source text -> tokens -> AST, and AST -> canonical text.
 *
 *  - input: one or more files (or stdin), optionally run through the system
 *    C preprocessor; cpp's line markers map every location back to the
 *    original file and line (front_load);
 *  - lexer: the reference lexer's rules (pancake-language.md §1), plus the
 *    2024-era forms in compat mode (§6.1);
 *  - parser: the reference PEG (§2) by recursive descent with the PEG's
 *    ordered choice and backtracking where the grammar needs it;
 *  - AST: surface-level (keeps `&&`, `>`, `!` as written, so the formatter
 *    can print what the user wrote); the meaning of each node is the
 *    reference's desugaring, documented at the node kind;
 *  - fmt: prints an AST as canonical current-syntax Pancake.
 *
 * Depends on: util. Memory: every AST node lives in the Program's arena
 * and is freed by program_free. Global state: none.
 */
#ifndef GRIDDLE_FRONT_H
#define GRIDDLE_FRONT_H

#include "util/util.h"

/* Pancake word size. griddle targets 64-bit words (x64, arm8). */
#define PNK_WORD_BITS 64
#define PNK_WORD_BYTES 8
typedef uint64_t Word;

/* Largest shape (in words) a function may return or throw (§4.2). */
#define PNK_MAX_RETURN_WORDS 32
/* Deepest nesting of expressions/blocks accepted (a clear error beyond). */
#define PNK_MAX_NESTING 256

/* ---- tokens ---------------------------------------------------------- */

#define TOKEN_KINDS(X)                                                       \
    X(EOF, "end of input") X(ERROR, "invalid token")                         \
    X(INT, "integer") X(IDENT, "identifier") X(FFIID, "FFI name")           \
    X(ANNOT, "annotation")                                                   \
    /* keywords */                                                           \
    X(SKIP, "skip") X(ST, "st") X(STW, "stw") X(ST8, "st8") X(ST16, "st16")  \
    X(ST32, "st32") X(IF, "if") X(ELSE, "else") X(WHILE, "while")            \
    X(BREAK, "break") X(CONTINUE, "continue") X(THROW, "throw")              \
    X(RETURN, "return") X(TICK, "tick") X(VAR, "var") X(IN, "in")            \
    X(TRY, "try") X(CATCH, "catch") X(LDS, "lds") X(LDW, "ldw")              \
    X(LD8, "ld8") X(LD16, "ld16") X(LD32, "ld32") X(BASE, "@base")           \
    X(TOP, "@top") X(BIW, "@biw") X(TRUE, "true") X(FALSE, "false")          \
    X(FUN, "fun") X(EXPORT, "export") X(INLINE, "inline")                    \
    X(EXCEPTION, "exception") X(STRUCT, "struct")                            \
    /* compat-only keywords (2024-era) */                                    \
    X(STR, "str") X(STRB, "strb") X(LDB, "ldb") X(RAISE, "raise")           \
    /* single-character symbols */                                           \
    X(PLUS, "+") X(MINUS, "-") X(CARET, "^") X(STAR, "*") X(LPAREN, "(")     \
    X(RPAREN, ")") X(DOT, ".") X(COMMA, ",") X(SEMI, ";") X(COLON, ":")      \
    X(LBRACKET, "[") X(RBRACKET, "]") X(LBRACE, "{") X(RBRACE, "}")          \
    /* grouped symbols */                                                    \
    X(ANDAND, "&&") X(OROR, "||") X(AMP, "&") X(BAR, "|") X(EQEQ, "==")      \
    X(ARROW, "=>") X(NE, "!=") X(LT, "<") X(GT, ">") X(GE, ">=") X(LE, "<=") \
    X(LTU, "<+") X(GTU, ">+") X(GEU, ">=+") X(LEU, "<=+") X(BANG, "!")      \
    X(SHL, "<<") X(LSR, ">>>") X(ASR, ">>") X(ROR, "#>>") X(ASSIGN, "=")

typedef enum TokKind {
#define X(name, text) TOK_##name,
    TOKEN_KINDS(X)
#undef X
    TOK__COUNT
} TokKind;

const char *tok_kind_text(TokKind k);

typedef struct Token {
    Span span;
    uint16_t kind;     /* TokKind */
    uint16_t flags;
    union {
        Sym text;      /* IDENT/FFIID (without '@'): the name; ANNOT: the text */
        Word value;    /* INT: the value modulo 2^64 (negative literals wrapped) */
    };
} Token;

enum {
    TOKF_NEGATIVE = 1u << 0,  /* INT written with a leading '-' */
    TOKF_OVERFLOW = 1u << 1,  /* INT whose magnitude exceeds 2^64-1 */
    TOKF_LEGACY = 1u << 2,    /* compat-only spelling (e.g. <> for !=) */
    TOKF_NEWLINE = 1u << 3,   /* first token on its line */
};

/* Comments are kept beside the token stream so the formatter can keep them. */
typedef struct Comment {
    Span span;
    const char *text; /* full comment text including // or / * */
    size_t len;       /* bytes (a comment may contain NUL bytes) */
    uint32_t before_tok; /* index of the next token after the comment */
    bool own_line;       /* nothing but whitespace before it on its line */
} Comment;

typedef struct FrontOpts {
    bool compat;      /* accept the 2024-era dialect (§6.1) */
    bool keep_comments;
} FrontOpts;

typedef struct TokenList {
    VEC(Token) toks;
    VEC(Comment) comments;
} TokenList;

/* Lexes text (one file, or cpp output when cpp_markers is set, in which
 * case lines "# N \"file\" ..." move the location). Errors go to dl. */
void lex_text(const char *text, size_t len, uint32_t file, bool cpp_markers,
              const FrontOpts *o, Interner *in, SrcMgr *sm, Arena *arena,
              TokenList *out, DiagList *dl);

/* ---- shapes ---------------------------------------------------------- */

typedef enum ShapeKind { SHAPE_ONE, SHAPE_COMB, SHAPE_NAMED } ShapeKind;

typedef struct Shape Shape;
struct Shape {
    ShapeKind kind;
    uint32_t n;          /* COMB: element count */
    Shape **elems;       /* COMB: elements */
    Sym name;            /* NAMED: struct name */
    Span span;           /* where written (zero for inferred shapes) */
    bool from_int;       /* COMB written as an integer n >= 2 ({1,...,1}) */
};

/* ---- expressions ----------------------------------------------------- */

typedef enum ExprKind {
    E_CONST,     /* value */
    E_VAR,       /* name (resolved by the checker: var.global, var.slot) */
    E_STRUCT,    /* raw struct <a, b, ...>: list */
    E_NSTRUCT,   /* named struct Name<f = e, ...>: nstruct */
    E_FIELD,     /* e.N: field.e, field.index */
    E_NFIELD,    /* e.name: field.e, field.name */
    E_LOAD,      /* lds SHAPE e: load.shape, load.addr */
    E_LOAD8,     /* ld8 e: load.addr */
    E_LOAD32,    /* ld32 e: load.addr */
    E_ADD,       /* a + b + ...: list (n-ary, wraps) */
    E_SUB,       /* a - b: list (exactly 2) */
    E_MUL,       /* a * b: list (exactly 2, low 64 bits) */
    E_AND,       /* a & b & ...: list */
    E_OR,        /* a | b | ...: list */
    E_XOR,       /* a ^ b ^ ...: list */
    E_LAND,      /* a && b && ...: list; = And[a!=0, b!=0, ...] (no short circuit) */
    E_LOR,       /* a || b || ...: list; = (Or[a, b, ...]) != 0 (no short circuit) */
    E_NOT,       /* !e: unary; = (e == 0) */
    E_CMP,       /* binary a OP b, op is a CmpOp */
    E_SHIFT,     /* binary a OP b, op is a ShiftOp */
    E_BASE,      /* @base */
    E_TOP,       /* @top (the reference lexes it as @base: we follow the intent) */
    E_BIW,       /* @biw = 8 */
} ExprKind;

typedef enum CmpOp {
    CMP_EQ, CMP_NE,
    CMP_LT, CMP_GT, CMP_LE, CMP_GE,       /* signed */
    CMP_LTU, CMP_GTU, CMP_LEU, CMP_GEU,   /* unsigned (<+ >+ <=+ >=+) */
} CmpOp;

typedef enum ShiftOp { SH_LSL, SH_LSR, SH_ASR, SH_ROR } ShiftOp; /* << >>> >> #>> */

typedef struct Expr Expr;

typedef struct NField {
    Sym name;
    Span span;
    Expr *value;
    uint32_t index;      /* checker: position of the field in the declaration */
} NField;

struct Expr {
    ExprKind kind;
    uint8_t op;          /* CmpOp / ShiftOp; E_CONST: spelling (1 negative, 2 true, 3 false) */
    uint8_t parens;      /* written in parentheses (formatter keeps no info beyond this) */
    Span span;
    Shape *shape;        /* filled by the checker */
    union {
        Word value;                                  /* E_CONST */
        struct { Sym name; bool global; uint32_t slot; } var; /* E_VAR */
        struct { Expr **v; uint32_t n; } list;       /* E_STRUCT, operators */
        struct { Sym name; NField *v; uint32_t n; } nstruct; /* E_NSTRUCT */
        /* E_FIELD: index as written; E_NFIELD: name as written, and the
         * checker sets index (field position) and offset (in words). */
        struct { Expr *e; uint32_t index; Sym name; Span name_span; uint32_t offset; } field;
        struct { Shape *shape; Expr *addr; } load;   /* E_LOAD*, E_LOAD8/32 use addr */
        struct { Expr *a, *b; } bin;                 /* E_CMP, E_SHIFT */
        Expr *un;                                    /* E_NOT */
    } u;
};

/* ---- statements ------------------------------------------------------ */

typedef enum StmtKind {
    S_SKIP,
    S_DEC,       /* var SHAPE name = init; scope: rest of the enclosing block */
    S_DECCALL,   /* var SHAPE name = f(args); scope: rest of the block */
    S_ASSIGN,    /* name = e; */
    S_CALL,      /* f(args); / name = f(args); / return f(args); (call.kind) */
    S_STORE,     /* st a, v / st8 a, v / st32 a, v: store.width 0 (whole value), 1, 4 */
    S_SHLOAD,    /* !ldN name, addr: shmem.width 1/2/4/8, shmem.dest */
    S_SHSTORE,   /* !stN addr, value */
    S_IF,
    S_WHILE,
    S_BREAK,
    S_CONTINUE,
    S_TICK,
    S_FFI,       /* @name(c, clen, a, alen); */
    S_THROW,     /* throw E e; */
    S_RETURN,    /* return e; */
    S_TRY,       /* try [dest =] f(args) catch E => v { handler } */
    S_BLOCK,     /* { ... }; a nested scope */
    S_ANNOT,     /* a / @ ... @ / annotation: no meaning to the semantics */
} StmtKind;

typedef enum CallKind { CALL_STANDALONE, CALL_ASSIGN, CALL_TAIL } CallKind;

typedef struct Stmt Stmt;

typedef struct Block {
    Stmt **v;
    uint32_t n;
    Span span;           /* from '{' to '}' */
} Block;

typedef struct Call {
    Sym callee;
    Span callee_span;
    Expr **args;
    uint32_t nargs;
    bool addcarry;       /* callee is __add_with_carry__ */
    struct FunDecl *fn;  /* resolved by the checker */
} Call;

/* A variable reference in statement position (assignment destination,
 * shared-load destination, catch variable), resolved by the checker. */
typedef struct VarRef {
    Sym name;
    Span span;
    bool global;
    uint32_t slot;
} VarRef;

struct Stmt {
    StmtKind kind;
    Span span;
    union {
        struct { Shape *shape; bool shape_written; VarRef var; Expr *init; } dec; /* S_DEC */
        struct { Shape *shape; bool shape_written; VarRef var; Call call; } deccall;
        struct { VarRef var; Expr *e; } assign;
        struct { CallKind kind; VarRef dest; Call call; bool legacy_tail; } call;
        struct { uint8_t width; Expr *addr, *value; } store;
        struct { uint8_t width; VarRef dest; Expr *addr; Expr *value; } shmem;
        struct { Expr *cond; Block then, els; bool has_else; } if_;
        struct { Expr *cond; Block body; } while_;
        struct { Sym name; Span name_span; Expr *args[4]; } ffi;
        struct { Sym exn; Span exn_span; Expr *e; } throw_;
        struct { Expr *e; } ret;
        struct { bool has_dest; VarRef dest; Call call; Sym exn; Span exn_span;
                 VarRef catchvar; Block handler; } try_;
        Block block;
        struct { const char *text; } annot;
    } u;
};

/* ---- top-level declarations ----------------------------------------- */

typedef enum DeclKind { D_FUN, D_GLOBAL, D_EXN, D_STRUCT, D_ANNOT } DeclKind;

typedef struct Param {
    Shape *shape;
    bool shape_written;
    Sym name;
    Span span;
} Param;

typedef struct FunDecl {
    Sym name;
    Span name_span;
    bool is_inline, is_export;
    Param *params;
    uint32_t nparams;
    Shape *ret;              /* NULL only in compat mode before inference */
    bool ret_written;
    Block body;
    uint32_t nslots;         /* checker: local slots (params first) */
    uint32_t index;          /* checker: position among functions (0, 1, ...) */
} FunDecl;

typedef struct GlobalDecl {
    Shape *shape;
    bool shape_written;
    Sym name;
    Span name_span;
    Expr *init;
    uint32_t index;          /* checker: global slot */
} GlobalDecl;

typedef struct ExnDecl {
    Sym name;
    Span name_span;
    Shape *shape;
    bool implicit;           /* compat: auto-declared by a legacy raise */
} ExnDecl;

typedef struct StructDecl {
    Sym name;
    Span name_span;
    Param *fields;
    uint32_t nfields;
    uint32_t words;          /* checker: flattened size */
} StructDecl;

typedef struct Decl {
    DeclKind kind;
    Span span;
    union {
        FunDecl fun;
        GlobalDecl global;
        ExnDecl exn;
        StructDecl st;
        struct { const char *text; } annot;
    } u;
} Decl;

typedef struct Program {
    Arena arena;
    Interner *interner;      /* not owned */
    SrcMgr *srcmgr;          /* not owned */
    VEC(Decl *) decls;
    TokenList tokens;        /* kept for the formatter (comments) */
    bool compat;
    bool checked;            /* the checker ran without errors */
    uint32_t nglobals;       /* checker: number of global slots */
    uint32_t nfuns;          /* checker: number of functions (FunDecl.index < nfuns) */
} Program;

void program_free(Program *p);

/* Parses tokens into p (allocated by the caller, zeroed). Returns false if
 * any error was reported. Parsing continues after errors (recovery at the
 * next statement or declaration) so independent errors are all reported. */
bool parse_program(Program *p, const FrontOpts *o, DiagList *dl);

/* ---- loading sources ------------------------------------------------- */

typedef struct CppOpts {
    const char **include_dirs; size_t ninclude;
    const char **defines; size_t ndefine;   /* "NAME" or "NAME=VAL" */
    const char **undefs; size_t nundef;
    int force;  /* 1: always run cpp; -1: never; 0: when directives are present */
} CppOpts;

/* Reads, (optionally) preprocesses, lexes and parses the given files as one
 * program, in order. "-" is stdin. On success returns true; diagnostics go
 * to dl either way. p must be zeroed; its interner and srcmgr must be set. */
bool front_load(Program *p, const char **files, size_t nfiles, const FrontOpts *o,
                const CppOpts *cpp, DiagList *dl);

/* Lexes and parses text held in memory (no preprocessor) as a program
 * named name; the text is copied into the SrcMgr. Same contract as
 * front_load. */
bool front_load_text(Program *p, const char *name, const char *text, size_t len,
                     const FrontOpts *o, DiagList *dl);

/* Does this text contain C preprocessor directives (a line starting with
 * '#' followed by a directive name)? Returns the 1-based line, or 0. */
uint32_t front_has_directives(const char *text, size_t len);

/* ---- shapes and printing helpers ------------------------------------ */

Shape *shape_one(Arena *a);
Shape *shape_comb(Arena *a, Shape **elems, uint32_t n);
Shape *shape_named(Arena *a, Sym name);
bool shape_eq(const Shape *a, const Shape *b);
void shape_print(StrBuf *b, const Shape *s);

/* ---- formatter ------------------------------------------------------- */

/* Prints p as canonical current-syntax Pancake (comments kept where the
 * token stream still has them). */
void fmt_program(const Program *p, StrBuf *out);
/* The same with every operator application, load and '!' parenthesised. */
void fmt_program_explicit(const Program *p, StrBuf *out);
void fmt_expr(const Expr *e, StrBuf *out);

/* Structural AST equality ignoring locations and parentheses; used by the
 * formatter round-trip tests. On a difference, *where gets a span. */
bool ast_equal(const Program *a, const Program *b, Span *where);

#endif
