/* A user FFI function for hooks-user-ffi.pnk: doubles every byte of a
 * (mod 256) and ignores c. */
void ffidouble(unsigned char *c, long clen, unsigned char *a, long alen);
void ffidouble(unsigned char *c, long clen, unsigned char *a, long alen)
{
    (void)c, (void)clen;
    for (long i = 0; i < alen; i++) a[i] = (unsigned char)(2 * a[i]);
}
