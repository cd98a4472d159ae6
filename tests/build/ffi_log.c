/*
 * The logging FFI of the differential tests as a library for
 * `griddle run --ffi` (the interpreter's side of a comparison). It must
 * compute what the default host's built-in ffilog computes
 * (src/target/host/host.c, docs/abi.md): with k the number of earlier
 * calls and s the sum of c's bytes, a[i] = 3*a[i] + s + k + i (mod 256).
 */
void ffilog(unsigned char *c, long clen, unsigned char *a, long alen);

static unsigned long calls;

void ffilog(unsigned char *c, long clen, unsigned char *a, long alen)
{
    unsigned s = 0;
    for (long i = 0; i < clen; i++) s += c[i];
    for (long i = 0; i < alen; i++) a[i] = (unsigned char)(3u * a[i] + s + calls + (unsigned long)i);
    calls++;
}
