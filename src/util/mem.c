/* Memory: checked allocation, arenas, string buffers, whole-file reads. */
#include "util.h"

#include <errno.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>

static NORETURN void oom(size_t n)
{
    fprintf(stderr, "griddle: out of memory (allocating %zu bytes)\n", n);
    exit(3);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom(n * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "griddle: internal error: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

/* ---- arenas ---- */

struct ArenaChunk {
    ArenaChunk *next;
    size_t size;
    bool mapped; /* from mmap: zero-filled, released with munmap */
    _Alignas(16) unsigned char data[];
};

/* Chunks start small and double up to ARENA_MAX, so a small program uses
 * little memory and a large one few, big chunks. Big chunks come straight
 * from mmap (already zero, so no memset) with transparent huge pages
 * requested: page faults dominated parsing large files otherwise. */
enum { ARENA_MIN = 64 * 1024, ARENA_MAX = 8 * 1024 * 1024, ARENA_MMAP = 2 * 1024 * 1024 };

void arena_init(Arena *a) { memset(a, 0, sizeof *a); }

static void chunk_release(ArenaChunk *c)
{
    if (c->mapped) munmap(c, sizeof *c + c->size);
    else free(c);
}

void arena_free(Arena *a)
{
    ArenaChunk *c = a->head;
    while (c) {
        ArenaChunk *n = c->next;
        chunk_release(c);
        c = n;
    }
    memset(a, 0, sizeof *a);
}

static ArenaChunk *chunk_new(size_t size)
{
    ArenaChunk *c;
    if (size + sizeof *c >= ARENA_MMAP) {
        size_t bytes = (sizeof *c + size + 4095) & ~(size_t)4095;
        void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) oom(bytes);
#ifdef MADV_HUGEPAGE
        madvise(m, bytes, MADV_HUGEPAGE);
#endif
        c = m;
        c->size = bytes - sizeof *c;
        c->mapped = true;
    } else {
        c = xmalloc(sizeof *c + size);
        memset(c->data, 0, size);
        c->size = size;
        c->mapped = false;
    }
    return c;
}

void *arena_alloc(Arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->used + n > a->head->size) {
        size_t size = a->head ? a->head->size * 2 : ARENA_MIN;
        if (size > ARENA_MAX) size = ARENA_MAX;
        if (size < n) size = n;
        ArenaChunk *c = chunk_new(size);
        c->next = a->head;
        a->head = c;
        a->used = 0;
    }
    void *p = a->head->data + a->used;
    a->used += n;
    a->total += n;
    return p; /* chunks are zero-filled when made and never reused */
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void *arena_memdup(Arena *a, const void *p, size_t n)
{
    void *q = arena_alloc(a, n);
    if (n) memcpy(q, p, n);
    return q;
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
    StrBuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    char *r = arena_strndup(a, b.s ? b.s : "", b.n);
    sb_free(&b);
    return r;
}

/* ---- string buffers ---- */

static void sb_grow(StrBuf *b, size_t extra)
{
    if (b->n + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->n + extra + 1) cap *= 2;
    b->s = xrealloc(b->s, cap);
    b->cap = cap;
}

void sb_putn(StrBuf *b, const char *s, size_t n)
{
    sb_grow(b, n);
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = 0;
}

void sb_putc(StrBuf *b, char c) { sb_putn(b, &c, 1); }
void sb_puts(StrBuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

void sb_vprintf(StrBuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return;
    sb_grow(b, (size_t)n);
    vsnprintf(b->s + b->n, (size_t)n + 1, fmt, ap);
    b->n += (size_t)n;
}

void sb_printf(StrBuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(b, fmt, ap);
    va_end(ap);
}

char *sb_take(StrBuf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    b->s = NULL;
    b->n = b->cap = 0;
    return s;
}

void sb_free(StrBuf *b)
{
    free(b->s);
    b->s = NULL;
    b->n = b->cap = 0;
}

void sb_json_str(StrBuf *b, const char *s, size_t n)
{
    sb_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': sb_puts(b, "\\\""); break;
        case '\\': sb_puts(b, "\\\\"); break;
        case '\n': sb_puts(b, "\\n"); break;
        case '\t': sb_puts(b, "\\t"); break;
        case '\r': sb_puts(b, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7f) sb_printf(b, "\\u%04x", c);
            else if (c < 0x80) sb_putc(b, (char)c);
            else {
                /* pass valid UTF-8 through, escape stray bytes as U+FFFD */
                size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
                bool ok = len && c < 0xf5 && i + len <= n;
                for (size_t k = 1; ok && k < len; k++)
                    ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
                if (ok) {
                    sb_putn(b, s + i, len);
                    i += len - 1;
                } else {
                    sb_puts(b, "\\ufffd");
                }
            }
        }
    }
    sb_putc(b, '"');
}

char *read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return NULL;
    StrBuf b = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_putn(&b, buf, n);
    int err = ferror(f) ? errno : 0;
    if (f != stdin) fclose(f);
    if (err) {
        sb_free(&b);
        errno = err ? err : EIO;
        return NULL;
    }
    *len = b.n;
    return sb_take(&b);
}
