/* Private to src/front: parser state shared by parse.c and parse_expr.c. */
#ifndef GRIDDLE_FRONT_PARSE_INT_H
#define GRIDDLE_FRONT_PARSE_INT_H

#include "front.h"

/* Expectation categories beyond token kinds (for "expected ..." messages). */
enum {
    EXP_EXPR = TOK__COUNT,  /* an expression */
    EXP_SHAPE,              /* a shape */
    EXP_STMT,               /* a statement */
    EXP_DECL,               /* a top-level declaration */
    EXP_NAT,                /* a non-negative integer */
    EXP__COUNT
};

typedef VEC(Expr *) ExprVec;

typedef struct MemoEntry {
    uint32_t pos;      /* token index + 1 (0 = empty slot) */
    uint32_t end;      /* token index after the parse, or UINT32_MAX on failure */
    Expr *e;
} MemoEntry;

typedef struct Parser {
    Token *t;          /* tokens (ends with TOK_EOF) */
    uint32_t n, pos;
    Program *prog;
    Arena *a;
    const FrontOpts *o;
    DiagList *dl;
    /* furthest failure, for messages */
    uint32_t far;
    uint64_t expected[(EXP__COUNT + 63) / 64];
    const char *far_hint;    /* extra explanation for the failure at far */
    uint32_t depth;
    bool fatal;              /* nesting limit hit: stop parsing */
    bool any_error;
    bool reported;           /* an error was reported at last_report */
    uint32_t last_report;
    /* memo for struct-literal atoms (PEG backtracking stays linear) */
    MemoEntry *memo;
    uint32_t memo_cap, memo_n;
    Sym s_addcarry;
} Parser;

/* token helpers */
static inline Token *cur(Parser *p) { return &p->t[p->pos]; }
static inline TokKind kind_at(Parser *p, uint32_t i) { return i < p->n ? p->t[i].kind : TOK_EOF; }
static inline TokKind peek(Parser *p) { return p->t[p->pos].kind; }
static inline TokKind peek2(Parser *p) { return kind_at(p, p->pos + 1); }

void p_fail(Parser *p, unsigned what);
void p_hint(Parser *p, const char *hint);
bool p_accept(Parser *p, TokKind k);
bool p_expect(Parser *p, TokKind k);
Span p_span_from(Parser *p, uint32_t start_tok);
bool p_enter(Parser *p);
void p_leave(Parser *p);

Expr *parse_exp(Parser *p);
Shape *parse_shape(Parser *p);
Expr *new_expr(Parser *p, ExprKind k, uint32_t start_tok);

#endif
