/*
 * sem: the reference semantics of Pancake (pancake-language.md §3, §5),
 * executed. `griddle run` is its command line.
 *
 * A checked Program (check_program succeeded) is compiled once into a
 * compact pre-resolved form: every variable is a word offset into a frame
 * or into the globals area, every value a flat run of words sized from its
 * static shape, every call points at its callee, and statements become a
 * linear instruction array per function with jumps. The dispatch loop keeps
 * Pancake calls on an explicit frame stack, so Pancake recursion never
 * recurses on the host stack and tail calls reuse their frame.
 *
 * Memory is a real host buffer: @base is its real address, so C FFI
 * functions read and write it directly. Global variables live in its
 * topmost words; the @top the program sees is just below them
 * (docs/semantics.md).
 *
 * Everything the program observes from the outside world is an I/O event:
 * FFI calls (with their bytes) and shared-memory loads and stores, written
 * as JSON Lines to the trace (docs/trace.md).
 *
 * Runtime Errors of the reference (§3.3, §3.4) stop the run with a reason,
 * a source location and the Pancake call stack (SemOutcome).
 *
 * Depends on: check, front, util, libdl. Memory: a Sem owns everything it
 * allocates (freed by sem_free); outcomes returned by sem_run_main and
 * sem_call stay valid until the next run call or sem_free. The Program must
 * outlive the Sem. Global state: none.
 */
#ifndef GRIDDLE_SEM_H
#define GRIDDLE_SEM_H

#include "check/check.h"

/* One shared-memory region (sh_memaddrs, §3.4): plain memory when device
 * is NULL, else served by the device-model plugin (pnk_device.h) in the
 * shared object `device`, which gets `arg` at open. */
typedef struct SemRegion {
    Word base, size;        /* both multiples of 8 */
    const char *device;     /* path of a plugin, or NULL */
    const char *arg;        /* plugin argument, or NULL */
} SemRegion;

/* A word written into memory before the run (--poke). */
typedef struct SemPoke {
    Word offset;            /* byte offset from @base, multiple of 8 */
    Word value;
} SemPoke;

typedef struct SemConfig {
    size_t heap_size;       /* bytes, multiple of 8; 0 means 1 MiB */
    const char *heap_init;  /* file loaded at @base, or NULL */
    const SemPoke *pokes; size_t npokes;
    const char **ffi_libs; size_t nffi_libs;  /* searched in order, before the built-ins */
    bool ffi_permissive;    /* pass the four FFI words unchecked (compiled code's behaviour) */
    const SemRegion *regions; size_t nregions;
    uint64_t fuel;          /* clock: loop iterations + calls + ticks; UINT64_MAX = unbounded */
    uint32_t max_depth;     /* non-tail call depth limit; 0 means SEM_DEFAULT_MAX_DEPTH */
    FILE *trace;            /* JSON Lines events, or NULL; not closed by sem */
    FILE *out;              /* built-in FFI output (stdout when NULL) */
    FILE *in;               /* built-in FFI input (stdin when NULL) */
} SemConfig;

#define SEM_STACK_KEEP 256
#define SEM_DEFAULT_HEAP_SIZE ((size_t)1 << 20)
#define SEM_DEFAULT_MAX_DEPTH 1000000u

typedef enum SemStatus {
    SEM_OK,          /* the entry function returned (value) */
    SEM_ERROR,       /* the reference's Error (reason, location, stack) */
    SEM_TIMEOUT,     /* the clock (--fuel) ran out */
    SEM_EXCEPTION,   /* an exception escaped the entry function */
    SEM_EXIT,        /* the program ended inside an FFI (built-in exit) */
} SemStatus;

/* A place in the Pancake call stack: a function and a location in it. */
typedef struct SemFrameLoc {
    Sym fn;          /* function name ("<globals>" for global initialisers) */
    Span span;
} SemFrameLoc;

typedef struct SemOutcome {
    SemStatus status;
    Word value;              /* OK: the return value */
    int exit_code;           /* EXIT */
    Sym exn;                 /* EXCEPTION: exception name */
    const Word *payload;     /* EXCEPTION: its value, flattened */
    uint32_t npayload;
    const char *reason;      /* ERROR, TIMEOUT, EXCEPTION, EXIT: one line */
    bool has_span;           /* ERROR, TIMEOUT, EXCEPTION: where */
    Span span;
    const SemFrameLoc *stack; /* innermost first: stack[0] is where it
                                 happened, stack[i] the call site in caller i */
    size_t nstack;
    /* Deeper than SEM_STACK_KEEP frames: the SEM_STACK_KEEP/2 innermost and
     * outermost are kept and this many between them are left out. */
    size_t stack_omitted;
} SemOutcome;

typedef struct Sem Sem;

/* Prepares a checked program to run: allocates memory, applies heap-init
 * and pokes, loads FFI libraries and device plugins, resolves every FFI
 * name used, compiles. Bad configuration (unreadable files, libraries that
 * do not load, missing FFI symbols, overlapping regions, heap too small)
 * is reported to dl as errors with code "run" and NULL is returned. */
Sem *sem_new(Program *p, const SemConfig *cfg, DiagList *dl);
void sem_free(Sem *s);

/* Initialises the globals in order, then runs main as the reference does
 * (a call with no arguments). A program without main behaves as if it had
 * `fun main() { return 0; }` (docs/semantics.md). */
const SemOutcome *sem_run_main(Sem *s);

/* Calls an exported function as a host would, after main: globals and
 * memory persist. Returns NULL (after adding an error to dl) if f is not
 * exported or the arguments do not fit its parameters. */
const SemOutcome *sem_call(Sem *s, const FunDecl *f, const Word *args, uint32_t nargs,
                           DiagList *dl);

/* Writes the trace's last line (the outcome) and flushes it. main_value is
 * the value reported for a successful run (main's return value). */
void sem_finish(Sem *s, const SemOutcome *o, Word main_value);

/* Trace markers around a host call (--call), so a trace shows where each
 * entry begins and what it returned. */
void sem_trace_call(Sem *s, const FunDecl *f, const Word *args, uint32_t nargs);
void sem_trace_return(Sem *s, const FunDecl *f, Word value);

/* Introspection (tests, benchmarks). */
Word sem_base(const Sem *s);
Word sem_top(const Sem *s);
uint64_t sem_statements(const Sem *s);  /* statements executed so far */

/* ---- helpers for the command line ------------------------------------ */

/* Parses a shared-memory manifest (docs/semantics.md):
 *     # comment
 *     shared BASE SIZE
 *     device BASE SIZE LIB.so [ARG]
 * Numbers are decimal or 0x-hex. Appends regions (strings are allocated in
 * a, which must outlive their use). Returns false with a message in err
 * (including the line number) on a malformed line. */
typedef VEC(SemRegion) SemRegionVec;
bool sem_manifest_parse(const char *text, size_t len, Arena *a, SemRegionVec *out,
                        char *err, size_t errlen);

/* Parses a 64-bit word: decimal, negative decimal (two's complement) or
 * 0x-hex, with nothing after it. */
bool sem_parse_word(const char *s, Word *out);

#endif
