/* The portable text of a query and the cvc5 subprocess (--solver cvc5 and
 * --solver both, docs/verifier.md "Second solver").
 *
 * The text is Z3's own rendering of the solver content
 * (Z3_solver_to_string: the declarations and every assertion, exactly
 * what Z3 checks) rewritten token by token into portable SMT-LIB 2.6:
 * a `(set-logic ALL)` first (cvc5 needs a logic), Z3's `bv2int` spelled
 * `bv2nat` (the standard name; Z3 accepts both), Z3's internal halves
 * of seq.nth (seq.nth_i, seq.nth_u) spelled seq.nth, Z3's `:weight N`
 * attributes (not SMT-LIB; cvc5 warns about them) replaced by a `:qid`
 * (an annotation needs an attribute). The same text
 * is what --emit-smt writes, so `cvc5 FILE` or `z3 FILE` re-runs a query.
 *
 * cvc5 runs as a child process (posix_spawn: safe from the worker
 * threads) on a query file, with --tlimit for --timeout and a watchdog
 * that kills it two seconds after that. Its answer is the first line
 * reading sat, unsat or unknown; anything else (a parse error, a crash)
 * is an unknown whose reason quotes cvc5. */
#include "vgen_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static bool sym_char(char ch)
{
    return ch && !strchr(" \t\r\n()|\";", ch);
}

/* Z3's spellings that are not SMT-LIB 2.6 (see the file comment). */
static const struct { const char *z3, *std; } RENAME[] = {
    {"bv2int", "bv2nat"},
    /* Z3's halves of seq.nth (in and out of bounds); both are seq.nth,
     * which is unspecified out of bounds as seq.nth_u is */
    {"seq.nth_i", "seq.nth"},
    {"seq.nth_u", "seq.nth"},
};

static void portable(StrBuf *out, const char *s)
{
    while (*s) {
        if (*s == '|' || *s == '"') { /* quoted symbol or string literal: as is */
            char q = *s;
            const char *e = strchr(s + 1, q);
            size_t n = e ? (size_t)(e - s) + 1 : strlen(s);
            sb_putn(out, s, n);
            s += n;
            continue;
        }
        if (*s == ';') { /* comment to the end of the line */
            const char *e = strchr(s, '\n');
            size_t n = e ? (size_t)(e - s) : strlen(s);
            sb_putn(out, s, n);
            s += n;
            continue;
        }
        if (!sym_char(*s)) {
            sb_putc(out, *s++);
            continue;
        }
        size_t n = 0;
        while (sym_char(s[n])) n++;
        if (n == 7 && !strncmp(s, ":weight", 7)) {
            /* ":weight N" becomes a quantifier name: an annotation (! t)
             * needs at least one attribute */
            s += n;
            while (*s == ' ' || *s == '\n' || *s == '\t') s++;
            while (sym_char(*s)) s++;
            sb_puts(out, ":qid griddle");
            continue;
        }
        const char *rep = NULL;
        for (size_t i = 0; i < sizeof RENAME / sizeof RENAME[0]; i++)
            if (strlen(RENAME[i].z3) == n && !strncmp(s, RENAME[i].z3, n)) rep = RENAME[i].std;
        if (rep) sb_puts(out, rep);
        else sb_putn(out, s, n);
        s += n;
    }
}

char *smt_query_text(Gen *g, const char *kind)
{
    StrBuf b = {0};
    sb_printf(&b, "; griddle verify: %s, query %u (%s)\n(set-logic ALL)\n", g->unit_name, g->qn, kind);
    portable(&b, Z3_solver_to_string(g->z, g->sol));
    /* cvc5 answers an error after sat/unsat: only the first answer line counts */
    sb_puts(&b, "(check-sat)\n(get-info :reason-unknown)\n");
    return sb_take(&b);
}

bool smt_write_query(const char *path, const char *text, StrBuf *err)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        sb_printf(err, "cannot write %s: %s", path, strerror(errno));
        return false;
    }
    fputs(text, f);
    if (fclose(f) != 0) {
        sb_printf(err, "cannot write %s: %s", path, strerror(errno));
        return false;
    }
    return true;
}

char *smt_temp_query(const char *text, StrBuf *err)
{
    const char *dir = getenv("TMPDIR");
    StrBuf p = {0};
    sb_printf(&p, "%s/griddle-query-XXXXXX.smt2", dir && *dir ? dir : "/tmp");
    int fd = mkstemps(p.s, 5);
    if (fd < 0) {
        sb_printf(err, "cannot create %s: %s", p.s, strerror(errno));
        sb_free(&p);
        return NULL;
    }
    close(fd);
    if (!smt_write_query(p.s, text, err)) {
        unlink(p.s);
        sb_free(&p);
        return NULL;
    }
    return sb_take(&p);
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Reads the child's output until it closes the pipe or the deadline
 * (ms, 0 = none) passes. Returns false on the deadline. */
static bool read_all(int fd, StrBuf *out, double deadline)
{
    char buf[4096];
    for (;;) {
        int wait = -1;
        if (deadline > 0) {
            double left = deadline - mono_ms();
            if (left <= 0) return false;
            wait = (int)left + 1;
        }
        struct pollfd p = {fd, POLLIN, 0};
        int r = poll(&p, 1, wait);
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) return false;
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return true;
        if (out->n < (1u << 20)) sb_putn(out, buf, (size_t)n);
    }
}

/* The answer in cvc5's output: the first line that is sat, unsat or
 * unknown (warnings may come first). */
static SmtAnswer parse_answer(const char *out, StrBuf *why)
{
    for (const char *l = out; l && *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        if (n == 3 && !strncmp(l, "sat", 3)) return SMT_SAT;
        if (n == 5 && !strncmp(l, "unsat", 5)) return SMT_UNSAT;
        if (n == 7 && !strncmp(l, "unknown", 7)) {
            const char *r = strstr(out, "(:reason-unknown ");
            if (strstr(out, "timeout")) sb_puts(why, "timeout");
            else if (r) sb_putn(why, r + 17, strcspn(r + 17, ")\n"));
            else sb_puts(why, "unknown");
            /* cvc5 gave up with quantifiers left: "not proved", as Z3's
             * "incomplete quantifiers" (docs/verifier.md "Encoding") */
            return strstr(why->s, "incomplete") ? SMT_INCOMPLETE : SMT_UNKNOWN;
        }
        l = e ? e + 1 : NULL;
    }
    size_t n = strcspn(out, "\n");
    sb_puts(why, "cvc5: ");
    sb_putn(why, *out ? out : "no answer", *out ? (n > 300 ? 300 : n) : 9);
    return SMT_UNKNOWN;
}

SmtAnswer cvc5_check(const VerifyOpts *o, const char *path, unsigned seed, StrBuf *why)
{
    char tl[48], sd[48];
    snprintf(tl, sizeof tl, "--tlimit=%u", o->timeout_ms);
    snprintf(sd, sizeof sd, "--seed=%u", seed);
    const char *exe = o->cvc5 ? o->cvc5 : "cvc5";
    char *argv[10];
    int argc = 0;
    argv[argc++] = (char *)exe;
    argv[argc++] = (char *)"--lang=smt2";
    argv[argc++] = (char *)"--strings-exp"; /* seq.nth and other sequence operations */
    argv[argc++] = sd;
    if (o->timeout_ms) argv[argc++] = tl;
    argv[argc++] = (char *)path;
    argv[argc] = NULL;
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        sb_printf(why, "cannot run %s: %s", exe, strerror(errno));
        return SMT_UNKNOWN;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, exe, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    if (rc != 0) {
        close(pfd[0]);
        sb_printf(why, "cannot run %s: %s", exe, strerror(rc));
        return SMT_UNKNOWN;
    }
    StrBuf out = {0};
    double deadline = o->timeout_ms ? mono_ms() + o->timeout_ms + 2000 : 0;
    bool done = read_all(pfd[0], &out, deadline);
    close(pfd[0]);
    if (!done) kill(pid, SIGKILL);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    SmtAnswer a;
    if (!done) {
        sb_puts(why, "timeout (cvc5 killed)");
        a = SMT_UNKNOWN;
    } else {
        a = parse_answer(out.s ? out.s : "", why);
    }
    sb_free(&out);
    return a;
}
