#include <stdint.h>
#include <stdio.h>
static uint64_t heap[1 << 17];
struct desc { uint64_t addr, len, flags; };
static void init(struct desc *ring, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        ring[i].addr = 4096 * i;
        ring[i].len = 60 + (i & 1023);
        ring[i].flags = i & 1;
    }
}
static uint64_t consume(struct desc *d)
{
    struct desc x = *d;
    if ((x.flags & 1) == 0) return 0;
    d->flags = x.flags & 65534;
    return x.len;
}
static void rearm(struct desc *d, uint64_t k) { d->flags = d->flags | ((k >> 3) & 1); }
__attribute__((noinline)) uint64_t work(void)
{
    struct desc *ring = (struct desc *)heap;
    uint64_t n = 512, bytes = 0;
    init(ring, n);
    for (uint64_t round = 0; round < 100; round++)
        for (uint64_t i = 0; i < n; i++) {
            bytes += consume(&ring[i]);
            rearm(&ring[i], i + round);
        }
    return bytes;
}
int main(void) { printf("%llu\n", (unsigned long long)work()); return 0; }
