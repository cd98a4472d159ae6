/*
 * griddle run: run a Pancake program under the reference semantics (sem).
 *
 * Validate at the edge, then act: every option, number, --call expression,
 * manifest and file is checked before the program runs (exit 2 on bad
 * input); the source is loaded and checked (exit 1); then sem_new loads
 * libraries and devices (exit 2); then main and each --call run in order.
 */
#include "driver.h"

#include "sem/sem.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char HELP[] =
    "usage: griddle run [options] FILE...\n"
    "\n"
    "Runs a Pancake program under the reference semantics: global initialisers,\n"
    "then main, then each --call in order. Runtime Errors of the reference are\n"
    "reported with their reason, source location and Pancake call stack.\n"
    "\n"
    "memory:\n"
    "  --heap-size BYTES      heap size (default 1M; suffixes K, M, G); globals take\n"
    "                         its top words, user memory is [@base, @top) below them\n"
    "  --heap-init FILE       load FILE's bytes at @base\n"
    "  --poke OFF=VALUE       store the word VALUE at @base+OFF (repeatable)\n"
    "outside world:\n"
    "  --ffi LIB.so           look up @name as ffiname in LIB.so (repeatable, in order,\n"
    "                         before the built-ins write, read, exit, print_u64)\n"
    "  --ffi-permissive       pass FFI arguments unchecked, as compiled code does\n"
    "  --shared BASE:SIZE     a region of plain shared memory (repeatable)\n"
    "  --device LIB.so[=BASE:SIZE][,ARG]\n"
    "                         a device-model plugin (sem/pnk_device.h) serving a region\n"
    "  --shared-manifest FILE regions from a manifest (docs/semantics.md)\n"
    "running:\n"
    "  --call 'f(1,2)'        after main, call exported f (repeatable, in order)\n"
    "  --print-result         print each entry's result (unsigned decimal) on stdout\n"
    "  --fuel N               clock: at most N loop iterations + calls + ticks\n"
    "  --max-depth N          non-tail call depth limit (default 1000000)\n"
    "  --trace FILE           write the I/O trace as JSON Lines (docs/trace.md);\n"
    "                         - is standard output\n"
    "  --stats                print statements executed and their rate on stderr\n"
    "\n"
    "%s"
    "\n"
    "exit status: 0 success, 1 errors in the source, 2 usage or setup error,\n"
    "4 runtime Error or uncaught exception, 5 out of fuel; a program ending\n"
    "through @exit gives its own status.\n";

typedef struct HostCall {
    const char *text;
    char *name;
    Word args[8];
    uint32_t nargs;
    const FunDecl *fn;
} HostCall;

typedef struct RunOpts {
    SemConfig cfg;
    VEC(SemPoke) pokes;
    VEC(const char *) libs;
    SemRegionVec regions;
    VEC(HostCall) calls;
    Arena arena;
    const char *trace_path;
    bool print_result, stats;
} RunOpts;

static bool parse_size(const char *s, size_t *out)
{
    char *end;
    if (!isdigit((unsigned char)*s)) return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k') shift = 10;
    else if (*end == 'M' || *end == 'm') shift = 20;
    else if (*end == 'G' || *end == 'g') shift = 30;
    if (shift) end++;
    if (*end || errno || v > (SIZE_MAX >> shift)) return false;
    *out = (size_t)v << shift;
    return true;
}

static bool parse_region(const char *s, SemRegion *r)
{
    const char *colon = strchr(s, ':');
    if (!colon) return false;
    char *base = xstrndup(s, (size_t)(colon - s));
    bool ok = sem_parse_word(base, &r->base) && sem_parse_word(colon + 1, &r->size) &&
              base[0] != '-' && colon[1] != '-';
    free(base);
    return ok;
}

/* LIB.so[=BASE:SIZE][,ARG] */
static bool parse_device(RunOpts *ro, const char *s, SemRegion *r)
{
    memset(r, 0, sizeof *r);
    const char *comma = strchr(s, ',');
    size_t n = comma ? (size_t)(comma - s) : strlen(s);
    if (comma) r->arg = arena_strndup(&ro->arena, comma + 1, strlen(comma + 1));
    char *spec = arena_strndup(&ro->arena, s, n);
    char *eq = strchr(spec, '=');
    if (eq) {
        *eq = 0;
        char *region = eq + 1;
        if (!parse_region(region, r)) return false;
    }
    r->device = spec;
    return *spec != 0;
}

/* NAME(ARG, ...) with word arguments. */
static bool parse_call(const char *s, HostCall *c)
{
    memset(c, 0, sizeof *c);
    c->text = s;
    while (isspace((unsigned char)*s)) s++;
    const char *name = s;
    if (!isalpha((unsigned char)*s) && *s != '_') return false;
    while (isalnum((unsigned char)*s) || *s == '_') s++;
    c->name = xstrndup(name, (size_t)(s - name));
    while (isspace((unsigned char)*s)) s++;
    if (*s++ != '(') return false;
    const char *close = strrchr(s, ')');
    if (!close) return false;
    for (const char *t = close + 1; *t; t++)
        if (!isspace((unsigned char)*t)) return false;
    char *inner = xstrndup(s, (size_t)(close - s));
    bool ok = true;
    char *p = inner;
    while (isspace((unsigned char)*p)) p++;
    while (ok && *p) {
        char *comma = strchr(p, ',');
        if (comma) *comma = 0;
        char *end = p + strlen(p);
        while (end > p && isspace((unsigned char)end[-1])) *--end = 0;
        while (isspace((unsigned char)*p)) p++;
        if (c->nargs == ARRAY_LEN(c->args) || !sem_parse_word(p, &c->args[c->nargs++])) ok = false;
        if (!comma) break;
        p = comma + 1;
        if (!*p) ok = false; /* trailing comma */
    }
    free(inner);
    return ok;
}

static int load_manifest(RunOpts *ro, const char *path)
{
    size_t len;
    char *text = read_file(path, &len);
    if (!text) return usage_error("run", "cannot read manifest '%s': %s", path, strerror(errno));
    char err[256];
    bool ok = sem_manifest_parse(text, len, &ro->arena, &ro->regions, err, sizeof err);
    free(text);
    if (!ok) return usage_error("run", "manifest '%s': %s", path, err);
    return EXIT_OK;
}

/* ---- one handler per option: 1 done, -1 usage error (reported) ---- */

#define BAD(...) (usage_error("run", __VA_ARGS__), -1)

static int opt_heap_size(RunOpts *ro, const char *v)
{
    if (!parse_size(v, &ro->cfg.heap_size) || ro->cfg.heap_size % 8 || !ro->cfg.heap_size)
        return BAD("--heap-size needs a positive byte count that is a multiple of 8, not '%s'", v);
    return 1;
}

static int opt_heap_init(RunOpts *ro, const char *v)
{
    if (!*v) return BAD("--heap-init needs a file");
    ro->cfg.heap_init = v;
    return 1;
}

static int opt_poke(RunOpts *ro, const char *v)
{
    const char *eq = strchr(v, '=');
    SemPoke pk;
    char *off = eq ? xstrndup(v, (size_t)(eq - v)) : NULL;
    bool ok = off && sem_parse_word(off, &pk.offset) && off[0] != '-' &&
              sem_parse_word(eq + 1, &pk.value);
    free(off);
    if (!ok) return BAD("--poke needs OFFSET=VALUE (numbers), not '%s'", v);
    vec_push(&ro->pokes, pk);
    return 1;
}

static int opt_ffi(RunOpts *ro, const char *v)
{
    if (!*v) return BAD("--ffi needs a shared library");
    vec_push(&ro->libs, v);
    return 1;
}

static int opt_manifest(RunOpts *ro, const char *v)
{
    return load_manifest(ro, v) == EXIT_OK ? 1 : -1;
}

static int opt_shared(RunOpts *ro, const char *v)
{
    SemRegion r = {0};
    if (!parse_region(v, &r)) return BAD("--shared needs BASE:SIZE, not '%s'", v);
    vec_push(&ro->regions, r);
    return 1;
}

static int opt_device(RunOpts *ro, const char *v)
{
    SemRegion r;
    if (!parse_device(ro, v, &r)) return BAD("--device needs LIB.so[=BASE:SIZE][,ARG], not '%s'", v);
    vec_push(&ro->regions, r);
    return 1;
}

static int opt_call(RunOpts *ro, const char *v)
{
    HostCall c;
    if (!parse_call(v, &c)) {
        free(c.name);
        return BAD("--call needs NAME(ARG, ...) with up to 8 numbers, not '%s'", v);
    }
    vec_push(&ro->calls, c);
    return 1;
}

static int opt_fuel(RunOpts *ro, const char *v)
{
    Word n;
    if (!sem_parse_word(v, &n) || v[0] == '-') return BAD("--fuel needs a number, not '%s'", v);
    ro->cfg.fuel = n;
    return 1;
}

static int opt_max_depth(RunOpts *ro, const char *v)
{
    Word n;
    if (!sem_parse_word(v, &n) || v[0] == '-' || n == 0 || n > 100000000)
        return BAD("--max-depth needs a number from 1 to 100000000, not '%s'", v);
    ro->cfg.max_depth = (uint32_t)n;
    return 1;
}

static int opt_trace(RunOpts *ro, const char *v)
{
    if (!*v) return BAD("--trace needs a file");
    ro->trace_path = v;
    return 1;
}

static const struct {
    const char *name;
    int (*fn)(RunOpts *ro, const char *v);
} value_opts[] = {
    {"--heap-size", opt_heap_size}, {"--heap-init", opt_heap_init}, {"--poke", opt_poke},
    {"--ffi", opt_ffi}, {"--shared-manifest", opt_manifest}, {"--shared", opt_shared},
    {"--device", opt_device}, {"--call", opt_call}, {"--fuel", opt_fuel},
    {"--max-depth", opt_max_depth}, {"--trace", opt_trace},
};

/* One run option at argv[*i]: 1 consumed, 0 not ours, -1 usage error. */
static int run_opt(RunOpts *ro, int argc, char **argv, int *i)
{
    if (!strcmp(argv[*i], "--ffi-permissive")) return ro->cfg.ffi_permissive = true, 1;
    if (!strcmp(argv[*i], "--print-result")) return ro->print_result = true, 1;
    if (!strcmp(argv[*i], "--stats")) return ro->stats = true, 1;
    for (size_t k = 0; k < ARRAY_LEN(value_opts); k++) {
        const char *v = driver_opt_value(argc, argv, i, value_opts[k].name);
        if (v) return value_opts[k].fn(ro, v);
    }
    return 0;
}

static void run_opts_free(RunOpts *ro)
{
    for (size_t i = 0; i < ro->calls.n; i++) free(ro->calls.v[i].name);
    vec_free(&ro->calls);
    vec_free(&ro->pokes);
    vec_free(&ro->libs);
    vec_free(&ro->regions);
    arena_free(&ro->arena);
}

/* Adds a runtime failure to dl as a located diagnostic with the stack. */
static void report(DiagList *dl, const SemOutcome *o, const SemConfig *cfg)
{
    const char *code = o->status == SEM_TIMEOUT ? "fuel"
                       : o->status == SEM_EXCEPTION ? "exception" : "runtime";
    Diag *d;
    if (o->status == SEM_EXCEPTION && o->npayload == 1)
        d = diag_add(dl, DIAG_ERROR, code, o->has_span ? &o->span : NULL, "%s (value %llu)",
                     o->reason, (unsigned long long)o->payload[0]);
    else
        d = diag_add(dl, DIAG_ERROR, code, o->has_span ? &o->span : NULL, "%s", o->reason);
    if (o->nstack) diag_note(d, NULL, "in function %s", o->stack[0].fn);
    /* Runs of the same call site (recursion) are shown once with a count. */
    for (size_t i = 1; i < o->nstack;) {
        size_t k = i + 1;
        while (k < o->nstack && o->stack[k].fn == o->stack[i].fn &&
               !memcmp(&o->stack[k].span, &o->stack[i].span, sizeof(Span)))
            k++;
        if (k - i > 1)
            diag_note(d, &o->stack[i].span, "called from %s (%zu times)", o->stack[i].fn, k - i);
        else
            diag_note(d, &o->stack[i].span, "called from %s", o->stack[i].fn);
        if (o->stack_omitted && i < SEM_STACK_KEEP / 2 && k >= SEM_STACK_KEEP / 2)
            diag_note(d, NULL, "... %zu more frames ...", o->stack_omitted);
        i = k;
    }
    if (o->status == SEM_TIMEOUT)
        diag_note(d, NULL, "the clock allowed %llu loop iterations, calls and ticks (--fuel)",
                  (unsigned long long)cfg->fuel);
}

static int exit_for(const SemOutcome *o)
{
    switch (o->status) {
    case SEM_OK: return EXIT_OK;
    case SEM_ERROR: case SEM_EXCEPTION: return 4;
    case SEM_TIMEOUT: return 5;
    case SEM_EXIT: return o->exit_code;
    }
    return EXIT_INTERNAL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Resolves every --call to an exported function; exit 2 when one is bad. */
static int resolve_calls(RunOpts *ro, Program *p, DiagList *dl)
{
    for (size_t i = 0; i < ro->calls.n; i++) {
        HostCall *c = &ro->calls.v[i];
        c->fn = check_find_fun(p, intern_cstr(p->interner, c->name));
        if (!c->fn) {
            diag_add(dl, DIAG_ERROR, "run", NULL, "--call '%s': the program has no function %s",
                     c->text, c->name);
            return EXIT_USAGE;
        }
        if (!c->fn->is_export) {
            Diag *d = diag_add(dl, DIAG_ERROR, "run", NULL,
                               "--call '%s': only exported functions can be called by the host",
                               c->text);
            diag_note(d, &c->fn->name_span, "%s is declared here without `export`", c->name);
            return EXIT_USAGE;
        }
        bool words = c->fn->nparams == c->nargs;
        for (uint32_t k = 0; words && k < c->fn->nparams; k++)
            words = c->fn->params[k].shape && c->fn->params[k].shape->kind == SHAPE_ONE;
        if (!words) {
            Diag *d = diag_add(dl, DIAG_ERROR, "run", NULL,
                               "--call '%s': %s takes %u parameters, given %u words", c->text,
                               c->name, c->fn->nparams, c->nargs);
            diag_note(d, &c->fn->name_span, "%s is declared here", c->name);
            return EXIT_USAGE;
        }
    }
    return EXIT_OK;
}

/* Runs main and the calls; returns the exit status. */
static int execute(RunOpts *ro, Sem *s, DiagList *dl)
{
    double t0 = now();
    const SemOutcome *o = sem_run_main(s);
    Word main_value = o->value;
    int rc = EXIT_OK;
    if (o->status == SEM_OK && ro->print_result) printf("%llu\n", (unsigned long long)o->value);
    for (size_t i = 0; i < ro->calls.n && o && o->status == SEM_OK; i++) {
        HostCall *c = &ro->calls.v[i];
        sem_trace_call(s, c->fn, c->args, c->nargs);
        o = sem_call(s, c->fn, c->args, c->nargs, dl);
        if (!o) {
            rc = EXIT_USAGE;
            break;
        }
        if (o->status != SEM_OK) break;
        sem_trace_return(s, c->fn, o->value);
        if (ro->print_result) printf("%llu\n", (unsigned long long)o->value);
    }
    if (o) {
        sem_finish(s, o, main_value);
        if (o->status != SEM_OK && o->status != SEM_EXIT) report(dl, o, &ro->cfg);
        rc = exit_for(o);
    }
    fflush(stdout);
    if (ro->stats) {
        double dt = now() - t0;
        unsigned long long n = (unsigned long long)sem_statements(s);
        fprintf(stderr, "griddle run: %llu statements in %.3f s (%.1f million/s)\n", n, dt,
                dt > 0 ? (double)n / dt / 1e6 : 0.0);
    }
    return rc;
}

static int run_program(RunOpts *ro, SourceOpts *so)
{
    SourceUnit u;
    FILE *trace = NULL;
    Sem *s = NULL;
    int rc = unit_load(&u, so, true);
    Program *prog = &u.prog;
    DiagList *dl = &u.dl;
    /* Text: the source's diagnostics now, before the program's output.
     * JSON: everything at the end as one array. */
    if (!so->json || rc != EXIT_OK) {
        driver_render(so, dl, &u.sm, "griddle run");
        diag_free(dl);
        diag_init(dl);
    }
    if (rc == EXIT_OK) rc = resolve_calls(ro, prog, dl);
    if (rc == EXIT_OK && ro->trace_path) {
        trace = strcmp(ro->trace_path, "-") ? fopen(ro->trace_path, "w") : stdout;
        if (!trace) {
            diag_add(dl, DIAG_ERROR, "run", NULL, "cannot write trace '%s': %s", ro->trace_path,
                     strerror(errno));
            rc = EXIT_USAGE;
        }
    }
    if (rc == EXIT_OK) {
        ro->cfg.trace = trace;
        s = sem_new(prog, &ro->cfg, dl);
        if (!s) rc = EXIT_USAGE;
    }
    if (s) rc = execute(ro, s, dl);
    if (dl->v.n || (so->json && rc != EXIT_INPUT)) {
        DiagRenderOpts r = {.color = so->color && !so->json, .json = so->json, .prog = "griddle run"};
        diag_render(dl, &u.sm, &r, stderr);
    }
    sem_free(s);
    if (trace && trace != stdout) fclose(trace);
    unit_free(&u);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    SourceOpts so;
    RunOpts ro;
    memset(&ro, 0, sizeof ro);
    arena_init(&ro.arena);
    ro.cfg.fuel = UINT64_MAX;
    source_opts_init(&so, "run");
    int rc = EXIT_OK;
    for (int i = 1; i < argc && rc == EXIT_OK; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf(HELP, SOURCE_OPTS_HELP);
            rc = -1;
            break;
        }
        int r = run_opt(&ro, argc, argv, &i);
        if (r == 0) r = source_opts_arg(&so, argc, argv, &i);
        if (r < 0) rc = EXIT_USAGE;
        else if (r == 0) rc = usage_error("run", "unknown option '%s'", argv[i]);
    }
    if (rc == EXIT_OK && !so.files.n) rc = usage_error("run", "no input files");
    if (rc == EXIT_OK) {
        ro.cfg.pokes = ro.pokes.v;
        ro.cfg.npokes = ro.pokes.n;
        ro.cfg.ffi_libs = ro.libs.v;
        ro.cfg.nffi_libs = ro.libs.n;
        ro.cfg.regions = ro.regions.v;
        ro.cfg.nregions = ro.regions.n;
        rc = run_program(&ro, &so);
    }
    run_opts_free(&ro);
    source_opts_free(&so);
    return rc < 0 ? EXIT_OK : rc;
}
