/* griddle compose: the composition checker (src/compose, docs/composition.md). */
#include "driver.h"
#include "compose/compose.h"
#include "verify/verify.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char COMPOSE_HELP[] =
    "usage: griddle compose DIR [options]\n"
    "       griddle compose SYSTEM.system [POLICY.policy | CONTRACT]... [options]\n"
    "\n"
    "Checks a Microkit system: the system description's well-formedness, the\n"
    "authority it gives each protection domain and who can influence whom,\n"
    "system policies (no_write, no_read, no_flow, isolated) with a witness\n"
    "path when one fails, and optionally that the running system was\n"
    "initialised as specified. Prints the assurance ledger. DIR must hold one\n"
    ".system file; its *.policy and *.contract files are used too.\n"
    "\n"
    "options:\n"
    "  --format text|json|md  ledger format (default text)\n"
    "  -o, --output FILE      write the ledger to FILE instead of standard output\n"
    "  --authority            text format: list each PD's authority first\n"
    "  --influence            text format: list whom each PD can affect, and who\n"
    "                         can affect it (transitively)\n"
    "  --svg FILE             draw PDs, regions and channels (graphviz dot), edges\n"
    "                         coloured by status\n"
    "  --dot FILE             write the graphviz source instead\n"
    "  --init-state FILE      compare a `griddle sim --dump-state` document with the\n"
    "                         system description\n"
    "  --timeout SECONDS      per bridge obligation (default 20; 0 = none); a\n"
    "                         timeout is unknown, never discharged\n"
    "  --init-run             realise the system with `griddle sim --dump-only` and\n"
    "                         compare its state (needs the program images)\n"
    "  --search-path DIR      with --init-run: where program images are (repeatable)\n"
    "  --cache-dir DIR        verification cache of components' sources (default\n"
    "                         .griddle-cache, as griddle verify); --no-cache: none\n"
    "  --board NAME           device table as for griddle sim (default imx8mm)\n"
    "  --device MODEL@PADDR[,irq=N]   add a device, as for griddle sim\n"
    "  --diagnostics-format=text|json, --color=auto|always|never\n"
    "\n"
    "Contract files (other than .system and .policy; *.contract in DIR) state\n"
    "what each component guarantees and relies on at its regions and channels;\n"
    "their bridge obligations are proved with griddle verify (Z3). A contract's\n"
    "`source` and `model` items name the component's Pancake code and models;\n"
    "griddle verify's result on them is the evidence for its promises.\n"
    "\n"
    "exit status: 0 every obligation discharged or trusted, 1 an obligation\n"
    "failed or the input has errors, 2 usage error, 3 an obligation is unknown\n"
    "or an internal error.\n";

typedef struct ComposeCli {
    SourceOpts so;                 /* positional files and diagnostics options */
    VEC(const char *) search, devices;
    const char *board, *out, *svg, *dot, *init_state;
    bool init_run, authority, influence, no_cache;
    const char *cache_dir;
    unsigned timeout_ms;
    CmpFormat format;
    /* resolved inputs */
    char *system;
    VEC(char *) policies, contracts;
    VEC(char *) codes;             /* diagnostic codes copied from components' runs */
} ComposeCli;

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* DIR: one .system, every .policy and .contract (sorted, for a stable ledger). */
static int scan_dir(ComposeCli *c, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "griddle compose: cannot open directory '%s': %s\n", dir, strerror(errno));
        return EXIT_INPUT;
    }
    VEC(char *) systems = {0};
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        StrBuf b = {0};
        sb_printf(&b, "%s/%s", dir, e->d_name);
        char *path = sb_take(&b);
        if (ends_with(e->d_name, ".system")) vec_push(&systems, path);
        else if (ends_with(e->d_name, ".policy")) vec_push(&c->policies, path);
        else if (ends_with(e->d_name, ".contract")) vec_push(&c->contracts, path);
        else free(path);
    }
    closedir(d);
    int rc = EXIT_OK;
    if (systems.n != 1) {
        fprintf(stderr, "griddle compose: directory '%s' must hold exactly one .system file, "
                "not %zu\n", dir, systems.n);
        rc = EXIT_INPUT;
        for (size_t i = 0; i < systems.n; i++) free(systems.v[i]);
    } else c->system = systems.v[0];
    vec_free(&systems);
    if (c->policies.n) qsort(c->policies.v, c->policies.n, sizeof *c->policies.v, cmp_str);
    if (c->contracts.n) qsort(c->contracts.v, c->contracts.n, sizeof *c->contracts.v, cmp_str);
    return rc;
}

static int classify_inputs(ComposeCli *c)
{
    if (c->so.files.n == 0) return usage_error("compose", "no system description or directory given");
    const char *first = c->so.files.v[0];
    struct stat st;
    if (stat(first, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (c->so.files.n > 1)
            return usage_error("compose", "give either a directory or a system description "
                               "with policy and contract files, not both");
        return scan_dir(c, first);
    }
    if (!ends_with(first, ".system"))
        return usage_error("compose", "the first argument must be a directory or a .system "
                           "file, not '%s'", first);
    c->system = xstrdup(first);
    for (size_t i = 1; i < c->so.files.n; i++) {
        const char *f = c->so.files.v[i];
        if (ends_with(f, ".system")) return usage_error("compose", "only one system description, please");
        vec_push(ends_with(f, ".policy") ? &c->policies : &c->contracts, xstrdup(f));
    }
    return EXIT_OK;
}

static int parse_args(ComposeCli *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        bool miss = false;
#define OPT(name) ((v = driver_optval(argc, argv, &i, name, &miss)) != NULL || miss)
        if (!strcmp(a, "--init-run")) c->init_run = true;
        else if (!strcmp(a, "--authority")) c->authority = true;
        else if (!strcmp(a, "--no-cache")) c->no_cache = true;
        else if (OPT("--cache-dir")) { if (miss) goto missing; c->cache_dir = v; }
        else if (!strcmp(a, "--influence")) c->influence = true;
        else if (OPT("--format")) {
            if (miss) goto missing;
            if (!strcmp(v, "text")) c->format = CMP_FMT_TEXT;
            else if (!strcmp(v, "json")) c->format = CMP_FMT_JSON;
            else if (!strcmp(v, "md")) c->format = CMP_FMT_MD;
            else return usage_error("compose", "--format must be text, json or md, not '%s'", v);
        } else if (OPT("--output") || OPT("-o")) { if (miss) goto missing; c->out = v; }
        else if (OPT("--svg")) { if (miss) goto missing; c->svg = v; }
        else if (OPT("--dot")) { if (miss) goto missing; c->dot = v; }
        else if (OPT("--init-state")) { if (miss) goto missing; c->init_state = v; }
        else if (OPT("--timeout")) {
            if (miss) goto missing;
            char *end;
            unsigned long t = strtoul(v, &end, 10);
            if (!*v || *end || t > 3600)
                return usage_error("compose", "--timeout needs seconds (0..3600), not '%s'", v);
            c->timeout_ms = (unsigned)t * 1000;
        }
        else if (OPT("--search-path")) { if (miss) goto missing; vec_push(&c->search, v); }
        else if (OPT("--board")) { if (miss) goto missing; c->board = v; }
        else if (OPT("--device")) { if (miss) goto missing; vec_push(&c->devices, v); }
        else {
            int r = source_opts_arg(&c->so, argc, argv, &i);
            if (r < 0) return EXIT_USAGE;
            if (r == 0) return usage_error("compose", "unknown option '%s'", a);
        }
        continue;
#undef OPT
    missing:
        return usage_error("compose", "%s needs a value", a);
    }
    if (c->init_run && c->init_state)
        return usage_error("compose", "--init-run and --init-state exclude each other");
    if (c->search.n && !c->init_run)
        return usage_error("compose", "--search-path only makes sense with --init-run");
    if ((c->authority || c->influence) && c->format != CMP_FMT_TEXT)
        return usage_error("compose", "--authority and --influence are for the text format "
                           "(JSON always has both)");
    return classify_inputs(c);
}

/* Runs `griddle sim SYSTEM --dump-state TMP --dump-only` (this executable)
 * and returns the dump's text, or NULL with *rc set. */
static char *run_sim_dump(ComposeCli *c, size_t *len, int *rc)
{
    char tmpl[] = "/tmp/griddle-compose-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0) {
        fprintf(stderr, "griddle compose: cannot create a temporary file: %s\n", strerror(errno));
        *rc = EXIT_INTERNAL;
        return NULL;
    }
    close(fd);
    VEC(const char *) args = {0};
    const char *fixed[] = {"griddle", "sim", c->system, "--dump-state", tmpl, "--dump-only"};
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++) vec_push(&args, fixed[i]);
    for (size_t i = 0; i < c->search.n; i++) {
        vec_push(&args, "--search-path");
        vec_push(&args, c->search.v[i]);
    }
    for (size_t i = 0; i < c->devices.n; i++) {
        vec_push(&args, "--device");
        vec_push(&args, c->devices.v[i]);
    }
    if (c->board) {
        vec_push(&args, "--board");
        vec_push(&args, c->board);
    }
    vec_push(&args, NULL);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execv("/proc/self/exe", (char *const *)args.v);
        _exit(127);
    }
    int status = 0;
    bool ok = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
              WEXITSTATUS(status) == 0;
    vec_free(&args);
    char *text = ok ? read_file(tmpl, len) : NULL;
    unlink(tmpl);
    if (!text) {
        fprintf(stderr, "griddle compose: --init-run: griddle sim could not realise the system "
                "(%s %d)\n", pid > 0 && WIFEXITED(status) ? "exit status" : "status",
                pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : status);
        *rc = pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == EXIT_INPUT ? EXIT_INPUT
                                                                               : EXIT_INTERNAL;
    }
    return text;
}

static bool write_text(const char *path, const StrBuf *b)
{
    FILE *f = path && strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!f) {
        fprintf(stderr, "griddle compose: cannot write '%s': %s\n", path, strerror(errno));
        return false;
    }
    bool ok = fwrite(b->s ? b->s : "", 1, b->n, f) == b->n;
    ok &= f == stdout ? fflush(f) == 0 : fclose(f) == 0;
    if (!ok) fprintf(stderr, "griddle compose: cannot write '%s'\n", path ? path : "stdout");
    return ok;
}

/* dot -Tsvg, fed on standard input. */
static bool write_svg(const char *path, const StrBuf *dot)
{
    StrBuf cmd = {0};
    sb_puts(&cmd, "dot -Tsvg -o '");
    for (const char *p = path; *p; p++) {
        if (*p == '\'') sb_puts(&cmd, "'\\''");
        else sb_putc(&cmd, *p);
    }
    sb_puts(&cmd, "'");
    fflush(NULL);
    FILE *f = popen(cmd.s, "w");
    sb_free(&cmd);
    if (!f) {
        fprintf(stderr, "griddle compose: --svg: cannot run graphviz's dot: %s\n", strerror(errno));
        return false;
    }
    bool ok = fwrite(dot->s, 1, dot->n, f) == dot->n;
    int st = pclose(f);
    if (!ok || st != 0) {
        fprintf(stderr, "griddle compose: --svg: dot failed (status %d; is graphviz installed? "
                "scripts/deps.sh installs it)\n", st);
        return false;
    }
    return true;
}

/* Reads and parses policy files (ps) or contract files (cs). */
static bool load_inputs(char **files, size_t nfiles, CmpPolicySet *ps, CmpContractSet *cs,
                        const SimSystem *s, SrcMgr *sm, DiagList *dl)
{
    bool ok = true;
    for (size_t i = 0; i < nfiles; i++) {
        size_t len;
        char *text = read_file(files[i], &len);
        if (!text) {
            diag_add(dl, DIAG_ERROR, "io", NULL, "cannot read '%s': %s", files[i],
                     strerror(errno));
            ok = false;
            continue;
        }
        ok &= ps ? cmp_policy_parse(ps, s, files[i], text, len, sm, dl)
                 : cmp_contract_parse(cs, s, files[i], text, len, sm, dl);
        free(text);
    }
    return ok;
}

/* The initialisation check, if asked for; returns EXIT_OK or an exit code. */
static int init_check(ComposeCli *c, CmpInitReport *r, const SimSystem *s, SrcMgr *sm,
                      DiagList *dl)
{
    if (!c->init_run && !c->init_state) return EXIT_OK;
    size_t len;
    int rc = EXIT_OK;
    char *text = c->init_run ? run_sim_dump(c, &len, &rc) : read_file(c->init_state, &len);
    if (!text && !c->init_run) {
        diag_add(dl, DIAG_ERROR, "io", NULL, "cannot read '%s': %s", c->init_state, strerror(errno));
        return EXIT_INPUT;
    }
    if (!text) return rc;
    bool ok = cmp_init_check(r, s, c->init_run ? "griddle sim --dump-state" : c->init_state,
                             text, len, sm, dl);
    free(text);
    return ok ? EXIT_OK : EXIT_INPUT;
}

static int outputs(ComposeCli *c, const CmpLedgerIn *in)
{
    StrBuf b = {0};
    if (c->authority) {
        sb_puts(&b, "authority\n");
        cmp_authority_text(in->g, &b);
        sb_puts(&b, "\n");
    }
    if (c->influence) {
        sb_puts(&b, "influence (transitive, through every kind of authority)\n");
        cmp_influence_text(in->g, &b);
        sb_puts(&b, "\n");
    }
    cmp_ledger_render(in, c->format, &b);
    bool ok = write_text(c->out, &b);
    sb_free(&b);
    if (c->svg || c->dot) {
        cmp_ledger_dot(in, &b);
        if (c->dot) ok &= write_text(c->dot, &b);
        if (c->svg) ok &= write_svg(c->svg, &b);
        sb_free(&b);
    }
    if (!ok) return EXIT_INTERNAL;
    switch (cmp_ledger_status(in)) {
    case CMP_FAILED: return EXIT_INPUT;
    case CMP_UNKNOWN: return EXIT_INTERNAL;
    case CMP_DISCHARGED:
    case CMP_TRUSTED: return EXIT_OK;
    }
    return EXIT_INTERNAL;
}

/* FNV-1a over the bytes of the files (the evidence's content hash); false
 * if one cannot be read. */
static bool hash_files(const char *const *files, size_t n, uint64_t *h)
{
    for (size_t i = 0; i < n; i++) {
        size_t len;
        char *t = read_file(files[i], &len);
        if (!t) return false;
        for (size_t k = 0; k < len; k++) {
            *h ^= (unsigned char)t[k];
            *h *= 0x100000001b3ULL;
        }
        *h ^= 0xff; /* file boundary */
        *h *= 0x100000001b3ULL;
        free(t);
    }
    return true;
}

static void list_files(StrBuf *b, const char *const *files, size_t n)
{
    for (size_t i = 0; i < n; i++) sb_printf(b, "%s%s", i ? ", " : "", files[i]);
}

/* The file of another SrcMgr, added to sm (once per component run). */
static uint32_t adopt_file(SrcMgr *sm, const SrcMgr *from, uint32_t f, uint32_t *map)
{
    if (map[f] != UINT32_MAX) return map[f];
    const SrcFile *sf = from->files.v[f];
    map[f] = sf->text ? srcmgr_add(sm, sf->name, xstrndup(sf->text, sf->len), sf->len)
                      : srcmgr_intern_name(sm, sf->name);
    return map[f];
}

/* A component's diagnostics (located in its sources and models, in the
 * SrcMgr of its run) join compose's, so every one of them is rendered,
 * in text or as the one JSON document. Codes are copied: the verifier's
 * live in memory released after the run. */
static void adopt_diags(ComposeCli *c, const DiagList *from, const SrcMgr *fsm, SrcMgr *sm,
                        DiagList *dl)
{
    uint32_t *map = xmalloc((fsm->files.n + 1) * sizeof *map);
    for (size_t i = 0; i < fsm->files.n; i++) map[i] = UINT32_MAX;
    for (size_t i = 0; i < from->v.n; i++) {
        const Diag *d = &from->v.v[i];
        Span sp = d->span;
        if (d->has_span) sp.file = adopt_file(sm, fsm, d->span.file, map);
        char *code = xstrdup(d->code ? d->code : "verify");
        vec_push(&c->codes, code);
        Diag *nd = diag_add(dl, d->sev, code, d->has_span ? &sp : NULL, "%s", d->msg);
        for (size_t k = 0; k < d->notes.n; k++) {
            Span ns = d->notes.v[k].span;
            if (d->notes.v[k].has_span) ns.file = adopt_file(sm, fsm, ns.file, map);
            diag_note(nd, d->notes.v[k].has_span ? &ns : NULL, "%s", d->notes.v[k].msg);
        }
    }
    free(map);
}

/* Which Microkit entry points the code defines as functions proved now or
 * from the cache (the ledger's entry-point coverage). */
static void entries_verified(CmpContract *ct, const VerifyReport *r)
{
    for (size_t i = 0; i < r->units.n; i++)
        for (int e = 0; e < 4; e++)
            if (!strcmp(r->units.v[i].name, cmp_entry_names[e]))
                ct->entry_verified[e] = r->units.v[i].status == VERIFY_OK ||
                                        r->units.v[i].status == VERIFY_CACHED;
}

/* Loads the component's sources (and extra, a generated Pancake file, if
 * given) as `griddle verify` does: FunDecl.index numbers the functions. */
static int load_component(SourceUnit *u, const ComposeCli *c, const CmpContract *ct,
                          const char *extra)
{
    SourceOpts so;
    source_opts_init(&so, "griddle compose");
    so.color = c->so.color;
    for (size_t i = 0; i < ct->sources.n; i++) vec_push(&so.files, ct->sources.v[i]);
    if (extra) vec_push(&so.files, extra);
    int rc = unit_load(u, &so, true);
    source_opts_free(&so);
    return rc;
}

/* What the code declares (its shared declarations and model fields), from
 * a first build with the contract's model files only, whose errors (the
 * methods the generated model will add are missing) are dropped. */
static void probe_code(const SourceUnit *u, const CmpContract *ct, CmpCode *code)
{
    VSpec spec;
    memset(&spec, 0, sizeof spec);
    DiagList scratch;
    diag_init(&scratch);
    VOpts vo = {0};
    vo.models = ct->models.v;
    vo.nmodels = ct->models.n;
    vo.heap_words = 16384;
    vspec_build(&spec, &u->prog, &vo, &scratch);
    for (size_t i = 0; i < spec.shared_decls.n; i++) {
        const VShared *d = spec.shared_decls.v[i];
        CmpCodeShared cs = {xstrdup(d->name), d->lo, d->hi, d->stride, d->width, d->read, d->write};
        vec_push(&code->shared, cs);
    }
    code->nmodel_fields = spec.model_fields.n;
    vspec_free(&spec);
    diag_free(&scratch);
}

/* A temporary file holding text; false if it cannot be written. */
static bool temp_file(char *path, const char *text)
{
    int fd = mkstemp(path);
    if (fd < 0) return false;
    bool ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
    close(fd);
    if (!ok) unlink(path);
    return ok;
}

/* griddle verify on the spec: the verdict, the unit counts and the
 * entry points proved go into ct; the diagnostics into u->dl. */
static void verify_component(ComposeCli *c, CmpContract *ct, const VSpec *spec, SourceUnit *u,
                             StrBuf *b, DiagList *dl)
{
    VerifyOpts o = {0};
    o.timeout_ms = c->timeout_ms;
    /* Z3 first; a query it cannot decide quickly goes to cvc5 (when it is
     * installed; else Z3 gets the whole timeout): the Pancake driver's
     * queue functions need it (docs/composition.md) */
    o.solver = VSOLVER_FALLBACK;
    o.only = ct->only.v;
    o.nonly = ct->only.n;
    o.cache_dir = c->no_cache ? NULL : c->cache_dir ? c->cache_dir : ".griddle-cache";
    if (o.cache_dir) o.salt = verify_exe_salt();
    VerifyReport r;
    DiagList vdl;
    diag_init(&vdl);
    verify_program(spec, &o, &r, &vdl);
    for (size_t i = 0; i < vdl.v.n; i++) {
        Diag *d = &vdl.v.v[i];
        Diag *nd = diag_add(&u->dl, d->sev, d->code, d->has_span ? &d->span : NULL, "%s", d->msg);
        for (size_t k = 0; k < d->notes.n; k++)
            diag_note(nd, d->notes.v[k].has_span ? &d->notes.v[k].span : NULL, "%s",
                      d->notes.v[k].msg);
    }
    diag_free(&vdl);
    size_t ok = 0, cached = 0, trusted = 0;
    for (size_t i = 0; i < r.units.n; i++) {
        VerifyStatus st = r.units.v[i].status;
        ok += st == VERIFY_OK;
        cached += st == VERIFY_CACHED;
        trusted += st == VERIFY_TRUSTED;
    }
    /* with `only`, the units left out are trusted by griddle verify but
     * unverified here: never a discharge */
    ct->ev_status = r.nfailed || r.nerror ? CMP_FAILED
                  : r.nunknown || ok + cached + trusted != r.units.n ||
                    (ct->only.n && trusted) ? CMP_UNKNOWN
                  : CMP_DISCHARGED;
    sb_printf(b, ": %s; %zu unit%s verified (%zu from the cache of the same content), "
              "%zu trusted, %zu failed, %zu unsupported, %zu unknown",
              ct->ev_status == CMP_DISCHARGED ? "verified"
              : ct->ev_status == CMP_FAILED ? "failed" : "unknown",
              ok + cached, ok + cached == 1 ? "" : "s", cached, trusted, r.nfailed, r.nerror,
              r.nunknown);
    for (size_t i = 0; i < ct->only.n; i++) {
        bool found = false;
        for (size_t k = 0; k < r.units.n; k++) found |= !strcmp(r.units.v[k].name, ct->only.v[i]);
        if (!found) {
            diag_add(dl, DIAG_ERROR, "compose.contract", &ct->only_span, "'only' names '%s', "
                     "which is no function of the component's sources", ct->only.v[i]);
            ct->ev_status = CMP_FAILED;
        }
    }
    if (ct->only.n && trusted) {
        sb_printf(b, "; verified only");
        for (size_t i = 0; i < ct->only.n; i++) sb_printf(b, " %s", ct->only.v[i]);
        sb_printf(b, " ('only'): not verified:");
        for (size_t i = 0; i < r.units.n; i++)
            if (r.units.v[i].status == VERIFY_TRUSTED) sb_printf(b, " %s", r.units.v[i].name);
    }
    entries_verified(ct, &r);
    verify_report_free(&r);
}

/* The evidence line's opening: the files and their content hash. */
static void evidence_head(const CmpContract *ct, StrBuf *b)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    bool readable = hash_files(ct->sources.v, ct->sources.n, &h) &&
                    hash_files(ct->models.v, ct->models.n, &h);
    sb_printf(b, "griddle verify of ");
    list_files(b, ct->sources.v, ct->sources.n);
    if (ct->models.n) {
        sb_printf(b, " against ");
        list_files(b, ct->models.v, ct->models.n);
    }
    if (readable) sb_printf(b, " (content %016llx)", (unsigned long long)h);
}

/* Issue 7, 4c: griddle verify on a component's sources and models (the
 * same front end, checker, vspec_build and verify_program as `griddle
 * verify -m MODEL... FILE...`, with the same content cache, so a changed
 * source, model or verifier is verified again), against the model
 * generated from its contract for the code's shared declarations (found
 * by a first build). The verdict becomes the evidence of its promises
 * (obligations L and N): discharged when every unit is verified (now or,
 * with the same content, earlier), failed when one is refuted or
 * unsupported, unknown otherwise. The verifier's diagnostics join
 * compose's. */
static void component_evidence(ComposeCli *c, CmpContract *ct, const SimSystem *sys,
                               SrcMgr *sm, DiagList *dl)
{
    StrBuf b = {0};
    evidence_head(ct, &b);
    SourceUnit u;
    int rc = load_component(&u, c, ct, NULL);
    CmpCode code = {0};
    if (rc == EXIT_OK) probe_code(&u, ct, &code);
    char *why = NULL, *extra = NULL;
    char *model = rc == EXIT_OK ? cmp_evidence_model(ct, sys, &code, &extra, &why) : NULL;
    cmp_code_free(&code);
    char mpath[] = "/tmp/griddle-compose-model-XXXXXX", xpath[] = "/tmp/griddle-compose-XXXXXX";
    bool have_x = false;
    if (model && temp_file(mpath, model) && (!extra || (have_x = temp_file(xpath, extra)))) {
        unit_free(&u);
        rc = load_component(&u, c, ct, have_x ? xpath : NULL);
        VEC(const char *) models = {0};
        vec_push(&models, (const char *)mpath);
        for (size_t i = 0; i < ct->models.n; i++) vec_push(&models, ct->models.v[i]);
        VSpec spec;
        memset(&spec, 0, sizeof spec);
        VOpts vo = {0};
        vo.models = models.v;
        vo.nmodels = models.n;
        vo.heap_words = 16384;
        if (rc == EXIT_OK && vspec_build(&spec, &u.prog, &vo, &u.dl))
            verify_component(c, ct, &spec, &u, &b, dl);
        else {
            ct->ev_status = CMP_FAILED;
            sb_printf(&b, ": the sources or models have errors");
        }
        vspec_free(&spec);
        vec_free(&models);
        unlink(mpath);
        if (have_x) unlink(xpath);
    } else {
        ct->ev_status = CMP_FAILED;
        sb_printf(&b, ": %s", why ? why : rc != EXIT_OK ? "the sources have errors"
                                                        : "cannot write the generated model");
        if (why)
            diag_add(dl, DIAG_ERROR, "compose.evidence", &ct->source_span, "the code of '%s' "
                     "cannot be bound to its contract: %s", sys->pds.v[ct->pd].name, why);
    }
    /* The first error goes into the ledger; all of them are diagnostics
     * of the run (text, or the one JSON document). */
    diag_sort(&u.dl);
    for (size_t i = 0; i < u.dl.v.n; i++) {
        const Diag *d = &u.dl.v.v[i];
        if (d->sev != DIAG_ERROR) continue;
        sb_printf(&b, "; first error: ");
        if (d->has_span)
            sb_printf(&b, "%s:%u:%u: ", srcmgr_name(&u.sm, d->span.file), d->span.line, d->span.col);
        sb_printf(&b, "%s [%s]", d->msg, d->code);
        break;
    }
    adopt_diags(c, &u.dl, &u.sm, sm, dl);
    unit_free(&u);
    free(model);
    free(extra);
    free(why);
    ct->ev_text = sb_take(&b);
}

static int compose(ComposeCli *c, SrcMgr *sm, DiagList *dl)
{
    SimLoadOpts lo = {.no_images = true, .board = c->board, .devices = c->devices.v,
                      .ndevices = c->devices.n};
    SimSystem *s = sim_load(c->system, sm, dl, &lo);
    if (!s) return EXIT_INPUT;
    CmpPolicySet ps;
    cmp_policy_init(&ps);
    CmpContractSet cs;
    cmp_contract_init(&cs);
    CmpBridgeSet bs = {0};
    CmpInitReport init = {0};
    CmpGraph g = {0};
    int rc = EXIT_OK;
    bool ok = cmp_wellformed(s, dl);
    ok &= load_inputs(c->policies.v, c->policies.n, &ps, NULL, s, sm, dl);
    ok &= load_inputs(c->contracts.v, c->contracts.n, NULL, &cs, s, sm, dl);
    if (ok) rc = init_check(c, &init, s, sm, dl);
    if (ok && rc == EXIT_OK) {
        bool *no_dma = cmp_policy_no_dma(&ps, s);
        cmp_graph_build(&g, s, no_dma);
        free(no_dma);
        cmp_policy_check(&ps, &g);
        cmp_policy_report(&ps, &g, dl);
        for (size_t i = 0; i < cs.v.n; i++)
            if (cs.v.v[i].sources.n) cmp_evidence_words(&cs.v.v[i], s);
        cmp_bridges_build(&bs, &cs, &g);
        ok = cmp_bridges_check(&bs, &cs, s, c->timeout_ms, sm, dl);
        cmp_bridges_settle(&bs, &cs);
        for (size_t i = 0; ok && i < cs.v.n; i++)
            if (cs.v.v[i].sources.n) component_evidence(c, &cs.v.v[i], s, sm, dl);
    }
    if (ok && rc == EXIT_OK) {
        CmpLedgerIn in = {.s = s, .g = &g, .ps = &ps, .init = &init, .contracts = &cs,
                          .bridges = &bs, .nwarnings = dl->nwarnings};
        rc = outputs(c, &in);
    } else if (rc == EXIT_OK) rc = EXIT_INPUT;
    cmp_bridges_free(&bs);
    cmp_contract_free(&cs);
    cmp_graph_free(&g);
    cmp_init_free(&init);
    cmp_policy_free(&ps);
    sim_free(s);
    return rc;
}

int cmd_compose(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(COMPOSE_HELP, stdout);
            return EXIT_OK;
        }
    ComposeCli c;
    memset(&c, 0, sizeof c);
    source_opts_init(&c.so, "griddle compose");
    c.timeout_ms = 20000;
    int rc = parse_args(&c, argc, argv);
    if (rc == EXIT_OK) {
        SrcMgr sm;
        DiagList dl;
        srcmgr_init(&sm);
        diag_init(&dl);
        rc = compose(&c, &sm, &dl);
        diag_sort(&dl);
        driver_render(&c.so, &dl, &sm, "griddle compose");
        diag_free(&dl);
        srcmgr_free(&sm);
    }
    free(c.system);
    for (size_t i = 0; i < c.policies.n; i++) free(c.policies.v[i]);
    for (size_t i = 0; i < c.contracts.n; i++) free(c.contracts.v[i]);
    vec_free(&c.policies);
    vec_free(&c.contracts);
    for (size_t i = 0; i < c.codes.n; i++) free(c.codes.v[i]);
    vec_free(&c.codes);
    vec_free(&c.search);
    vec_free(&c.devices);
    source_opts_free(&c.so);
    return rc;
}
