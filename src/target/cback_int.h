/*
 * cback_int.h: declarations shared by the C back end's files only.
 *
 *   cback.c       program level: reachability, may-throw analysis, tail
 *                 call groups, prelude, cml_main, exported functions
 *   cback_fn.c    functions and statements
 *   cback_expr.c  expressions (every value is flattened to words)
 *
 * Calling conventions of the generated functions (tag-cback-conv):
 *   a function that cannot throw and returns one word:
 *       static uint64_t pk_fN_name(uint64_t params...)
 *   one that cannot throw and returns k > 1 words:
 *       static void pk_fN_name(uint64_t *pk_rv, uint64_t params...)
 *   one that may throw (status 0: returned into pk_rv[0..k); status
 *   i > 0: exception i-1 of the declaration order, payload in pk_x):
 *       static uint32_t pk_fN_name(uint64_t *pk_rv, uint64_t params...)
 * Parameters are the words of the Pancake parameters, flattened in order.
 *
 * Tail calls (tag-cback-tail): the functions linked by tail calls form a
 * graph; each strongly connected component of two or more functions is
 * merged into one C function (pk_gK) whose members' tail calls to each
 * other are assignments to the callee's parameters and a goto, and a
 * self tail call is a goto to the top of the function. Every other tail
 * call leaves a component of that graph for good, so a chain of tail
 * calls holds at most one C frame per component: the C stack stays
 * bounded by the program, never by the number of tail calls executed.
 */
#ifndef GRIDDLE_CBACK_INT_H
#define GRIDDLE_CBACK_INT_H

#include "target/cback.h"

typedef VEC(uint32_t) U32Vec;

typedef struct CFn {
    const FunDecl *d;
    uint32_t id;
    bool reach;          /* reachable from main or an export */
    bool throws;         /* may end with an exception (conservative) */
    bool self_tail;      /* has a tail call to itself (not merged) */
    int32_t group;       /* merged tail-call group, or -1 */
    uint32_t member;     /* index in its group */
    uint32_t ret_words;
    uint32_t param_words;
    uint32_t nslots;
    uint32_t *slot_words; /* per local slot (parameters first) */
    U32Vec tails;        /* callees of tail calls */
    U32Vec calls;        /* callees of every call */
    bool has_throw;      /* contains a throw statement */
    /* Tarjan's algorithm */
    int32_t idx, low;
    bool on_stack;
} CFn;

typedef struct CGroup {
    U32Vec members;
} CGroup;

typedef struct Cg {
    const Program *p;
    const CbackOpts *o;
    DiagList *dl;
    CFn *fns;             /* in declaration order: fns[FunDecl.index] */
    uint32_t nfns;
    CGroup *groups;
    uint32_t ngroups;
    int32_t main_fn;      /* -1: default main */
    uint32_t *gofs;       /* word offset of each global (by index) */
    uint32_t gwords;
    Sym *exns;            /* exception names in declaration order */
    uint32_t *exn_words;
    uint32_t nexns;
    VEC(Sym) ffis;        /* FFI names used, first use order */
    bool any_throw;       /* a reachable throw exists (pk_x is needed) */
    bool ok;
    /* per function being emitted */
    CFn *cur;
    char vpre[16];        /* variable prefix ("" or "mK_") */
    int indent;
    uint32_t need_r;      /* words of pk_r the body needs */
    bool need_st;         /* the body uses pk_rc */
    bool used_top;        /* the body jumps to pk_top */
} Cg;

/* cback.c */
uint32_t cg_words(const Cg *g, const Shape *s);
CFn *cg_fn(const Cg *g, const FunDecl *d);
uint32_t cg_exn_id(const Cg *g, Sym name); /* 1-based */
void cg_fn_name(const Cg *g, const CFn *f, StrBuf *b);

/* cback_prelude.c: the fixed start of every output */
extern const char cback_prelude[];

/* cback_expr.c */
/* Word w of e's (flattened) value as a C expression of type uint64_t. */
void cx_word(Cg *g, const Expr *e, uint32_t w, StrBuf *b);
void cx_var(Cg *g, uint32_t slot, uint32_t w, uint32_t nwords, StrBuf *b);
void cx_const(StrBuf *b, Word v);

/* cback_fn.c */
void cg_emit_fn(Cg *g, CFn *f, StrBuf *out);
void cg_emit_group(Cg *g, CGroup *gr, uint32_t k, StrBuf *out);
void cg_signature(Cg *g, CFn *f, StrBuf *b, bool named_params);
void cg_global_init(Cg *g, const GlobalDecl *gd, StrBuf *out);

#endif
