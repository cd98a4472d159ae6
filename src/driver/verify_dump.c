/*
 * griddle verify --dump-spec: loads and checks the Pancake sources, builds
 * the specification (annotations + model files, src/verify/vast.h) and
 * prints it resolved (names with their slots, coercions explicit, shared
 * addresses folded), or the located errors. The test hook of vspec: the
 * output format is in docs/verifier-language.md.
 *
 * Model files: -m FILE / --model FILE; `-I X` names a model file when X is
 * a regular file (pancake2viper's -I), and a cpp include directory
 * otherwise (the other commands' -I).
 */
#include "driver.h"

#include "verify/vast.h"

#include <string.h>
#include <sys/stat.h>

static const char HELP[] =
    "usage: griddle verify --dump-spec [options] FILE...\n"
    "\n"
    "Prints the specification of an annotated Pancake program and its model\n"
    "files as griddle resolves it (every name resolved, every coercion\n"
    "explicit), or the errors in it.\n"
    "\n"
    "  -m FILE, --model FILE  a model file (Viper subset; repeatable)\n"
    "  -I FILE                a model file, when FILE is a regular file\n"
    "%s"
    "\n"
    "exit status: 0 printed, 1 errors in the input, 2 usage error.\n";

static bool is_regular_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int dump(SourceOpts *o, const char **models, size_t nmodels)
{
    SourceUnit u;
    int rc = unit_load(&u, o, true);
    if (rc == EXIT_OK) {
        VOpts vo = {.models = models, .nmodels = nmodels};
        VSpec s;
        bool ok = vspec_build(&s, &u.prog, &vo, &u.dl);
        if (ok) {
            StrBuf b = {0};
            vspec_dump(&b, &s);
            fwrite(b.s ? b.s : "", 1, b.n, stdout);
            sb_free(&b);
        } else {
            rc = EXIT_INPUT;
        }
        vspec_free(&s);
        diag_sort(&u.dl);
    }
    driver_render(o, &u.dl, &u.sm, "griddle verify");
    unit_free(&u);
    return rc;
}

int verify_dump_main(int argc, char **argv)
{
    SourceOpts o;
    source_opts_init(&o, "verify");
    VEC(const char *) models = {0};
    int rc = EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            printf(HELP, SOURCE_OPTS_HELP);
            rc = EXIT_OK;
            goto out;
        }
        if (!strcmp(a, "--dump-spec")) continue;
        if (!strcmp(a, "-m") || !strcmp(a, "--model") || !strncmp(a, "--model=", 8) ||
            (!strncmp(a, "-m", 2) && a[2])) {
            const char *v = !strncmp(a, "--model=", 8) ? a + 8 : (a[1] == 'm' && a[2]) ? a + 2
                                                                               : NULL;
            if (!v) {
                if (i + 1 >= argc) {
                    usage_error("verify", "%s needs a model file", a);
                    goto out;
                }
                v = argv[++i];
            }
            vec_push(&models, v);
            continue;
        }
        if (!strcmp(a, "-I") && i + 1 < argc && is_regular_file(argv[i + 1])) {
            vec_push(&models, argv[++i]);
            continue;
        }
        if (!strncmp(a, "-I", 2) && a[2] && is_regular_file(a + 2)) {
            vec_push(&models, a + 2);
            continue;
        }
        int r = source_opts_arg(&o, argc, argv, &i);
        if (r < 0) goto out;
        if (r == 0) {
            usage_error("verify", "unknown option '%s'", a);
            goto out;
        }
    }
    if (!o.files.n) {
        usage_error("verify", "no input files");
        goto out;
    }
    rc = dump(&o, models.v, models.n);
out:
    vec_free(&models);
    source_opts_free(&o);
    return rc;
}
