/*
 * sem_int.h: declarations shared by the files of src/sem only.
 *
 *   compile.c  AST -> Fn/Ins/ENode (layouts, offsets, call sites)
 *   eval.c     expressions (eval_word / eval_into), local memory access
 *   exec.c     the dispatch loop: statements, calls, returns, exceptions
 *   memory.c   heap and globals area, heap-init, pokes, value stack
 *   shmem.c    shared-memory regions (plain and device plugins)
 *   ffi.c      FFI resolution (dlopen'ed libraries, built-ins) and calls
 *   trace.c    JSON Lines trace
 *   sem.c      public entry points, outcomes, the error boundary
 *   manifest.c command-line helpers (manifest, numbers)
 *
 * tag-sem-boundary: every runtime Error, TimeOut, uncaught exception and
 * FFI exit leaves the interpreter through sem_fail/sem_stop, which fill
 * Sem.out and longjmp to Sem.jb, set by run_protected in sem.c. That is the
 * only longjmp target; nothing between holds resources that need freeing.
 */
#ifndef GRIDDLE_SEM_INT_H
#define GRIDDLE_SEM_INT_H

#include "sem.h"
#include "pnk_device.h"

#include <setjmp.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "griddle run models a little-endian target and needs a little-endian host"
#endif

/* ---- compiled expressions ------------------------------------------- */

/* Every node knows the size of its value in words (from its static shape).
 * Word-sized nodes are evaluated by eval_word, all by eval_into.
 * exec.c's fast paths rely on EN_ADD2..EN_XOR2 and EN_EQ..EN_GEU being
 * contiguous ranges. */
typedef enum EnOp {
    EN_CONST,    /* k */
    EN_LOCAL,    /* fp[off .. off+words) */
    EN_GLOBAL,   /* globals[off .. off+words) */
    EN_ADD2, EN_SUB, EN_MUL, EN_AND2, EN_OR2, EN_XOR2,  /* a, b */
    EN_ADDN, EN_ANDN, EN_ORN, EN_XORN,                 /* kids[n] */
    EN_LAND, EN_LOR,                                   /* kids[n]: 0/1 */
    EN_NOT,                                            /* a */
    EN_EQ, EN_NE, EN_LT, EN_GT, EN_LE, EN_GE,          /* signed */
    EN_LTU, EN_GTU, EN_LEU, EN_GEU,                    /* unsigned */
    EN_CMPSTRUCT,  /* a, b are structs: evaluate both, then Error */
    EN_LSL, EN_LSR, EN_ASR, EN_ROR,                    /* a, b */
    EN_LOAD,     /* lds: a = address; words */
    EN_LOAD8,    /* ld8 a */
    EN_LOAD32,   /* ld32 a */
    EN_STRUCT,   /* kids[n] in layout order, concatenated */
    EN_FIELD,    /* a evaluated into fp[tmp ..), value = that[off .. off+words) */
} EnOp;

typedef struct ENode ENode;
struct ENode {
    uint8_t op;
    uint32_t words;
    uint32_t n;          /* kids */
    uint32_t off;        /* LOCAL/GLOBAL: word offset; FIELD: offset in a's value */
    uint32_t tmp;        /* FIELD, CMPSTRUCT: frame offset of scratch words */
    Word k;              /* CONST */
    ENode *a, *b;
    ENode **kids;
    Span span;
};

/* ---- compiled statements -------------------------------------------- */

typedef enum Op {
    OP_SET1_L,     /* fp[a] = word(e1) */
    OP_SET1_G,     /* G[a] = word(e1) */
    OP_SETN_L,     /* fp[a..a+b) = e1 (evaluated in place: no aliasing) */
    OP_SETN_G,
    OP_COPY_L,     /* fp[a..a+b) = e1, e1 a LOCAL/GLOBAL (memmove) */
    OP_COPY_G,
    OP_SETT_L,     /* fp[a..a+b) = e1 via scratch fp[c..) (may alias) */
    OP_SETT_G,
    OP_STORE1,     /* st e1, e2 (one word) */
    OP_STOREN,     /* st e1, e2 (b words; via scratch fp[c..) unless e2 is a variable) */
    OP_STORE8,     /* st8 e1, e2 */
    OP_STORE16,    /* (no surface syntax today) */
    OP_STORE32,    /* st32 e1, e2 */
    OP_SHLOAD,     /* !ldN: width; dest local (fp[a]) or global when c */
    OP_SHSTORE,    /* !stN e1, e2: width */
    OP_JMP,        /* pc = a */
    OP_JZ,         /* if !word(e1) pc = a */
    OP_WHILE,      /* if !word(e1) pc = a; else tick the clock */
    OP_TICK,
    OP_FFI,        /* p: FfiSite */
    OP_CALL,       /* p: CallSite */
    OP_TAILCALL,   /* p: CallSite */
    OP_ADDCARRY,   /* p: CallSite (callee NULL, dest local {1,1}) */
    OP_RET1,       /* return word(e1) */
    OP_RETN,       /* return e1 (b words) */
    OP_THROW,      /* throw exception a, value e1 (b words) */
    OP_FAIL,       /* runtime Error: reason p (const char *) */
    OP_HALT,       /* end of the global initialisers */
} Op;

typedef struct Ins {
    uint8_t op;
    uint8_t width;     /* shared and sub-word memory operations: bytes */
    uint32_t a, b, c;
    ENode *e1, *e2;
    void *p;
    Span span;
} Ins;

struct Fn;

typedef enum CallKind2 { CS_STANDALONE, CS_ASSIGN, CS_TRY } CallSiteKind;

typedef struct CallSite {
    struct Fn *callee;     /* NULL for __add_with_carry__ */
    ENode **args;
    uint32_t nargs;
    uint8_t kind;          /* CallSiteKind */
    bool has_dest, dest_global;
    uint32_t dest_off, dest_words;
    uint32_t exn;          /* CS_TRY: exception index */
    uint32_t catch_off, catch_words;
    uint32_t handler;      /* CS_TRY: pc of the handler block */
} CallSite;

typedef struct Fn {
    Sym name;
    const FunDecl *decl;   /* NULL for the global initialisers */
    Ins *code;
    uint32_t ncode;
    uint32_t frame_words;  /* locals and scratch */
    uint32_t nparams;
    uint32_t *param_off;   /* word offset of each parameter (params first) */
    uint32_t param_words;
    uint32_t ret_words;
    bool words_only;       /* every parameter and the result are one word */
} Fn;

typedef struct ExnInfo {
    Sym name;
    uint32_t words;
} ExnInfo;

/* ---- FFI ------------------------------------------------------------ */

typedef void (*FfiCFn)(unsigned char *c, long clen, unsigned char *a, long alen);

typedef enum FfiBuiltin { FFI_EXTERNAL, FFI_WRITE, FFI_READ, FFI_EXIT, FFI_PRINT_U64 } FfiBuiltin;

typedef struct FfiFn {
    Sym name;              /* without '@' */
    FfiCFn fn;             /* FFI_EXTERNAL */
    FfiBuiltin builtin;
} FfiFn;

typedef struct FfiSite {
    FfiFn *fn;
    ENode *args[4];
} FfiSite;

/* ---- shared memory -------------------------------------------------- */

typedef struct Region {
    Word base, size;
    uint8_t *mem;          /* plain memory, or NULL */
    const PnkDevice *dev;  /* device model, or NULL */
    void *inst;
    char *label;           /* for messages */
} Region;

/* ---- the interpreter ------------------------------------------------ */

typedef struct Frame {
    struct Fn *fn;
    Word *fp;
    const Ins *site;       /* the call in the caller; NULL for an entry frame */
} Frame;

struct Sem {
    Program *prog;
    SemConfig cfg;
    Arena arena;           /* compiled code and tables */
    DiagList *dl;          /* only during sem_new */

    /* memory (memory.c) */
    uint8_t *heap;         /* the host buffer: [base, top) user, then globals */
    size_t heap_bytes;     /* mapped size */
    Word base, top, size;  /* size = top - base */
    Word *globals;         /* = (Word *)top */
    uint32_t global_words;
    uint32_t *global_off;  /* per global index */
    uint32_t nglobals;

    /* code (compile.c) */
    Fn *fns;
    uint32_t nfns;
    Fn *main_fn;           /* NULL: default main */
    Fn init_fn;            /* the global initialisers */
    ExnInfo *exns;
    uint32_t nexns;

    /* stacks (exec.c) */
    Word *vstack, *vstack_end;
    size_t vstack_bytes;
    Frame *frames;
    size_t frames_bytes;
    uint32_t max_depth, depth;
    Word retbuf[PNK_MAX_RETURN_WORDS];
    Word excbuf[PNK_MAX_RETURN_WORDS];

    uint64_t fuel;
    uint64_t nstmts;
    bool globals_done, main_done;

    /* FFI (ffi.c) */
    void **libs;
    size_t nlibs;
    VEC(FfiFn *) ffis;

    /* shared memory (shmem.c) */
    Region *regions;
    size_t nregions;
    void **plugins;
    size_t nplugins;

    /* outcome (sem.c) */
    SemOutcome out;
    VEC(SemFrameLoc) stackv;
    StrBuf reason;
    Word payload[PNK_MAX_RETURN_WORDS];
    jmp_buf *jb;
    Sym init_name;
    FILE *trace;
    FILE *out_f, *in_f;
};

/* sem.c: leave the interpreter (tag-sem-boundary). */
NORETURN void sem_fail(Sem *s, const Span *span, const char *fmt, ...) PRINTF_LIKE(3, 4);
NORETURN void sem_stop(Sem *s, SemStatus st, const Span *span, const char *fmt, ...)
    PRINTF_LIKE(4, 5);
/* Records the Pancake call stack into s->out (innermost at span). */
void sem_capture_stack(Sem *s, const Span *span);

/* compile.c */
bool compile_layout(Sem *s);  /* before memory_init */
bool compile_code(Sem *s);    /* after memory_init, ffi_init */

/* eval.c */
Word eval_word(Sem *s, Word *fp, const ENode *e);
/* eval_word with the two commonest leaves inlined (no call). */
static inline Word ev(Sem *s, Word *fp, const ENode *e)
{
    if (e->op == EN_LOCAL) return fp[e->off];
    if (e->op == EN_CONST) return e->k;
    return eval_word(s, fp, e);
}
void eval_into(Sem *s, Word *fp, const ENode *e, Word *dst);
/* Local memory (memaddrs = aligned [base, top)): checked accesses. */
void mem_store_words(Sem *s, Word addr, const Word *v, uint32_t n, const Span *sp);
void mem_store_sub(Sem *s, Word addr, Word v, unsigned width, const Span *sp);
/* Is [addr, addr+len) inside [base, top)? (len 0: always) */
bool mem_range_ok(const Sem *s, Word addr, Word len);

/* exec.c */
/* Runs from the frame at depth-1 until the frame at depth `floor` returns
 * (its result in retbuf) or OP_HALT. */
void exec_run(Sem *s, uint32_t floor);

/* memory.c */
bool memory_init(Sem *s);
void memory_free(Sem *s);

/* shmem.c */
bool shmem_init(Sem *s);
void shmem_free(Sem *s);
Word shmem_load(Sem *s, Word addr, unsigned width, const Span *sp);
void shmem_store(Sem *s, Word addr, unsigned width, Word v, const Span *sp);

/* ffi.c */
bool ffi_init(Sem *s);
void ffi_free(Sem *s);
/* The FFI function for a name, resolving it on first use; NULL (after an
 * error at span in s->dl) if no library or built-in defines it. */
FfiFn *ffi_resolve(Sem *s, Sym name, const Span *span);
void ffi_call(Sem *s, const FfiSite *site, const Word w[4], const Span *sp);

/* trace.c */
void trace_ffi(Sem *s, Sym name, const Word w[4], const uint8_t *c, const uint8_t *a_before,
               const uint8_t *a_after, bool c_ok, bool a_ok);
void trace_shmem(Sem *s, bool store, unsigned width, Word addr, Word value);
void trace_outcome(Sem *s, const SemOutcome *o, Word main_value);
void trace_call(Sem *s, Sym fn, const Word *args, uint32_t nargs);
void trace_return(Sem *s, Sym fn, Word value);

#endif
