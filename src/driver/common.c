/* Options shared by subcommands that read Pancake, and diagnostic output. */
#include "driver.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char SOURCE_OPTS_HELP[] =
    "source options:\n"
    "  --compat              accept the 2024-era dialect (local stw, untyped vars,\n"
    "                        /*@ @*/ annotations, str/strb/ldb, <>, #f, raise)\n"
    "  -I DIR                add DIR to the preprocessor's include path\n"
    "  -D NAME[=VAL]         define a preprocessor macro\n"
    "  -U NAME               undefine a preprocessor macro\n"
    "  --cpp / --no-cpp      always / never run the C preprocessor (default: when\n"
    "                        the input has #-directives or -I/-D/-U is given)\n"
    "  -Werror               treat warnings as errors\n"
    "  -w, --no-warn         suppress warnings\n"
    "  --diagnostics-format=text|json\n"
    "  --color=auto|always|never\n"
    "  --max-errors N        show at most N errors (default 50; 0 = all)\n"
    "FILE may be .pnk or .\xf0\x9f\xa5\x9e, or - for standard input; several files are\n"
    "read in order as one program (like `cat a b | cpp -P`).\n";

const char *driver_optval(int argc, char **argv, int *i, const char *opt, bool *missing)
{
    size_t n = strlen(opt);
    const char *a = argv[*i];
    if (strncmp(a, opt, n)) return NULL;
    if (a[n] == '=') return a + n + 1;
    if (a[n]) return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "griddle %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (try 'griddle %s --help')\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

void source_opts_init(SourceOpts *o, const char *prog)
{
    (void)prog;
    memset(o, 0, sizeof *o);
    o->color = isatty(2) && !getenv("NO_COLOR");
    o->max_errors = 50;
}

void source_opts_free(SourceOpts *o)
{
    vec_free(&o->files);
    vec_free(&o->incs);
    vec_free(&o->defs);
    vec_free(&o->undefs);
}

const char *driver_opt_value(int argc, char **argv, int *i, const char *name)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n)) return NULL;
    if (a[n] == '=' && name[1] == '-') return a + n + 1;
    if (a[n] && name[1] != '-') return a + n;
    if (a[n]) return NULL;
    if (*i + 1 >= argc) return "";
    return argv[++*i];
}

int source_opts_arg(SourceOpts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *v;
    if (!strcmp(a, "--compat")) { o->front.compat = true; return 1; }
    if (!strcmp(a, "-Werror")) { o->werror = true; return 1; }
    if (!strcmp(a, "-w") || !strcmp(a, "--no-warn")) { o->no_warn = true; return 1; }
    if (!strcmp(a, "--cpp")) { o->cpp.force = 1; return 1; }
    if (!strcmp(a, "--no-cpp")) { o->cpp.force = -1; return 1; }
    if ((v = driver_opt_value(argc, argv, i, "-I"))) {
        if (!*v) return usage_error("", "-I needs a directory"), -1;
        vec_push(&o->incs, v);
        return 1;
    }
    if ((v = driver_opt_value(argc, argv, i, "-D"))) {
        if (!*v || *v == '=') return usage_error("", "-D needs NAME[=VALUE]"), -1;
        vec_push(&o->defs, v);
        return 1;
    }
    if ((v = driver_opt_value(argc, argv, i, "-U"))) {
        if (!*v) return usage_error("", "-U needs a NAME"), -1;
        vec_push(&o->undefs, v);
        return 1;
    }
    if ((v = driver_opt_value(argc, argv, i, "--diagnostics-format"))) {
        if (!strcmp(v, "json")) o->json = true;
        else if (!strcmp(v, "text")) o->json = false;
        else return usage_error("", "--diagnostics-format must be text or json"), -1;
        return 1;
    }
    if ((v = driver_opt_value(argc, argv, i, "--color"))) {
        if (!strcmp(v, "always")) o->color = true;
        else if (!strcmp(v, "never")) o->color = false;
        else if (!strcmp(v, "auto")) o->color = isatty(2) && !getenv("NO_COLOR");
        else return usage_error("", "--color must be auto, always or never"), -1;
        return 1;
    }
    if ((v = driver_opt_value(argc, argv, i, "--max-errors"))) {
        char *end;
        long n = strtol(v, &end, 10);
        if (!*v || *end || n < 0) return usage_error("", "--max-errors needs a number"), -1;
        o->max_errors = (size_t)n;
        return 1;
    }
    if (!strcmp(a, "-") || a[0] != '-') {
        vec_push(&o->files, a);
        return 1;
    }
    return 0;
}

void driver_render(SourceOpts *o, DiagList *dl, SrcMgr *sm, const char *prog)
{
    if (o->werror) diag_promote_warnings(dl);
    DiagRenderOpts r = {.color = o->color && !o->json, .json = o->json, .prog = prog,
                        .max_errors = o->max_errors};
    if (o->json) {
        diag_render(dl, sm, &r, stderr);
    } else {
        diag_render(dl, sm, &r, stderr);
        if (dl->nerrors || dl->nwarnings) {
            fprintf(stderr, "%zu error%s", dl->nerrors, dl->nerrors == 1 ? "" : "s");
            if (dl->nwarnings)
                fprintf(stderr, ", %zu warning%s", dl->nwarnings, dl->nwarnings == 1 ? "" : "s");
            fprintf(stderr, " generated.\n");
        }
    }
}
