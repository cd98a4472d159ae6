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
#include "target/cback.h"
#include "target/target.h"

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
    "                         $CC, default cc), or C (--target c). With --target c,\n"
    "                         asm and obj are the C compiled by $CC -O2 -S / -c\n"
    "                         (CC=aarch64-linux-gnu-gcc: AArch64 code). Default:\n"
    "                         from OUT's suffix (.s/.S asm, .o obj, .c c), else exe\n"
    "                         (else c with --target c)\n"
    "  --emit-header FILE     write a C header declaring cml_main, the exported\n"
    "                         functions and the ffi... functions the program calls\n"
    "  --stack-report         print the stack use of main and each exported\n"
    "                         function in bytes, from the generated code\n"
    "  --ffi-stack [NAME=]BYTES  the most stack FFI function NAME (or, without\n"
    "                         NAME, each one) uses itself: --stack-report adds\n"
    "                         it to entries that may call them (repeatable)\n"
    "  --dump=STAGE           print the IR after STAGE (ir, opt, isel, ra) on\n"
    "                         standard output\n"
    "  -O0, -O1               optimisation level (default 1)\n"
    "  --entry-table          --target c: also emit the default host's interface\n"
    "                         (griddle_exports[], griddle_globals_bytes; implied\n"
    "                         by --emit exe)\n"
    "  --line-directives      --target c: #line directives to the Pancake source\n"
    "  --hooks                FFI calls go through the host's griddle_ffi_hook\n"
    "                         (the default host then traces every FFI call, the\n"
    "                         program's own too); with --target c shared-memory\n"
    "                         accesses also go through griddle_shm_* (tracing on\n"
    "                         any architecture; docs/abi.md, docs/cback.md)\n"
    "  --link FILE            also compile/link FILE (C source, object, library)\n"
    "                         into the --emit exe program, e.g. FFI functions\n"
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
    bool target_c, stack_report, entry_table, line_directives, hooks;
    Emit emit;
    int opt;
    VEC(const char *) links;
    VEC(const char *) ffi_stack;   /* --ffi-stack values: "BYTES" or "NAME=BYTES" */
} BuildOpts;

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && !strcmp(s + n - m, suf);
}

/* A decimal byte count below 2^32 (a stack bound). */
static bool parse_bytes(const char *s, uint64_t *n)
{
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10) return false;
    *n = strtoull(s, NULL, 10);
    return *n < (1ull << 32);
}

/* The stack an FFI function may use by --ffi-stack (its own NAME=BYTES,
 * else the last plain BYTES), or -1 if none is stated. */
static int64_t ffi_stack_bound(const BuildOpts *bo, const char *name, size_t len)
{
    int64_t any = -1, own = -1;
    for (size_t i = 0; i < bo->ffi_stack.n; i++) {
        const char *v = bo->ffi_stack.v[i], *eq = strchr(v, '=');
        uint64_t n;
        if (!eq) {
            if (parse_bytes(v, &n)) any = (int64_t)n;
        } else if ((size_t)(eq - v) == len && !strncmp(v, name, len) && parse_bytes(eq + 1, &n)) {
            own = (int64_t)n;
        }
    }
    return own >= 0 ? own : any;
}

/* One --stack-report line: the entry's own need, plus the deepest stated
 * bound of the FFI functions it may call when all of them have one. */
static void print_stack_use(const BuildOpts *bo, const X64StackUse *s)
{
    int64_t worst = 0;
    for (const char *p = s->ffis; p && *p && worst >= 0;) {
        size_t len = strcspn(p, ",");
        int64_t b = ffi_stack_bound(bo, p, len);
        worst = b < 0 ? -1 : b > worst ? b : worst;
        p += len + (p[len] == ',');
    }
    if (s->unbounded) {
        printf("%s unbounded", s->name);
    } else if (s->ffis && worst >= 0) {
        printf("%s %llu = %llu + %lld (--ffi-stack, for ffi %s)\n", s->name,
               (unsigned long long)(s->bytes + (uint64_t)worst), (unsigned long long)s->bytes,
               (long long)worst, s->ffis);
        return;
    } else {
        printf("%s %llu", s->name, (unsigned long long)s->bytes);
    }
    printf(s->ffis ? " + the stack of ffi %s\n" : "\n", s->ffis);
}

/* 1 consumed, 0 not ours, -1 usage error (reported). */
enum { CC_WORDS = 32 }; /* at most this many words in $CC */
static int cc_word_count(void);

static int build_opt(BuildOpts *bo, int argc, char **argv, int *i)
{
    const char *v;
    if ((v = driver_opt_value(argc, argv, i, "-o"))) {
        if (!*v) return usage_error("build", "-o needs a file name"), -1;
        bo->out = v;
    } else if ((v = driver_opt_value(argc, argv, i, "--target"))) {
        if (!strcmp(v, "c")) bo->target_c = true;
        else if (strcmp(v, "x86_64") && strcmp(v, "x64"))
            return usage_error("build", "unknown target '%s' (x86_64 or c)", v), -1;
    } else if ((v = driver_opt_value(argc, argv, i, "--emit"))) {
        static const char *const names[] = {"", "asm", "obj", "exe", "c"};
        bo->emit = EMIT_DEFAULT;
        for (int k = 1; k < 5; k++)
            if (!strcmp(v, names[k])) bo->emit = (Emit)k;
        if (bo->emit == EMIT_DEFAULT)
            return usage_error("build", "unknown --emit '%s' (asm, obj, exe or c)", v), -1;
    } else if ((v = driver_opt_value(argc, argv, i, "--emit-header"))) {
        if (!*v) return usage_error("build", "--emit-header needs a file name"), -1;
        bo->header = v;
    } else if ((v = driver_opt_value(argc, argv, i, "--dump"))) {
        if (strcmp(v, "ir") && strcmp(v, "opt") && strcmp(v, "isel") && strcmp(v, "ra"))
            return usage_error("build", "unknown --dump stage '%s' (ir, opt, isel, ra)", v), -1;
        bo->dump = v;
    } else if ((v = driver_opt_value(argc, argv, i, "--link"))) {
        if (!*v) return usage_error("build", "--link needs a file name"), -1;
        vec_push(&bo->links, v);
    } else if ((v = driver_opt_value(argc, argv, i, "--ffi-stack"))) {
        const char *eq = strchr(v, '='), *num = eq ? eq + 1 : v;
        uint64_t n;
        if ((eq && eq == v) || !parse_bytes(num, &n))
            return usage_error("build", "--ffi-stack '%s': expected BYTES or NAME=BYTES (a decimal "
                               "number of bytes below 2^32)", v), -1;
        vec_push(&bo->ffi_stack, v);
    } else if (!strcmp(argv[*i], "--entry-table")) {
        bo->entry_table = true;
    } else if (!strcmp(argv[*i], "--line-directives")) {
        bo->line_directives = true;
    } else if (!strcmp(argv[*i], "--hooks")) {
        bo->hooks = true;
    } else if (!strcmp(argv[*i], "--stack-report")) {
        bo->stack_report = true;
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
        if (ends_with(o, ".s") || ends_with(o, ".S")) bo->emit = EMIT_ASM;
        else if (ends_with(o, ".o")) bo->emit = EMIT_OBJ;
        else if (bo->target_c || ends_with(o, ".c")) bo->emit = EMIT_C;
        else if (!strcmp(o, "-")) bo->emit = EMIT_ASM;
        else bo->emit = EMIT_EXE;
    }
    if (bo->emit == EMIT_C && !bo->target_c) bo->target_c = true;
    if ((bo->emit == EMIT_OBJ || bo->emit == EMIT_EXE) && (!bo->out || !strcmp(bo->out, "-")))
        return usage_error("build", "--emit %s needs -o FILE", bo->emit == EMIT_OBJ ? "obj" : "exe");
    if (bo->target_c && (bo->stack_report || bo->dump))
        return usage_error("build", "--stack-report and --dump need --target x86_64");
    if (!bo->target_c && (bo->line_directives || bo->entry_table))
        return usage_error("build", "--line-directives and --entry-table need --target c");
    if ((bo->emit == EMIT_EXE || (bo->target_c && bo->emit != EMIT_C)) && cc_word_count() > CC_WORDS)
        return usage_error("build", "$CC has more than %d words", CC_WORDS);
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

static const char *cc_name(void)
{
    const char *cc = getenv("CC");
    return cc && *cc && strspn(cc, " \t") < strlen(cc) ? cc : "cc";
}

static int cc_word_count(void)
{
    int n = 0;
    for (const char *p = cc_name(); *p;) {
        p += strspn(p, " \t");
        if (!*p) break;
        n++;
        p += strcspn(p, " \t");
    }
    return n;
}

/* $CC split into words at blanks, as make passes it to the shell
 * ("ccache gcc", "gcc -m64"); no quoting. The words (at least one: cc_name
 * is never blank; at most CC_WORDS, which settle checked) are written into
 * argv from index 0 and their count returned; *buf owns them. */
static int cc_words(char **argv, char **buf)
{
    *buf = xstrdup(cc_name());
    int n = 0;
    for (char *p = strtok(*buf, " \t"); p && n < CC_WORDS; p = strtok(NULL, " \t")) argv[n++] = p;
    return n;
}

/* Where compiled hosts are kept: $GRIDDLE_CACHE, else
 * $XDG_CACHE_HOME/griddle, else ~/.cache/griddle (NULL: none). */
static char *cache_dir(void)
{
    const char *g = getenv("GRIDDLE_CACHE"), *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
    StrBuf b = {0};
    if (g && *g) sb_puts(&b, g);
    else if (x && *x) sb_printf(&b, "%s/griddle", x);
    else if (h && *h) sb_printf(&b, "%s/.cache/griddle", h);
    else return NULL;
    char *d = sb_take(&b);
    for (char *p = d + 1; *p; p++)   /* mkdir -p */
        if (*p == '/') {
            *p = 0;
            mkdir(d, 0755);
            *p = '/';
        }
    if (mkdir(d, 0755) && errno != EEXIST) {
        free(d);
        return NULL;
    }
    return d;
}

/* The default host as one object file. It is compiled once per host
 * source and C compiler (FNV-1a of both names the cached file), written
 * under a temporary name and renamed, so concurrent builds are safe;
 * without a usable cache it is compiled into the temporary directory. */
static char *host_object(const Tmp *t)
{
    /* the decoder's functions are static: the host's only global symbols
     * are the ABI's (docs/abi.md, "Symbols") */
    const char *unity = "#define SIM_X86_API static\n#include \"host.c\"\n#include \"x86dec.c\"\n";
    uint64_t hash = 1469598103934665603ull;
    const char *cc = cc_name();
    for (const HostFile *f = griddle_host_files; f->name; f++)
        for (size_t i = 0; i < f->len; i++) hash = (hash ^ f->data[i]) * 1099511628211ull;
    for (const char *p = unity; *p; p++) hash = (hash ^ (unsigned char)*p) * 1099511628211ull;
    for (const char *p = cc; *p; p++) hash = (hash ^ (unsigned char)*p) * 1099511628211ull;
    char *dir = cache_dir();
    StrBuf obj = {0}, tmpobj = {0};
    if (dir) sb_printf(&obj, "%s/host-%016llx.o", dir, (unsigned long long)hash);
    else sb_printf(&obj, "%s/host.o", t->dir);
    free(dir);
    if (!access(obj.s, R_OK)) return sb_take(&obj);
    const char *err = NULL;
    bool ok = true;
    for (const HostFile *f = griddle_host_files; ok && f->name; f++) {
        char *p = tmp_path(t, f->name);
        ok = write_file(p, (const char *)f->data, f->len, &err);
        free(p);
    }
    char *all = tmp_path(t, "host_all.c");
    ok = ok && write_file(all, unity, strlen(unity), &err);
    if (!ok) fprintf(stderr, "griddle build: cannot write temporary files: %s\n", err);
    sb_printf(&tmpobj, "%s.%ld", obj.s, (long)getpid());
    char *argv[CC_WORDS + 6], *words;
    int a = cc_words(argv, &words);
    argv[a++] = "-O2";
    argv[a++] = "-c";
    argv[a++] = "-o";
    argv[a++] = tmpobj.s;
    argv[a++] = all;
    argv[a] = NULL;
    ok = ok && run_tool(argv) && !rename(tmpobj.s, obj.s);
    free(words);
    unlink(tmpobj.s);
    for (const HostFile *f = griddle_host_files; f->name; f++) {
        char *p = tmp_path(t, f->name);
        unlink(p);
        free(p);
    }
    unlink(all);
    free(all);
    sb_free(&tmpobj);
    if (!ok) sb_free(&obj);
    return ok ? sb_take(&obj) : NULL;
}

/* Runs $CC on code (assembly or C, in temporary file `name`): with
 * EMIT_EXE, links it with the default host and the --link files into
 * bo->out; with EMIT_ASM / EMIT_OBJ (C only), compiles it with -S / -c
 * (an assembly output of "-" goes to standard output). */
static bool run_cc(const BuildOpts *bo, const char *code, const char *name)
{
    Tmp t;
    if (!tmp_make(&t)) {
        fprintf(stderr, "griddle build: cannot create a temporary directory: %s\n", strerror(errno));
        return false;
    }
    const char *err = NULL;
    bool exe = bo->emit == EMIT_EXE, to_stdout = !exe && !strcmp(bo->out ? bo->out : "-", "-");
    char *prog = tmp_path(&t, name), *host = NULL, *out = to_stdout ? tmp_path(&t, "out.s") : NULL;
    bool ok = write_file(prog, code, strlen(code), &err);
    if (!ok) fprintf(stderr, "griddle build: cannot write temporary files: %s\n", err);
    else if (exe) ok = (host = host_object(&t)) != NULL;
    if (ok) {
        char **argv = xmalloc((bo->links.n + CC_WORDS + 8) * sizeof *argv), *words;
        int a = cc_words(argv, &words);
        argv[a++] = "-O2";
        if (!exe) argv[a++] = bo->emit == EMIT_ASM ? "-S" : "-c";
        argv[a++] = "-o";
        argv[a++] = out ? out : (char *)bo->out;
        argv[a++] = prog;
        if (exe) {
            argv[a++] = host;
            for (size_t i = 0; i < bo->links.n; i++) argv[a++] = (char *)bo->links.v[i];
        }
        argv[a] = NULL;
        ok = run_tool(argv);
        free(argv);
        free(words);
    }
    if (ok && out) {
        size_t n;
        char *text = read_file(out, &n);
        ok = text && fwrite(text, 1, n, stdout) == n && fflush(stdout) == 0;
        if (!ok) fprintf(stderr, "griddle build: cannot copy the assembly to standard output\n");
        free(text);
    }
    const char *names[] = {name, "host.o", "out.s"};
    tmp_remove(&t, names, 3);
    free(prog);
    free(host);
    free(out);
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
    X64Opts xo = {bo->opt, bo->dump, &dump, getenv("GRIDDLE_BUILD_INJECT"), bo->hooks};
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
        for (size_t i = 0; i < res.stack.n; i++) print_stack_use(bo, &res.stack.v[i]);
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
        } else if (!(bo->emit == EMIT_OBJ ? assemble(bo, code.s) : run_cc(bo, code.s, "prog.s"))) {
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
    CbackOpts co = {.entry_table = bo->entry_table || bo->emit == EMIT_EXE,
                    .line_directives = bo->line_directives, .hooks = bo->hooks};
    StrBuf c = {0}, h = {0};
    const char *err = NULL;
    int rc = EXIT_OK;
    if (bo->header) {   /* the same header as the x86-64 back end's */
        IrProg *ir = ir_lower(&u->prog);
        header_text(ir, &h);
        ir_free(ir);
    }
    if (cback_emit(&u->prog, &co, &c, &u->dl) != 0) rc = EXIT_INPUT;
    else if (bo->header && !write_file(bo->header, h.s, h.n, &err)) {
        fprintf(stderr, "griddle build: cannot write %s: %s\n", bo->header, err);
        rc = EXIT_USAGE;
    }
    sb_free(&h);
    bool via_cc = bo->emit == EMIT_EXE || bo->emit == EMIT_ASM || bo->emit == EMIT_OBJ;
    if (rc == EXIT_OK && via_cc) {
        rc = run_cc(bo, c.s ? c.s : "", "prog.c") ? EXIT_OK : EXIT_INTERNAL;
    } else if (rc == EXIT_OK && !write_file(bo->out ? bo->out : "-", c.s ? c.s : "", c.n, &err)) {
        fprintf(stderr, "griddle build: cannot write %s: %s\n", bo->out, err);
        rc = EXIT_USAGE;
    }
    sb_free(&c);
    return rc;
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
            vec_free(&bo.ffi_stack);
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
        if (rc == EXIT_OK && target_check_abi_names(&u.prog, &u.dl)) rc = EXIT_INPUT;
        if (rc == EXIT_OK) rc = bo.target_c ? build_c(&bo, &u) : build_x64(&bo, &u.prog);
        if (u.dl.v.n) driver_render(&so, &u.dl, &u.sm, "griddle build");
        unit_free(&u);
    }
    source_opts_free(&so);
    vec_free(&bo.links);
    vec_free(&bo.ffi_stack);
    return rc;
}
