/* griddle verify: annotated Pancake + models -> Z3 (docs/verifier.md). */
#include "driver.h"

#include "check/check.h"
#include "verify/verify.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


static const char HELP[] =
    "usage: griddle verify [options] FILE...\n"
    "\n"
    "Verifies an annotated Pancake program against its contracts and the\n"
    "device/OS models: every function that is not `trusted`, and every model\n"
    "method with a body, is checked with Z3 (docs/verifier.md).\n"
    "\n"
    "verifier options:\n"
    "  -m, --model FILE        a model file (Viper subset); repeatable, read in order\n"
    "  -I FILE                 as -m when FILE is a regular file (pancake2viper's\n"
    "                          spelling); -I DIR stays a preprocessor include dir\n"
    "  --heap-words N          alen(heap), in words (default 16384)\n"
    "  --allow-undefined-shared  shared accesses outside every `shared` region\n"
    "                          return any value of their width (listed by --tcb)\n"
    "  --no-overflow-check     words wrap modulo 2^64 instead of overflow obligations\n"
    "  --only NAME             verify only this function/model method (repeatable;\n"
    "                          the others are trusted)\n"
    "  --bv NAME               verify function NAME in bit-vector mode, as if it\n"
    "                          had /@ bitvector @/ (repeatable)\n"
    "  -j N                    verify N units in parallel (default: all cores)\n"
    "  --timeout SECONDS       per obligation (default 60; 0 = none); a timeout is\n"
    "                          reported as unknown, never as verified\n"
    "  --seeds N               re-check every obligation with N solver seeds and\n"
    "                          report verdicts that change\n"
    "  --solver z3|cvc5|both|fallback  who decides: Z3 (default), cvc5 (the same\n"
    "                          queries as SMT-LIB text to a cvc5 process;\n"
    "                          $GRIDDLE_CVC5 names another executable), Z3\n"
    "                          cross-checked by cvc5 (contradicting verdicts are\n"
    "                          errors), or Z3 first for 2 s, then cvc5 for a query\n"
    "                          Z3 leaves unknown, then Z3 for the whole timeout\n"
    "  --cross-check           the same as --solver both\n"
    "  --cache DIR             cache of verified units (default .griddle-cache)\n"
    "  --no-cache              neither read nor write the cache\n"
    "  --emit-smt DIR          write every query as SMT-LIB2 into DIR\n"
    "  --format text|json|sarif  report format on standard output (default text;\n"
    "                          text diagnostics go to standard error)\n"
    "  --stats                 per-unit times and solver statistics\n"
    "  --tcb                   list what the result rests on (trusted base)\n"
    "  --dump-spec             print the typed specification and stop\n"
    "  --emit-viper FILE|-     print the program, its annotations and the models\n"
    "                          as one Viper program into FILE (- = standard\n"
    "                          output) and stop, without verifying\n"
    "\n"
    "%s"
    "\n"
    "exit status: 0 everything verified, 1 a verification failure or an error\n"
    "in the input, 2 usage error, 3 some obligation unknown (timeout).\n";

typedef enum Format { FMT_TEXT, FMT_JSON, FMT_SARIF } Format;

typedef struct VerifyCli {
    SourceOpts src;
    VerifyOpts vo;
    VEC(const char *) models;
    VEC(const char *) only;
    VEC(const char *) bv;
    uint64_t heap_words;
    bool allow_undefined, tcb, no_cache;
    Format format;
    const char *cache_dir;
    const char *emit_viper;     /* --emit-viper FILE, "-" = stdout */
} VerifyCli;

static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    if (!s || !*s) return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end || *s == '-' || v > max) return false;
    *out = v;
    return true;
}

static const char *need(int argc, char **argv, int *i)
{
    return *i + 1 < argc ? argv[++*i] : NULL;
}

static bool is_regular_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Returns -1 on a usage error (reported), 0 unknown option, 1 consumed. */
static int verify_arg(VerifyCli *c, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *v;
    uint64_t n;
    if (!strcmp(a, "-m") || !strcmp(a, "--model")) {
        if (!(v = need(argc, argv, i))) return usage_error("verify", "%s needs a file", a), -1;
        vec_push(&c->models, v);
        return 1;
    }
    if (!strncmp(a, "--model=", 8) || (!strncmp(a, "-m", 2) && a[2] && a[1] == 'm')) {
        vec_push(&c->models, a[1] == '-' ? a + 8 : a + 2);
        return 1;
    }
    if (!strcmp(a, "-I") && *i + 1 < argc && is_regular_file(argv[*i + 1])) {
        vec_push(&c->models, argv[++*i]);
        return 1;
    }
    if (!strncmp(a, "-I", 2) && a[2] && is_regular_file(a + 2)) {
        vec_push(&c->models, a + 2);
        return 1;
    }
    if (!strcmp(a, "--heap-words")) {
        if (!parse_uint(need(argc, argv, i), UINT64_MAX / 8, &n) || !n)
            return usage_error("verify", "--heap-words needs a positive number"), -1;
        c->heap_words = n;
        return 1;
    }
    if (!strcmp(a, "-j")) {
        if (!parse_uint(need(argc, argv, i), 1024, &n) || !n)
            return usage_error("verify", "-j needs a number from 1 to 1024"), -1;
        c->vo.jobs = (unsigned)n;
        return 1;
    }
    if (!strncmp(a, "-j", 2) && a[2]) {
        if (!parse_uint(a + 2, 1024, &n) || !n) return usage_error("verify", "-j needs a number from 1 to 1024"), -1;
        c->vo.jobs = (unsigned)n;
        return 1;
    }
    if (!strcmp(a, "--timeout")) {
        v = need(argc, argv, i);
        char *end;
        double s = v ? strtod(v, &end) : -1;
        if (!v || !*v || *end || !(s >= 0) || s > 86400)
            return usage_error("verify", "--timeout needs seconds (0 to 86400)"), -1;
        c->vo.timeout_ms = (unsigned)(s * 1000 + 0.5);
        if (s > 0 && !c->vo.timeout_ms) c->vo.timeout_ms = 1;
        return 1;
    }
    if (!strcmp(a, "--seeds")) {
        if (!parse_uint(need(argc, argv, i), 1000, &n) || !n)
            return usage_error("verify", "--seeds needs a number from 1 to 1000"), -1;
        c->vo.seeds = (unsigned)n;
        return 1;
    }
    if (!strcmp(a, "--bv")) {
        if (!(v = need(argc, argv, i)) || !*v) return usage_error("verify", "--bv needs a function name"), -1;
        vec_push(&c->bv, v);
        return 1;
    }
    if (!strcmp(a, "--only")) {
        if (!(v = need(argc, argv, i))) return usage_error("verify", "--only needs a name"), -1;
        vec_push(&c->only, v);
        return 1;
    }
    if (!strcmp(a, "--cache")) {
        if (!(v = need(argc, argv, i)) || !*v) return usage_error("verify", "--cache needs a directory"), -1;
        c->cache_dir = v;
        return 1;
    }
    if (!strcmp(a, "--emit-smt")) {
        if (!(v = need(argc, argv, i)) || !*v) return usage_error("verify", "--emit-smt needs a directory"), -1;
        c->vo.emit_smt_dir = v;
        return 1;
    }
    if (!strcmp(a, "--format")) {
        v = need(argc, argv, i);
        if (v && !strcmp(v, "text")) c->format = FMT_TEXT;
        else if (v && !strcmp(v, "json")) c->format = FMT_JSON;
        else if (v && !strcmp(v, "sarif")) c->format = FMT_SARIF;
        else return usage_error("verify", "--format must be text, json or sarif"), -1;
        return 1;
    }
    if (!strcmp(a, "--no-cache")) return c->no_cache = true, 1;
    if (!strcmp(a, "--stats")) return c->vo.stats = true, 1;
    if (!strcmp(a, "--tcb")) return c->tcb = true, 1;
    if (!strcmp(a, "--allow-undefined-shared")) return c->allow_undefined = true, 1;
    if (!strcmp(a, "--no-overflow-check")) return c->vo.no_overflow = true, 1;
    if (!strcmp(a, "--emit-viper") || !strncmp(a, "--emit-viper=", 13)) {
        v = a[12] == '=' ? a + 13 : need(argc, argv, i);
        if (!v || !*v) return usage_error("verify", "--emit-viper needs a file (or - for standard output)"), -1;
        c->emit_viper = v;
        return 1;
    }
    if (!strcmp(a, "--solver")) {
        v = need(argc, argv, i);
        if (v && !strcmp(v, "z3")) c->vo.solver = VSOLVER_Z3;
        else if (v && !strcmp(v, "cvc5")) c->vo.solver = VSOLVER_CVC5;
        else if (v && !strcmp(v, "both")) c->vo.solver = VSOLVER_BOTH;
        else if (v && !strcmp(v, "fallback")) c->vo.solver = VSOLVER_FALLBACK;
        else return usage_error("verify", "--solver must be z3, cvc5, both or fallback"), -1;
        return 1;
    }
    if (!strcmp(a, "--cross-check")) return c->vo.solver = VSOLVER_BOTH, 1;
    return 0;
}

/* ---- reports --------------------------------------------------------- */

static void json_loc(StrBuf *b, SrcMgr *sm, const Span *s, bool has)
{
    if (!has) {
        sb_puts(b, "null");
        return;
    }
    const char *f = srcmgr_name(sm, s->file);
    sb_puts(b, "{\"file\":");
    sb_json_str(b, f, strlen(f));
    sb_printf(b, ",\"line\":%u,\"column\":%u,\"end_line\":%u,\"end_column\":%u}", s->line, s->col, s->eline,
              s->ecol);
}

static void report_json(const VerifyReport *r, DiagList *dl, SrcMgr *sm, const char *verdict)
{
    StrBuf b = {0};
    sb_puts(&b, "{\"verdict\":");
    sb_json_str(&b, verdict, strlen(verdict));
    sb_puts(&b, ",\"units\":[");
    for (size_t i = 0; i < r->units.n; i++) {
        const VerifyUnit *u = &r->units.v[i];
        sb_puts(&b, i ? ",{\"name\":" : "{\"name\":");
        sb_json_str(&b, u->name, strlen(u->name));
        const char *st = verify_status_name(u->status);
        sb_puts(&b, ",\"status\":");
        sb_json_str(&b, st, strlen(st));
        sb_printf(&b, ",\"seconds\":%.3f,\"obligations\":%u,\"failed\":%u,\"unknown\":%u}", u->seconds,
                  u->obligations, u->failed, u->unknown);
    }
    sb_puts(&b, "],\"diagnostics\":[");
    for (size_t i = 0; i < dl->v.n; i++) {
        const Diag *d = &dl->v.v[i];
        const char *sev = d->sev == DIAG_ERROR ? "error" : d->sev == DIAG_WARNING ? "warning" : "note";
        sb_puts(&b, i ? ",{\"severity\":" : "{\"severity\":");
        sb_json_str(&b, sev, strlen(sev));
        sb_puts(&b, ",\"code\":");
        sb_json_str(&b, d->code ? d->code : "", d->code ? strlen(d->code) : 0);
        sb_puts(&b, ",\"location\":");
        json_loc(&b, sm, &d->span, d->has_span);
        sb_puts(&b, ",\"message\":");
        sb_json_str(&b, d->msg, strlen(d->msg));
        sb_puts(&b, ",\"notes\":[");
        for (size_t k = 0; k < d->notes.n; k++) {
            sb_puts(&b, k ? ",{\"location\":" : "{\"location\":");
            json_loc(&b, sm, &d->notes.v[k].span, d->notes.v[k].has_span);
            sb_puts(&b, ",\"message\":");
            sb_json_str(&b, d->notes.v[k].msg, strlen(d->notes.v[k].msg));
            sb_putc(&b, '}');
        }
        sb_puts(&b, "]}");
    }
    sb_puts(&b, "]}\n");
    fputs(b.s, stdout);
    sb_free(&b);
}

static void sarif_region(StrBuf *b, SrcMgr *sm, const Span *s)
{
    const char *f = srcmgr_name(sm, s->file);
    sb_puts(b, "{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
    sb_json_str(b, f, strlen(f));
    sb_printf(b, "},\"region\":{\"startLine\":%u,\"startColumn\":%u,\"endLine\":%u,\"endColumn\":%u}}", s->line,
              s->col ? s->col : 1, s->eline ? s->eline : s->line, (s->ecol ? s->ecol : s->col) + 1);
}

/* SARIF 2.1.0: one run, one result per diagnostic; notes with a location
 * become relatedLocations, the others are appended to the message. */
static void report_sarif(DiagList *dl, SrcMgr *sm)
{
    StrBuf b = {0};
    sb_puts(&b, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
                "\"runs\":[{\"tool\":{\"driver\":{\"name\":\"griddle verify\",\"version\":\"" GRIDDLE_VERSION
                "\",\"informationUri\":\"docs/verifier.md\"}},\"results\":[");
    for (size_t i = 0; i < dl->v.n; i++) {
        const Diag *d = &dl->v.v[i];
        const char *lvl = d->sev == DIAG_ERROR ? "error" : d->sev == DIAG_WARNING ? "warning" : "note";
        StrBuf msg = {0};
        sb_puts(&msg, d->msg);
        for (size_t k = 0; k < d->notes.n; k++)
            if (!d->notes.v[k].has_span) sb_printf(&msg, "\n%s", d->notes.v[k].msg);
        sb_puts(&b, i ? ",{\"ruleId\":" : "{\"ruleId\":");
        sb_json_str(&b, d->code ? d->code : "verify", strlen(d->code ? d->code : "verify"));
        sb_printf(&b, ",\"level\":\"%s\",\"message\":{\"text\":", lvl);
        sb_json_str(&b, msg.s ? msg.s : "", msg.n);
        sb_puts(&b, "},\"locations\":[");
        if (d->has_span) {
            sarif_region(&b, sm, &d->span);
            sb_putc(&b, '}');
        }
        sb_puts(&b, "],\"relatedLocations\":[");
        bool first = true;
        for (size_t k = 0; k < d->notes.n; k++) {
            if (!d->notes.v[k].has_span) continue;
            if (!first) sb_putc(&b, ',');
            first = false;
            sarif_region(&b, sm, &d->notes.v[k].span);
            sb_puts(&b, ",\"message\":{\"text\":");
            sb_json_str(&b, d->notes.v[k].msg, strlen(d->notes.v[k].msg));
            sb_puts(&b, "}}");
        }
        sb_puts(&b, "]}");
        sb_free(&msg);
    }
    sb_puts(&b, "]}]}\n");
    fputs(b.s, stdout);
    sb_free(&b);
}

static void report_text(const VerifyReport *r, bool stats)
{
    for (size_t i = 0; i < r->units.n; i++) {
        const VerifyUnit *u = &r->units.v[i];
        printf("%-24s %s", u->name, verify_status_name(u->status));
        if (u->status != VERIFY_TRUSTED && u->status != VERIFY_CACHED)
            printf(" (%u obligation%s, %.2f s)", u->obligations, u->obligations == 1 ? "" : "s", u->seconds);
        putchar('\n');
        if (stats && u->stats) printf("%s\n", u->stats);
    }
}

/* The cache key includes the griddle binary itself, so a rebuilt verifier
 * never trusts an earlier one's verdicts. */
uint64_t verify_exe_salt(void)
{
    size_t n;
    char *t = read_file("/proc/self/exe", &n);
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; t && i < n; i++) {
        h ^= (unsigned char)t[i];
        h *= 0x100000001b3ULL;
    }
    free(t);
    return h;
}

/* --emit-viper: nothing is written when the program cannot be printed */
static int emit_viper(VerifyCli *c, const VSpec *spec, DiagList *dl)
{
    StrBuf b = {0};
    int rc = EXIT_OK;
    if (!verify_emit_viper(spec, &c->vo, &b, dl)) {
        rc = EXIT_INPUT;
    } else if (!strcmp(c->emit_viper, "-")) {
        fwrite(b.s ? b.s : "", 1, b.n, stdout);
    } else {
        FILE *f = fopen(c->emit_viper, "w");
        bool ok = f && fwrite(b.s ? b.s : "", 1, b.n, f) == b.n;
        if (f && fclose(f) != 0) ok = false;
        if (!ok) {
            diag_add(dl, DIAG_ERROR, "verify.io", NULL, "cannot write '%s': %s", c->emit_viper, strerror(errno));
            rc = EXIT_INPUT;
        }
    }
    sb_free(&b);
    return rc;
}

static int run(VerifyCli *c)
{
    SourceUnit u;
    int rc = unit_load(&u, &c->src, true);
    VSpec spec;
    memset(&spec, 0, sizeof spec);
    bool have_spec = false;
    if (rc == EXIT_OK) {
        VOpts vo = {0};
        vo.models = c->models.v;
        vo.nmodels = c->models.n;
        vo.heap_words = c->heap_words ? c->heap_words : 16384;
        vo.allow_undefined_shared = c->allow_undefined;
        have_spec = vspec_build(&spec, &u.prog, &vo, &u.dl);
        if (!have_spec) rc = EXIT_INPUT;
    }
    if (rc != EXIT_OK) {
        diag_sort(&u.dl);
        driver_render(&c->src, &u.dl, &u.sm, "griddle verify");
        vspec_free(&spec); /* also after a failed build: its tables were allocated */
        unit_free(&u);
        return rc;
    }
    if (c->emit_viper) {
        rc = emit_viper(c, &spec, &u.dl);
        diag_sort(&u.dl);
        driver_render(&c->src, &u.dl, &u.sm, "griddle verify");
        vspec_free(&spec);
        unit_free(&u);
        return rc;
    }
    if (c->tcb) {
        StrBuf b = {0};
        verify_tcb(&spec, &b);
        fputs(b.s, stdout);
        sb_free(&b);
    }
    c->vo.only = c->only.v;
    c->vo.nonly = c->only.n;
    c->vo.bv = c->bv.v;
    c->vo.nbv = c->bv.n;
    c->vo.cache_dir = c->no_cache ? NULL : c->cache_dir ? c->cache_dir : ".griddle-cache";
    if (c->vo.cache_dir) c->vo.salt = verify_exe_salt();
    if (c->vo.emit_smt_dir) mkdir(c->vo.emit_smt_dir, 0777);
    VerifyReport r;
    DiagList vdl;
    diag_init(&vdl);
    verify_program(&spec, &c->vo, &r, &vdl);
    const char *verdict = r.nfailed || r.nerror ? "failed" : r.nunknown ? "unknown" : "verified";
    rc = r.nfailed || r.nerror ? EXIT_INPUT : r.nunknown ? EXIT_INTERNAL : EXIT_OK;
    for (size_t i = 0; i < vdl.v.n; i++) { /* warnings from vspec come first */
        Diag *d = &vdl.v.v[i];
        Diag *nd = diag_add(&u.dl, d->sev, d->code, d->has_span ? &d->span : NULL, "%s", d->msg);
        for (size_t k = 0; k < d->notes.n; k++)
            diag_note(nd, d->notes.v[k].has_span ? &d->notes.v[k].span : NULL, "%s", d->notes.v[k].msg);
    }
    diag_free(&vdl);
    if (c->format == FMT_JSON) report_json(&r, &u.dl, &u.sm, verdict);
    else if (c->format == FMT_SARIF) report_sarif(&u.dl, &u.sm);
    else {
        driver_render(&c->src, &u.dl, &u.sm, "griddle verify");
        report_text(&r, c->vo.stats);
        printf("%s\n", verdict);
    }
    verify_report_free(&r);
    vspec_free(&spec);
    unit_free(&u);
    return rc;
}

/* The cvc5 executable: $GRIDDLE_CVC5, else cvc5 on PATH. */
static bool find_cvc5(VerifyCli *c)
{
    const char *env = getenv("GRIDDLE_CVC5");
    const char *exe = env && *env ? env : "cvc5";
    c->vo.cvc5 = exe;
    if (strchr(exe, '/')) return access(exe, X_OK) == 0;
    const char *path = getenv("PATH");
    StrBuf b = {0};
    bool found = false;
    for (const char *p = path ? path : "/usr/bin:/bin"; !found;) {
        size_t n = strcspn(p, ":");
        b.n = 0;
        sb_printf(&b, "%.*s/%s", (int)n, n ? p : ".", exe);
        found = access(b.s, X_OK) == 0;
        if (!p[n]) break;
        p += n + 1;
    }
    sb_free(&b);
    return found;
}

int cmd_verify(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--dump-spec")) return verify_dump_main(argc, argv);
    VerifyCli c;
    memset(&c, 0, sizeof c);
    source_opts_init(&c.src, "verify");
    c.vo.timeout_ms = 60000;
    int rc = EXIT_OK;
    for (int i = 1; i < argc && rc == EXIT_OK; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf(HELP, SOURCE_OPTS_HELP);
            goto out;
        }
        int r = verify_arg(&c, argc, argv, &i);
        if (r == 0) r = source_opts_arg(&c.src, argc, argv, &i);
        if (r < 0) rc = EXIT_USAGE;
        else if (r == 0) rc = usage_error("verify", "unknown option '%s'", argv[i]);
    }
    if (rc == EXIT_OK && !c.src.files.n) rc = usage_error("verify", "no input files");
    if (rc == EXIT_OK && c.vo.solver != VSOLVER_Z3 && !find_cvc5(&c))
        rc = usage_error("verify", "--solver %s needs cvc5: cannot run '%s' (install the Debian package cvc5, "
                                   "or set GRIDDLE_CVC5)",
                         c.vo.solver == VSOLVER_CVC5 ? "cvc5"
                         : c.vo.solver == VSOLVER_BOTH ? "both" : "fallback", c.vo.cvc5);
    if (rc == EXIT_OK) rc = run(&c);
out:
    vec_free(&c.models);
    vec_free(&c.only);
    vec_free(&c.bv);
    source_opts_free(&c.src);
    return rc;
}
