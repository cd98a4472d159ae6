/*
 * driver: the griddle command line. One file per subcommand (cmd_*.c);
 * common option handling and diagnostic rendering here. The only place
 * that prints diagnostics or calls exit().
 *
 * Exit codes (all subcommands): 0 success, 1 errors in the user's input,
 * 2 usage error, 3 internal error; `run` adds 4 (runtime Error) and
 * 5 (out of fuel).
 */
#ifndef GRIDDLE_DRIVER_H
#define GRIDDLE_DRIVER_H

#include "front/front.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_INTERNAL = 3 };

int cmd_check(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_cake(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_compose(int argc, char **argv);
int cmd_sim(int argc, char **argv);
/* griddle verify --dump-spec (verify_dump.c), called by cmd_verify. */
int verify_dump_main(int argc, char **argv);

/* Options shared by every subcommand that reads Pancake sources. */
typedef struct SourceOpts {
    FrontOpts front;
    CppOpts cpp;
    VEC(const char *) files;
    VEC(const char *) incs, defs, undefs;
    bool werror, no_warn, json, color;
    size_t max_errors;
} SourceOpts;

void source_opts_init(SourceOpts *o, const char *prog);
void source_opts_free(SourceOpts *o);
/* Consumes argv[*i] (and maybe the next one) if it is a source option;
 * returns 1 if consumed, 0 if not a source option, -1 on a usage error
 * (already reported). */
int source_opts_arg(SourceOpts *o, int argc, char **argv, int *i);
/* Value of an option given as "-Xval", "-X val", "--opt=val" or
 * "--opt val"; NULL if argv[*i] is not this option (then *i is
 * unchanged). A missing value is "". */
const char *driver_opt_value(int argc, char **argv, int *i, const char *name);
/* Help text for the source options (for --help). */
extern const char SOURCE_OPTS_HELP[];

/* Everything one run over a set of sources owns. */
typedef struct SourceUnit {
    Interner in;
    SrcMgr sm;
    DiagList dl;
    Program prog;
} SourceUnit;

/* Initialises u, then loads, parses and (if run_checker) checks the
 * sources named in o; returns EXIT_OK or EXIT_INPUT. Diagnostics are left
 * in u->dl, sorted. Call unit_free afterwards in every case. */
int unit_load(SourceUnit *u, SourceOpts *o, bool run_checker);
void unit_free(SourceUnit *u);

/* Renders diagnostics per the options (text or JSON, colour on a tty). */
void driver_render(SourceOpts *o, DiagList *dl, SrcMgr *sm, const char *prog);

/* "--opt VALUE" or "--opt=VALUE": the value, or NULL if argv[*i] is not
 * opt (or, with *missing set, if the value is missing). */
const char *driver_optval(int argc, char **argv, int *i, const char *opt, bool *missing);

/* A hash of the griddle binary (cmd_verify.c), mixed into verification
 * cache keys so a rebuilt verifier never trusts an earlier one's verdicts. */
uint64_t verify_exe_salt(void);

/* Prints "griddle CMD: message" to stderr and returns EXIT_USAGE. */
int usage_error(const char *cmd, const char *fmt, ...) PRINTF_LIKE(2, 3);

#endif
