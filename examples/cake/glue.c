/* The C side, as an sDDF component writes it for cake: the heap is a
 * static array, the heap pointers are defined by the compiled Pancake
 * ("exported in cake.S") and only declared here. */
#include <stdint.h>
#include <stdio.h>

extern void *cml_heap, *cml_stack, *cml_stackend;
uint64_t cml_main(void);
uint64_t notified(uint64_t ch);

static uint64_t cml_memory[2048 + 256];   /* 16 KiB heap + 2 KiB stack, as sDDF */

void ffimicrokit_notify(unsigned char *c, long clen, unsigned char *a, long alen);
void ffimicrokit_notify(unsigned char *c, long clen, unsigned char *a, long alen)
{
    (void)c, (void)a, (void)alen;
    printf("  microkit_notify(%ld)\n", clen);
}

void cml_exit(int code);
void cml_err(int code);
void cml_clear(void);
void cml_exit(int code) { printf("  cml_exit(%d)\n", code); }
void cml_err(int code) { printf("  cml_err(%d)\n", code); }
void cml_clear(void) {}

int main(void)
{
    cml_heap = cml_memory;
    cml_stack = cml_stackend = cml_memory + 2048;
    cml_memory[0] = 40;
    cml_memory[1] = 2;
    printf("  cml_main() = %llu\n", (unsigned long long)cml_main());
    for (uint64_t ch = 1; ch <= 3; ch++)
        printf("  notified(%llu) = %llu\n", (unsigned long long)ch, (unsigned long long)notified(ch));
    return 0;
}
