/*
 * A test host for programs compiled by the C back end (griddle build
 * --target c), linked with the generated C built with -DPNK_FFI_HOOK
 * -DPNK_SHM_HOOK and --entry-table (griddle_exports, griddle_globals_bytes,
 * griddle_uncaught: the default host's interface, docs/abi.md). It plays the part `griddle run` plays
 * for the interpreter, with the same options and the same trace format
 * (docs/trace.md), so the two traces of one program can be compared:
 *
 *   --heap-size N[K|M]  --heap-init FILE  --poke OFF=VAL
 *   --shared BASE:SIZE  (plain memory mapped at BASE; with -DPNK_SHM_HOOK
 *                       each access is also recorded)
 *   --call 'f(1,2)'  --print-result  --trace FILE
 *   --ffi-permissive, --ffi LIB, --fuel N, --max-depth N: accepted and
 *   ignored (the FFI functions are linked in; compiled code has no clock)
 *
 * Built with -DHOST_PLAIN it serves programs compiled without the hooks
 * (the plain cake ABI): their FFI and shared-memory accesses are then not
 * in the trace, but their effects show in the results.
 *
 * The FFI built-ins of griddle run (write, read, exit, print_u64) are
 * defined here. FFI buffers outside [@base, @top) are traced as null with
 * the raw arguments, as griddle run --ffi-permissive does.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_FIXED_NOREPLACE */
#include <sys/mman.h>

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void ffi_fn(unsigned char *, long, unsigned char *, long);
typedef struct GriddleExport {
    const char *name;
    uint64_t (*fn)(uint64_t, uint64_t, uint64_t, uint64_t);
    long nargs;
} GriddleExport;
extern const GriddleExport griddle_exports[];
extern const uint64_t griddle_globals_bytes;
extern void *cml_heap, *cml_stack, *cml_stackend;
extern const char *pnk_exn_name;
extern uint64_t pnk_exn_value[32];
extern uint32_t pnk_exn_words;
uint64_t cml_main(void);

void cml_err(int code);
void griddle_uncaught(const char *name, const uint64_t *payload, long nwords);
void cml_exit(int code);
void cml_clear(void);
uint64_t griddle_shm_load(uint64_t addr, unsigned width);
void griddle_shm_store(uint64_t addr, unsigned width, uint64_t value);
void griddle_ffi_hook(const char *name, ffi_fn *fn, uint64_t c, uint64_t clen, uint64_t a,
                  uint64_t alen);
void ffiwrite(unsigned char *c, long clen, unsigned char *a, long alen);
void ffiread(unsigned char *c, long clen, unsigned char *a, long alen);
void ffiexit(unsigned char *c, long clen, unsigned char *a, long alen);
void ffiprint_u64(unsigned char *c, long clen, unsigned char *a, long alen);

static FILE *trace;
static uint64_t base, top;

typedef struct Region {
    uint64_t base, size;
    unsigned char *mem;
} Region;
static Region regions[16];
static int nregions;

static void outcome_error(const char *why)
{
    fflush(stdout);
    if (trace) {
        fprintf(trace, "{\"event\":\"outcome\",\"kind\":\"error\",\"reason\":\"%s\"}\n", why);
        fflush(trace);
    }
    fprintf(stderr, "host: runtime error: %s\n", why);
    exit(4);
}

void cml_err(int code)
{
    fprintf(stderr, "host: cml_err(%d)\n", code);
    outcome_error("cml_err");
}
void cml_exit(int code) { exit(code); }
void cml_clear(void) {}

/* ---- shared memory: plain regions, every access an event ------------ */

static unsigned char *shm_at(uint64_t addr, unsigned width)
{
    uint64_t word = addr & ~(uint64_t)7;
    for (int i = 0; i < nregions; i++) {
        Region *r = &regions[i];
        if (word - r->base >= r->size) continue;
        if (width == 8 && (addr & 7)) break;
        if (addr - r->base + width > r->size) break;
        return r->mem + (addr - r->base);
    }
    outcome_error("shared-memory access outside every region");
    return NULL;
}

uint64_t griddle_shm_load(uint64_t addr, unsigned width)
{
    unsigned char *p = shm_at(addr, width);
    uint64_t v = 0;
    for (unsigned i = 0; i < width; i++) v |= (uint64_t)p[i] << (8 * i);
    if (trace)
        fprintf(trace, "{\"event\":\"load\",\"width\":%u,\"addr\":%" PRIu64 ",\"value\":%" PRIu64 "}\n",
                width, addr, v);
    return v;
}

void griddle_shm_store(uint64_t addr, unsigned width, uint64_t value)
{
    unsigned char *p = shm_at(addr, width);
    for (unsigned i = 0; i < width; i++) p[i] = (unsigned char)(value >> (8 * i));
    if (width < 8) value &= ((uint64_t)1 << (8 * width)) - 1;
    if (trace)
        fprintf(trace, "{\"event\":\"store\",\"width\":%u,\"addr\":%" PRIu64 ",\"value\":%" PRIu64 "}\n",
                width, addr, value);
}

/* ---- FFI ------------------------------------------------------------ */

static int in_heap(uint64_t p, uint64_t len)
{
    return len == 0 || (p - base < top - base && top - p >= len);
}

static void hex(const unsigned char *p, uint64_t n, int ok)
{
    if (!ok) {
        fputs("null", trace);
        return;
    }
    fputc('"', trace);
    for (uint64_t i = 0; i < n; i++) fprintf(trace, "%02x", p[i]);
    fputc('"', trace);
}

static void ffi_event(const char *name, const uint64_t w[4], const unsigned char *c,
                      const unsigned char *before, const unsigned char *after)
{
    int c_ok = in_heap(w[0], w[1]), a_ok = in_heap(w[2], w[3]);
    fprintf(trace, "{\"event\":\"ffi\",\"name\":\"%s\",\"c\":", name);
    hex(c, w[1], c_ok);
    fputs(",\"a_before\":", trace);
    hex(before, w[3], a_ok);
    fputs(",\"a_after\":", trace);
    hex(after, w[3], a_ok);
    if (!c_ok || !a_ok)
        fprintf(trace, ",\"args\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]", w[0], w[1],
                w[2], w[3]);
    fputs("}\n", trace);
}

static unsigned char *snapshot(uint64_t p, uint64_t len)
{
    unsigned char *b = malloc(len ? len : 1);
    if (!b) abort();
    if (len && in_heap(p, len)) memcpy(b, (void *)(uintptr_t)p, len);
    return b;
}

void griddle_ffi_hook(const char *name, ffi_fn *fn, uint64_t c, uint64_t clen, uint64_t a,
                  uint64_t alen)
{
    uint64_t w[4] = {c, clen, a, alen};
    unsigned char *cb = NULL, *before = NULL;
    if (trace) {
        cb = snapshot(c, clen);
        before = snapshot(a, alen);
    }
    if (fn == ffiexit && trace) {
        ffi_event(name, w, cb, before, before);
        fflush(trace);
    }
    fn((unsigned char *)(uintptr_t)c, (long)clen, (unsigned char *)(uintptr_t)a, (long)alen);
    if (trace) {
        unsigned char *after = snapshot(a, alen);
        ffi_event(name, w, cb, before, after);
        free(after);
    }
    free(cb);
    free(before);
}

void ffiwrite(unsigned char *c, long clen, unsigned char *a, long alen)
{
    (void)a;
    (void)alen;
    fwrite(c, 1, (size_t)clen, stdout);
}

void ffiread(unsigned char *c, long clen, unsigned char *a, long alen)
{
    (void)c;
    (void)clen;
    uint64_t n = fread(a + 8, 1, (size_t)alen - 8, stdin);
    memcpy(a, &n, 8);
}

void ffiprint_u64(unsigned char *c, long clen, unsigned char *a, long alen)
{
    (void)clen;
    (void)a;
    (void)alen;
    uint64_t v;
    memcpy(&v, c, 8);
    printf("%" PRIu64 "\n", v);
}

void ffiexit(unsigned char *c, long clen, unsigned char *a, long alen)
{
    (void)a;
    (void)alen;
    int code = clen ? c[0] : 0;
    fflush(stdout);
    if (trace) {
        fprintf(trace, "{\"event\":\"outcome\",\"kind\":\"exit\",\"code\":%d}\n", code);
        fclose(trace);
    }
    exit(code);
}

static void usage(const char *msg, const char *arg)
{
    fprintf(stderr, "host: %s: %s\n", msg, arg);
    exit(2);
}

/* Plain memory at [base, base + size) itself, so code built without the
 * hooks reaches it with its own volatile accesses. */
static unsigned char *map_region(uint64_t base, uint64_t size)
{
    uint64_t page = 4096, lo = base & ~(page - 1);
    uint64_t len = (base + size - lo + page - 1) & ~(page - 1);
    void *p = mmap((void *)(uintptr_t)lo, len ? len : page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != MAP_FAILED && p == (void *)(uintptr_t)lo) return (unsigned char *)p + (base - lo);
#ifdef HOST_PLAIN
    usage("cannot map the shared region at its address", "");
#endif
    /* the hooks serve it from anywhere */
    unsigned char *m = calloc(1, size ? size : 1);
    if (!m) abort();
    return m;
}

/* ---- command line --------------------------------------------------- */

static int parse_word(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    int neg = *s == '-';
    uint64_t v = strtoull(neg ? s + 1 : s, &end, 0);
    if (end == s || *end || errno) return 0;
    *out = neg ? (uint64_t)0 - v : v;
    return 1;
}

typedef struct Call {
    const GriddleExport *e;
    uint64_t args[4];
    unsigned nargs;
} Call;

static void parse_call(const char *text, Call *c)
{
    const char *lp = strchr(text, '(');
    size_t n = lp ? (size_t)(lp - text) : 0;
    if (!lp || text[strlen(text) - 1] != ')') usage("bad --call", text);
    c->e = NULL;
    for (const GriddleExport *e = griddle_exports; e->name; e++)
        if (strlen(e->name) == n && !strncmp(e->name, text, n)) c->e = e;
    if (!c->e) usage("no exported function", text);
    size_t len = strlen(lp + 1);
    char *args = malloc(len + 1);
    if (!args) abort();
    memcpy(args, lp + 1, len + 1);
    args[strlen(args) - 1] = 0;
    c->nargs = 0;
    memset(c->args, 0, sizeof c->args);
    for (char *tok = strtok(args, ", "); tok; tok = strtok(NULL, ", ")) {
        if (c->nargs == 4 || !parse_word(tok, &c->args[c->nargs++])) usage("bad --call", text);
    }
    free(args);
    if ((long)c->nargs != c->e->nargs) usage("wrong number of arguments", text);
}

static uint64_t invoke(const Call *c)
{
    return c->e->fn(c->args[0], c->args[1], c->args[2], c->args[3]);
}

static void exception_outcome(void);

/* An exception escaped main or an exported function (the program also
 * sets pnk_exn_*, which this reads). */
void griddle_uncaught(const char *name, const uint64_t *payload, long nwords)
{
    (void)name;
    (void)payload;
    (void)nwords;
    exception_outcome();
}

static void exception_outcome(void)
{
    fflush(stdout);
    if (trace) {
        fprintf(trace, "{\"event\":\"outcome\",\"kind\":\"exception\",\"name\":\"%s\",\"value\":[",
                pnk_exn_name);
        for (uint32_t i = 0; i < pnk_exn_words; i++)
            fprintf(trace, "%s%" PRIu64, i ? "," : "", pnk_exn_value[i]);
        fputs("]}\n", trace);
        fclose(trace);
    }
    exit(4);
}

int main(int argc, char **argv)
{
    uint64_t heap_size = 1 << 20;
    const char *heap_init = NULL, *trace_path = NULL;
    uint64_t pokes[64][2];
    int npokes = 0, print = 0, ncalls = 0;
    Call calls[32];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
        if (!strcmp(a, "--print-result")) { print = 1; continue; }
        if (!strcmp(a, "--ffi-permissive")) continue;
        if (!strcmp(a, "--ffi") || !strcmp(a, "--fuel") || !strcmp(a, "--max-depth")) { i++; continue; }
        i++;
        if (!strcmp(a, "--heap-size")) {
            char *end;
            heap_size = strtoull(v, &end, 0);
            if (*end == 'K') heap_size <<= 10;
            if (*end == 'M') heap_size <<= 20;
        } else if (!strcmp(a, "--heap-init")) {
            heap_init = v;
        } else if (!strcmp(a, "--poke")) {
            const char *eq = strchr(v, '=');
            char off[64];
            if (!eq || (size_t)(eq - v) >= sizeof off || npokes == 64) usage("bad --poke", v);
            memcpy(off, v, (size_t)(eq - v));
            off[eq - v] = 0;
            if (!parse_word(off, &pokes[npokes][0]) || !parse_word(eq + 1, &pokes[npokes][1]))
                usage("bad --poke", v);
            npokes++;
        } else if (!strcmp(a, "--shared")) {
            const char *colon = strchr(v, ':');
            char b[64];
            Region *r = &regions[nregions];
            if (!colon || nregions == 16 || (size_t)(colon - v) >= sizeof b) usage("bad --shared", v);
            memcpy(b, v, (size_t)(colon - v));
            b[colon - v] = 0;
            if (!parse_word(b, &r->base) || !parse_word(colon + 1, &r->size)) usage("bad --shared", v);
            r->mem = map_region(r->base, r->size);
            nregions++;
        } else if (!strcmp(a, "--call")) {
            if (ncalls == 32) usage("too many calls", v);
            parse_call(v, &calls[ncalls++]);
        } else if (!strcmp(a, "--trace")) {
            trace_path = v;
        } else {
            usage("unknown option", a);
        }
    }
    unsigned char *heap = malloc(heap_size ? heap_size : 8); /* aligned for any word */
    if (!heap) usage("no memory for the heap", "");
    memset(heap, 0, heap_size);
    if (heap_init) {
        FILE *f = fopen(heap_init, "rb");
        if (!f) usage("cannot read", heap_init);
        size_t n = fread(heap, 1, heap_size, f);
        (void)n;
        fclose(f);
    }
    for (int i = 0; i < npokes; i++) memcpy(heap + pokes[i][0], &pokes[i][1], 8);
    if (trace_path) {
        trace = strcmp(trace_path, "-") ? fopen(trace_path, "w") : stdout;
        if (!trace) usage("cannot write", trace_path);
    }
    cml_heap = heap;
    cml_stack = heap + heap_size;
    cml_stackend = cml_stack;
    base = (uint64_t)(uintptr_t)heap;
    top = base + heap_size - griddle_globals_bytes;
    uint64_t result = cml_main();
    if (pnk_exn_name) exception_outcome();
    if (print) printf("%" PRIu64 "\n", result);
    for (int i = 0; i < ncalls; i++) {
        if (trace) {
            fprintf(trace, "{\"event\":\"call\",\"function\":\"%s\",\"args\":[", calls[i].e->name);
            for (unsigned k = 0; k < calls[i].nargs; k++)
                fprintf(trace, "%s%" PRIu64, k ? "," : "", calls[i].args[k]);
            fputs("]}\n", trace);
        }
        uint64_t r = invoke(&calls[i]);
        if (pnk_exn_name) exception_outcome();
        if (trace)
            fprintf(trace, "{\"event\":\"return\",\"function\":\"%s\",\"value\":%" PRIu64 "}\n",
                    calls[i].e->name, r);
        if (print) printf("%" PRIu64 "\n", r);
    }
    fflush(stdout);
    if (trace) {
        fprintf(trace, "{\"event\":\"outcome\",\"kind\":\"success\",\"value\":%" PRIu64 "}\n", result);
        fclose(trace);
    }
    return 0;
}
