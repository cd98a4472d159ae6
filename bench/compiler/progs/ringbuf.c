#include <stdint.h>
#include <stdio.h>
static uint64_t heap[1 << 17];
struct ring { uint64_t head, tail, slots; };
static int rb_full(struct ring *r) { return r->tail - r->head == 256; }
static int rb_empty(struct ring *r) { return r->tail == r->head; }
static void rb_put(struct ring *r, uint64_t v)
{
    ((uint64_t *)(uintptr_t)r->slots)[r->tail & 255] = v;
    r->tail = r->tail + 1;
}
static uint64_t rb_get(struct ring *r)
{
    uint64_t v = ((uint64_t *)(uintptr_t)r->slots)[r->head & 255];
    r->head = r->head + 1;
    return v;
}
__attribute__((noinline)) uint64_t work(void)
{
    struct ring *r = (struct ring *)heap;
    r->head = r->tail = 0;
    r->slots = (uint64_t)(uintptr_t)(heap + 8);
    uint64_t sum = 0;
    for (uint64_t n = 0; n < 200000;) {
        uint64_t burst = (n & 7) + 1;
        for (uint64_t i = 0; i < burst; i++) {
            if (rb_full(r)) break;
            rb_put(r, n + i);
        }
        for (uint64_t j = 0; j < burst; j++) {
            if (rb_empty(r)) break;
            sum += rb_get(r);
        }
        n += burst;
    }
    return sum;
}
int main(void) { printf("%llu\n", (unsigned long long)work()); return 0; }
