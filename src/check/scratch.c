/* Scratch memory for one function's check: tag arrays, snapshots, message
 * strings. A list of blocks that is rewound, not freed, between functions,
 * so checking thousands of small functions costs no allocation at all
 * (an Arena would hand out fresh zeroed chunks every time). Memory is not
 * zeroed: every user fills what it asks for. */
#include "check_int.h"

#include <stdlib.h>
#include <string.h>

struct ScratchBlock {
    ScratchBlock *next;
    size_t size;
    _Alignas(16) unsigned char data[];
};

void *scratch_alloc(Scratch *s, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    while (!s->cur || s->used + n > s->cur->size) {
        ScratchBlock *next = s->cur ? s->cur->next : s->first;
        if (!next || next->size < n) {
            size_t size = s->cur ? s->cur->size * 2 : 64 * 1024;
            if (size < n) size = n;
            ScratchBlock *b = xmalloc(sizeof *b + size);
            b->size = size;
            b->next = next;
            if (s->cur) s->cur->next = b;
            else s->first = b;
            next = b;
        }
        s->cur = next;
        s->used = 0;
    }
    void *p = s->cur->data + s->used;
    s->used += n;
    return p;
}

char *scratch_printf(Scratch *s, const char *fmt, ...)
{
    StrBuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    char *r = scratch_alloc(s, b.n + 1);
    memcpy(r, b.s ? b.s : "", b.n);
    r[b.n] = 0;
    sb_free(&b);
    return r;
}

void scratch_reset(Scratch *s)
{
    s->cur = NULL;
    s->used = 0;
}

void scratch_free(Scratch *s)
{
    for (ScratchBlock *b = s->first, *n; b; b = n) {
        n = b->next;
        free(b);
    }
    memset(s, 0, sizeof *s);
}
