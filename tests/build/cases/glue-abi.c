/* An sddf-style host for tests/build/cases/glue-abi.pnk: no griddle code,
 * only the cake ABI (pancake-language.md §5.2, §5.3). */
#include <stdint.h>
#include <stdio.h>

/* defined by the compiled program, as by cake's assembly ("exported in
 * cake.S", as sddf's glue says) */
extern void *cml_heap, *cml_stack, *cml_stackend;
static uint64_t mem[2048 + 256];   /* 16 KiB heap + 2 KiB, as sddf */

uint64_t cml_main(void);
uint64_t notified(uint64_t ch);
void ffimicrokit_notify(unsigned char *c, long clen, unsigned char *a, long alen);
void cml_exit(int code);
void cml_err(int code);
void cml_clear(void);

void ffimicrokit_notify(unsigned char *c, long clen, unsigned char *a, long alen)
{
    (void)c, (void)a, (void)alen;
    printf("notify %ld\n", clen);
}
void cml_exit(int code) { (void)code; }
void cml_err(int code) { (void)code; }
void cml_clear(void) {}

int main(void)
{
    cml_heap = mem;
    cml_stack = cml_stackend = mem + 2048;
    mem[0] = 40;
    mem[1] = 2;
    printf("main %llu\n", (unsigned long long)cml_main());
    printf("notified %llu\n", (unsigned long long)notified(5));
    printf("notified %llu\n", (unsigned long long)notified(7));
    return 0;
}
