/*
 * The logging FFI of generated programs (tests/gen/gen.py): loaded by
 * griddle run (--ffi) and linked into compiled programs. Both functions are
 * deterministic functions of their buffers, so the traces of two correct
 * implementations agree byte for byte.
 */
void ffiglog(unsigned char *c, long clen, unsigned char *a, long alen);
void ffigmix(unsigned char *c, long clen, unsigned char *a, long alen);

/* Leaves memory alone: the event alone is the observation. */
void ffiglog(unsigned char *c, long clen, unsigned char *a, long alen)
{
    (void)c;
    (void)clen;
    (void)a;
    (void)alen;
}

/* a[i] = a[i] * 31 + (sum of c's bytes) + i, modulo 256. */
void ffigmix(unsigned char *c, long clen, unsigned char *a, long alen)
{
    unsigned s = 0;
    for (long i = 0; i < clen; i++) s += c[i];
    for (long i = 0; i < alen; i++) a[i] = (unsigned char)(a[i] * 31u + s + (unsigned)i);
}
