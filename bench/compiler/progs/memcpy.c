#include <stdint.h>
#include <stdio.h>
#include <string.h>
static uint8_t heap[1 << 20] __attribute__((aligned(8)));
static void copy_words(uint8_t *dst, const uint8_t *src, uint64_t n)
{
    for (uint64_t i = 0; i < n; i += 8) {
        uint64_t w;
        memcpy(&w, src + i, 8);
        memcpy(dst + i, &w, 8);
    }
}
static void copy_bytes(uint8_t *dst, const uint8_t *src, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) dst[i] = src[i];
}
__attribute__((noinline)) uint64_t work(void)
{
    uint8_t *src = heap, *dst = heap + 65536;
    uint64_t n = 32768, s = 0;
    for (uint64_t i = 0; i < n; i += 8) {
        uint64_t w = i * 2654435761ull;
        memcpy(src + i, &w, 8);
    }
    for (uint64_t k = 0; k < 20; k++) {
        copy_words(dst, src, n);
        copy_bytes(dst + 1, src + k, n - 64);
        uint64_t w;
        memcpy(&w, dst + k * 8, 8);
        s += w;
    }
    return s;
}
int main(void) { printf("%llu\n", (unsigned long long)work()); return 0; }
