/*
 * The heap (Pancake's local memory, §3.6), the globals area and the
 * interpreter's own stacks.
 *
 * The heap is one page-aligned host mapping of --heap-size bytes, zeroed.
 * Its real address is @base, so FFI functions in C can follow pointers
 * into it. Global variables take its topmost words, in declaration order,
 * as compiled code places them (§3.6: "Global variables live in the topmost
 * words of the heap"); @top is the first global's address, so the user
 * domain [@base, @top) never overlaps them.
 *
 * The value stack and the frame records are reserved as large lazily
 * committed mappings, so deep recursion costs only the pages it touches
 * and running out is a clean runtime Error rather than a host crash.
 */
#include "sem_int.h"

#include <stdlib.h>

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#define VSTACK_BYTES ((size_t)256 << 20)

static void *map(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static bool load_heap_init(Sem *s)
{
    size_t len;
    char *data = read_file(s->cfg.heap_init, &len);
    if (!data) {
        diag_add(s->dl, DIAG_ERROR, "run", NULL, "cannot read --heap-init file '%s': %s",
                 s->cfg.heap_init, strerror(errno));
        return false;
    }
    if (len > s->size) {
        diag_add(s->dl, DIAG_ERROR, "run", NULL,
                 "--heap-init file '%s' has %zu bytes but [@base, @top) has only %llu", s->cfg.heap_init,
                 len, (unsigned long long)s->size);
        free(data);
        return false;
    }
    memcpy(s->heap, data, len);
    free(data);
    return true;
}

static bool apply_pokes(Sem *s)
{
    for (size_t i = 0; i < s->cfg.npokes; i++) {
        const SemPoke *pk = &s->cfg.pokes[i];
        if (pk->offset % 8 || pk->offset >= s->size) {
            diag_add(s->dl, DIAG_ERROR, "run", NULL,
                     "--poke offset %llu is not an aligned word offset inside [@base, @top) "
                     "(%llu bytes)", (unsigned long long)pk->offset, (unsigned long long)s->size);
            return false;
        }
        memcpy(s->heap + pk->offset, &pk->value, 8);
    }
    return true;
}

bool memory_init(Sem *s)
{
    size_t heap = s->cfg.heap_size ? s->cfg.heap_size : SEM_DEFAULT_HEAP_SIZE;
    size_t gbytes = (size_t)s->global_words * 8;
    if (heap % 8) {
        diag_add(s->dl, DIAG_ERROR, "run", NULL, "--heap-size %zu is not a multiple of 8", heap);
        return false;
    }
    if (heap < gbytes) {
        diag_add(s->dl, DIAG_ERROR, "run", NULL,
                 "--heap-size %zu is too small for the program's %u words of globals", heap,
                 s->global_words);
        return false;
    }
    s->heap_bytes = heap ? heap : 8;
    s->heap = map(s->heap_bytes);
    if (!s->heap) {
        diag_add(s->dl, DIAG_ERROR, "run", NULL, "cannot allocate a heap of %zu bytes", heap);
        return false;
    }
    s->base = (Word)(uintptr_t)s->heap;
    s->size = heap - gbytes;
    s->top = s->base + s->size;
    s->globals = (Word *)(uintptr_t)s->top;
    if (s->cfg.heap_init && !load_heap_init(s)) return false;
    if (!apply_pokes(s)) return false;

    s->max_depth = s->cfg.max_depth ? s->cfg.max_depth : SEM_DEFAULT_MAX_DEPTH;
    s->vstack_bytes = VSTACK_BYTES;
    s->vstack = map(s->vstack_bytes);
    s->frames_bytes = ((size_t)s->max_depth + 1) * sizeof(Frame);
    s->frames = map(s->frames_bytes);
    if (!s->vstack || !s->frames) {
        diag_add(s->dl, DIAG_ERROR, "run", NULL, "cannot reserve the interpreter's stacks");
        return false;
    }
    s->vstack_end = s->vstack + s->vstack_bytes / 8;
    return true;
}

void memory_free(Sem *s)
{
    if (s->heap) munmap(s->heap, s->heap_bytes);
    if (s->vstack) munmap(s->vstack, s->vstack_bytes);
    if (s->frames) munmap(s->frames, s->frames_bytes);
}
