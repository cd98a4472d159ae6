/*
 * check_int.h: declarations shared by the files of the checker only
 * (never included from outside src/check).
 *
 * Files, by concern:
 *   check.c   driver, declaration tables, top-level rules, public lookups
 *   symmap.c  Sym -> int hash map (generation-stamped, so clearing is O(1))
 *   scratch.c per-function scratch memory, rewound between functions
 *   shapes.c  shape well-formedness, sizes, printing, struct fields
 *   expr.c    expressions: shapes and basedness tags
 *   stmt.c    statements: declarations, assignments, calls, memory, try
 *   flow.c    blocks: reachability, exits, loops, missing return, legacy
 *             tail calls
 *   based.c   basedness tags (§4.4): merging, branch joins, warnings
 *   infer.c   compat inference (a worklist of quiet passes) and strict
 *             "(accepted with --compat)" hints
 *
 * Unknown shapes: a NULL Shape* means "unknown, already reported"; no rule
 * ever reports an error about a NULL shape, which is how one mistake gives
 * one diagnostic (tag-unknown-shape).
 */
#ifndef GRIDDLE_CHECK_INT_H
#define GRIDDLE_CHECK_INT_H

#include "check/check.h"

#include <stddef.h>

/* ---- symmap.c -------------------------------------------------------- */

/* Open-addressing map from interned names to non-negative ints. Clearing
 * bumps a generation counter instead of touching the slots. */
typedef struct SymMap {
    Sym *keys;
    int32_t *vals;
    uint32_t *gens;
    uint32_t cap, n, gen;
} SymMap;

void symmap_init(SymMap *m);
void symmap_free(SymMap *m);
void symmap_clear(SymMap *m);
int32_t symmap_get(const SymMap *m, Sym k); /* -1 if absent */
void symmap_put(SymMap *m, Sym k, int32_t v);

/* ---- scratch.c ------------------------------------------------------- */

typedef struct ScratchBlock ScratchBlock;
typedef struct Scratch {
    ScratchBlock *first, *cur;
    size_t used;
} Scratch;

void *scratch_alloc(Scratch *s, size_t n); /* not zeroed, 16-byte aligned */
char *scratch_printf(Scratch *s, const char *fmt, ...) PRINTF_LIKE(2, 3);
void scratch_reset(Scratch *s); /* everything allocated so far is dead */
void scratch_free(Scratch *s);

/* ---- the checking context ------------------------------------------- */

/* Basedness tags, ordered so that merging is max (§4.4:
 * Based > NotTrusted > Trusted > NotBased). */
typedef enum Based { B_NOTBASED, B_TRUSTED, B_NOTTRUSTED, B_BASED } Based;

/* What a statement ends with, for the unreachable-code warning (the
 * reference's last_stmt). L_INVIS: annotations and tick. */
typedef enum Last { L_OTHER, L_INVIS, L_RET, L_RAISE, L_TAIL, L_BREAK, L_CONT, L_COND } Last;

/* Reachability within a block: reachable, next counting statement gets
 * the warning, already warned. */
typedef enum Reach { R_IS, R_WARN, R_NOT } Reach;

typedef struct Flow {
    bool exits_fun;  /* every path returns, tail-calls or throws */
    bool exits_loop; /* every path breaks or continues */
    Last last;
} Flow;

/* Values bigger than this many words carry no per-word tags (they count
 * as Trusted), so nested structs of huge shapes cost nothing to track. */
#define MAX_TAGGED_WORDS 256

/* The value of an expression for the checker: its shape and the tag of
 * each of its words. tags == NULL means every word has `tag`. */
typedef struct EVal {
    Shape *sh;         /* NULL: unknown (already reported) */
    uint8_t tag;
    const uint8_t *tags;
    uint32_t n;        /* words */
} EVal;

typedef struct StructInfo {
    StructDecl *d;
    Shape *self;       /* Named shape of this struct */
    Shape **fields;    /* field shapes; NULL where not well-formed */
    uint32_t *offs;    /* word offset of each field */
    uint32_t words;
    SymMap *fmap;      /* field name -> position, for structs with many fields */
} StructInfo;

typedef struct GlobInfo {
    GlobalDecl *d;
    Shape *sh;         /* NULL where unknown */
} GlobInfo;

typedef struct ExnInfo {
    ExnDecl *d;
    Shape *sh;         /* NULL where not well-formed */
} ExnInfo;

typedef struct FunInfo {
    FunDecl *fn;
    Shape *ret;        /* NULL: not well-formed, or (compat) not inferred yet */
    bool ret_known;    /* ret is settled (declared or inferred) */
    bool inferred;     /* ret was inferred (compat) */
    Shape **params;    /* NULL where not well-formed */
    /* strict mode: what compat inference would pick (first return, or the
     * first tail-call target), for "(accepted with --compat)" hints */
    Shape *hint_ret;
    struct FunInfo *hint_tail;
    /* compat inference: functions whose check used this one's return
     * shape while it was unknown (they are checked again once it is) */
    VEC(uint32_t) waiters;
    bool queued;
} FunInfo;

typedef struct Local {
    Sym name;
    Span span;
    uint32_t slot;
    Shape *sh;
    uint32_t toff, tn; /* its word tags in Ctx.tags */
    int32_t prev;      /* index of the local it shadows, or -1 */
} Local;

/* A strict-mode error that may get "(accepted with --compat)" once we know
 * what compat would infer for an un-annotated function's return shape. */
typedef struct Hint {
    size_t diag;       /* index into dl->v */
    FunInfo *fun;      /* function whose inferred return shape decides */
    Shape *want;       /* ... it must equal this */
} Hint;

typedef enum WhereKind { W_TOP, W_FUN, W_GLOBAL, W_FIELD, W_EXN } WhereKind;

typedef struct Ctx {
    Program *p;
    const CheckOpts *o;
    DiagList *dl;
    Arena *a;          /* the Program's arena: annotations */
    Scratch scratch;   /* tags, snapshots, printed shapes; reset per function */
    bool quiet;        /* compat inference round: report nothing, and
                          write no inferred shape into the AST */
    VEC(uint32_t) queue; /* compat inference worklist */
    size_t nerrors;    /* errors reported (by this checker) */

    SymMap funmap, stmap, globmap, exnmap, locmap;
    SymMap tmpmap;     /* short-lived: duplicate detection within one list */
    VEC(FunInfo) funs;
    VEC(StructInfo) sts;
    VEC(GlobInfo) globs;
    VEC(ExnInfo) exns;
    VEC(Hint) hints;

    Shape *one, *pair;  /* shared 1 and {1,1} */
    Sym s_main, s_addcarry;

    /* where we are, for messages */
    WhereKind wk;
    Sym wname, wfield;

    /* per function */
    FunInfo *fi;
    VEC(Local) scope;
    VEC(uint8_t) tags;
    VEC(uint8_t) snaps;
    uint32_t nslots;
    bool in_loop;
    Reach reach;
    Last last_exit;
    Span last_exit_at; /* the statement after which code is unreachable */
} Ctx;

#define COMPAT_SUFFIX " (accepted with --compat)"

/* check.c: reporting. Return NULL when quiet or suppressed. */
Diag *cerror(Ctx *c, const char *code, const Span *at, const char *fmt, ...) PRINTF_LIKE(4, 5);
Diag *cwarn(Ctx *c, const char *code, const Span *at, const char *fmt, ...) PRINTF_LIKE(4, 5);
void cnote(Diag *d, const Span *at, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* "function f", "initialisation of global variable g", ... */
const char *where(Ctx *c);
FunInfo *find_fun(Ctx *c, Sym name);
StructInfo *find_struct(Ctx *c, Sym name);
ExnInfo *find_exn(Ctx *c, Sym name);
void declare_implicit_exn(Ctx *c, Sym name, Span at, Shape *sh);

/* shapes.c */
bool shape_valid(Ctx *c, Shape *s, const Span *fallback);
uint32_t shape_words(Ctx *c, const Shape *s);
const char *shstr(Ctx *c, const Shape *s);
bool shape_is_word(const Shape *s);
bool shapes_differ(const Shape *a, const Shape *b); /* both known and unequal */
int32_t struct_field(const StructInfo *si, Sym name);
/* For n items of `stride` bytes whose Sym name is at byte offset `at`:
 * per item, the index of an earlier item with the same name, or -1.
 * Linear time; the result lives in scratch. */
int32_t *find_repeats(Ctx *c, const void *items, size_t stride, size_t at, uint32_t n);
#define FIND_REPEATS(c, v, n, T) find_repeats((c), (v), sizeof(T), offsetof(T, name), (n))
bool span_eq(const Span *a, const Span *b);

/* expr.c */
EVal check_expr(Ctx *c, Expr *e);
/* Checks that v is a word; reports "<what> has shape S instead of a word",
 * with <what> formatted from fmt only then. False if not a known word. */
bool need_word(Ctx *c, EVal v, const Span *at, const char *fmt, ...) PRINTF_LIKE(4, 5);
EVal ev_unknown(void);
EVal ev_word(Ctx *c, Based tag);
EVal ev_uniform(Ctx *c, Shape *sh, Based tag);
uint8_t ev_tag(EVal v, uint32_t i);

/* stmt.c */
/* A declaration with an initialiser (a global, a local `var`, a declaring
 * call). */
typedef enum InitKind { INIT_GLOBAL, INIT_LOCAL, INIT_CALL, INIT_ADDCARRY } InitKind;
typedef struct Init {
    InitKind kind;
    Shape **slot;      /* the AST's shape (compat writes the inferred one) */
    bool written;
    Shape *want;       /* the declared shape if well-formed, else NULL */
    Shape *got;        /* the initialiser's */
    const Span *at;    /* where a mismatch is reported */
    Sym var, callee;
    FunInfo *fi;       /* the callee, if a declared function */
} Init;
/* The shape the declaration binds: the declared one, or in compat mode for
 * an un-annotated one the initialiser's. Reports a mismatch. */
Shape *decl_init_shape(Ctx *c, const Init *in);
Flow check_stmt(Ctx *c, Stmt *s);
void bind_local(Ctx *c, VarRef *v, Shape *sh, EVal val);
Local *lookup_local(Ctx *c, Sym name);

/* flow.c */
Flow check_block(Ctx *c, Block *b);
Flow check_if(Ctx *c, Stmt *s);
Flow check_while(Ctx *c, Stmt *s);
void check_body(Ctx *c, FunInfo *fi);
/* Can every non-exiting path of b be fixed by reading a final stand-alone
 * call as a tail call (pre-May-2024 semantics)? With apply, converts. */
bool legacy_tail_fixable(Block *b, bool apply);
bool block_exits(const Block *b);

/* based.c */
Based based_merge(Based a, Based b);
void local_addr_warn(Ctx *c, EVal addr, const Span *at);
void shared_addr_warn(Ctx *c, EVal addr, const Span *at);
/* The tags of every visible local, for branch joins. Snapshots live on a
 * stack (Ctx.snaps) and are released last-in first-out. */
typedef struct Snap {
    size_t off;
    size_t n;
} Snap;
Snap tags_snapshot(Ctx *c);
void tags_restore(Ctx *c, Snap s);
/* Where the current tags and `other` differ for a local, it becomes
 * NotTrusted (the reference's sh_bd_branch, per variable). */
void tags_join(Ctx *c, Snap other);
/* Releases s and every snapshot taken after it. */
void tags_release(Ctx *c, Snap s);
void local_set_tags(Ctx *c, Local *l, EVal v);
void local_set_uniform(Ctx *c, Local *l, Based tag);
EVal local_value(Ctx *c, const Local *l);

/* infer.c */
void infer_returns(Ctx *c);
/* A return of shape got in the current function: compat infers from it;
 * strict returns true if compat would accept got as the return shape. */
bool note_return(Ctx *c, Shape *got);
/* A tail call (or legacy tail call) of callee in the current function. */
void note_tail_target(Ctx *c, FunInfo *callee);
/* The current function depends on f's return shape, if f is still being
 * inferred. */
void wait_for(Ctx *c, FunInfo *f);
void add_hint(Ctx *c, Diag *d, FunInfo *fun, Shape *want);
void resolve_hints(Ctx *c);

#endif
