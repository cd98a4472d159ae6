/*
 * Lexer of the annotation language (verifier.md §1.1) and of the Viper
 * subset of model files (§7.1 item 3). One lexer, two modes:
 *
 *  - annotation mode: the text between `/@` and `@/`. cake writes newlines
 *    and tabs inside annotations as the two characters `\` `n` / `\` `t`,
 *    so `\n`, `\t`, `\r` count as whitespace (any other backslash is an
 *    error: `/\` is not part of the language, the fix for pancake2viper
 *    #73). Identifiers are ALPHA (ALNUM | _)*; `@base`, `@biw` are tokens.
 *  - Viper mode: identifiers may start with `_` or contain `$`, and
 *    `//` and `/ * * /` comments are skipped. `@` is an error.
 *
 * Numbers are decimal or 0x-hex with `_` separators, of any size: values
 * from 2^63 up keep their decimal text (VTok.big) so nothing wraps.
 * Spans are exact: columns count bytes from the text's start position.
 */
#include "vspec_int.h"

#include <string.h>

static const char *const tok_names[VT__COUNT] = {
    [VT_EOF] = "end of annotation", [VT_IDENT] = "identifier", [VT_NUM] = "integer",
    [VT_BASE] = "@base", [VT_BIW] = "@biw", [VT_IFF] = "<==>", [VT_IMPL] = "==>",
    [VT_VEQ] = "===", [VT_VNE] = "!==", [VT_LSR] = ">>>", [VT_LEU] = "<=+",
    [VT_GEU] = ">=+", [VT_DOTDOTEQ] = "..=", [VT_EQ] = "==", [VT_NE] = "!=",
    [VT_LE] = "<=", [VT_GE] = ">=", [VT_LTU] = "<+", [VT_GTU] = ">+", [VT_SHL] = "<<",
    [VT_ASR] = ">>", [VT_ANDAND] = "&&", [VT_OROR] = "||", [VT_COLCOL] = "::",
    [VT_ASSIGN] = ":=", [VT_DOTDOT] = "..", [VT_PLUSPLUS] = "++", [VT_LPAREN] = "(",
    [VT_RPAREN] = ")", [VT_LBRACK] = "[", [VT_RBRACK] = "]", [VT_LBRACE] = "{",
    [VT_RBRACE] = "}", [VT_LT] = "<", [VT_GT] = ">", [VT_COMMA] = ",", [VT_COLON] = ":",
    [VT_DOT] = ".", [VT_QUEST] = "?", [VT_BANG] = "!", [VT_MINUS] = "-", [VT_PLUS] = "+",
    [VT_STAR] = "*", [VT_SLASH] = "/", [VT_BSLASH] = "\\", [VT_PERCENT] = "%", [VT_AMP] = "&", [VT_BAR] = "|",
    [VT_CARET] = "^", [VT_SEMI] = ";",
};

const char *vtok_text(VTokKind k) { return k < VT__COUNT ? tok_names[k] : "?"; }

typedef struct Lx {
    VSCtx *c;
    const char *s;
    size_t len, i;
    uint32_t file, line, col; /* position of s[i] */
    bool viper;
} Lx;

static void adv(Lx *L, size_t n)
{
    while (n-- && L->i < L->len) {
        if (L->s[L->i] == '\n') {
            L->line++;
            L->col = 1;
        } else {
            L->col++;
        }
        L->i++;
    }
}

static Span here(const Lx *L, uint32_t ncols)
{
    return (Span){L->file, L->line, L->col, L->line, L->col + (ncols ? ncols - 1 : 0)};
}

static bool is_alpha(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z'); }
static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }
static int hexval(char ch)
{
    if (is_digit(ch)) return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Skips whitespace, escapes and comments; false after an error. */
static bool skip_space(Lx *L)
{
    while (L->i < L->len) {
        char ch = L->s[L->i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
            adv(L, 1);
        } else if (ch == '\\' && !L->viper) {
            char nx = L->i + 1 < L->len ? L->s[L->i + 1] : 0;
            if (nx != 'n' && nx != 't' && nx != 'r') {
                Span sp = here(L, 1);
                verr(L->c, "syntax", &sp, "unexpected '\\' in annotation (only the escapes \\n, \\t, \\r are whitespace)");
                return false;
            }
            adv(L, 2);
        } else if (ch == '/' && L->i + 1 < L->len && L->s[L->i + 1] == '/') {
            while (L->i < L->len && L->s[L->i] != '\n') adv(L, 1);
        } else if (ch == '/' && L->i + 1 < L->len && L->s[L->i + 1] == '*') {
            Span sp = here(L, 2);
            adv(L, 2);
            while (L->i + 1 < L->len && !(L->s[L->i] == '*' && L->s[L->i + 1] == '/')) adv(L, 1);
            if (L->i + 1 >= L->len) {
                verr(L->c, "syntax", &sp, "unterminated comment");
                return false;
            }
            adv(L, 2);
        } else {
            break;
        }
    }
    return true;
}

/* Decimal text of a number given by its digits in base 10 or 16 (with '_'),
 * using base-1e9 limbs; only called for values >= 2^63. */
static const char *big_decimal(Arena *a, const char *d, size_t n, unsigned base)
{
    uint32_t limbs[64] = {0};
    size_t nl = 1;
    for (size_t i = 0; i < n; i++) {
        if (d[i] == '_') continue;
        uint64_t carry = (uint64_t)hexval(d[i]);
        for (size_t k = 0; k < nl; k++) {
            uint64_t v = (uint64_t)limbs[k] * base + carry;
            limbs[k] = (uint32_t)(v % 1000000000u);
            carry = v / 1000000000u;
        }
        while (carry && nl < ARRAY_LEN(limbs)) {
            limbs[nl++] = (uint32_t)(carry % 1000000000u);
            carry /= 1000000000u;
        }
    }
    StrBuf b = {0};
    sb_printf(&b, "%u", limbs[nl - 1]);
    for (size_t k = nl - 1; k-- > 0;) sb_printf(&b, "%09u", limbs[k]);
    char *r = arena_strndup(a, b.s, b.n);
    sb_free(&b);
    return r;
}

static bool lex_number(Lx *L, VTok *t)
{
    size_t from = L->i;
    unsigned base = 10;
    size_t ds = from;
    if (L->s[from] == '0' && from + 2 < L->len + 1 && from + 1 < L->len &&
        (L->s[from + 1] == 'x' || L->s[from + 1] == 'X')) {
        base = 16;
        ds = from + 2;
        if (ds >= L->len || hexval(L->s[ds]) < 0) {
            Span sp = here(L, 2);
            verr(L->c, "syntax", &sp, "hexadecimal literal without digits");
            return false;
        }
    }
    size_t e = ds;
    while (e < L->len && (L->s[e] == '_' || (base == 16 ? hexval(L->s[e]) >= 0 : is_digit(L->s[e]))))
        e++;
    if (e < L->len && (is_alpha(L->s[e]) || is_digit(L->s[e]))) {
        Span sp = here(L, (uint32_t)(e - from + 1));
        verr(L->c, "syntax", &sp, "malformed number");
        return false;
    }
    size_t ndig = 0;
    uint64_t v = 0;
    bool big = false;
    for (size_t i = ds; i < e; i++) {
        if (L->s[i] == '_') continue;
        ndig++;
        uint64_t d = (uint64_t)hexval(L->s[i]);
        if (v > (UINT64_MAX - d) / base) big = true;
        else v = v * base + d;
    }
    if (big || v > (uint64_t)INT64_MAX) t->big = big_decimal(L->c->a, L->s + ds, e - ds, base);
    t->val = v;
    t->kind = VT_NUM;
    t->span = here(L, (uint32_t)(e - from));
    t->text = intern(L->c->in, L->s + from, e - from);
    (void)ndig;
    adv(L, e - from);
    return true;
}

/* Punctuation, longest spelling first. */
static const struct { const char *s; VTokKind k; } puncts[] = {
    {"<==>", VT_IFF}, {"==>", VT_IMPL}, {"===", VT_VEQ}, {"!==", VT_VNE}, {">>>", VT_LSR},
    {"<=+", VT_LEU},  {">=+", VT_GEU},  {"..=", VT_DOTDOTEQ}, {"==", VT_EQ}, {"!=", VT_NE},
    {"<=", VT_LE},    {">=", VT_GE},    {"<+", VT_LTU},  {">+", VT_GTU},  {"<<", VT_SHL},
    {">>", VT_ASR},   {"&&", VT_ANDAND}, {"||", VT_OROR}, {"::", VT_COLCOL}, {":=", VT_ASSIGN},
    {"..", VT_DOTDOT}, {"++", VT_PLUSPLUS}, {"(", VT_LPAREN}, {")", VT_RPAREN},
    {"[", VT_LBRACK}, {"]", VT_RBRACK}, {"{", VT_LBRACE}, {"}", VT_RBRACE}, {"<", VT_LT},
    {">", VT_GT}, {",", VT_COMMA}, {":", VT_COLON}, {".", VT_DOT}, {"?", VT_QUEST},
    {"!", VT_BANG}, {"-", VT_MINUS}, {"+", VT_PLUS}, {"*", VT_STAR}, {"/", VT_SLASH},
    {"%", VT_PERCENT}, {"&", VT_AMP}, {"|", VT_BAR}, {"^", VT_CARET}, {";", VT_SEMI},
    {"\\", VT_BSLASH}, /* Viper's integer division (model files only: skip_space
                          rejects a backslash in annotations first) */
};

static bool lex_one(Lx *L, VTok *t)
{
    const char *s = L->s + L->i;
    size_t rest = L->len - L->i;
    char ch = s[0];
    if (is_digit(ch)) return lex_number(L, t);
    if (is_alpha(ch) || (L->viper && (ch == '_' || ch == '$'))) {
        size_t n = 1;
        while (n < rest && (is_alpha(s[n]) || is_digit(s[n]) || s[n] == '_' || (L->viper && s[n] == '$')))
            n++;
        t->kind = VT_IDENT;
        t->span = here(L, (uint32_t)n);
        t->text = intern(L->c->in, s, n);
        adv(L, n);
        return true;
    }
    if (ch == '@' && !L->viper) {
        size_t n = 1;
        while (n < rest && is_alpha(s[n])) n++;
        if (n == 5 && !memcmp(s, "@base", 5)) t->kind = VT_BASE;
        else if (n == 4 && !memcmp(s, "@biw", 4)) t->kind = VT_BIW;
        else {
            Span sp = here(L, (uint32_t)n);
            verr(L->c, "syntax", &sp, "unknown '%.*s' (only @base and @biw)", (int)n, s);
            return false;
        }
        t->span = here(L, (uint32_t)n);
        adv(L, n);
        return true;
    }
    for (size_t k = 0; k < ARRAY_LEN(puncts); k++) {
        size_t n = strlen(puncts[k].s);
        if (n <= rest && !memcmp(s, puncts[k].s, n)) {
            t->kind = puncts[k].k;
            t->span = here(L, (uint32_t)n);
            adv(L, n);
            return true;
        }
    }
    Span sp = here(L, 1);
    if (ch == '_' && !L->viper)
        verr(L->c, "syntax", &sp, "an identifier cannot start with '_' in an annotation");
    else if ((unsigned char)ch >= 0x20 && (unsigned char)ch < 0x7f)
        verr(L->c, "syntax", &sp, "unexpected character '%c'", ch);
    else
        verr(L->c, "syntax", &sp, "unexpected byte 0x%02x", (unsigned char)ch);
    return false;
}

bool vlex(VSCtx *c, const char *text, size_t len, VTextPos at, bool viper, VTokVec *out)
{
    Lx L = {c, text, len, 0, at.file, at.line, at.col, viper};
    for (;;) {
        if (!skip_space(&L)) return false;
        VTok t = {0};
        if (L.i >= L.len) {
            t.kind = VT_EOF;
            t.span = here(&L, 1);
            vec_push(out, t);
            return true;
        }
        if (!lex_one(&L, &t)) return false;
        vec_push(out, t);
    }
}
