/*
 * The default host of programs built by `griddle build --emit exe`
 * (docs/abi.md, "The default host"). It plays the part of cake's
 * basis_ffi.c: it provides the heap (cml_heap, cml_stack, cml_stackend),
 * runs the program through cml_main(), and offers the built-in FFI
 * functions of `griddle run` (write, read, exit, print_u64) plus the
 * logging FFI `log` used by the differential tests.
 *
 * Run-time options (argv of the built program; the program itself cannot
 * read argv, so all of it is ours):
 *   --print-result       print each entry's result (main, then --call) as
 *                        an unsigned decimal line, like griddle run
 *   --call 'f(1,2)'      after main, call exported function f (repeatable)
 *   --heap-size N        heap bytes (default 1 MiB, a multiple of 8)
 *   --shared BASE:SIZE   map a zero-filled shared-memory region (repeatable)
 *   --trace FILE         write the JSON Lines trace of docs/trace.md
 *                        (also: environment variable GRIDDLE_TRACE=FILE)
 *   --stack N            run every entry on a fresh stack of exactly N
 *                        bytes with an inaccessible guard page below it
 *   --heap-init FILE     copy FILE's bytes to @base (before --poke)
 *   --poke OFF=VALUE     store the word VALUE at @base+OFF (repeatable)
 * While tracing, shared regions are mapped PROT_NONE: every access traps
 * (SIGSEGV on an alternate stack), the faulting instruction is decoded and
 * executed by the x86dec.c that the emulator uses too, on a private copy
 * of the region, recorded as load/store events, and skipped (x86-64 only).
 * C back-end programs built with --hooks instead call griddle_shm_load/
 * griddle_shm_store for shared accesses and griddle_ffi_hook for FFI calls
 * (every FFI call is then traced, the program's own too): that works on
 * any architecture (docs/cback.md, "Other architectures").
 *
 * This file is compiled together with the program's code by griddle (it
 * is embedded in the griddle binary), with any C compiler, as GNU C.
 * Global state: the run's configuration and trace stream (one program per
 * process, as with cake's host).
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "x86dec.h"

/* ---- what the program provides (docs/abi.md) -------------------------- */

typedef struct GriddleExport {
    const char *name;
    uint64_t (*fn)(uint64_t, uint64_t, uint64_t, uint64_t);
    long nargs;
} GriddleExport;

extern uint64_t cml_main(void);
extern const uint64_t griddle_globals_bytes;
extern const GriddleExport griddle_exports[];

/* ---- what the host provides to the program ---------------------------- */

/* Weak: cake's programs define these themselves (hosts declare them
 * extern), and so does the C back end's output; the x86-64 back end's
 * does not. */
__attribute__((weak)) void *cml_heap, *cml_stack, *cml_stackend;

void cml_exit(int code);
void cml_err(int code);
void cml_clear(void);
void griddle_uncaught(const char *name, const uint64_t *payload, long nwords);
void ffiwrite(unsigned char *c, long clen, unsigned char *a, long alen);
void ffiread(unsigned char *c, long clen, unsigned char *a, long alen);
void ffiexit(unsigned char *c, long clen, unsigned char *a, long alen);
void ffiprint_u64(unsigned char *c, long clen, unsigned char *a, long alen);
void ffilog(unsigned char *c, long clen, unsigned char *a, long alen);

/* ---- run configuration ------------------------------------------------ */

#define MAX_REGIONS 16
#define MAX_CALLS 64

typedef struct Region {
    uint64_t base, size;
    uint8_t *copy;          /* tracing: the region's contents */
} Region;

static struct {
    FILE *trace;
    const char *trace_path;  /* --trace or GRIDDLE_TRACE (NULL: no trace) */
    int print_result;
    uint64_t heap_size, stack_size;
    Region regions[MAX_REGIONS];
    int nregions;
    const char *calls[MAX_CALLS];
    int ncalls;
    const char *pokes[MAX_CALLS];
    int npokes;
    const char *heap_init;
    unsigned long log_calls; /* ffilog's call counter */
    int in_hook;             /* inside griddle_ffi_hook: it traces the call */
} H = {.heap_size = 1 << 20};

static void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("griddle host: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static uint64_t globals_bytes(void) { return griddle_globals_bytes; }

static uint64_t top_addr(void) { return (uint64_t)(uintptr_t)cml_stack - globals_bytes(); }

/* ---- trace ------------------------------------------------------------ */

static void trace_hex(const uint8_t *p, long n)
{
    fputc('"', H.trace);
    for (long i = 0; i < n; i++) fprintf(H.trace, "%02x", p[i]);
    fputc('"', H.trace);
}

static int in_heap(const unsigned char *p, long n)
{
    uint64_t a = (uint64_t)(uintptr_t)p, b = (uint64_t)(uintptr_t)cml_heap;
    if (n == 0) return 1;
    return a >= b && a <= top_addr() && (uint64_t)n <= top_addr() - a;
}

/* c and a as they were before an FFI call (only while tracing, and
 * only buffers inside [@base, @top); c and a may overlap). */
typedef struct Snap {
    uint8_t *c, *a;
} Snap;

static uint8_t *copy_of(const unsigned char *p, long n)
{
    if (!H.trace || H.in_hook || !in_heap(p, n)) return NULL;
    uint8_t *b = malloc(n ? (size_t)n : 1);
    if (!b) fatal("out of memory");
    if (n) memcpy(b, p, (size_t)n);
    return b;
}

static Snap ffi_begin(unsigned char *c, long clen, unsigned char *a, long alen)
{
    return (Snap){copy_of(c, clen), copy_of(a, alen)};
}

/* One FFI event (docs/trace.md): c as read before the call, a before and
 * after. A buffer outside [@base, @top) is null, and the raw arguments
 * follow, as griddle run --ffi-permissive writes it. */
static void ffi_end(const char *name, Snap s, unsigned char *c, long clen, unsigned char *a,
                    long alen)
{
    if (H.trace && !H.in_hook) {
        int c_ok = in_heap(c, clen), a_ok = in_heap(a, alen);
        fprintf(H.trace, "{\"event\":\"ffi\",\"name\":\"%s\",\"c\":", name);
        if (c_ok) trace_hex(s.c, clen);
        else fputs("null", H.trace);
        fputs(",\"a_before\":", H.trace);
        if (a_ok) trace_hex(s.a, alen);
        else fputs("\"\"", H.trace);
        fputs(",\"a_after\":", H.trace);
        if (a_ok) trace_hex(a, alen);
        else fputs("\"\"", H.trace);
        if (!c_ok || !a_ok)
            fprintf(H.trace, ",\"args\":[%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]",
                    (uint64_t)(uintptr_t)c, (uint64_t)clen, (uint64_t)(uintptr_t)a, (uint64_t)alen);
        fputs("}\n", H.trace);
    }
    free(s.c);
    free(s.a);
}

static void finish(int code) __attribute__((noreturn));
static void finish(int code)
{
    fflush(stdout);
    if (H.trace) fclose(H.trace);
    exit(code);
}

/* ---- built-in FFI functions (weak: a program's own definition wins) ---- */

#define WEAK __attribute__((weak))

WEAK void ffiwrite(unsigned char *c, long clen, unsigned char *a, long alen)
{
    Snap s = ffi_begin(c, clen, a, alen);
    if (clen > 0) fwrite(c, 1, (size_t)clen, stdout);
    ffi_end("write", s, c, clen, a, alen);
}

WEAK void ffiread(unsigned char *c, long clen, unsigned char *a, long alen)
{
    Snap s = ffi_begin(c, clen, a, alen);
    if (alen >= 8) {
        uint64_t n = fread(a + 8, 1, (size_t)alen - 8, stdin);
        memcpy(a, &n, 8);
    }
    ffi_end("read", s, c, clen, a, alen);
}

WEAK void ffiprint_u64(unsigned char *c, long clen, unsigned char *a, long alen)
{
    Snap s = ffi_begin(c, clen, a, alen);
    if (clen >= 8) {
        uint64_t v;
        memcpy(&v, c, 8);
        printf("%" PRIu64 "\n", v);
    }
    ffi_end("print_u64", s, c, clen, a, alen);
}

WEAK void ffiexit(unsigned char *c, long clen, unsigned char *a, long alen)
{
    int code = clen > 0 ? c[0] : 0;
    H.in_hook = 0;   /* no return to the hook: the event is written here */
    ffi_end("exit", ffi_begin(c, clen, a, alen), c, clen, a, alen);
    if (H.trace) fprintf(H.trace, "{\"event\":\"outcome\",\"kind\":\"exit\",\"code\":%d}\n", code);
    finish(code);
}

/* The logging FFI of the differential tests (the same function is in
 * tests/build/ffi_log.c for griddle run): with k the number of earlier
 * calls and s the sum of c's bytes, a[i] = 3*a[i] + s + k + i (mod 256).
 * It depends on the call order, so reordered calls change the trace. */
WEAK void ffilog(unsigned char *c, long clen, unsigned char *a, long alen)
{
    Snap sn = ffi_begin(c, clen, a, alen);
    unsigned s = 0;
    for (long i = 0; i < clen; i++) s += c[i];
    for (long i = 0; i < alen; i++)
        a[i] = (unsigned char)(3u * a[i] + s + H.log_calls + (unsigned long)i);
    H.log_calls++;
    ffi_end("log", sn, c, clen, a, alen);
}

/* cake's host hooks, for glue written against basis_ffi.c. */
void cml_exit(int code) { finish(code); }
void cml_err(int code) { fatal("the program reported error %d", code); }
void cml_clear(void) {}

/* An exception escaped an entry (main or an exported function). */
void griddle_uncaught(const char *name, const uint64_t *payload, long nwords)
{
    if (H.trace) {
        fprintf(H.trace, "{\"event\":\"outcome\",\"kind\":\"exception\",\"name\":\"%s\",\"value\":[",
                name);
        for (long i = 0; i < nwords; i++)
            fprintf(H.trace, "%s%" PRIu64, i ? "," : "", payload[i]);
        fputs("]}\n", H.trace);
    }
    fprintf(stderr, "griddle host: uncaught exception %s\n", name);
    finish(4);
}

/* ---- shared memory ---------------------------------------------------- */

static Region *find_region(uint64_t addr)
{
    for (int i = 0; i < H.nregions; i++)
        if (addr >= H.regions[i].base && addr - H.regions[i].base < H.regions[i].size)
            return &H.regions[i];
    return NULL;
}

static void trace_access(const char *kind, unsigned width, uint64_t addr, uint64_t v)
{
    fprintf(H.trace, "{\"event\":\"%s\",\"width\":%u,\"addr\":%" PRIu64 ",\"value\":%" PRIu64 "}\n",
            kind, width, addr, v);
}

/* ---- hooks of C back-end programs built with --hooks ------------------- */

/* The first byte of an access of width bytes at addr: in the private copy
 * while tracing (the mapping is PROT_NONE then), else in the mapping. */
static volatile uint8_t *shm_at(uint64_t addr, unsigned width)
{
    Region *r = find_region(addr);
    if (!r || addr - r->base > r->size - width)
        fatal("shared-memory access of %u bytes at 0x%" PRIx64 " outside every --shared region",
              width, addr);
    return r->copy ? r->copy + (addr - r->base) : (volatile uint8_t *)(uintptr_t)addr;
}

uint64_t griddle_shm_load(uint64_t addr, unsigned width);
uint64_t griddle_shm_load(uint64_t addr, unsigned width)
{
    volatile uint8_t *p = shm_at(addr, width);
    uint64_t v = 0;
    if (H.trace)   /* the private copy (little-endian, as the reference) */
        for (unsigned i = 0; i < width; i++) v |= (uint64_t)p[i] << (8 * i);
    else           /* the mapping: one access of the width */
        switch (width) {
        case 1: v = *p; break;
        case 2: v = *(volatile uint16_t *)p; break;
        case 4: v = *(volatile uint32_t *)p; break;
        default: v = *(volatile uint64_t *)p; break;
        }
    if (H.trace) trace_access("load", width, addr, v);
    return v;
}

void griddle_shm_store(uint64_t addr, unsigned width, uint64_t value);
void griddle_shm_store(uint64_t addr, unsigned width, uint64_t value)
{
    volatile uint8_t *p = shm_at(addr, width);
    if (width < 8) value &= (1ull << (8 * width)) - 1;
    if (H.trace)
        for (unsigned i = 0; i < width; i++) p[i] = (uint8_t)(value >> (8 * i));
    else
        switch (width) {
        case 1: *p = (uint8_t)value; break;
        case 2: *(volatile uint16_t *)p = (uint16_t)value; break;
        case 4: *(volatile uint32_t *)p = (uint32_t)value; break;
        default: *(volatile uint64_t *)p = value; break;
        }
    if (H.trace) trace_access("store", width, addr, value);
}

/* The C program's `long` of an FFI length word, as its pk_long does. */
static long as_long(uint64_t x)
{
    return x <= (uint64_t)LONG_MAX ? (long)x : (long)-1 - (long)(~x & (uint64_t)LONG_MAX);
}

typedef void FfiFn(unsigned char *, long, unsigned char *, long);
void griddle_ffi_hook(const char *name, FfiFn *fn, uint64_t c, uint64_t clen, uint64_t a,
                      uint64_t alen);
void griddle_ffi_hook(const char *name, FfiFn *fn, uint64_t c, uint64_t clen, uint64_t a,
                      uint64_t alen)
{
    unsigned char *cp = (unsigned char *)(uintptr_t)c, *ap = (unsigned char *)(uintptr_t)a;
    long cl = as_long(clen), al = as_long(alen);
    Snap s = ffi_begin(cp, cl, ap, al);
    H.in_hook++;
    fn(cp, cl, ap, al);
    H.in_hook--;
    ffi_end(name, s, cp, cl, ap, al);
}

/* ---- SIGSEGV ---------------------------------------------------------- */

static uint64_t guard_lo, guard_hi;   /* --stack's guard page (set by make_stack) */

/* Says in one line why the program is about to die of SIGSEGV (a fault
 * the handler does not emulate), then lets the fault kill it. */
static void segv_die(int sig, uint64_t addr, const void *ip)
{
    char msg[256];
    int n;
    if (addr >= guard_lo && addr < guard_hi)
        n = snprintf(msg, sizeof msg,
                     "griddle host: stack overflow: an entry needed more than the --stack %" PRIu64
                     " bytes (fault at 0x%" PRIx64 " in the guard page)\n",
                     (H.stack_size + 15) & ~(uint64_t)15, addr);
    else
        n = snprintf(msg, sizeof msg,
                     "griddle host: segmentation fault: an access to 0x%" PRIx64 "%s%p, which no "
                     "--shared region or the heap covers\n",
                     addr, ip ? " by the instruction at " : "", ip);
    if (n > 0 && write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1) < 0) {}
    signal(sig, SIG_DFL);
}

/* ---- the x86-64 trap ------------------------------------------------- */

#if defined(__x86_64__)

/* Performs one trapped instruction on the region's copy and records its
 * accesses (a read-modify-write is a load, then a store). Registers and
 * flags go through x86dec.c's executor. The fault is synchronous in
 * generated code, never inside stdio, so writing the trace here is safe
 * in practice. */
static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    uint64_t addr = (uint64_t)(uintptr_t)si->si_addr;
    Region *r = find_region(addr);
    SimInsn in;
    const uint8_t *ip = (const uint8_t *)(uintptr_t)g[REG_RIP];
    if (!r || !H.trace) {
        segv_die(sig, addr, ip);
        return;
    }
    if (!sim_x86_decode(ip, 15, &in) || addr + in.width > r->base + r->size) {
        /* a shared access this decoder does not know: say which one,
         * since the program's own instruction is the evidence */
        char msg[160];
        int n = snprintf(msg, sizeof msg,
                         "griddle host: cannot trace the shared-memory access at 0x%" PRIx64
                         " by the instruction at %p:",
                         addr, (const void *)ip);
        for (int i = 0; i < 8 && n > 0 && n < (int)sizeof msg - 4; i++)
            n += snprintf(msg + n, sizeof msg - (size_t)n, " %02x", ip[i]);
        if (n > 0 && n < (int)sizeof msg - 1) msg[n++] = '\n';
        if (n > 0 && write(2, msg, (size_t)n) < 0) {}
        signal(sig, SIG_DFL);   /* a real fault: let it kill us */
        return;
    }
    uint8_t *p = r->copy + (addr - r->base);
    SimRegs rs;
    if (!sim_x86_regs_get(&rs, uc, in.xmm)) {
        signal(sig, SIG_DFL);
        return;
    }
    uint64_t v = 0;
    if (sim_x86_reads(&in)) {
        memcpy(&v, p, in.width);
        trace_access("load", in.width, addr, v);
    }
    uint64_t out = sim_x86_exec(&in, &rs, v);
    if (sim_x86_writes(&in)) {
        memcpy(p, &out, in.width);
        trace_access("store", in.width, addr, out);
    }
    sim_x86_regs_set(&rs, uc, in.xmm);
    g[REG_RIP] += in.len;
}
#else
/* Elsewhere a trapped shared access cannot be decoded: say so and stop. */
static void on_segv(int sig, siginfo_t *si, void *ucv)
{
    (void)ucv;
    uint64_t addr = (uint64_t)(uintptr_t)si->si_addr;
    if (!H.trace || !find_region(addr)) {
        segv_die(sig, addr, NULL);
        return;
    }
    static const char msg[] = "griddle host: a shared-memory access trapped; this host decodes "
                              "x86-64 code only: build with griddle build --target c --hooks\n";
    if (write(2, msg, sizeof msg - 1) < 0) {}
    signal(sig, SIG_DFL);
}
#endif

/* What already occupies [base, base + size), from /proc/self/maps, as
 * "; already mapped there: LINE" (empty if nothing is known). */
static void occupant(uint64_t base, uint64_t size, char *out, size_t n)
{
    out[0] = 0;
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        unsigned long long lo, hi;
        if (sscanf(line, "%llx-%llx", &lo, &hi) != 2 || hi <= base || lo >= base + size) continue;
        line[strcspn(line, "\n")] = 0;
        snprintf(out, n, "; already mapped there: %.200s", line);
        break;
    }
    fclose(f);
}

/* Maps the --shared regions, before anything allocates: malloc's first
 * use places the program break, and a tcc-built (non-PIE) program's break
 * was seen to start just below 0x10000000 (12 times in 100,000 campaign
 * programs, "already mapped there: ... [heap]"); mapped first, a region
 * only stops the break from growing into it (malloc then uses mmap). */
static void map_regions(void)
{
    for (int i = 0; i < H.nregions; i++) {
        Region *r = &H.regions[i];
        void *p = mmap((void *)(uintptr_t)r->base, r->size, H.trace_path ? PROT_NONE : PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (p == MAP_FAILED || p != (void *)(uintptr_t)r->base) {
            char what[256];
            occupant(r->base, r->size, what, sizeof what);
            fatal("cannot map the shared region at 0x%" PRIx64 ": %s%s", r->base,
                  p == MAP_FAILED ? strerror(errno) : "the kernel placed it elsewhere", what);
        }
    }
}

/* Opens the trace, then the regions' traced contents and the SIGSEGV
 * handler: shared accesses are traced through it, and any other fault
 * (no --shared region, a --stack overflow) is explained before dying. */
static void trap_setup(void)
{
    if (H.trace_path) {
        H.trace = !strcmp(H.trace_path, "-") ? stdout : fopen(H.trace_path, "w");
        if (!H.trace) fatal("cannot open %s: %s", H.trace_path, strerror(errno));
    }
    for (int i = 0; H.trace && i < H.nregions; i++)
        if (!(H.regions[i].copy = calloc(1, H.regions[i].size))) fatal("out of memory");
    /* always: shared accesses are traced through it, and any other fault
     * (no --shared region, a --stack overflow) is explained before dying */
    static uint8_t altstack[64 * 1024];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    if (sigaltstack(&ss, NULL) || sigaction(SIGSEGV, &sa, NULL))
        fatal("cannot install the shared-memory trap handler");
}

/* ---- running entries -------------------------------------------------- */

#if defined(__x86_64__)
/* griddle_on_stack(fn, a0..a3, top): calls fn(a0..a3) with %rsp = top,
 * so the entry's stack holds exactly its own frames (and the return
 * address of this call). */
uint64_t griddle_on_stack(void *fn, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                          void *top);
__asm__(".text\n"
        ".globl griddle_on_stack\n"
        "griddle_on_stack:\n"
        "  push %rbx\n"
        "  mov %rsp, %rbx\n"
        "  mov %rdi, %rax\n"
        "  mov %r9, %rsp\n"
        "  mov %rsi, %rdi\n"
        "  mov %rdx, %rsi\n"
        "  mov %rcx, %rdx\n"
        "  mov %r8, %rcx\n"
        "  call *%rax\n"
        "  mov %rbx, %rsp\n"
        "  pop %rbx\n"
        "  ret\n");
#define HAVE_ON_STACK 1
#endif

static void *entry_stack_top;

static uint64_t run_entry(void *fn, const uint64_t a[4])
{
    if (!entry_stack_top) {
        uint64_t (*f)(uint64_t, uint64_t, uint64_t, uint64_t) = (uint64_t (*)(uint64_t, uint64_t, uint64_t, uint64_t))fn;
        return f(a[0], a[1], a[2], a[3]);
    }
#ifdef HAVE_ON_STACK
    return griddle_on_stack(fn, a[0], a[1], a[2], a[3], entry_stack_top);
#else
    fatal("--stack is implemented for x86-64 only");   /* make_stack refused it */
#endif
}

/* The stack for --stack N: a guard page (PROT_NONE) and right above it
 * exactly N bytes (rounded up to 16) below the entry's initial %rsp. */
static void make_stack(void)
{
#ifndef HAVE_ON_STACK
    fatal("--stack is implemented for x86-64 only");
#endif
    uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
    uint64_t n = (H.stack_size + 15) & ~15ull;
    uint64_t len = pg + (n + pg - 1) / pg * pg;
    uint8_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || mprotect(m, pg, PROT_NONE)) fatal("cannot allocate the stack");
    entry_stack_top = m + pg + n;
    guard_lo = (uint64_t)(uintptr_t)m;
    guard_hi = guard_lo + pg;
}

static uint64_t parse_num(const char *s, const char *what)
{
    char *end;
    errno = 0;
    uint64_t v;
    if (s[0] == '-') v = (uint64_t)strtoll(s, &end, 10);
    else v = strtoull(s, &end, 0);
    if (!*s || *end || errno) fatal("bad %s: '%s'", what, s);
    return v;
}

static void do_call(const char *spec)
{
    char name[256];
    const char *p = strchr(spec, '(');
    size_t n = p ? (size_t)(p - spec) : 0;
    if (!p || !n || n >= sizeof name || spec[strlen(spec) - 1] != ')') fatal("bad --call '%s'", spec);
    memcpy(name, spec, n);
    name[n] = 0;
    GriddleExport found = {0};
    for (const GriddleExport *e = griddle_exports; e->name; e++)
        if (!strcmp(e->name, name)) found = *e;
    if (!found.name) fatal("--call: %s is not an exported function", name);
    const GriddleExport *e = &found;
    uint64_t a[4] = {0};
    long na = 0;
    char buf[1024];
    snprintf(buf, sizeof buf, "%.*s", (int)(strlen(p + 1) - 1), p + 1);
    for (char *tok = strtok(buf, ", "); tok; tok = strtok(NULL, ", ")) {
        if (na == 4) fatal("--call: too many arguments");
        a[na++] = parse_num(tok, "--call argument");
    }
    if (na != e->nargs) fatal("--call: %s takes %ld arguments", name, e->nargs);
    if (H.trace) {
        fprintf(H.trace, "{\"event\":\"call\",\"function\":\"%s\",\"args\":[", name);
        for (long i = 0; i < na; i++) fprintf(H.trace, "%s%" PRIu64, i ? "," : "", a[i]);
        fputs("]}\n", H.trace);
    }
    uint64_t r = run_entry((void *)e->fn, a);
    if (H.trace)
        fprintf(H.trace, "{\"event\":\"return\",\"function\":\"%s\",\"value\":%" PRIu64 "}\n", name, r);
    if (H.print_result) printf("%" PRIu64 "\n", r);
}

static void parse_args(int argc, char **argv)
{
    const char *trace = getenv("GRIDDLE_TRACE");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--print-result")) { H.print_result = 1; continue; }
        if (!v) fatal("unknown option or missing value: %s", a);
        i++;
        if (!strcmp(a, "--trace")) trace = v;
        else if (!strcmp(a, "--heap-size")) H.heap_size = parse_num(v, "--heap-size");
        else if (!strcmp(a, "--stack")) H.stack_size = parse_num(v, "--stack");
        else if (!strcmp(a, "--call")) {
            if (H.ncalls == MAX_CALLS) fatal("too many --call");
            H.calls[H.ncalls++] = v;
        } else if (!strcmp(a, "--poke")) {
            if (H.npokes == MAX_CALLS) fatal("too many --poke");
            H.pokes[H.npokes++] = v;
        } else if (!strcmp(a, "--heap-init")) {
            H.heap_init = v;
        } else if (!strcmp(a, "--shared")) {
            char *colon = strchr(v, ':');
            if (!colon || H.nregions == MAX_REGIONS) fatal("bad --shared '%s' (BASE:SIZE)", v);
            *colon = 0;
            Region *r = &H.regions[H.nregions++];
            r->base = parse_num(v, "region base");
            r->size = parse_num(colon + 1, "region size");
            if (!r->size || r->base % 4096 || r->size % 8) fatal("--shared: BASE must be page-aligned, SIZE a non-zero multiple of 8");
            if (r->base + r->size < r->base) fatal("--shared 0x%" PRIx64 ": the region wraps around", r->base);
            for (Region *q = H.regions; q < r; q++)   /* as griddle run: no overlap */
                if (r->base < q->base + q->size && q->base < r->base + r->size)
                    fatal("shared regions 0x%" PRIx64 ":0x%" PRIx64 " and 0x%" PRIx64 ":0x%" PRIx64
                          " overlap", q->base, q->size, r->base, r->size);
        } else fatal("unknown option %s", a);
    }
    if (!H.heap_size || H.heap_size % 8) fatal("--heap-size must be a non-zero multiple of 8");
    H.trace_path = trace && *trace ? trace : NULL;   /* opened after map_regions */
}

/* --heap-init and --poke, as griddle run does them. */
static void init_heap(void)
{
    uint64_t top = top_addr() - (uint64_t)(uintptr_t)cml_heap;
    if (H.heap_init) {
        FILE *f = fopen(H.heap_init, "rb");
        if (!f) fatal("cannot read %s: %s", H.heap_init, strerror(errno));
        size_t n = fread(cml_heap, 1, top, f);
        int more = fgetc(f) != EOF;
        fclose(f);
        if (more || n > top) fatal("%s does not fit below @top", H.heap_init);
    }
    for (int i = 0; i < H.npokes; i++) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s", H.pokes[i]);
        char *eq = strchr(buf, '=');
        if (!eq) fatal("bad --poke '%s' (OFF=VALUE)", H.pokes[i]);
        *eq = 0;
        uint64_t off = parse_num(buf, "--poke offset"), v = parse_num(eq + 1, "--poke value");
        if (off % 8 || off >= top) fatal("--poke offset %s is not an aligned word below @top", buf);
        memcpy((uint8_t *)cml_heap + off, &v, 8);
    }
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    map_regions();
    trap_setup();
    uint64_t g = globals_bytes();
    if (H.heap_size < g) fatal("the heap (%" PRIu64 " bytes) is smaller than the globals", H.heap_size);
    cml_heap = calloc(1, H.heap_size);
    if (!cml_heap) fatal("cannot allocate the heap");
    cml_stack = cml_stackend = (uint8_t *)cml_heap + H.heap_size;
    init_heap();
    if (H.stack_size) make_stack();
    uint64_t none[4] = {0};
    uint64_t r = run_entry((void *)cml_main, none);
    if (H.print_result) printf("%" PRIu64 "\n", r);
    for (int i = 0; i < H.ncalls; i++) do_call(H.calls[i]);
    if (H.trace) fprintf(H.trace, "{\"event\":\"outcome\",\"kind\":\"success\",\"value\":%" PRIu64 "}\n", r);
    finish(0);
}
