/*
 * target/cback: the portable C back end (`griddle build --target c`).
 *
 * Translates a checked Program (check_program succeeded: shapes, slots,
 * callees and field offsets are annotated) straight to one C11
 * translation unit with Pancake's exact semantics and no undefined or
 * implementation-defined behaviour of C, for any C compiler. It works
 * from the AST, not from the compiler's IR, so it is an independent
 * oracle for the x86-64 back end (docs/compiler.md, "C back end").
 *
 * The output follows the cake ABI (pancake-language.md §5): it defines
 * cml_heap, cml_stack, cml_stackend and `uint64_t cml_main(void)`; every
 * exported function is a C function of its word parameters returning a
 * word; `@name(c, clen, a, alen)` calls
 * `void ffiname(unsigned char *, long, unsigned char *, long)`; globals
 * live in the top words of the heap at the reference's offsets. The host
 * defines cml_err (called with 3 when an exported function is entered
 * before cml_main returned or from inside an FFI call). An exception that
 * escapes main or an exported function makes it return 0 with
 * pnk_exn_name (NULL otherwise), pnk_exn_value and pnk_exn_words set.
 *
 * Compile-time hooks of the generated file (off by default):
 *   -DPNK_FFI_HOOK  every FFI call goes through griddle_ffi_hook (tracing hosts)
 *   -DPNK_SHM_HOOK  every shared-memory access goes through griddle_shm_load /
 *                   griddle_shm_store instead of a volatile access
 *
 * Depends on: check, front, util. Memory: the output is appended to the
 * caller's StrBuf; nothing else outlives the call. Global state: none.
 */
#ifndef GRIDDLE_CBACK_H
#define GRIDDLE_CBACK_H

#include "check/check.h"

typedef struct CbackOpts {
    /* Also provide what griddle's default host uses (docs/abi.md):
     * griddle_exports[] (the exported functions by name, for --call),
     * griddle_globals_bytes, and a call of griddle_uncaught(name, payload,
     * nwords) when an exception escapes an entry. */
    bool entry_table;
    /* Emit #line directives, so C compilers and debuggers point at the
     * Pancake source. */
    bool line_directives;
    /* Start the file with #define PNK_FFI_HOOK and PNK_SHM_HOOK (below):
     * tracing hosts on any architecture (the default host's trap decodes
     * x86-64 only; docs/cback.md "Other architectures"). */
    bool hooks;
} CbackOpts;

/* Appends the C translation of p to out. Returns 0 on success; on failure
 * (a program the ABI cannot express in C, e.g. an exported function whose
 * name is a C keyword) adds errors with code "cback" to diags and
 * returns -1 (out then holds nothing useful). */
int cback_emit(const Program *prog, const CbackOpts *opts, StrBuf *out, DiagList *diags);

#endif
