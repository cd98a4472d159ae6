/*
 * A small JSON reader (RFC 8259) for `griddle sim --dump-state` documents.
 * Recursive descent into arena-allocated values; nesting is limited so a
 * hostile document cannot exhaust the stack; integers that fit in 64 bits
 * are kept exactly (addresses). \u escapes are decoded to UTF-8; a \u0000
 * is rejected because strings are NUL-terminated.
 */
#include "compose_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { JSON_MAX_DEPTH = 64 };

typedef struct JP {
    Arena *a;
    const char *t;
    size_t len, pos;
    uint32_t file;
    SrcMgr *sm;
    DiagList *dl;
    bool failed;
} JP;

static void jerr(JP *p, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void jerr(JP *p, const char *fmt, ...)
{
    if (p->failed) return;
    p->failed = true;
    Span sp = cmp_span_at(p->sm, p->file, p->pos < p->len ? p->pos : p->len, 1);
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(p->dl, DIAG_ERROR, "compose.json", &sp, fmt, ap);
    va_end(ap);
}

static void ws(JP *p)
{
    while (p->pos < p->len && strchr(" \t\r\n", p->t[p->pos]) && p->t[p->pos]) p->pos++;
}

static bool lit(JP *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->t + p->pos, word, n)) return false;
    p->pos += n;
    return true;
}

static CmpJson *node(JP *p, CmpJsonKind k)
{
    CmpJson *j = arena_alloc(p->a, sizeof *j);
    j->kind = k;
    j->off = (uint32_t)p->pos;
    return j;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool hex4(JP *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = p->pos < p->len ? hexval(p->t[p->pos]) : -1;
        if (h < 0) {
            jerr(p, "\\u needs four hexadecimal digits");
            return false;
        }
        v = v * 16 + (unsigned)h;
        p->pos++;
    }
    *out = v;
    return true;
}

static void utf8(StrBuf *b, unsigned cp)
{
    if (cp < 0x80) sb_putc(b, (char)cp);
    else if (cp < 0x800) {
        sb_putc(b, (char)(0xc0 | (cp >> 6)));
        sb_putc(b, (char)(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        sb_putc(b, (char)(0xe0 | (cp >> 12)));
        sb_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
        sb_putc(b, (char)(0x80 | (cp & 0x3f)));
    } else {
        sb_putc(b, (char)(0xf0 | (cp >> 18)));
        sb_putc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
        sb_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
        sb_putc(b, (char)(0x80 | (cp & 0x3f)));
    }
}

static bool escape(JP *p, StrBuf *b)
{
    char c = p->pos < p->len ? p->t[p->pos++] : 0;
    const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
    const char *k = c ? strchr(from, c) : NULL;
    if (k) {
        sb_putc(b, to[k - from]);
        return true;
    }
    if (c != 'u') {
        p->pos--;
        jerr(p, "invalid escape in a string");
        return false;
    }
    unsigned cp;
    if (!hex4(p, &cp)) return false;
    if (cp >= 0xd800 && cp < 0xdc00) {
        unsigned lo;
        if (!lit(p, "\\u") || !hex4(p, &lo) || lo < 0xdc00 || lo >= 0xe000) {
            jerr(p, "unpaired surrogate in a \\u escape");
            return false;
        }
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    } else if (cp >= 0xdc00 && cp < 0xe000) {
        jerr(p, "unpaired surrogate in a \\u escape");
        return false;
    }
    if (cp == 0) {
        jerr(p, "\\u0000 is not allowed in a string here");
        return false;
    }
    utf8(b, cp);
    return true;
}

static const char *string(JP *p)
{
    p->pos++; /* '"' */
    StrBuf b = {0};
    while (true) {
        if (p->pos >= p->len) {
            jerr(p, "unterminated string");
            break;
        }
        char c = p->t[p->pos];
        if (c == '"') {
            p->pos++;
            const char *s = arena_strndup(p->a, b.s ? b.s : "", b.n);
            sb_free(&b);
            return s;
        }
        if ((unsigned char)c < 0x20) {
            jerr(p, "control character in a string");
            break;
        }
        p->pos++;
        if (c == '\\') {
            if (!escape(p, &b)) break;
        } else sb_putc(&b, c);
    }
    sb_free(&b);
    return NULL;
}

static CmpJson *number(JP *p)
{
    CmpJson *j = node(p, CJ_NUM);
    size_t s = p->pos;
    if (p->pos < p->len && p->t[p->pos] == '-') p->pos++;
    size_t d0 = p->pos;
    while (p->pos < p->len && p->t[p->pos] >= '0' && p->t[p->pos] <= '9') p->pos++;
    size_t nd = p->pos - d0;
    if (nd == 0 || (nd > 1 && p->t[d0] == '0')) {
        p->pos = d0;
        jerr(p, "malformed number");
        return NULL;
    }
    bool integer = true;
    if (p->pos < p->len && p->t[p->pos] == '.') {
        integer = false;
        size_t f = ++p->pos;
        while (p->pos < p->len && p->t[p->pos] >= '0' && p->t[p->pos] <= '9') p->pos++;
        if (p->pos == f) return jerr(p, "malformed number"), NULL;
    }
    if (p->pos < p->len && (p->t[p->pos] == 'e' || p->t[p->pos] == 'E')) {
        integer = false;
        p->pos++;
        if (p->pos < p->len && (p->t[p->pos] == '+' || p->t[p->pos] == '-')) p->pos++;
        size_t e = p->pos;
        while (p->pos < p->len && p->t[p->pos] >= '0' && p->t[p->pos] <= '9') p->pos++;
        if (p->pos == e) return jerr(p, "malformed number"), NULL;
    }
    char buf[64];
    size_t n = p->pos - s;
    if (n >= sizeof buf) n = sizeof buf - 1; /* precision beyond this is irrelevant */
    memcpy(buf, p->t + s, n);
    buf[n] = 0;
    j->num = strtod(buf, NULL);
    if (integer && p->t[s] != '-' && nd <= 20) {
        errno = 0;
        unsigned long long v = strtoull(buf, NULL, 10);
        if (errno != ERANGE) j->num_is_u64 = true, j->u64 = v;
    }
    return j;
}

static CmpJson *value(JP *p, int depth);

static CmpJson *array(JP *p, int depth)
{
    CmpJson *j = node(p, CJ_ARR);
    p->pos++;
    VEC(CmpJson *) items = {0};
    ws(p);
    if (p->pos < p->len && p->t[p->pos] == ']') p->pos++;
    else
        while (true) {
            CmpJson *v = value(p, depth + 1);
            if (!v) break;
            vec_push(&items, v);
            ws(p);
            if (p->pos < p->len && p->t[p->pos] == ',') { p->pos++; continue; }
            if (p->pos < p->len && p->t[p->pos] == ']') { p->pos++; break; }
            jerr(p, "expected ',' or ']' in an array");
            break;
        }
    j->n = items.n;
    j->items = arena_alloc(p->a, (items.n ? items.n : 1) * sizeof *j->items);
    for (size_t i = 0; i < items.n; i++) j->items[i] = items.v[i];
    vec_free(&items);
    return p->failed ? NULL : j;
}

static CmpJson *object(JP *p, int depth)
{
    CmpJson *j = node(p, CJ_OBJ);
    p->pos++;
    VEC(const char *) keys = {0};
    VEC(CmpJson *) vals = {0};
    ws(p);
    if (p->pos < p->len && p->t[p->pos] == '}') p->pos++;
    else
        while (true) {
            ws(p);
            if (p->pos >= p->len || p->t[p->pos] != '"') {
                jerr(p, "expected a string key in an object");
                break;
            }
            const char *k = string(p);
            if (!k) break;
            ws(p);
            if (p->pos >= p->len || p->t[p->pos] != ':') {
                jerr(p, "expected ':' after an object key");
                break;
            }
            p->pos++;
            CmpJson *v = value(p, depth + 1);
            if (!v) break;
            vec_push(&keys, k);
            vec_push(&vals, v);
            ws(p);
            if (p->pos < p->len && p->t[p->pos] == ',') { p->pos++; continue; }
            if (p->pos < p->len && p->t[p->pos] == '}') { p->pos++; break; }
            jerr(p, "expected ',' or '}' in an object");
            break;
        }
    j->n = keys.n;
    size_t cap = keys.n ? keys.n : 1;
    j->keys = arena_alloc(p->a, cap * sizeof *j->keys);
    j->items = arena_alloc(p->a, cap * sizeof *j->items);
    for (size_t i = 0; i < keys.n; i++) j->keys[i] = keys.v[i], j->items[i] = vals.v[i];
    vec_free(&keys);
    vec_free(&vals);
    return p->failed ? NULL : j;
}

static CmpJson *value(JP *p, int depth)
{
    ws(p);
    if (depth > JSON_MAX_DEPTH) {
        jerr(p, "nesting deeper than %d", JSON_MAX_DEPTH);
        return NULL;
    }
    if (p->pos >= p->len) {
        jerr(p, "unexpected end of input");
        return NULL;
    }
    char c = p->t[p->pos];
    if (c == '{') return object(p, depth);
    if (c == '[') return array(p, depth);
    if (c == '"') {
        CmpJson *j = node(p, CJ_STR);
        j->str = string(p);
        return j->str ? j : NULL;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number(p);
    CmpJson *j = node(p, CJ_NULL);
    if (lit(p, "null")) return j;
    if (lit(p, "true")) return j->kind = CJ_BOOL, j->b = true, j;
    if (lit(p, "false")) return j->kind = CJ_BOOL, j->b = false, j;
    jerr(p, "unexpected character '%c'", c >= 0x20 && c < 0x7f ? c : '?');
    return NULL;
}

CmpJson *cmp_json_parse(Arena *a, const char *text, size_t len, uint32_t file, SrcMgr *sm,
                        DiagList *dl)
{
    JP p = {.a = a, .t = text, .len = len, .file = file, .sm = sm, .dl = dl};
    CmpJson *j = value(&p, 0);
    if (j) {
        ws(&p);
        if (p.pos < p.len) jerr(&p, "trailing characters after the JSON value");
    }
    return p.failed ? NULL : j;
}

const CmpJson *cmp_json_get(const CmpJson *obj, const char *key)
{
    if (!obj || obj->kind != CJ_OBJ) return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (!strcmp(obj->keys[i], key)) return obj->items[i];
    return NULL;
}
