/*
 * griddle build: TEMPORARY minimal dispatch for the C back end
 * (`--target c --emit c`) until the compiler's full driver lands; the
 * compiler branch's version of this file replaces it.
 */
#include "driver.h"

#include "check/check.h"
#include "target/cback.h"

#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: griddle build [options] FILE... -o OUT --target c --emit c\n"
    "\n"
    "Compiles a Pancake program to portable C11 (cake ABI; docs/cback.md).\n"
    "\n"
    "  -o FILE              output file (- for standard output)\n"
    "  --target c           the portable C back end\n"
    "  --emit c             write C source\n"
    "  --entry-table        also emit pnk_exports[] (exported functions by name)\n"
    "  --line-directives    emit #line directives pointing at the Pancake source\n"
    "\n"
    "%s"
    "\n"
    "exit status: 0 success, 1 errors in the input, 2 usage error, 3 internal error.\n";

int cmd_build(int argc, char **argv)
{
    SourceOpts o;
    source_opts_init(&o, "build");
    const char *out_path = NULL, *target = "x86_64", *emit = "exe";
    CbackOpts co = {0};
    int rc = EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf(HELP, SOURCE_OPTS_HELP);
            source_opts_free(&o);
            return EXIT_OK;
        }
        if (!strcmp(a, "-o") || !strcmp(a, "--target") || !strcmp(a, "--emit")) {
            if (i + 1 >= argc) {
                usage_error("build", "%s needs a value", a);
                goto done;
            }
            const char *v = argv[++i];
            if (!strcmp(a, "-o")) out_path = v;
            else if (!strcmp(a, "--target")) target = v;
            else emit = v;
            continue;
        }
        if (!strcmp(a, "--entry-table")) { co.entry_table = true; continue; }
        if (!strcmp(a, "--line-directives")) { co.line_directives = true; continue; }
        int r = source_opts_arg(&o, argc, argv, &i);
        if (r < 0) goto done;
        if (r == 0) {
            usage_error("build", "unknown option '%s'", a);
            goto done;
        }
    }
    if (strcmp(target, "c") || strcmp(emit, "c")) {
        usage_error("build", "only --target c --emit c is available in this build");
        goto done;
    }
    if (!o.files.n) {
        usage_error("build", "no input files");
        goto done;
    }
    if (!out_path) {
        usage_error("build", "no output file (-o)");
        goto done;
    }
    SourceUnit u;
    rc = unit_load(&u, &o, true);
    StrBuf c = {0};
    if (rc == EXIT_OK && cback_emit(&u.prog, &co, &c, &u.dl) != 0) rc = EXIT_INPUT;
    driver_render(&o, &u.dl, &u.sm, "griddle build");
    if (rc == EXIT_OK) {
        FILE *f = strcmp(out_path, "-") ? fopen(out_path, "wb") : stdout;
        if (!f || fwrite(c.s, 1, c.n, f) != c.n || (f != stdout && fclose(f))) {
            fprintf(stderr, "griddle build: cannot write %s\n", out_path);
            rc = EXIT_USAGE;
        } else if (f == stdout) {
            fflush(stdout);
        }
    }
    sb_free(&c);
    unit_free(&u);
done:
    source_opts_free(&o);
    return rc;
}
