/*
 * verify: the VC generator of `griddle verify` (vgen) and its solver layer.
 *
 * Input: a checked Program and its specification (vast.h, built by
 * vspec_build). Each Pancake function that is not trusted, and each model
 * method with a body, is one verification unit: its body is executed
 * symbolically (dynamic single assignment, join points merged with ite,
 * docs/verifier.md "Encoding") into one Z3 solver; every proof obligation
 * is checked as push; assert path && !phi; check; pop, then phi is assumed.
 * Units are independent (calls are modular), so they run in parallel,
 * one Z3 context per thread, and are cached by content.
 *
 * Failures are Diags with codes verify.* (vast.h) located at the failing
 * construct, with notes: the violated clause, the path, a counterexample.
 * "unknown" (timeout, incompleteness, solver error) is never success.
 *
 * Depends on: util, front, check, vast.h (vspec), libz3, pthreads.
 * Memory: the report owns its strings (verify_report_free). Global state:
 * none (the Z3 contexts belong to the worker threads).
 */
#ifndef GRIDDLE_VERIFY_H
#define GRIDDLE_VERIFY_H

#include "verify/vast.h"

/* Which solver decides (docs/verifier.md "Second solver"). */
typedef enum VerifySolver {
    VSOLVER_Z3,     /* Z3 through its C API (default) */
    VSOLVER_CVC5,   /* the same queries as SMT-LIB text to a cvc5 process */
    VSOLVER_BOTH,   /* Z3 decides; cvc5 cross-checks every query */
    VSOLVER_FALLBACK, /* Z3 decides, first within a short time; a query it leaves
                         unknown goes to cvc5, then (still unknown) to Z3 again
                         with the whole timeout */
} VerifySolver;

typedef struct VerifyOpts {
    unsigned jobs;              /* worker threads; 0 = number of online CPUs */
    unsigned timeout_ms;        /* per obligation; 0 = none */
    unsigned seeds;             /* >1: re-check each obligation with seeds 1..N-1 too */
    VerifySolver solver;
    const char *cvc5;           /* the cvc5 executable (NULL: "cvc5" on PATH) */
    const char *emit_smt_dir;   /* write every query there as SMT-LIB2 (NULL: no) */
    const char *cache_dir;      /* content cache of verified units (NULL: none) */
    const char *const *only; size_t nonly;  /* verify only these units (others trusted) */
    const char *const *bv; size_t nbv;      /* --bv: these functions in bit-vector mode */
    bool no_overflow;           /* drop the overflow obligations (documented unsound for wrap) */
    bool stats;                 /* collect solver statistics per unit */
    uint64_t salt;              /* mixed into every cache key (the driver: a hash of its binary) */
} VerifyOpts;

typedef enum VerifyStatus {
    VERIFY_OK,          /* every obligation proved */
    VERIFY_FAILED,      /* some obligation refuted (Diags say which) */
    VERIFY_UNKNOWN,     /* no failure, but some obligation unknown */
    VERIFY_TRUSTED,     /* not verified: `trusted`, or outside --only */
    VERIFY_CACHED,      /* verified earlier with the same content */
    VERIFY_ERROR,       /* unsupported construct or solver error (Diags) */
} VerifyStatus;

typedef struct VerifyUnit {
    char *name;         /* Pancake function, or "model method NAME" */
    Span span;
    VerifyStatus status;
    double seconds;
    unsigned obligations, failed, unknown;
    char *stats;        /* solver statistics (--stats), or NULL */
} VerifyUnit;

typedef struct VerifyReport {
    VEC(VerifyUnit) units;
    size_t nfailed, nunknown, nerror;
} VerifyReport;

/* Verifies every unit of s; failures and errors go to dl (sorted by unit,
 * then by the order found). Returns false only on an environment failure
 * (cannot start threads, cache I/O is reported as a warning). */
bool verify_program(const VSpec *s, const VerifyOpts *o, VerifyReport *r, DiagList *dl);
void verify_report_free(VerifyReport *r);

/* The trusted computing base of a run (--tcb): trusted functions, abstract
 * methods and FFI contracts, model method contracts, entry preconditions,
 * the shared-address map, model predicates. Plain text. */
void verify_tcb(const VSpec *s, StrBuf *out);

const char *verify_status_name(VerifyStatus st);

/* `--emit-viper`: s as one Viper program with the meaning griddle
 * verifies (Pancake functions as methods, the annotations, the models;
 * docs/verifier.md "Viper output"), appended to out. Uses o->no_overflow
 * only. Returns false, with located errors in dl and nothing appended,
 * for a construct it cannot print. Needs no solver. */
bool verify_emit_viper(const VSpec *s, const VerifyOpts *o, StrBuf *out, DiagList *dl);

#endif
