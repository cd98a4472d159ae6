/*
 * Command-line helpers: numbers and the shared-memory manifest.
 *
 * Manifest format (docs/semantics.md), one region per line:
 *     # comment (also after a line's fields)
 *     shared BASE SIZE
 *     device BASE SIZE LIB.so [ARG]
 * BASE and SIZE are decimal or 0x-hex. Blank lines are ignored.
 */
#include "sem.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool sem_parse_word(const char *s, Word *out)
{
    if (!s || !*s || isspace((unsigned char)*s)) return false;
    bool neg = *s == '-';
    if (neg) s++;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!isxdigit((unsigned char)*s)) return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, base);
    if (*end || errno == ERANGE) return false;
    if (neg && (base == 16 || v > (1ull << 63))) return false;
    *out = neg ? (Word)0 - (Word)v : (Word)v;
    return true;
}

#define MAX_FIELDS 6

/* Splits line (modified) into whitespace-separated fields; '#' starts a comment. */
static int split(char *line, char **f)
{
    int n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r') p++;
        if (!*p || *p == '#') return n;
        if (n == MAX_FIELDS) return -1;
        f[n++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '#') p++;
        if (*p == '#') {
            *p = 0;
            return n;
        }
        if (*p) *p++ = 0;
    }
}

static bool manifest_line(char **f, int n, Arena *a, SemRegionVec *out, char *err, size_t errlen,
                          unsigned lineno)
{
    SemRegion r = {0};
    bool dev = !strcmp(f[0], "device");
    if (!dev && strcmp(f[0], "shared")) {
        snprintf(err, errlen, "line %u: unknown entry '%s' (expected 'shared' or 'device')", lineno,
                 f[0]);
        return false;
    }
    if ((!dev && n != 3) || (dev && (n < 4 || n > 5))) {
        snprintf(err, errlen, "line %u: expected '%s'", lineno,
                 dev ? "device BASE SIZE LIB.so [ARG]" : "shared BASE SIZE");
        return false;
    }
    if (!sem_parse_word(f[1], &r.base) || !sem_parse_word(f[2], &r.size) || f[1][0] == '-' ||
        f[2][0] == '-') {
        snprintf(err, errlen, "line %u: BASE and SIZE must be numbers (decimal or 0x-hex)", lineno);
        return false;
    }
    if (dev) {
        r.device = arena_strndup(a, f[3], strlen(f[3]));
        if (n == 5) r.arg = arena_strndup(a, f[4], strlen(f[4]));
    }
    vec_push(out, r);
    return true;
}

bool sem_manifest_parse(const char *text, size_t len, Arena *a, SemRegionVec *out, char *err,
                        size_t errlen)
{
    size_t i = 0;
    unsigned lineno = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != '\n') j++;
        lineno++;
        char *line = xstrndup(text + i, j - i);
        if (strlen(line) != j - i) {
            snprintf(err, errlen, "line %u: NUL byte", lineno);
            free(line);
            return false;
        }
        char *f[MAX_FIELDS];
        int n = split(line, f);
        bool ok = true;
        if (n < 0) {
            snprintf(err, errlen, "line %u: too many fields", lineno);
            ok = false;
        } else if (n > 0) {
            ok = manifest_line(f, n, a, out, err, errlen, lineno);
        }
        free(line);
        if (!ok) return false;
        i = j + 1;
    }
    return true;
}
