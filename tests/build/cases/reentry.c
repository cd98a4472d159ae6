/* Host for tests/build/cases/reentry.pnk: the cake ABI only (cml_err, an
 * FFI that calls back into the program), plus griddle_uncaught. */
#include <stdint.h>
#include <stdio.h>

/* weak: the C back end's output defines them (as cake's assembly does),
 * the x86-64 back end's takes them from the host (docs/abi.md) */
__attribute__((weak)) void *cml_heap, *cml_stack, *cml_stackend;
static uint64_t mem[4096];

uint64_t cml_main(void);
uint64_t inner(uint64_t x);
uint64_t outer(uint64_t x);
uint64_t boom(void);
void fficallback(unsigned char *c, long clen, unsigned char *a, long alen);
void cml_exit(int code);
void cml_err(int code);
void cml_clear(void);
void griddle_uncaught(const char *name, const uint64_t *payload, long nwords);

void fficallback(unsigned char *c, long clen, unsigned char *a, long alen)
{
    (void)c, (void)a, (void)alen;
    printf("callback %llu\n", (unsigned long long)inner((uint64_t)clen));
}
void cml_exit(int code) { (void)code; }
void cml_err(int code) { printf("cml_err %d\n", code); }
void cml_clear(void) {}
void griddle_uncaught(const char *name, const uint64_t *payload, long nwords)
{
    (void)payload, (void)nwords;
    printf("uncaught %s\n", name);
}

int main(void)
{
    cml_heap = mem;
    cml_stack = cml_stackend = mem + 4096;
    printf("before %llu\n", (unsigned long long)inner(1));
    printf("main %llu\n", (unsigned long long)cml_main());
    printf("outer %llu\n", (unsigned long long)outer(9));
    printf("boom %llu\n", (unsigned long long)boom());
    printf("inner %llu\n", (unsigned long long)inner(3));
    return 0;
}
