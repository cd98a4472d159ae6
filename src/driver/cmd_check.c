/* griddle check: parse and statically check Pancake sources. */
#include "driver.h"

#include "check/check.h"

#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: griddle check [options] FILE...\n"
    "\n"
    "Parses and statically checks a Pancake program (the files, in order, form\n"
    "one program) and reports every error and warning it finds.\n"
    "\n"
    "%s"
    "\n"
    "exit status: 0 no errors, 1 errors in the input, 2 usage error.\n";


int unit_load(SourceUnit *u, SourceOpts *o, bool run_checker)
{
    interner_init(&u->in);
    srcmgr_init(&u->sm);
    diag_init(&u->dl);
    Program *prog = &u->prog;
    DiagList *dl = &u->dl;
    memset(prog, 0, sizeof *prog);
    prog->interner = &u->in;
    prog->srcmgr = &u->sm;
    o->cpp.include_dirs = o->incs.v;
    o->cpp.ninclude = o->incs.n;
    o->cpp.defines = o->defs.v;
    o->cpp.ndefine = o->defs.n;
    o->cpp.undefs = o->undefs.v;
    o->cpp.nundef = o->undefs.n;
    bool ok = front_load(prog, o->files.v, o->files.n, &o->front, &o->cpp, dl);
    if (ok && run_checker) {
        CheckOpts co = {.compat = o->front.compat, .no_warn = o->no_warn};
        ok = check_program(prog, &co, dl);
    }
    if (o->no_warn) {
        size_t k = 0;
        for (size_t i = 0; i < dl->v.n; i++) {
            if (dl->v.v[i].sev == DIAG_WARNING) {
                free(dl->v.v[i].msg);
                for (size_t j = 0; j < dl->v.v[i].notes.n; j++) free(dl->v.v[i].notes.v[j].msg);
                vec_free(&dl->v.v[i].notes);
                continue;
            }
            dl->v.v[k++] = dl->v.v[i];
        }
        dl->v.n = k;
        dl->nwarnings = 0;
    }
    diag_sort(dl);
    return ok && (!o->werror || dl->nwarnings == 0) ? EXIT_OK : EXIT_INPUT;
}

void unit_free(SourceUnit *u)
{
    program_free(&u->prog);
    diag_free(&u->dl);
    srcmgr_free(&u->sm);
    interner_free(&u->in);
}

int cmd_check(int argc, char **argv)
{
    SourceOpts o;
    source_opts_init(&o, "check");
    o.front.keep_comments = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf(HELP, SOURCE_OPTS_HELP);
            source_opts_free(&o);
            return EXIT_OK;
        }
        int r = source_opts_arg(&o, argc, argv, &i);
        if (r < 0) {
            source_opts_free(&o);
            return EXIT_USAGE;
        }
        if (r == 0) {
            source_opts_free(&o);
            return usage_error("check", "unknown option '%s'", argv[i]);
        }
    }
    if (!o.files.n) {
        source_opts_free(&o);
        return usage_error("check", "no input files");
    }
    SourceUnit u;
    int rc = unit_load(&u, &o, true);
    driver_render(&o, &u.dl, &u.sm, "griddle check");
    unit_free(&u);
    source_opts_free(&o);
    return rc;
}
