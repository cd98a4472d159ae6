/*
 * Foreign function calls (§3.4 ExtCall, §5.2).
 *
 * `@name(c, clen, a, alen)` calls the C function
 *     void ffiname(unsigned char *c, long clen, unsigned char *a, long alen)
 * found in the --ffi libraries (in the order given), else one of the
 * built-ins below. Every name the program uses is resolved before it runs,
 * so a missing one is a configuration error (like a link error), not a
 * runtime one.
 *
 * Strict mode (the reference): both byte ranges must lie in [@base, @top)
 * (a length of 0 always does), else Error. The function gets real pointers
 * into the heap; what it leaves in [a, a+alen) is the oracle's answer.
 * --ffi-permissive passes the four words unchecked, as compiled code does
 * (sddf's `@microkit_notify(0, ch, 0, 0)`); built-ins still check, since
 * they dereference.
 *
 * Built-ins (docs/semantics.md):
 *   write      writes the clen bytes at c to standard output
 *   read       reads up to alen-8 bytes from standard input into a+8 and
 *              stores the count read as a little-endian word at a (alen >= 8)
 *   exit       ends the program: exit status c[0] (0 when clen is 0)
 *   print_u64  prints the little-endian word at c (clen >= 8) in decimal
 *              and a newline on standard output
 */
#include "sem_int.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct { const char *name; FfiBuiltin b; } builtins[] = {
    {"write", FFI_WRITE}, {"read", FFI_READ}, {"exit", FFI_EXIT}, {"print_u64", FFI_PRINT_U64},
};

bool ffi_init(Sem *s)
{
    s->libs = arena_alloc(&s->arena, sizeof(void *) * (s->cfg.nffi_libs + 1));
    for (size_t i = 0; i < s->cfg.nffi_libs; i++) {
        const char *path = s->cfg.ffi_libs[i];
        if (!strchr(path, '/') && !access(path, F_OK)) path = arena_printf(&s->arena, "./%s", path);
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            diag_add(s->dl, DIAG_ERROR, "run", NULL, "cannot load FFI library: %s", dlerror());
            return false;
        }
        s->libs[s->nlibs++] = h;
    }
    return true;
}

void ffi_free(Sem *s)
{
    for (size_t i = 0; i < s->nlibs; i++) dlclose(s->libs[i]);
    s->nlibs = 0;
    vec_free(&s->ffis);
}

FfiFn *ffi_resolve(Sem *s, Sym name, const Span *span)
{
    for (size_t i = 0; i < s->ffis.n; i++)
        if (s->ffis.v[i]->name == name)
            return s->ffis.v[i]->fn || s->ffis.v[i]->builtin ? s->ffis.v[i] : NULL;
    FfiFn *f = arena_alloc(&s->arena, sizeof *f);
    f->name = name;
    vec_push(&s->ffis, f);
    char *sym = arena_printf(&s->arena, "ffi%s", name);
    for (size_t i = 0; i < s->nlibs && !f->fn; i++) {
        void *p = dlsym(s->libs[i], sym);
        if (p) memcpy(&f->fn, &p, sizeof f->fn);
    }
    if (f->fn) return f;
    for (size_t i = 0; i < ARRAY_LEN(builtins); i++)
        if (!strcmp(builtins[i].name, name)) f->builtin = builtins[i].b;
    if (f->builtin) return f;
    Diag *d = diag_add(s->dl, DIAG_ERROR, "run", span,
                       "no FFI function %s for @%s: not in any --ffi library nor a built-in", sym,
                       name);
    diag_note(d, NULL, "built-in FFI functions: write, read, exit, print_u64");
    return NULL;
}

NORETURN static void bad_buffer(Sem *s, const Span *sp, Sym name, const char *which, Word p,
                                Word len)
{
    sem_fail(s, sp, "@%s: %s buffer of %llu bytes at 0x%llx is outside memory [@base 0x%llx, @top 0x%llx)",
             name, which, (unsigned long long)len, (unsigned long long)p,
             (unsigned long long)s->base, (unsigned long long)s->top);
}

/* Argument checks of the built-ins beyond the buffers being in memory. */
static void builtin_check(Sem *s, const FfiFn *f, const Word w[4], const Span *sp)
{
    if (f->builtin == FFI_READ && w[3] < 8)
        sem_fail(s, sp, "@read: the a buffer needs at least 8 bytes (for the count)");
    if (f->builtin == FFI_PRINT_U64 && w[1] < 8)
        sem_fail(s, sp, "@print_u64: the c buffer needs 8 bytes");
}

static void builtin(Sem *s, const FfiFn *f, const Word w[4])
{
    uint8_t *c = (uint8_t *)(uintptr_t)w[0], *a = (uint8_t *)(uintptr_t)w[2];
    Word clen = w[1], alen = w[3];
    switch (f->builtin) {
    case FFI_WRITE: fwrite(c, 1, clen, s->out_f); return;
    case FFI_READ: {
        Word n = fread(a + 8, 1, alen - 8, s->in_f);
        memcpy(a, &n, 8);
        return;
    }
    case FFI_PRINT_U64: {
        Word v;
        memcpy(&v, c, 8);
        fprintf(s->out_f, "%llu\n", (unsigned long long)v);
        return;
    }
    case FFI_EXIT: case FFI_EXTERNAL: break;
    }
    die("ffi: bad built-in");
}

/* A copy of [p, p+len) for the trace, or NULL if not readable. */
static uint8_t *snapshot(const Sem *s, Word p, Word len, bool ok)
{
    if (!ok || !s->trace) return NULL;
    uint8_t *b = xmalloc(len ? len : 1);
    if (len) memcpy(b, (const void *)(uintptr_t)p, len);
    return b;
}

void ffi_call(Sem *s, const FfiSite *site, const Word w[4], const Span *sp)
{
    const FfiFn *f = site->fn;
    bool c_ok = mem_range_ok(s, w[0], w[1]), a_ok = mem_range_ok(s, w[2], w[3]);
    if (!s->cfg.ffi_permissive || f->builtin) {
        if (!c_ok) bad_buffer(s, sp, f->name, "c", w[0], w[1]);
        if (!a_ok) bad_buffer(s, sp, f->name, "a", w[2], w[3]);
    }
    builtin_check(s, f, w, sp);
    uint8_t *c = snapshot(s, w[0], w[1], c_ok), *before = snapshot(s, w[2], w[3], a_ok);
    if (f->builtin == FFI_EXIT) {
        trace_ffi(s, f->name, w, c, before, before, c_ok, a_ok);
        free(c);
        free(before);
        s->out.exit_code = w[1] ? *(const uint8_t *)(uintptr_t)w[0] : 0;
        sem_stop(s, SEM_EXIT, sp, "the program called @exit");
    }
    if (f->builtin) builtin(s, f, w);
    else f->fn((unsigned char *)(uintptr_t)w[0], (long)w[1], (unsigned char *)(uintptr_t)w[2],
               (long)w[3]);
    if (s->trace) {
        trace_ffi(s, f->name, w, c, before, a_ok ? (const uint8_t *)(uintptr_t)w[2] : NULL, c_ok,
                  a_ok);
    }
    free(c);
    free(before);
}
