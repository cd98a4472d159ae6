#include <stdint.h>
#include <stdio.h>
static uint64_t popcount(uint64_t x)
{
    uint64_t c = 0;
    while (x) { x &= x - 1; c++; }
    return c;
}
static uint64_t parity(uint64_t x)
{
    x ^= x >> 32; x ^= x >> 16; x ^= x >> 8; x ^= x >> 4; x ^= x >> 2; x ^= x >> 1;
    return x & 1;
}
static uint64_t field(uint64_t x, uint64_t lo, uint64_t width) { return (x >> lo) & ((1ull << width) - 1); }
static uint64_t ror(uint64_t x, unsigned n) { return (x >> n) | (x << (64 - n)); }
__attribute__((noinline)) uint64_t work(void)
{
    uint64_t x = 88172645463325252ull, h = 0;
    for (uint64_t i = 0; i < 100000; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        uint64_t p = popcount(x), q = parity(x), f = field(x, i & 31, 12);
        h = ror(h, 5) ^ (p + (q << 7) + (f << 9));
    }
    return h;
}
int main(void) { printf("%llu\n", (unsigned long long)work()); return 0; }
