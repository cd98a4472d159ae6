/*
 * FFI functions for the C back end's hand-computed cases (linked into the
 * compiled program, and loaded by griddle run with --ffi {ffi}).
 */
#include <string.h>

void ffipeek(unsigned char *c, long clen, unsigned char *a, long alen);

/* a gets the 8 bytes at c, whatever clen says (a case passes clen 0, so
 * the reference's buffer check and the trace ignore c): reads memory
 * Pancake itself may not (the globals above @top). */
void ffipeek(unsigned char *c, long clen, unsigned char *a, long alen)
{
    (void)clen;
    if (alen >= 8) memcpy(a, c, 8);
}
