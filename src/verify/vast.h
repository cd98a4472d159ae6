/*
 * vast.h: the specification language of `griddle verify`, as data.
 *
 * This header is the contract between the two halves of the verifier:
 *
 *   vspec (src/verify/vspec_*.c): parses the annotations of a checked
 *     Pancake program (the text of S_ANNOT statements and D_ANNOT
 *     declarations, verifier.md §1) and the model files given with -m/-I (a
 *     Viper subset, verifier.md §7.1 item 3) into the tree below; expands
 *     `define` macros; resolves every name (Pancake variables to their
 *     checker slots at that program point, bound variables, model fields,
 *     predicates, functions, methods, domain functions); types every
 *     expression and makes every coercion explicit (VX_TOBOOL); folds
 *     `shared` addresses to numbers; hoists requires/ensures/invariant to
 *     their function or loop; reports every problem at a source location.
 *
 *   vgen (src/verify/vgen_*.c, smt_*.c): symbolic execution of the Pancake
 *     body and of model method bodies under this specification, to Z3.
 *
 * After a successful vspec_build the tree is well-typed: vgen may assert
 * on (not diagnose) anything this header says vspec guarantees.
 *
 * Depends on: util, front (AST, spans), check (slots and shapes).
 * Memory: every node lives in VSpec.arena, freed by vspec_free.
 */
#ifndef GRIDDLE_VAST_H
#define GRIDDLE_VAST_H

#include "front/front.h"

/* ---- types ------------------------------------------------------------ */

typedef enum VTypeKind {
    VT_INT,
    VT_BOOL,
    VT_PERM,     /* Viper Perm (a rational) */
    VT_REF,
    VT_IARRAY,   /* the IArray domain: slot(a,i), alen(a), first(r), second(r) */
    VT_SEQ,      /* Seq[elem] */
    VT_SET,      /* Set[elem] */
    VT_MAP,      /* Map[elem, elem2] (parsed; vgen may reject as unsupported) */
    VT_SHAPE,    /* a Pancake struct value of this shape (never SHAPE_ONE: that is VT_INT) */
    VT_DOMAIN,   /* a user domain type: name */
} VTypeKind;

typedef struct VType VType;
struct VType {
    VTypeKind kind;
    const VType *elem, *elem2;
    const Shape *shape;          /* VT_SHAPE: resolved (no SHAPE_NAMED left) */
    uint32_t words;              /* VT_SHAPE: flattened size */
    Sym name;                    /* VT_DOMAIN; VT_SHAPE: the Pancake struct's name when
                                    the value has a named struct shape, else NULL */
};

/* ---- expressions ------------------------------------------------------- */

typedef enum VExprKind {
    VX_INT,        /* lit: the value; lit.big holds its decimal text when it does
                      not fit in int64_t (e.g. 18446744073709551616) */
    VX_BOOL,       /* bval */
    VX_PERMLIT,    /* num/den (write = 1/1, read = 1/2, none = 0/1) */
    VX_WILDCARD,   /* wildcard permission */
    VX_NULL,       /* Viper null */

    VX_PVAR,       /* a Pancake local or parameter: pvar.slot (checker slot), pvar.name */
    VX_PGLOBAL,    /* a Pancake global: pvar.slot = global index */
    VX_RETVAL,     /* retval of the enclosing Pancake function */
    VX_RESULT,     /* result of the enclosing spec function */
    VX_HEAP,       /* the Pancake heap as an IArray (only as the base of VX_INDEX/alen/acc) */
    VX_LOCAL,      /* a Viper local/param/return of a model method/function/predicate,
                      or a bound variable (quantifier, let): local.index into the
                      enclosing declaration's VSpecLocal table */
    VX_MFIELD,     /* a `model field` parameter (an implicit Ref): mfield = its index */

    VX_UNOP,       /* un.op, un.a: VU_* */
    VX_BINOP,      /* bin.op, bin.a, bin.b: VB_* (operands already coerced) */
    VX_TOBOOL,     /* un.a (Int) != 0: the coercion of §1.3, explicit */
    VX_COND,       /* cond ? a : b: tern.c, tern.a, tern.b */
    VX_FIELD,      /* Viper field read: fld.recv . fld.field */
    VX_INDEX,      /* idx.base[idx.index]: base is VX_HEAP or an IArray (means
                      slot(base,i).heap_elem / the IArray's element field), or a Seq */
    VX_SEQSLICE,   /* s[lo..hi] on a Seq (hi exclusive; either may be NULL) */
    VX_SEQUPDATE,  /* s[i := v] */
    VX_SEQLIT,     /* Seq(e, ...) or Seq[T]() (list.n == 0, type says T) */
    VX_SETLIT,     /* Set(e, ...) or Set[T]() */
    VX_LEN,        /* |s| (Seq or Set) or alen(a) on an IArray/heap: un.a */
    VX_STRUCT,     /* Pancake struct literal < e, ... >: list (type VT_SHAPE) */
    VX_SFIELD,     /* Pancake field .N (or .name of a named struct) of a struct
                      value: sfld.e, sfld.index, sfld.offset/words = flattened
                      word range of the field */
    VX_CALL,       /* call of a spec function / domain function: call.fn, args */
    VX_PREDCALL,   /* predicate instance P(args) as an assertion (full permission) */
    VX_ACC,        /* acc(loc, perm): acc.loc is VX_INDEX (heap/IArray word), VX_FIELD,
                      or VX_PREDCALL; acc.perm NULL means write */
    VX_ACCSLICE,   /* acc(base[lo..hi], perm): slice.base (VX_HEAP or IArray), lo, hi
                      (exclusive; `..=` is normalised to hi+1) */
    VX_PERM,       /* perm(loc): current permission amount (models only) */
    VX_OLD,        /* old(e): un.a evaluated in the pre-state of the function/method */
    VX_UNFOLDING,  /* unfolding pred in body: unf.pred (VX_PREDCALL, maybe with perm
                      through unf.perm), unf.body */
    VX_LET,        /* let x == (e) in body: let.local, let.e, let.body */
    VX_QUANT,      /* forall/exists: quant.kind, quant.first/nvars (VX_LOCAL indices),
                      quant.triggers (each a list of expressions), quant.body */
} VExprKind;

typedef enum VUnOp { VU_NEG, VU_NOT } VUnOp;

typedef enum VBinOp {
    /* arithmetic on mathematical integers (annotation meaning, §1.3) */
    VB_ADD, VB_SUB, VB_MUL, VB_DIV, VB_MOD,       /* Viper / and % (Euclidean) */
    VB_PDIV,                                      /* Int/Int used as a Perm fraction */
    /* bit operations: 64-bit two's complement of the operands (§8.9: int2bv wraps) */
    VB_BAND, VB_BOR, VB_BXOR, VB_SHL, VB_LSHR, VB_ASHR,
    /* comparisons (Bool result); the annotation language's signed and
     * unsigned spellings both mean the integer comparison (§1.3) */
    VB_EQ, VB_NE,                                 /* on any equal types */
    VB_LT, VB_LE, VB_GT, VB_GE,
    /* logic */
    VB_AND, VB_OR, VB_IMPLIES, VB_IFF,
    /* sequences and sets */
    VB_CONCAT,                                    /* ++ */
    VB_IN,                                        /* e in s (Seq or Set) */
    VB_UNION, VB_INTERSECT, VB_SETMINUS, VB_SUBSET,
} VBinOp;

typedef struct VExpr VExpr;
typedef struct VFunc VFunc;
typedef struct VPred VPred;
typedef struct VField VField;

typedef struct VExprList { VExpr **v; uint32_t n; } VExprList;

typedef enum VQuantKind { VQ_FORALL, VQ_EXISTS } VQuantKind;

struct VExpr {
    VExprKind kind;
    const VType *type;   /* set by vspec; Bool for assertions (incl. acc) */
    Span span;           /* where the construct is written (in the annotation / model) */
    union {
        struct { int64_t v; const char *big; } lit;              /* VX_INT */
        bool bval;
        struct { int64_t num, den; } perm;                       /* VX_PERMLIT */
        struct { uint32_t slot; Sym name; } pvar;                /* VX_PVAR/VX_PGLOBAL */
        struct { uint32_t index; Sym name; } local;              /* VX_LOCAL (name: for printing) */
        uint32_t mfield;                                         /* VX_MFIELD */
        struct { VUnOp op; VExpr *a; } un;                       /* VX_UNOP/TOBOOL/LEN/OLD */
        struct { VBinOp op; VExpr *a, *b; } bin;                 /* VX_BINOP */
        struct { VExpr *c, *a, *b; } tern;                       /* VX_COND */
        struct { VExpr *recv; const VField *field; } fld;        /* VX_FIELD */
        struct { VExpr *base, *index; } idx;                     /* VX_INDEX */
        struct { VExpr *base, *lo, *hi, *perm; } slice;          /* VX_SEQSLICE/VX_ACCSLICE
                                                                    (perm: ACCSLICE only, NULL = write) */
        struct { VExpr *s, *i, *v; } upd;                        /* VX_SEQUPDATE */
        VExprList list;                                          /* literals, VX_STRUCT */
        struct { VExpr *e; uint32_t index, offset, words; } sfld; /* VX_SFIELD */
        struct { const VFunc *fn; const VPred *pred; VExprList args; } call; /* CALL/PREDCALL */
        struct { VExpr *loc, *perm; } acc;                       /* VX_ACC/VX_ACCSLICE perm */
        struct { VExpr *loc; } permof;                           /* VX_PERM */
        struct { VExpr *pred, *perm, *body; } unf;               /* VX_UNFOLDING */
        struct { uint32_t local; VExpr *e, *body; } let;         /* VX_LET */
        struct { VQuantKind kind; uint32_t first, nvars;
                 VExprList *triggers; uint32_t ntriggers; VExpr *body; } quant;
    } u;
};

/* ---- declarations ------------------------------------------------------ */

/* A named, typed variable of a spec declaration: parameter, return,
 * local variable of a method body, or bound variable. */
typedef struct VLocal {
    Sym name;
    const VType *type;
    Span span;
} VLocal;

typedef struct VLocals { VLocal *v; uint32_t n; } VLocals;

struct VField {            /* Viper `field f: T` (model files, extern field) */
    Sym name;
    const VType *type;
    Span span;
};

/* Where a declaration came from, for --tcb and error messages. */
typedef enum VOrigin { VO_PANCAKE, VO_MODEL } VOrigin;

struct VPred {             /* predicate NAME(params) [{ body }] */
    Sym name;
    Span span;
    VOrigin origin;
    VLocals locals;        /* params first (nparams), then bound variables */
    uint32_t nparams;
    VExpr *body;           /* NULL: abstract */
    bool is_model;         /* named by `model predicate`: conjoined to every
                              Pancake function's pre and post (with args margs) */
    VExprList margs;
    bool recursive;        /* vspec computes the call graph of predicates */
};

struct VFunc {             /* Viper function, extern function, domain function */
    Sym name;
    Span span;
    VOrigin origin;
    VLocals locals;        /* params first, then bound variables */
    uint32_t nparams;
    const VType *ret;
    VExprList requires, ensures;
    VExpr *body;           /* NULL: abstract (uninterpreted + ensures axioms) */
    bool is_domain;        /* declared in a domain: no implicit heap/model args */
    bool recursive;
};

typedef struct VStmt VStmt;
typedef struct VBlock { VStmt **v; uint32_t n; } VBlock;

typedef struct VMethod {   /* model method, or `method` annotation (abstract) */
    Sym name;
    Span span;
    VOrigin origin;
    VLocals locals;        /* params [0,nparams), returns [nparams,nparams+nrets), then locals */
    uint32_t nparams, nrets;
    VExprList requires, ensures;
    VBlock body;
    Span body_end;         /* the body's closing brace (where its postcondition is checked) */
    bool has_body;         /* body verified with the model (incl. refute false) */
} VMethod;

typedef struct VAxiom {
    Sym name; VExpr *e; Span span;
    VLocals locals;        /* its bound variables (VX_LOCAL indices of e) */
} VAxiom;

typedef struct VDomain {
    Sym name;
    Span span;
    VFunc **funcs; uint32_t nfuncs;
    VAxiom *axioms; uint32_t naxioms;
} VDomain;

/* `shared (r|w|rw) uN NAME[ADDR | LO..HI | LO..HI:STRIDE]` (§1.5). */
typedef struct VShared {
    Sym name;
    Span span;
    bool read, write;
    uint8_t width;         /* bytes: 1, 2, 4, 8 */
    uint64_t lo, hi, stride; /* addresses lo, lo+stride, ... < hi; single: hi = lo+1, stride = 1 */
    const VMethod *load, *store; /* load_NAME / store_NAME, resolved (NULL if the
                                    direction is not declared) */
} VShared;

/* `ffi NAME`: the Pancake FFI call @NAME calls model method NAME; without
 * it, @NAME calls method `ffiNAME` if declared (§1.5). */
typedef struct VFfi { Sym name; const VMethod *method; Span span; } VFfi;

/* ---- model-method and annotation statements --------------------------- */

typedef enum VStmtKind {
    VS_ASSERT, VS_ASSUME, VS_REFUTE, VS_INHALE, VS_EXHALE,   /* e */
    VS_FOLD, VS_UNFOLD,    /* e: VX_PREDCALL or VX_ACC of one (fractional) */
    VS_USE,                /* use NAME: next shared access uses shared (Pancake only) */
    VS_VARDECL,            /* var x: T [:= e]: local, e (models only) */
    VS_ASSIGN,             /* x := e: local, e */
    VS_FIELDASSIGN,        /* recv.f := e: lhs (a VX_FIELD or VX_INDEX on IArray), e */
    VS_CALL,               /* [x, y :=] m(args): method, args, targets (local indices) */
    VS_IF,                 /* if (e) {then} [else {els}] (elseif nested in els) */
    VS_WHILE,              /* while (e) invariant ... { body } */
    VS_LABEL,              /* label NAME (old[NAME] is not supported: vspec rejects) */
    VS_GOTO,               /* goto NAME: forward, to a label of an enclosing block
                              (vspec checks), leaving `loops_out` while loops */
} VStmtKind;

struct VStmt {
    VStmtKind kind;
    Span span;
    VExpr *e;
    uint32_t local;
    VExpr *lhs;
    const VMethod *method;
    VExprList args;
    uint32_t *targets; uint32_t ntargets;
    VBlock then, els;
    VExprList invariants;
    const VShared *use;    /* VS_USE */
    Sym label;             /* VS_LABEL, VS_GOTO */
    uint32_t loops_out;    /* VS_GOTO */
};

/* ---- the specification of the Pancake program ------------------------- */

/* A statement annotation attached to a Pancake S_ANNOT statement:
 * assert/assume/refute/inhale/exhale/fold/unfold/use. requires, ensures,
 * invariant and trusted are hoisted (VFunSpec, VLoopSpec) and do not
 * appear here. */
typedef struct VAnnotStmt {
    const Stmt *at;        /* the S_ANNOT statement */
    VStmt stmt;
} VAnnotStmt;

typedef struct VLoopSpec {
    const Stmt *loop;      /* the S_WHILE */
    VExprList invariants;
} VLoopSpec;

typedef struct VFunSpec {
    const FunDecl *fun;
    VExprList requires, ensures;   /* user's clauses, each a Bool VExpr */
    bool trusted;
    Span trusted_span;
    bool bitvector;        /* `bitvector`: words as 64-bit vectors (smt_bv.c) */
    VLocals locals;        /* bound variables used in this function's annotations */
} VFunSpec;

typedef struct VOpts {
    const char **models; size_t nmodels;     /* -m / -I files, in order */
    uint64_t heap_words;                     /* alen(heap) (default 16384/8? see docs) */
    bool allow_undefined_shared;
    /* An extra model given as text (tests, fuzzing), read after the files
     * under the name model_text_name (default "<model>"). */
    const char *model_text; size_t model_text_len; const char *model_text_name;
} VOpts;

typedef struct VSpec {
    Arena arena;
    const Program *prog;   /* not owned; checked */
    SrcMgr *srcmgr;        /* model files are added here, so spans render */
    VOpts opts;

    VEC(VField *) fields;
    VEC(VPred *) preds;
    VEC(VFunc *) funcs;
    VEC(VMethod *) methods;
    VEC(VDomain *) domains;
    VEC(VShared *) shared;
    /* Every shared declaration whose addresses fold, its methods resolved
     * or not (load/store NULL when missing): what griddle compose binds a
     * contract's model to (read even after a failed build). */
    VEC(VShared *) shared_decls;
    VEC(VFfi *) ffis;
    VEC(Sym) model_fields;           /* `model field X`, in order (implicit Ref params) */
    VEC(VPred *) model_preds;        /* in order */

    VFunSpec *funs; uint32_t nfuns;  /* indexed by FunDecl.index */
    VEC(VLoopSpec) loops;
    VEC(VAnnotStmt) annots;
} VSpec;

/* Builds the specification of a checked program and its model files.
 * Returns false after reporting every error to dl (located). */
bool vspec_build(VSpec *out, const Program *prog, const VOpts *o, DiagList *dl);
void vspec_free(VSpec *s);

/* Lookups for vgen (NULL when absent). */
const VAnnotStmt *vspec_annot(const VSpec *s, const Stmt *annot_stmt);
const VLoopSpec *vspec_loop(const VSpec *s, const Stmt *while_stmt);
const VShared *vspec_shared_at(const VSpec *s, uint64_t addr, uint8_t width, bool store);
/* The shared-access dispatch, one definition for the verifier and the
 * Viper output: the method serving region r in one direction (NULL: none);
 * its number of addresses. A symbolic address a matches r by a
 * disjunction of equalities a == lo + k*stride when r has at most
 * VSHARED_LIST_MAX addresses, else by lo <= a < hi && (a - lo) % stride == 0
 * (verifier.md §2.9). */
#define VSHARED_LIST_MAX 3
const VMethod *vshared_method(const VShared *r, bool store);
uint64_t vshared_naddrs(const VShared *r);
/* The method an FFI call @name calls: the one named by `ffi name`, else
 * the method `ffiname`, else NULL (§1.5). */
const VMethod *vspec_ffi_method(const VSpec *s, Sym name);

/* The annotation language's spelling of a binary operator ("+", "==>",
 * "union", ...; VB_PDIV "/"). */
const char *vbinop_text(VBinOp op);
/* Prints an expression in the annotation language (for messages, --emit-viper):
 * fully parenthesised, coercions visible (tobool(e), frac(a, b) for VB_PDIV),
 * names resolved (x#slot3, g#global0, i#local2, dev#mfield0). */
void vexpr_print(StrBuf *b, const VSpec *s, const VExpr *e);
/* A type's text; viper: a shape as the Seq[Int] it is encoded as. */
void vtype_text(StrBuf *b, const VType *t, bool viper);
/* Prints the whole resolved specification (griddle verify --dump-spec;
 * format in docs/verifier-language.md). */
void vspec_dump(StrBuf *b, const VSpec *s);

/*
 * Conventions vspec guarantees (docs/verifier-language.md has the user's view):
 *
 *  - Implicit parameters. A predicate/function/method declared in a Pancake
 *    annotation (origin VO_PANCAKE) has the default parameters of
 *    pancake2viper (heap, then one Ref per model field in order) only
 *    implicitly: they are NOT in its locals; vgen supplies them. A model-file
 *    declaration (VO_MODEL) lists them as ordinary parameters. When a Pancake
 *    annotation calls a model declaration without them, vspec prepends
 *    VX_HEAP and the VX_MFIELDs to the call's arguments, so VX_CALL and
 *    VX_PREDCALL arguments always match the callee's parameters. Model
 *    declarations never refer to VO_PANCAKE ones. VX_HEAP therefore also
 *    appears as an argument for an IArray parameter.
 *  - Methods called implicitly (shared load_X/store_X, ffi): a VO_MODEL
 *    method takes heap and the model fields first, then (address) /
 *    (address, value) / the 4 FFI arguments; vspec has checked this shape.
 *  - VFunSpec.requires/ensures mention parameters (VX_PVAR, slot < nparams)
 *    and globals only; a parameter there means its value at entry.
 *    VFunSpec.locals holds the bound variables of all the function's
 *    annotations (clauses, invariants, statement annotations).
 *  - Loop invariants mention only variables in scope at their while.
 *    vspec_loop answers a VLoopSpec (maybe without invariants) for every
 *    while of every function; vspec_annot for every S_ANNOT holding
 *    assert/assume/refute/inhale/exhale/fold/unfold/use.
 *  - fold/unfold: e is VX_PREDCALL or VX_ACC whose loc is one.
 *  - `use NAME` with no shared region NAME: a VShared outside
 *    VSpec.shared with lo == hi == 0 (no addresses), width 0, and the
 *    load_NAME/store_NAME methods that exist.
 *  - Permissions: VB_ADD/VB_SUB/VB_MUL on Perm operands (VB_MUL also Int *
 *    Perm) have type Perm, as do VB_DIV of a Perm by an Int and VB_PDIV of
 *    two Ints; comparisons may compare Perms.
 *  - VB_EQ/VB_NE compare equal types only (shapes: equal shapes, compared
 *    word by word).
 *  - Prelude: unless the models declare them, a domain "IArray" with
 *    functions slot(a, i): Ref, first(r): IArray, second(r): Int (and the
 *    injectivity axiom) and `field heap_elem: Int` are declared (their spans
 *    are in the file "<prelude>"); VX_INDEX on an IArray is slot(a, i).heap_elem.
 *    pancake2viper's bv64_* functions are expanded into Int operations on
 *    the unsigned value (no VT for bit-vectors; docs/verifier-language.md).
 *  - Model-method locals are one table (VMethod.locals); a VS_VARDECL's
 *    local is fresh even when a sibling block reuses the name.
 */

/*
 * Locations. Spans of annotation expressions point into the Pancake source:
 * the S_ANNOT/D_ANNOT span's start plus the offset inside the annotation
 * text (newlines in the text advance the line). After cpp macro expansion
 * inside an annotation the column is that of the expanded text, which is
 * documented in docs/verifier.md. Spans in model files point into the model
 * file (added to the SrcMgr).
 *
 * Diagnostic codes of `griddle verify` (text: `FILE:L:C: error: MSG
 * [verify.CODE]`; the conformance suite in tests/verify matches on them):
 *   input errors (vspec):       verify.syntax, verify.type, verify.name,
 *                               verify.shared-decl, verify.placement
 *   verification failures (vgen), located at the construct that fails:
 *     assert       `assert e` does not hold (at e)
 *     refute       `refute e`: e holds on every path (at e)
 *     precondition a call's precondition (at the call; note: the clause and
 *                  where it is declared)
 *     postcondition an ensures clause (at the `return`, or at the function's
 *                  closing brace on fall-through; note: the clause)
 *     invariant-entry, invariant-preserved  (at the while / the continue or
 *                  end of body; note: the invariant)
 *     overflow     a word result outside [0, 2^64) (at the operator/literal)
 *     permission   a heap read/write without permission (at the access)
 *     exhale, fold, unfold   (at the statement)
 *     wellformed   a specification that is not well-defined (division by
 *                  zero, read without permission, function precondition)
 *     shared       a shared access no `shared` region/model method serves
 *     ffi          an FFI call's contract
 *     unreachable  the end of a function or a model method's `refute false`
 *                  is unreachable (vacuity)
 *     throw        a `throw` may be reached (verified functions are
 *                  exception-free; docs/verifier.md)
 *     unknown      the solver answered unknown or timed out (exit status 3)
 */

#endif
