/*
 * ir: the compiler's intermediate representation (docs/compiler.md).
 *
 * One IR serves from lowering to register allocation, QBE-style: a
 * function is a list of basic blocks (explicit CFG, each block ends in
 * one terminator), instructions are three-address over 64-bit words
 * held in virtual registers (non-SSA: a Pancake variable's word is one
 * vreg assigned wherever the variable is) or immediates. Structs do not
 * exist any more: lowering flattens every value to its words (the
 * word-level stage), so a struct variable is a run of vregs, a struct
 * argument several argument words.
 *
 * Passes, in order (each `void pass(IrFn *)`, dumpable with --dump):
 *   lower (ir_lower)   checked AST -> IR                      dump "ir"
 *   opt (ir_opt)       constant folding, copy propagation,
 *                      dead-code elimination, jump threading,
 *                      load elimination/forwarding (mem.c),
 *                      licm, unrolling (unroll.c)             dump "opt"
 * then the target's instruction selection and register allocation
 * (src/target) rewrite the same structure (dumps "isel", "ra").
 * Shared-memory operations and FFI calls are never moved, merged or
 * removed by any pass (ir_has_effect).
 *
 * Depends on: check, front, util. Memory: an IrProg owns everything in its
 * arena and heap vectors; ir_free releases it. Global state: none.
 */
#ifndef GRIDDLE_IR_H
#define GRIDDLE_IR_H

#include "check/check.h"

/* Opcodes: name, number of value operands read (a, b), has a dst. */
#define IR_OPS(X)                                                              \
    X(MOV, 1, 1)      /* d = a */                                              \
    X(ADD, 2, 1) X(SUB, 2, 1) X(MUL, 2, 1) X(AND, 2, 1) X(OR, 2, 1)            \
    X(XOR, 2, 1) X(SHL, 2, 1) X(LSR, 2, 1) X(ASR, 2, 1) X(ROR, 2, 1)           \
    X(SETCC, 2, 1)    /* d = (a cc b) ? 1 : 0 */                               \
    X(LOAD, 1, 1)     /* d = zero-extended `width` bytes at a + disp (local) */\
    X(STORE, 2, 0)    /* low `width` bytes of b to a + disp (local) */         \
    X(SHLOAD, 1, 1)   /* shared load: one access of exactly `width` bytes */   \
    X(SHSTORE, 2, 0)  /* shared store: one access of exactly `width` bytes */  \
    X(BASE, 0, 1)     /* d = @base */                                          \
    X(TOP, 0, 1)      /* d = @top */                                           \
    X(FFI, 0, 0)      /* ffiNAME(list[0..4]) */                                \
    X(CALL, 0, 0)     /* list[0..nargs) -> fn callee -> results list[nargs..] */\
    X(GETX, 0, 1)     /* d = word disp of the pending exception's payload */   \
    X(XMATCH, 0, 0)   /* rethrow unless the pending exception is callee */     \
    /* terminators */                                                          \
    X(JMP, 0, 0)      /* goto t */                                             \
    X(BR, 1, 0)       /* if a != 0 goto t else f */                            \
    X(BRCC, 2, 0)     /* if a cc b goto t else f (instruction selection) */    \
    X(BRTEST, 2, 0)   /* if (a & b) cc 0 goto t else f, cc eq/ne (isel) */     \
    X(RET, 0, 0)      /* return list[0..nargs) */                              \
    X(TAILCALL, 0, 0) /* return callee(list[0..nargs)) as a jump */            \
    X(TRYCALL, 0, 0)  /* CALL; normally goto t, on an exception goto f */      \
    X(THROW, 0, 0)    /* throw exception callee with payload list[0..nargs) */ \
    X(TRAP, 0, 0)     /* unreachable (the checker rules out falling off) */

typedef enum IrOp {
#define X(n, r, d) IR_##n,
    IR_OPS(X)
#undef X
    IR__COUNT
} IrOp;

/* Condition codes of SETCC/BRCC. */
typedef enum IrCc {
    CC_EQ, CC_NE, CC_LT, CC_GT, CC_LE, CC_GE, /* signed */
    CC_B, CC_A, CC_BE, CC_AE,                 /* unsigned */
} IrCc;

typedef enum OpndKind { OPND_NONE, OPND_VREG, OPND_IMM } OpndKind;

typedef struct Opnd {
    uint32_t kind; /* OpndKind */
    uint32_t v;    /* vreg number (>= 1) */
    uint64_t imm;
} Opnd;

typedef struct IrIns {
    uint8_t op;      /* IrOp */
    uint8_t cc;      /* IrCc */
    uint8_t width;   /* memory operations: 1, 2, 4, 8 */
    uint32_t dst;    /* vreg or 0 */
    Opnd a, b;
    Opnd x;          /* memory operations: index (instruction selection) */
    uint8_t scale;   /* ... times 1, 2, 4 or 8 */
    int64_t disp;    /* LOAD/STORE displacement; GETX: payload word */
    uint32_t list, nargs, nres; /* operands in IrFn.lists (args, then result vregs) */
    uint32_t callee; /* CALL/TAILCALL/TRYCALL: function index; THROW/XMATCH: exception */
    uint32_t t, f;   /* successor blocks */
    Sym name;        /* FFI: name without '@' */
    Span span;
} IrIns;

typedef struct IrBlock {
    VEC(IrIns) ins;
} IrBlock;

typedef struct IrFn {
    Sym name;
    uint32_t index;
    bool is_export, is_init, is_inline;
    uint32_t nparams;       /* parameter words: vregs 1..nparams */
    uint32_t nret;          /* return words */
    VEC(IrBlock) blocks;    /* block 0 is the entry */
    VEC(Opnd) lists;
    uint32_t nvregs;        /* vregs are 1..nvregs */
    Span span;
} IrFn;

typedef struct IrExn {
    Sym name;
    uint32_t words;
} IrExn;

typedef struct IrProg {
    VEC(IrFn *) fns;        /* by FunDecl.index; then the globals' initialiser */
    uint32_t main_fn;       /* index of main (user's, or the default one added) */
    uint32_t init_fn;       /* index of the globals' initialiser */
    uint32_t global_words;
    VEC(IrExn) exns;
    uint32_t max_words;     /* largest argument/return/payload list, in words */
} IrProg;

/* Lowers a checked program (and numbers its functions: FunDecl.index).
 * Never fails on a checked program. */
IrProg *ir_lower(Program *p);
void ir_free(IrProg *ir);

/* Inlines small leaf functions and `inline fun` at their CALL sites
 * (inline.c). */
void ir_inline(IrProg *ir);

/* Optimisation passes (opt.c); `level` 0 runs none. */
void ir_opt(IrFn *fn, int level);
/* Dead-code elimination alone (also run after instruction selection). */
void ir_dce(IrFn *fn);
/* Coalescing of single-use temporaries into their consumer's destination
 * (MOV consumers; with alu, also two-address arithmetic). */
void ir_coalesce(IrFn *fn, bool alu);

/* Does the instruction read/write the outside world, so that it must be
 * kept, in order? (shared memory, FFI, calls, stores, control). */
bool ir_has_effect(const IrIns *in);
bool ir_is_term(IrOp op);
/* Operand count read in a/b, and whether op defines dst. */
int ir_nreads(IrOp op);
bool ir_has_dst(IrOp op);
const char *ir_op_name(IrOp op);
const char *ir_cc_name(IrCc cc);

/* New vreg / block / instruction helpers (lower.c, opt.c, target). */
uint32_t ir_new_vreg(IrFn *fn);
uint32_t ir_new_block(IrFn *fn);
IrIns *ir_emit(IrFn *fn, uint32_t blk, IrOp op);
static inline Opnd ir_vreg(uint32_t v) { return (Opnd){OPND_VREG, v, 0}; }
static inline Opnd ir_imm(uint64_t x) { return (Opnd){OPND_IMM, 0, x}; }
/* Successors of a block (its terminator's), at most 2; returns the count. */
int ir_succs(const IrFn *fn, uint32_t blk, uint32_t out[2]);

/* Liveness over the CFG (live.c): one bitset of nvregs+1 bits per block. */
typedef struct Liveness {
    uint32_t words;         /* uint64_t words per set */
    uint64_t *in, *out;     /* nblocks * words each */
} Liveness;
void ir_liveness(const IrFn *fn, Liveness *lv);
void ir_liveness_free(Liveness *lv);
static inline bool ir_live_test(const uint64_t *set, uint32_t v) { return (set[v >> 6] >> (v & 63)) & 1; }
/* Calls f(ctx, vreg) for each vreg the instruction reads / writes. */
void ir_uses(const IrFn *fn, const IrIns *in, void (*f)(void *, uint32_t), void *ctx);
void ir_defs(const IrFn *fn, const IrIns *in, void (*f)(void *, uint32_t), void *ctx);
/* Does the instruction read / write vreg v? */
bool ir_reads(const IrFn *fn, const IrIns *in, uint32_t v);
bool ir_writes(const IrFn *fn, const IrIns *in, uint32_t v);
/* Renumbers the successors of every block's terminator: block b becomes
 * map[b]. */
void ir_retarget(IrFn *fn, const uint32_t *map);
/* Blocks reachable from the entry (caller frees). */
bool *ir_reachable(const IrFn *fn);

/* Checks the IR's invariants (verify.c): terminators end blocks and only
 * there, targets, vregs and operand lists in range, calls of existing
 * functions. On failure appends the reason to why. */
bool ir_verify(const IrFn *fn, uint32_t nfns, StrBuf *why);

/* Dumps a function as text (--dump). loc, if given, names each vreg's
 * location (register allocation); ctx is passed to it. */
void ir_dump_fn(const IrFn *fn, const IrProg *prog, StrBuf *out,
                const char *(*loc)(void *ctx, uint32_t vreg), void *ctx);

#endif
