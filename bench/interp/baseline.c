/*
 * The same work as loop.pnk, mem.pnk and call.pnk, in C, for the baseline
 * bench.py measures in the same run. Prints the seconds the work took and
 * its result (which must equal the Pancake program's).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Opaque to the optimiser, so loops are not folded away. */
static volatile uint64_t opaque_n;

static uint64_t loop(void)
{
    uint64_t s = 0, n = opaque_n;
    for (uint64_t i = 0; i < n; i++) s += i ^ (uint64_t)((int64_t)i >> 3);
    return s;
}

static uint64_t mem(void)
{
    static uint64_t heap[65536];
    uint64_t s = 0, n = 65536, reps = opaque_n;
    for (uint64_t rep = 0; rep < reps; rep++) {
        for (uint64_t i = 0; i < n; i++) ((volatile uint64_t *)heap)[i] = i + rep;
        for (uint64_t i = 0; i < n; i++) s += ((volatile uint64_t *)heap)[i];
    }
    return s;
}

static uint64_t fib(uint64_t n)
{
    if (n < 2) return n;
    return fib(n - 1) + fib(n - 2);
}

static uint64_t call(void)
{
    uint64_t c = 0, n = opaque_n;
    for (uint64_t i = 0; i < n; i++) c++; /* count(n, 0) is a loop */
    return fib(30 + (opaque_n == 0)) + c;
}

int main(int argc, char **argv)
{
    if (argc != 2) return 2;
    uint64_t (*work)(void) = NULL;
    if (!strcmp(argv[1], "loop")) opaque_n = 30000000, work = loop;
    if (!strcmp(argv[1], "mem")) opaque_n = 100, work = mem;
    if (!strcmp(argv[1], "call")) opaque_n = 5000000, work = call;
    if (!work) return 2;
    double t0 = now();
    uint64_t r = work();
    printf("%.6f %llu\n", now() - t0, (unsigned long long)r);
    return 0;
}
