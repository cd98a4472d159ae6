/* griddle fmt: print Pancake sources in canonical current syntax. */
#include "driver.h"

#include "check/check.h"

#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: griddle fmt [options] FILE...\n"
    "\n"
    "Prints each file in canonical current-syntax Pancake (comments kept).\n"
    "With --compat, 2024-era code is migrated: local stw/str/strb/ldb become\n"
    "st/st8/ld8, <> becomes !=, #f(...) becomes @f(...), /*@ @*/ becomes /@ @/,\n"
    "raise becomes throw, legacy tail calls become 'return f(...)', and the\n"
    "shapes that un-annotated vars and functions had by inference are written.\n"
    "\n"
    "options:\n"
    "  --compat           read the 2024-era dialect (and migrate it)\n"
    "  -i, --in-place     rewrite the files instead of printing them\n"
    "  --check            print nothing; exit 1 if any file is not canonical\n"
    "  --explicit-parens  parenthesise every operator application\n"
    "  --diagnostics-format=text|json, --color=auto|always|never\n"
    "\n"
    "Files that use the C preprocessor are not formatted (macros would be\n"
    "expanded). Every output is parsed again and compared with the input's\n"
    "syntax tree before it is written.\n"
    "exit status: 0 success, 1 errors in the input (or --check found changes),\n"
    "2 usage error, 3 internal error.\n";

typedef struct FmtOpts {
    bool in_place, check, explicit_parens;
} FmtOpts;

static int fmt_one(SourceOpts *so, const FmtOpts *fo, const char *file)
{
    SourceUnit u;
    int rc = unit_load(&u, so, so->front.compat);
    Program *prog = &u.prog;
    if (rc == EXIT_OK) {
        StrBuf out = {0};
        if (fo->explicit_parens) fmt_program_explicit(prog, &out);
        else fmt_program(prog, &out);
        /* the printed program must parse to the same tree (current syntax) */
        FrontOpts strict = {.compat = false, .keep_comments = false};
        Program again = {.interner = &u.in, .srcmgr = &u.sm};
        DiagList dl2;
        diag_init(&dl2);
        Span where = {0};
        bool parsed = front_load_text(&again, "<formatted>", out.s ? out.s : "", out.n, &strict, &dl2);
        if (!parsed || !ast_equal(prog, &again, &where)) {
            if (parsed)
                fprintf(stderr, "griddle fmt: internal error: the formatted output of %s parses to a "
                                "different program (near line %u); nothing written\n", file, where.line);
            else
                fprintf(stderr, "griddle fmt: internal error: the formatted output of %s does not "
                                "parse; nothing written\n", file);
            rc = EXIT_INTERNAL;
        } else if (fo->check) {
            SrcFile *src = u.sm.files.v[0];
            if (src->len != out.n || memcmp(src->text, out.s, out.n)) {
                printf("%s: not canonical\n", file);
                rc = EXIT_INPUT;
            }
        } else if (fo->in_place) {
            FILE *fp = fopen(file, "wb");
            if (!fp || fwrite(out.s, 1, out.n, fp) != out.n || fclose(fp)) {
                fprintf(stderr, "griddle fmt: cannot write '%s'\n", file);
                rc = EXIT_INPUT;
            }
        } else {
            fwrite(out.s, 1, out.n, stdout);
        }
        program_free(&again);
        diag_free(&dl2);
        sb_free(&out);
    }
    driver_render(so, &u.dl, &u.sm, "griddle fmt");
    unit_free(&u);
    return rc;
}

int cmd_fmt(int argc, char **argv)
{
    SourceOpts o;
    FmtOpts fo = {0};
    source_opts_init(&o, "fmt");
    int rc = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(HELP, stdout);
            goto out;
        }
        if (!strcmp(a, "-i") || !strcmp(a, "--in-place")) { fo.in_place = true; continue; }
        if (!strcmp(a, "--check")) { fo.check = true; continue; }
        if (!strcmp(a, "--explicit-parens")) { fo.explicit_parens = true; continue; }
        int r = source_opts_arg(&o, argc, argv, &i);
        if (r < 0) { rc = EXIT_USAGE; goto out; }
        if (r == 0) { rc = usage_error("fmt", "unknown option '%s'", a); goto out; }
    }
    if (!o.files.n) { rc = usage_error("fmt", "no input files"); goto out; }
    if (o.incs.n || o.defs.n || o.undefs.n || o.cpp.force > 0) {
        rc = usage_error("fmt", "fmt does not run the C preprocessor (-I/-D/-U/--cpp)");
        goto out;
    }
    o.front.keep_comments = true;
    o.cpp.force = -1;
    const char **files = o.files.v;
    size_t nfiles = o.files.n;
    for (size_t k = 0; k < nfiles; k++) {
        const char *file = files[k];
        if (fo.in_place && !strcmp(file, "-")) { rc = usage_error("fmt", "-i needs files, not stdin"); break; }
        size_t len;
        char *text = read_file(file, &len);
        uint32_t line = text ? front_has_directives(text, len) : 0;
        free(text);
        if (line) {
            SrcMgr sm;
            DiagList dl;
            srcmgr_init(&sm);
            diag_init(&dl);
            Span sp = {srcmgr_intern_name(&sm, file), line, 1, line, 1};
            diag_add(&dl, DIAG_ERROR, "cpp", &sp,
                     "this file uses the C preprocessor; griddle fmt formats only files without "
                     "#-directives (macros would be expanded)");
            driver_render(&o, &dl, &sm, "griddle fmt");
            diag_free(&dl);
            srcmgr_free(&sm);
            rc = EXIT_INPUT;
            continue;
        }
        o.files.v = &files[k];
        o.files.n = 1;
        int r = fmt_one(&o, &fo, file);
        if (r > rc) rc = r;
    }
    o.files.v = files;
    o.files.n = nfiles;
out:
    source_opts_free(&o);
    return rc;
}
