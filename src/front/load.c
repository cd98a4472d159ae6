/*
 * Loading sources: read the files (or stdin), decide whether the C
 * preprocessor is needed, run it, and lex the result into one token list.
 *
 * Without cpp each file is lexed on its own (locations are exact). With
 * cpp, griddle feeds it a wrapper that #includes the files in order (stdin
 * text is embedded after a line marker), so macros persist across files as
 * in `cat a b | cpp -P`, quoted includes resolve as they would for the
 * user, and cpp's line markers map every token back to its file and line.
 * cpp runs as `cpp -xc -std=gnu11 -undef`: -undef drops system macros such
 * as `linux` and `unix`, which would otherwise rewrite Pancake identifiers
 * (docs/language.md). GRIDDLE_CPP overrides the program.
 */
#include "front.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *const directive_words[] = {"define", "undef", "include", "if", "ifdef",
                                              "ifndef", "elif", "else", "endif", "error",
                                              "warning", "pragma", "line"};

uint32_t front_has_directives(const char *s, size_t len)
{
    uint32_t line = 1;
    size_t i = 0;
    while (i < len) {
        while (i < len && (s[i] == ' ' || s[i] == '\t')) i++;
        if (i < len && s[i] == '#') {
            size_t j = i + 1;
            while (j < len && (s[j] == ' ' || s[j] == '\t')) j++;
            size_t k = j;
            while (k < len && s[k] >= 'a' && s[k] <= 'z') k++;
            for (size_t w = 0; w < ARRAY_LEN(directive_words); w++)
                if (strlen(directive_words[w]) == k - j && !memcmp(s + j, directive_words[w], k - j))
                    return line;
        }
        while (i < len && s[i] != '\n') i++;
        if (i < len) i++;
        line++;
    }
    return 0;
}

typedef struct FilterResult {
    int status;   /* exit status, or -1 if it could not be run */
    int err;      /* errno when status == -1 */
    StrBuf out, err_text;
} FilterResult;

/* Runs argv with input on stdin, collecting stdout and stderr (poll loop,
 * so neither side can block the other). */
static void run_filter(char *const argv[], const char *input, size_t len, FilterResult *r)
{
    int in[2], out[2], er[2];
    memset(r, 0, sizeof *r);
    r->status = -1;
    if (pipe(in) || pipe(out) || pipe(er)) {
        r->err = errno;
        return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, er[1], 2);
    int fds[6] = {in[0], in[1], out[0], out[1], er[0], er[1]};
    for (int i = 0; i < 6; i++) posix_spawn_file_actions_addclose(&fa, fds[i]);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    close(er[1]);
    if (rc) {
        r->err = rc;
        close(in[1]);
        close(out[0]);
        close(er[0]);
        return;
    }
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    int in_fd = in[1], out_fd = out[0], err_fd = er[0];
    size_t sent = 0;
    if (len == 0) {
        close(in_fd);
        in_fd = -1;
    }
    while (out_fd >= 0 || err_fd >= 0) {
        struct pollfd pf[3];
        int n = 0, io = -1, ie = -1, ii = -1;
        if (out_fd >= 0) io = n, pf[n++] = (struct pollfd){out_fd, POLLIN, 0};
        if (err_fd >= 0) ie = n, pf[n++] = (struct pollfd){err_fd, POLLIN, 0};
        if (in_fd >= 0) ii = n, pf[n++] = (struct pollfd){in_fd, POLLOUT, 0};
        if (poll(pf, (nfds_t)n, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        char buf[65536];
        if (io >= 0 && pf[io].revents) {
            ssize_t got = read(out_fd, buf, sizeof buf);
            if (got > 0) sb_putn(&r->out, buf, (size_t)got);
            else close(out_fd), out_fd = -1;
        }
        if (ie >= 0 && pf[ie].revents) {
            ssize_t got = read(err_fd, buf, sizeof buf);
            if (got > 0) sb_putn(&r->err_text, buf, (size_t)got);
            else close(err_fd), err_fd = -1;
        }
        if (ii >= 0 && pf[ii].revents) {
            ssize_t w = write(in_fd, input + sent, len - sent);
            if (w > 0) sent += (size_t)w;
            if ((w < 0 && errno != EAGAIN) || sent >= len) close(in_fd), in_fd = -1;
        }
    }
    if (in_fd >= 0) close(in_fd);
    if (out_fd >= 0) close(out_fd);
    if (err_fd >= 0) close(err_fd);
    signal(SIGPIPE, old);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* cpp's own messages ("file:line:col: error: text") become diagnostics. */
static void cpp_diags(Program *p, const char *text, DiagList *dl, bool failed)
{
    bool any = false;
    const char *s = text;
    while (s && *s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        char *line = xstrndup(s, n);
        char *e = strstr(line, ": error: ");
        if (!e) e = strstr(line, ": fatal error: ");
        if (e) {
            char *msg = strstr(e, "error: ") + 7;
            *e = 0;
            /* line is now "file:line:col" or "file:line" */
            Span sp = {0};
            char *c2 = strrchr(line, ':');
            char *c1 = c2 ? (*c2 = 0, strrchr(line, ':')) : NULL;
            if (c1) {
                *c1 = 0;
                sp.line = sp.eline = (uint32_t)strtoul(c1 + 1, NULL, 10);
                sp.col = sp.ecol = (uint32_t)strtoul(c2 + 1, NULL, 10);
            } else if (c2) {
                sp.line = sp.eline = (uint32_t)strtoul(c2 + 1, NULL, 10);
                sp.col = sp.ecol = 1;
            }
            sp.file = srcmgr_intern_name(p->srcmgr, line);
            diag_add(dl, DIAG_ERROR, "cpp", sp.line ? &sp : NULL, "preprocessor: %s", msg);
            any = true;
        }
        free(line);
        s = nl ? nl + 1 : NULL;
    }
    if (failed && !any)
        diag_add(dl, DIAG_ERROR, "cpp", NULL, "the C preprocessor failed: %s",
                 text && *text ? text : "(no message)");
}

static void quote_path(StrBuf *b, const char *path)
{
    sb_putc(b, '"');
    for (const char *c = path; *c; c++) {
        if (*c == '"' || *c == '\\') sb_putc(b, '\\');
        sb_putc(b, *c);
    }
    sb_putc(b, '"');
}

static bool run_cpp(Program *p, const char **files, const uint32_t *ids, size_t nfiles,
                    const FrontOpts *o, const CppOpts *cpp, DiagList *dl)
{
    StrBuf wrapper = {0};
    for (size_t i = 0; i < nfiles; i++) {
        if (!strcmp(files[i], "-")) {
            SrcFile *f = p->srcmgr->files.v[ids[i]];
            sb_puts(&wrapper, "# 1 \"<stdin>\"\n");
            sb_putn(&wrapper, f->text, f->len);
            sb_putc(&wrapper, '\n');
        } else {
            sb_puts(&wrapper, "#include ");
            quote_path(&wrapper, files[i]);
            sb_putc(&wrapper, '\n');
        }
    }
    VEC(char *) argv = {0};
    const char *prog = getenv("GRIDDLE_CPP");
    vec_push(&argv, xstrdup(prog && *prog ? prog : "cpp"));
    const char *fixed[] = {"-xc", "-std=gnu11", "-undef", "-nostdinc"};
    for (size_t i = 0; i < ARRAY_LEN(fixed); i++) vec_push(&argv, xstrdup(fixed[i]));
    for (size_t i = 0; i < cpp->ninclude; i++) {
        StrBuf b = {0};
        sb_printf(&b, "-I%s", cpp->include_dirs[i]);
        vec_push(&argv, sb_take(&b));
    }
    for (size_t i = 0; i < cpp->ndefine; i++) {
        StrBuf b = {0};
        sb_printf(&b, "-D%s", cpp->defines[i]);
        vec_push(&argv, sb_take(&b));
    }
    for (size_t i = 0; i < cpp->nundef; i++) {
        StrBuf b = {0};
        sb_printf(&b, "-U%s", cpp->undefs[i]);
        vec_push(&argv, sb_take(&b));
    }
    vec_push(&argv, xstrdup("-"));
    vec_push(&argv, NULL);
    FilterResult r;
    run_filter(argv.v, wrapper.s, wrapper.n, &r);
    bool ok = false;
    if (r.status == -1) {
        diag_add(dl, DIAG_ERROR, "cpp", NULL,
                 "cannot run the C preprocessor '%s': %s (install the Debian package 'cpp', or "
                 "use --no-cpp)", argv.v[0], strerror(r.err));
    } else if (r.status != 0) {
        cpp_diags(p, r.err_text.s, dl, true);
    } else {
        lex_text(r.out.s ? r.out.s : "", r.out.n, ids[0], true, o, p->interner, p->srcmgr,
                 &p->arena, &p->tokens, dl);
        ok = true;
    }
    for (size_t i = 0; i < argv.n; i++) free(argv.v[i]);
    vec_free(&argv);
    sb_free(&wrapper);
    sb_free(&r.out);
    sb_free(&r.err_text);
    return ok;
}

bool front_load(Program *p, const char **files, size_t nfiles, const FrontOpts *o,
                const CppOpts *cpp, DiagList *dl)
{
    arena_init(&p->arena);
    p->compat = o->compat;
    size_t errors_before = dl->nerrors;
    uint32_t *ids = xcalloc(nfiles ? nfiles : 1, sizeof *ids);
    bool need_cpp = cpp->force > 0 || cpp->ninclude || cpp->ndefine || cpp->nundef;
    bool read_ok = true;
    for (size_t i = 0; i < nfiles; i++) {
        bool is_stdin = !strcmp(files[i], "-");
        size_t len = 0;
        char *text = read_file(files[i], &len);
        if (!text) {
            diag_add(dl, DIAG_ERROR, "io", NULL, "cannot read '%s': %s", files[i], strerror(errno));
            read_ok = false;
            continue;
        }
        ids[i] = srcmgr_add(p->srcmgr, is_stdin ? "<stdin>" : files[i], text, len);
        if (cpp->force >= 0 && front_has_directives(text, len)) need_cpp = true;
    }
    bool ok = read_ok;
    if (read_ok) {
        if (need_cpp) {
            ok = run_cpp(p, files, ids, nfiles, o, cpp, dl);
        } else {
            for (size_t i = 0; i < nfiles; i++) {
                SrcFile *f = p->srcmgr->files.v[ids[i]];
                if (p->tokens.toks.n) p->tokens.toks.n--; /* drop the previous EOF */
                lex_text(f->text, f->len, ids[i], false, o, p->interner, p->srcmgr, &p->arena,
                         &p->tokens, dl);
            }
        }
    }
    free(ids);
    if (!ok) return false;
    if (!p->tokens.toks.n) {
        Token eof = {.kind = TOK_EOF};
        vec_push(&p->tokens.toks, eof);
    }
    bool parsed = parse_program(p, o, dl);
    return parsed && dl->nerrors == errors_before;
}

bool front_load_text(Program *p, const char *name, const char *text, size_t len,
                     const FrontOpts *o, DiagList *dl)
{
    arena_init(&p->arena);
    p->compat = o->compat;
    size_t errors_before = dl->nerrors;
    uint32_t id = srcmgr_add(p->srcmgr, name, xstrndup(text, len), len);
    lex_text(text, len, id, false, o, p->interner, p->srcmgr, &p->arena, &p->tokens, dl);
    return parse_program(p, o, dl) && dl->nerrors == errors_before;
}
