#include <stdint.h>
#include <stdio.h>
static int64_t heap[1 << 17];
static void gen(int64_t *a, uint64_t n)
{
    uint64_t x = 2463534242ull;
    for (uint64_t i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        a[i] = (int64_t)x;
    }
}
static void sort(int64_t *a, uint64_t n)
{
    for (uint64_t i = 1; i < n; i++) {
        int64_t v = a[i];
        uint64_t j = i;
        while (j > 0) {
            int64_t u = a[j - 1];
            if (u <= v) break;
            a[j] = u;
            j--;
        }
        a[j] = v;
    }
}
__attribute__((noinline)) uint64_t work(void)
{
    int64_t *a = heap;
    uint64_t n = 1500, s = 0;
    gen(a, n);
    sort(a, n);
    for (uint64_t i = 0; i < n; i++) s = s * 31 + (uint64_t)a[i];
    return s;
}
int main(void) { printf("%llu\n", (unsigned long long)work()); return 0; }
