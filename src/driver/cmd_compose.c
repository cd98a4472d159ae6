/* griddle compose: the composition checker (src/compose, docs/composition.md). */
#include "driver.h"
#include "compose/compose.h"

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
    "  --board NAME           device table as for griddle sim (default imx8mm)\n"
    "  --device MODEL@PADDR[,irq=N]   add a device, as for griddle sim\n"
    "  --diagnostics-format=text|json, --color=auto|always|never\n"
    "\n"
    "Contract files (other than .system and .policy; *.contract in DIR) state\n"
    "what each component guarantees and relies on at its regions and channels;\n"
    "their bridge obligations are proved with griddle verify (Z3).\n"
    "\n"
    "exit status: 0 every obligation discharged or trusted, 1 an obligation\n"
    "failed or the input has errors, 2 usage error, 3 an obligation is unknown\n"
    "or an internal error.\n";

typedef struct ComposeCli {
    SourceOpts so;                 /* positional files and diagnostics options */
    VEC(const char *) search, devices;
    const char *board, *out, *svg, *dot, *init_state;
    bool init_run, authority, influence;
    unsigned timeout_ms;
    CmpFormat format;
    /* resolved inputs */
    char *system;
    VEC(char *) policies, contracts;
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
        cmp_bridges_build(&bs, &cs, &g);
        ok = cmp_bridges_check(&bs, &cs, s, c->timeout_ms, sm, dl);
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
    vec_free(&c.search);
    vec_free(&c.devices);
    source_opts_free(&c.so);
    return rc;
}
