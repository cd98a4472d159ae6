#include <stdint.h>
#include <stdio.h>
static uint8_t heap[1 << 20];
static void fill(uint8_t *buf, uint64_t n)
{
    uint64_t x = 12345;
    for (uint64_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        buf[i] = (uint8_t)(x >> 56);
    }
}
static uint64_t fold(uint64_t s)
{
    while (s >> 16) s = (s & 65535) + (s >> 16);
    return s;
}
static uint64_t csum(const uint8_t *buf, uint64_t n)
{
    uint64_t s = 0;
    for (uint64_t i = 0; i < n; i += 2) s += ((uint64_t)buf[i] << 8) + buf[i + 1];
    return fold(s) ^ 65535;
}
__attribute__((noinline)) uint64_t work(void)
{
    uint8_t *buf = heap;
    uint64_t n = 16384, acc = 0;
    fill(buf, n);
    for (uint64_t k = 0; k < 40; k++) {
        buf[k] = (uint8_t)k;
        acc += csum(buf, n);
    }
    return acc;
}
int main(void) { printf("%llu\n", (unsigned long long)work()); return 0; }
