/*
 * vspec_int.h: declarations shared by the vspec files only (the front half
 * of the verifier; never included from outside src/verify/vspec_*.c).
 *
 * Files, by concern (each is one step of the pipeline):
 *   vspec_lex.c    annotation and model text -> tokens (with spans into the
 *                  Pancake source or the model file), `define` expansion
 *   vspec_parse.c  tokens -> PNode/PStmt/PDecl trees: one Pratt expression
 *                  parser with two modes (annotation, Viper), statements,
 *                  top-level forms of both languages
 *   vspec_type.c   PNode -> VExpr: names, types, explicit coercions
 *   vspec_decl.c   declarations: signatures, bodies, model methods,
 *                  domains, shared regions, ffi, recursion
 *   vspec_body.c   Pancake function bodies: scopes, hoisting, placement
 *   vspec_print.c  vexpr_print, lookups, vspec_build/vspec_free
 *
 * The parse trees (P*) are untyped and unresolved; they live in the
 * VSpec's arena like everything else, so nothing is freed node by node.
 */
#ifndef GRIDDLE_VSPEC_INT_H
#define GRIDDLE_VSPEC_INT_H

#include "check/check.h"
#include "verify/vast.h"

/* ---- tokens ------------------------------------------------------------ */

typedef enum VTokKind {
    VT_EOF, VT_IDENT, VT_NUM, VT_BASE, VT_BIW,
    /* punctuation, longest first where prefixes overlap */
    VT_IFF, VT_IMPL, VT_VEQ, VT_VNE, VT_LSR, VT_LEU, VT_GEU, VT_DOTDOTEQ,
    VT_EQ, VT_NE, VT_LE, VT_GE, VT_LTU, VT_GTU, VT_SHL, VT_ASR, VT_ANDAND,
    VT_OROR, VT_COLCOL, VT_ASSIGN, VT_DOTDOT, VT_PLUSPLUS,
    VT_LPAREN, VT_RPAREN, VT_LBRACK, VT_RBRACK, VT_LBRACE, VT_RBRACE, VT_LT,
    VT_GT, VT_COMMA, VT_COLON, VT_DOT, VT_QUEST, VT_BANG, VT_MINUS, VT_PLUS,
    VT_STAR, VT_SLASH, VT_BSLASH, VT_PERCENT, VT_AMP, VT_BAR, VT_CARET, VT_SEMI,
    VT__COUNT
} VTokKind;

typedef struct VTok {
    VTokKind kind;
    Span span;
    Sym text;          /* IDENT: the name; NUM: the digits as written */
    uint64_t val;      /* NUM: value (if !big) */
    const char *big;   /* NUM: decimal text when >= 2^63 */
} VTok;

typedef VEC(VTok) VTokVec;

const char *vtok_text(VTokKind k);

/* Where the text of an annotation or model file starts. */
typedef struct VTextPos { uint32_t file, line, col; } VTextPos;

typedef struct VSCtx VSCtx;

/* Lexes text (annotation mode: `\n`, `\t`, `\r` escapes are whitespace and
 * identifiers cannot start with '_'). Returns false after one located
 * error. */
bool vlex(VSCtx *c, const char *text, size_t len, VTextPos at, bool viper, VTokVec *out);

/* ---- parse trees ------------------------------------------------------- */

typedef enum PKind {
    P_NUM, P_BOOL, P_NULL, P_IDENT,      /* IDENT includes heap, retval, result, write... */
    P_UN,        /* op: '!' or '-' (VTokKind), a */
    P_BIN,       /* op (VTokKind or a PBinWord), a, b */
    P_TERN,      /* a ? b : c */
    P_CALL,      /* name(args); targs: Seq[T]() / Set[T]() type argument */
    P_SFIELD,    /* a.N: index */
    P_FIELD,     /* a.name */
    P_INDEX,     /* a[b] */
    P_SLICE,     /* a[b..c] (b/c may be NULL), incl: ..= */
    P_UPDATE,    /* a[b := c] */
    P_SHIFT,     /* a << b etc (b a literal in annotation mode): op */
    P_STRUCT,    /* < args > */
    P_LEN,       /* |a| */
    P_ACC,       /* acc(a [, b]) */
    P_OLD,       /* old(a) */
    P_UNFOLDING, /* unfolding a in b (a: P_CALL or P_ACC) */
    P_LET,       /* let name == (a) in b */
    P_QUANT,     /* forall/exists decls :: triggers body(a) */
    P_PERMKW,    /* write/read/none/wildcard in a permission position: name */
} PKind;

/* Binary operators spelled as words (Viper). */
enum { PB_IN = VT__COUNT + 1, PB_UNION, PB_INTERSECT, PB_SETMINUS, PB_SUBSET };

typedef struct PNode PNode;
typedef struct PType PType;

typedef struct PDeclVar { Sym name; Span span; PType *type; } PDeclVar;
typedef struct PDeclVars { PDeclVar *v; uint32_t n; } PDeclVars;

typedef enum PTypeKind { PT_INT, PT_BOOL, PT_PERM, PT_REF, PT_IARRAY, PT_SEQ, PT_SET,
                         PT_MAP, PT_SHAPE, PT_NAMED } PTypeKind;
struct PType {
    PTypeKind kind;
    Span span;
    PType *a, *b;      /* SEQ/SET elem, MAP key/value */
    Shape *shape;      /* SHAPE (never the shape 1: that is PT_INT) */
    Sym name;          /* NAMED: a domain type */
};

typedef struct PList { PNode **v; uint32_t n; } PList;

struct PNode {
    PKind kind;
    int op;
    Span span;
    Span nspan;        /* FIELD/SFIELD: the field's name or number */
    PNode *a, *b, *c;
    Sym name;
    uint64_t val;
    const char *big;
    bool incl, exists;
    bool paren;        /* written in parentheses (stops comparison chains) */
    Span pspan;        /* paren: the span with its parentheses (see outer_span) */
    bool chain;        /* the && of a comparison chain a < b < c */
    PList args;
    PType *targ;
    PDeclVars vars;    /* QUANT */
    PList *trig; uint32_t ntrig;
};

typedef enum PStmtKind {
    PS_REQUIRES, PS_ENSURES, PS_INVARIANT, PS_TRUSTED, PS_BITVECTOR,
    PS_ASSERT, PS_ASSUME, PS_REFUTE, PS_INHALE, PS_EXHALE, PS_FOLD, PS_UNFOLD, PS_USE,
    PS_VAR, PS_ASSIGN, PS_CALL, PS_IF, PS_WHILE, PS_LABEL, PS_GOTO, PS_BLOCK,
} PStmtKind;

typedef struct PStmt PStmt;
typedef struct PBlock { PStmt **v; uint32_t n; Span end; /* the closing brace */ } PBlock;

struct PStmt {
    PStmtKind kind;
    Span span;
    PNode *e;          /* the expression; ASSIGN: the value */
    PList lhs;         /* ASSIGN: targets (1 unless a call) */
    Sym name;          /* USE, LABEL, GOTO, VAR; CALL: method */
    Span name_span;
    PType *type;       /* VAR */
    PList args;        /* CALL */
    PBlock then, els;  /* IF (elseif nested in els), WHILE body, BLOCK */
    PList invs;        /* WHILE */
};

typedef enum PDeclKind {
    PD_PRED, PD_FUNC, PD_METHOD, PD_FIELD, PD_DOMAIN,
    PD_MODEL_PRED, PD_MODEL_FIELD, PD_EXTERN_PRED, PD_EXTERN_FIELD, PD_EXTERN_FUNC,
    PD_FFI, PD_SHARED, PD_STMT,       /* a statement annotation at top level */
} PDeclKind;

typedef struct PDecl PDecl;
struct PDecl {
    PDeclKind kind;
    Span span;         /* the whole declaration */
    Sym name;
    Span name_span;
    VOrigin origin;
    PDeclVars params, rets;
    PType *type;       /* FUNC: result; FIELD: type */
    PList requires, ensures;
    PNode *body;       /* PRED/FUNC */
    PBlock mbody;      /* METHOD */
    bool has_body;
    PList margs;       /* MODEL_PRED arguments */
    /* DOMAIN */
    PDecl **funcs; uint32_t nfuncs;
    struct PAxiom { Sym name; PNode *e; Span span; } *axioms; uint32_t naxioms;
    /* SHARED */
    bool rd, wr;
    uint8_t width;
    PNode *lo, *hi, *stride;
    /* STMT */
    PStmt *stmt;
};

typedef VEC(PDecl *) PDeclVec;
typedef VEC(VExpr *) VExprVec;

/* A `define` of a model file: parameters and the body's tokens. */
typedef struct VMacro {
    Sym name;
    Span span;
    Sym *params; uint32_t nparams;
    VTok *body; uint32_t nbody;
    bool is_block;     /* body is { ... } */
} VMacro;

/* Parses one Pancake annotation text: a statement annotation (one keyword
 * and its expression, `trusted`, `use NAME`) or a top-level form. */
PDecl *vparse_annot(VSCtx *c, const char *text, VTextPos at, bool toplevel);
/* Parses a model file (Viper subset) appending its declarations. */
bool vparse_model(VSCtx *c, const char *text, size_t len, uint32_t file, PDeclVec *out);

/* ---- the build context -------------------------------------------------- */

/* A Pancake variable visible at an annotation. */
typedef struct PVar { Sym name; uint32_t slot; bool global; const Shape *shape; } PVar;
typedef VEC(PVar) PVarVec;

typedef struct Bound { Sym name; uint32_t index; } Bound;

/* Where an expression is typed: decides which names it sees. */
typedef struct VEnv {
    VOrigin origin;        /* PANCAKE: annotation syntax, heap/model fields implicit */
    const FunDecl *fun;    /* Pancake function (retval's shape), or NULL */
    const PVar *pvars; uint32_t npvars;   /* visible Pancake variables */
    VLocals *locals;       /* the declaration's locals (params first); bound
                              variables are appended */
    uint32_t nvisible;     /* unused: visible locals are on VSCtx.bound */
    bool allow_retval, allow_result, allow_old, allow_perm;
    const VType *result;   /* type of `result` */
    const char *what;      /* "requires", "predicate body", ... for messages */
} VEnv;

struct VSCtx {
    VSpec *s;
    DiagList *dl;
    Interner *in;
    Arena *a;
    uint32_t nerr_start;
    size_t nerrors;
    /* parser state of the text being read: its tokens in a gap buffer
     * (tb[0, pos) are read, tb[tail, cap) are to come), so a macro
     * expansion costs its own size (vspec_parse.c) */
    VTok *tb; uint32_t cap, pos, tail;
    bool viper;            /* Viper (model) mode */
    bool perr;             /* a syntax error was reported in this text */
    int depth;
    VEC(VMacro) macros;
    uint64_t expanded;     /* tokens produced by macro expansion so far */
    /* typing */
    VEnv *env;
    VEC(Bound) bound;
    int tdepth;
    /* interned names */
    struct {
        Sym forall, exists, acc, old, unfolding, in, let, true_, false_, null, write, read,
            none, wildcard, heap, retval, result, alen, perm, Seq, Set, Map, Int, Bool, Perm,
            Ref, IArray, union_, intersection, setminus, subset, requires, ensures, invariant,
            trusted, assert, assume, refute, inhale, exhale, fold, unfold, use, predicate,
            function, method, model, field, extern_, ffi, shared, domain, axiom, define, var,
            returns, if_, elseif, else_, while_, label, goto_, bounded, bounded8, bounded16,
            bounded32, bounded64, r, w, rw, wr, u8, u16, u32, u64, import, new_, unique,
            decreases, bitvector;
    } k;
    const VType *t_int, *t_bool, *t_perm, *t_ref, *t_iarray;
    /* declarations by name */
    PDeclVec pdecls;       /* every parsed declaration, models first */
    PVarVec globals;       /* the Pancake globals, visible everywhere in annotations */
};

/* Diagnostics (verify.CODE). */
Diag *verr(VSCtx *c, const char *code, const Span *at, const char *fmt, ...) PRINTF_LIKE(4, 5);

/* vspec_type.c */
const VType *vtype_of(VSCtx *c, const PType *t);
const VType *vtype_new(VSCtx *c, VTypeKind k, const VType *elem, const VType *elem2);
const VType *vtype_shape(VSCtx *c, const Shape *sh);   /* ONE -> Int; resolves names */
bool vtype_eq(const VType *a, const VType *b);
void vtype_print(StrBuf *b, const VType *t);
/* Types an expression; assertion: permissions and predicate instances are
 * allowed (Bool result, Int coerced). NULL after an error. */
VExpr *vtype_assertion(VSCtx *c, PNode *n);
VExpr *vtype_pure(VSCtx *c, PNode *n, const VType *want);   /* want may be NULL */
VExpr *vexpr_new(VSCtx *c, VExprKind k, const VType *t, Span sp);
uint32_t vlocal_add(VSCtx *c, VLocals *l, Sym name, const VType *t, Span sp);
/* Constant value of a folded Int expression (shared addresses). */
bool vconst_eval(VSCtx *c, const VExpr *e, uint64_t *out);

/* Visits e and every subexpression, pre-order. */
void vexpr_walk(const VExpr *e, void (*f)(const VExpr *, void *), void *ud);
/* Types a fold/unfold argument: P(args) or acc(P(args), p). */
VExpr *vtype_foldarg(VSCtx *c, PNode *n);
/* Where the text of the annotation at span starts (after / @ or / * @). */
VTextPos vannot_pos(VSCtx *c, Span sp);

/* vspec_decl.c */
VPred *vfind_pred(const VSpec *s, Sym name);
VFunc *vfind_func(const VSpec *s, Sym name);
VMethod *vfind_method(const VSpec *s, Sym name);
VField *vfind_field(const VSpec *s, Sym name);
int32_t vfind_mfield(const VSpec *s, Sym name);
void vdecls_build(VSCtx *c);
VStmt *vtype_stmt_annot(VSCtx *c, PStmt *ps);   /* assert/assume/... in a Pancake body */

/* vspec_body.c */
void vbodies_build(VSCtx *c);

#endif
