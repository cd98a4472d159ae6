/*
 * griddle build: compile Pancake to x86-64 (GNU assembler, object, or a
 * program linked with the default host) or to portable C.
 *
 * Validate at the edge, then act: options are checked first (exit 2),
 * the sources are loaded and checked (exit 1), then the back end runs; a
 * failure inside the compiler is exit 3 with the function and stage
 * (never a wrong binary); a failing assembler or C compiler is exit 3 too.
 */
#include "driver.h"

#include "ir/ir.h"
#include "target/target.h"
#if __has_include("target/cback.h")
#include "target/cback.h"
#define HAVE_CBACK 1
#endif

#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char HELP[] =
    "usage: griddle build [options] FILE... [-o OUT]\n"
    "\n"
    "Compiles a Pancake program with the cake ABI (docs/abi.md).\n"
    "\n"
    "  -o OUT                 output file (- is standard output; default: standard\n"
    "                         output for asm and c, else required)\n"
    "  --target x86_64|c      x86-64 code (default) or portable C11\n"
    "  --emit asm|obj|exe|c   GNU assembler text, an object file (assembled with\n"
    "                         `as`), a program linked with the default host (with\n"
    "                         $CC, default cc), or C (--target c). Default: from\n"
    "                         OUT's suffix (.s/.S asm, .o obj, .c c), else exe\n"
    "  --emit-header FILE     write a C header declaring cml_main, the exported\n"
    "                         functions and the ffi... functions the program calls\n"
    "  --stack-report         print the stack use of main and each exported\n"
    "                         function in bytes, from the generated code\n"
    "  --dump=STAGE           print the IR after STAGE (ir, opt, isel, ra) on\n"
    "                         standard output\n"
    "  -O0, -O1               optimisation level (default 1)\n"
    "  --link FILE            also compile/link FILE (C source, object, library)\n"
    "                         into the --emit exe program, e.g. FFI functions\n"
    "  --entry-table          (--target c) also emit pnk_exports[], a table of the\n"
    "                         exported functions for hosts that call them by name\n"
    "\n"
    "%s"
    "\n"
    "Programs built with --emit exe take run-time options: --print-result,\n"
    "--call 'f(1,2)', --heap-size N, --shared BASE:SIZE, --trace FILE, --stack N\n"
    "(docs/abi.md, \"The default host\").\n"
    "\n"
    "exit status: 0 success, 1 errors in the source, 2 usage error, 3 internal\n"
    "error (compiler, assembler or C compiler failure).\n";

typedef enum Emit { EMIT_DEFAULT, EMIT_ASM, EMIT_OBJ, EMIT_EXE, EMIT_C } Emit;

typedef struct BuildOpts {
    const char *out, *header, *dump;
    bool target_c, stack_report, entry_table;
    Emit emit;
    int opt;
    VEC(const char *) links;
} BuildOpts;

static const char *opt_val(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n)) return NULL;
    if (argv[*i][n] == '=') return argv[*i] + n + 1;
    if (argv[*i][n]) return NULL;
    return *i + 1 < argc ? argv[++*i] : "";
}

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

/* 1 consumed, 0 not ours, -1 usage error (reported). */
static int build_opt(BuildOpts *bo, int argc, char **argv, int *i)
{
    const char *v;
    if ((v = opt_val(argc, argv, i, "-o"))) {
        if (!*v) return usage_error("build", "-o needs a file name"), -1;
        bo->out = v;
    } else if ((v = opt_val(argc, argv, i, "--target"))) {
        if (!strcmp(v, "c")) bo->target_c = true;
        else if (strcmp(v, "x86_64") && strcmp(v, "x64"))
            return usage_error("build", "unknown target '%s' (x86_64 or c)", v), -1;
    } else if ((v = opt_val(argc, argv, i, "--emit"))) {
        static const char *const names[] = {"", "asm", "obj", "exe", "c"};
        bo->emit = EMIT_DEFAULT;
        for (int k = 1; k < 5; k++)
            if (!strcmp(v, names[k])) bo->emit = (Emit)k;
        if (bo->emit == EMIT_DEFAULT)
            return usage_error("build", "unknown --emit '%s' (asm, obj, exe or c)", v), -1;
    } else if ((v = opt_val(argc, argv, i, "--emit-header"))) {
        if (!*v) return usage_error("build", "--emit-header needs a file name"), -1;
        bo->header = v;
    } else if ((v = opt_val(argc, argv, i, "--dump"))) {
        if (strcmp(v, "ir") && strcmp(v, "opt") && strcmp(v, "isel") && strcmp(v, "ra"))
            return usage_error("build", "unknown --dump stage '%s' (ir, opt, isel, ra)", v), -1;
        bo->dump = v;
    } else if ((v = opt_val(argc, argv, i, "--link"))) {
        if (!*v) return usage_error("build", "--link needs a file name"), -1;
        vec_push(&bo->links, v);
    } else if (!strcmp(argv[*i], "--stack-report")) {
        bo->stack_report = true;
    } else if (!strcmp(argv[*i], "--entry-table")) {
        bo->entry_table = true;
    } else if (!strcmp(argv[*i], "-O0") || !strcmp(argv[*i], "-O1")) {
        bo->opt = argv[*i][2] - '0';
    } else {
        return 0;
    }
    return 1;
}

/* Fills in the default emit kind and checks the combination. */
static int settle(BuildOpts *bo)
{
    if (bo->emit == EMIT_DEFAULT) {
        const char *o = bo->out ? bo->out : "-";
        if (bo->target_c) bo->emit = EMIT_C;
        else if (!strcmp(o, "-") || ends_with(o, ".s") || ends_with(o, ".S")) bo->emit = EMIT_ASM;
        else if (ends_with(o, ".o")) bo->emit = EMIT_OBJ;
        else if (ends_with(o, ".c")) bo->emit = EMIT_C;
        else bo->emit = EMIT_EXE;
    }
    if (bo->emit == EMIT_C && !bo->target_c) bo->target_c = true;
    if (bo->target_c && (bo->emit == EMIT_ASM || bo->emit == EMIT_OBJ))
        return usage_error("build", "--target c emits C (or exe), not %s",
                           bo->emit == EMIT_ASM ? "asm" : "obj");
    if ((bo->emit == EMIT_OBJ || bo->emit == EMIT_EXE) && (!bo->out || !strcmp(bo->out, "-")))
        return usage_error("build", "--emit %s needs -o FILE", bo->emit == EMIT_OBJ ? "obj" : "exe");
    if (bo->target_c && (bo->stack_report || bo->dump))
        return usage_error("build", "--stack-report and --dump need --target x86_64");
    return EXIT_OK;
}

/* ---- files and tools ------------------------------------------------ */

static bool write_file(const char *path, const char *data, size_t n, const char **err)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!f) {
        *err = strerror(errno);
        return false;
    }
    bool ok = fwrite(data, 1, n, f) == n;
    if (f != stdout) ok &= fclose(f) == 0;
    else fflush(f);
    if (!ok) *err = strerror(errno);
    return ok;
}

/* Runs argv (searching PATH); true if it exited with status 0. */
static bool run_tool(char **argv)
{
    pid_t pid;
    if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ)) {
        fprintf(stderr, "griddle build: cannot run %s: %s\n", argv[0], strerror(errno));
        return false;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return true;
    fprintf(stderr, "griddle build: %s failed\n", argv[0]);
    return false;
}

typedef struct Tmp {
    char dir[64];
} Tmp;

static bool tmp_make(Tmp *t)
{
    const char *base = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/griddle-XXXXXX", base && strlen(base) < 40 ? base : "/tmp");
    return mkdtemp(t->dir) != NULL;
}

static char *tmp_path(const Tmp *t, const char *name)
{
    size_t n = strlen(t->dir) + strlen(name) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", t->dir, name);
    return p;
}

static void tmp_remove(const Tmp *t, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *p = tmp_path(t, names[i]);
        unlink(p);
        free(p);
    }
    rmdir(t->dir);
}

/* Links code (assembly or C, in file `name`) with the default host. */
static bool link_exe(const BuildOpts *bo, const char *code, const char *name)
{
    Tmp t;
    if (!tmp_make(&t)) {
        fprintf(stderr, "griddle build: cannot create a temporary directory: %s\n", strerror(errno));
        return false;
    }
    const char *names[8] = {name};
    size_t nn = 1;
    const char *err = NULL;
    char *paths[8] = {tmp_path(&t, name)};
    bool ok = write_file(paths[0], code, strlen(code), &err);
    for (const HostFile *h = griddle_host_files; ok && h->name; h++) {
        names[nn] = h->name;
        paths[nn] = tmp_path(&t, h->name);
        ok = write_file(paths[nn], (const char *)h->data, h->len, &err);
        nn++;
    }
    const char *cc = getenv("CC");
    if (ok) {
        char **argv = xmalloc((nn + bo->links.n + 8) * sizeof *argv);
        int a = 0;
        argv[a++] = (char *)(cc && *cc ? cc : "cc");
        argv[a++] = "-O2";
        argv[a++] = "-o";
        argv[a++] = (char *)bo->out;
        for (size_t i = 0; i < nn; i++)
            if (!ends_with(names[i], ".h")) argv[a++] = paths[i];
        for (size_t i = 0; i < bo->links.n; i++) argv[a++] = (char *)bo->links.v[i];
        argv[a] = NULL;
        ok = run_tool(argv);
        free(argv);
    } else {
        fprintf(stderr, "griddle build: cannot write temporary files: %s\n", err);
    }
    tmp_remove(&t, names, nn);
    for (size_t i = 0; i < nn; i++) free(paths[i]);
    return ok;
}

static bool assemble(const BuildOpts *bo, const char *code)
{
    Tmp t;
    if (!tmp_make(&t)) return false;
    const char *name = "prog.s", *err = NULL;
    char *path = tmp_path(&t, name);
    bool ok = write_file(path, code, strlen(code), &err);
    if (ok) {
        char *argv[] = {"as", "-o", (char *)bo->out, path, NULL};
        ok = run_tool(argv);
    }
    tmp_remove(&t, &name, 1);
    free(path);
    return ok;
}

/* ---- header --------------------------------------------------------- */

static void header_text(const IrProg *ir, StrBuf *h)
{
    sb_puts(h, "/* generated by griddle build: the C interface of a Pancake program\n"
               "   (docs/abi.md) */\n#ifndef GRIDDLE_PROGRAM_H\n#define GRIDDLE_PROGRAM_H\n\n"
               "#include <stdint.h>\n\n"
               "/* provided by the host */\nextern void *cml_heap, *cml_stack, *cml_stackend;\n\n"
               "/* runs the globals' initialisers and main; returns main's result */\n"
               "uint64_t cml_main(void);\n\n");
    for (size_t f = 0; f < ir->fns.n; f++) {
        const IrFn *fn = ir->fns.v[f];
        if (!fn->is_export) continue;
        sb_printf(h, "uint64_t %s(", fn->name);
        for (uint32_t k = 0; k < fn->nparams; k++) sb_printf(h, "%suint64_t", k ? ", " : "");
        sb_puts(h, fn->nparams ? ");\n" : "void);\n");
    }
    VEC(Sym) seen = {0};
    for (size_t f = 0; f < ir->fns.n; f++) {
        const IrFn *fn = ir->fns.v[f];
        for (size_t b = 0; b < fn->blocks.n; b++)
            for (size_t i = 0; i < fn->blocks.v[b].ins.n; i++) {
                const IrIns *in = &fn->blocks.v[b].ins.v[i];
                if (in->op != IR_FFI) continue;
                bool dup = false;
                for (size_t k = 0; k < seen.n; k++) dup |= seen.v[k] == in->name;
                if (dup) continue;
                vec_push(&seen, in->name);
                sb_printf(h, "%svoid ffi%s(unsigned char *c, long clen, unsigned char *a, long alen);\n",
                          seen.n == 1 ? "\n/* FFI functions the program calls */\n" : "", in->name);
            }
    }
    vec_free(&seen);
    sb_puts(h, "\n#endif\n");
}

/* ---- the two back ends ---------------------------------------------- */

static int build_x64(const BuildOpts *bo, Program *prog)
{
    IrProg *ir = ir_lower(prog);
    StrBuf h = {0}, code = {0}, dump = {0};
    if (bo->header) header_text(ir, &h);   /* before passes: every FFI call site */
    X64Opts xo = {bo->opt, bo->dump, &dump};
    X64Result res = {0};
    char *why = NULL;
    int rc = EXIT_OK;
    const char *err = NULL;
    if (!x64_compile(ir, &xo, &code, &res, &why)) {
        fprintf(stderr, "griddle build: internal compiler error: %s\n", why);
        rc = EXIT_INTERNAL;
    }
    if (dump.n) fwrite(dump.s, 1, dump.n, stdout);
    if (rc == EXIT_OK && bo->stack_report)
        for (size_t i = 0; i < res.stack.n; i++) {
            if (res.stack.v[i].unbounded) printf("%s unbounded\n", res.stack.v[i].name);
            else printf("%s %llu\n", res.stack.v[i].name, (unsigned long long)res.stack.v[i].bytes);
        }
    if (rc == EXIT_OK && bo->header && !write_file(bo->header, h.s, h.n, &err)) {
        fprintf(stderr, "griddle build: cannot write %s: %s\n", bo->header, err);
        rc = EXIT_USAGE;
    }
    bool quiet = (bo->dump || bo->stack_report) && !bo->out;
    if (rc == EXIT_OK && !quiet) {
        if (bo->emit == EMIT_ASM) {
            if (!write_file(bo->out ? bo->out : "-", code.s, code.n, &err)) {
                fprintf(stderr, "griddle build: cannot write %s: %s\n", bo->out, err);
                rc = EXIT_USAGE;
            }
        } else if (!(bo->emit == EMIT_OBJ ? assemble(bo, code.s) : link_exe(bo, code.s, "prog.s"))) {
            rc = EXIT_INTERNAL;
        }
    }
    free(why);
    x64_result_free(&res);
    sb_free(&h);
    sb_free(&code);
    sb_free(&dump);
    ir_free(ir);
    return rc;
}

static int build_c(const BuildOpts *bo, SourceUnit *u)
{
#ifdef HAVE_CBACK
    CbackOpts co = {.entry_table = bo->entry_table || bo->emit == EMIT_EXE};
    StrBuf c = {0};
    const char *err = NULL;
    int rc = EXIT_OK;
    if (cback_emit(&u->prog, &co, &c, &u->dl) != 0) rc = EXIT_INPUT;
    else if (bo->emit == EMIT_EXE) rc = link_exe(bo, c.s ? c.s : "", "prog.c") ? EXIT_OK : EXIT_INTERNAL;
    else if (!write_file(bo->out ? bo->out : "-", c.s ? c.s : "", c.n, &err)) {
        fprintf(stderr, "griddle build: cannot write %s: %s\n", bo->out, err);
        rc = EXIT_USAGE;
    }
    sb_free(&c);
    return rc;
#else
    (void)bo;
    (void)u;
    return usage_error("build", "--target c is not in this build of griddle");
#endif
}

int cmd_build(int argc, char **argv)
{
    SourceOpts so;
    BuildOpts bo = {.opt = 1};
    source_opts_init(&so, "build");
    int rc = EXIT_OK;
    for (int i = 1; i < argc && rc == EXIT_OK; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf(HELP, SOURCE_OPTS_HELP);
            source_opts_free(&so);
            vec_free(&bo.links);
            return EXIT_OK;
        }
        int r = build_opt(&bo, argc, argv, &i);
        if (r == 0) r = source_opts_arg(&so, argc, argv, &i);
        if (r < 0) rc = EXIT_USAGE;
        else if (r == 0) rc = usage_error("build", "unknown option '%s'", argv[i]);
    }
    if (rc == EXIT_OK && !so.files.n) rc = usage_error("build", "no input files");
    if (rc == EXIT_OK) rc = settle(&bo);
    if (rc == EXIT_OK) {
        SourceUnit u;
        rc = unit_load(&u, &so, true);
        if (rc == EXIT_OK) rc = bo.target_c ? build_c(&bo, &u) : build_x64(&bo, &u.prog);
        if (u.dl.v.n) driver_render(&so, &u.dl, &u.sm, "griddle build");
        unit_free(&u);
    }
    source_opts_free(&so);
    vec_free(&bo.links);
    return rc;
}
