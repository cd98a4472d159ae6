/*
 * FFI functions for the conformance tests (griddle run --ffi), with the
 * signature compiled Pancake uses (pancake-language.md §5.2). Each does
 * something simple enough to predict by hand.
 */
#include <stdio.h>
#include <string.h>

void ffiinc(unsigned char *c, long clen, unsigned char *a, long alen);
void ffisum(unsigned char *c, long clen, unsigned char *a, long alen);
void ffirev(unsigned char *c, long clen, unsigned char *a, long alen);
void ffiraw(unsigned char *c, long clen, unsigned char *a, long alen);

/* a[i] += 1 for every byte of a; c is ignored. */
void ffiinc(unsigned char *c, long clen, unsigned char *a, long alen)
{
    (void)c;
    (void)clen;
    for (long i = 0; i < alen; i++) a[i]++;
}

/* The sum of c's bytes as a little-endian word in a[0..8) (alen >= 8). */
void ffisum(unsigned char *c, long clen, unsigned char *a, long alen)
{
    unsigned long long s = 0;
    for (long i = 0; i < clen; i++) s += c[i];
    if (alen >= 8)
        for (int i = 0; i < 8; i++) a[i] = (unsigned char)(s >> (8 * i));
}

/* a = c reversed (as many bytes as both have). */
void ffirev(unsigned char *c, long clen, unsigned char *a, long alen)
{
    long n = clen < alen ? clen : alen;
    for (long i = 0; i < n; i++) a[i] = c[clen - 1 - i];
}

/* Prints its four arguments as numbers (for --ffi-permissive tests, where
 * they are plain integers, as in sddf's @microkit_notify(0, ch, 0, 0)). */
void ffiraw(unsigned char *c, long clen, unsigned char *a, long alen)
{
    printf("raw %lu %ld %lu %ld\n", (unsigned long)c, clen, (unsigned long)a, alen);
    fflush(stdout);
}
