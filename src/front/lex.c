/*
 * Lexer (pancake-language.md §1). At each position the reference tries its
 * rules in order; so do we: whitespace, decimal integers, negative integers
 * ('-' immediately followed by a digit, whatever came before), comments
 * (// ... newline, /@ ... @/ annotations, / * ... * /, both block forms
 * ending at the first "* /" or "@/"), single-character symbols, grouped
 * symbol runs looked up in a table, and words.
 *
 * Errors do not stop the lexer: a bad character becomes one TOK_ERROR token
 * (a run of bad bytes is one error), so the parser can stay quiet about the
 * statement that contains it and report later, independent mistakes.
 *
 * When the text is cpp output, lines "# N "file" flags" move the location
 * back to the original file and line.
 */
#include "front.h"

#include <string.h>
#include <sys/mman.h>

static const char *const tok_texts[] = {
#define X(name, text) text,
    TOKEN_KINDS(X)
#undef X
};

const char *tok_kind_text(TokKind k) { return k < TOK__COUNT ? tok_texts[k] : "?"; }

typedef struct Lexer {
    const char *s;
    size_t len, i;
    uint32_t file, line;
    size_t line_start; /* index of the first byte of the current line */
    bool at_line_start_tok; /* no token yet on this line */
    bool cpp;
    const FrontOpts *o;
    Interner *in;
    SrcMgr *sm;
    Arena *arena;
    TokenList *out;
    DiagList *dl;
} Lexer;

static uint32_t col_of(const Lexer *L, size_t i) { return (uint32_t)(i - L->line_start + 1); }

static Span span_at(const Lexer *L, size_t from, size_t to_incl)
{
    Span s = {L->file, L->line, col_of(L, from), L->line, col_of(L, to_incl)};
    return s;
}

static Token *push_tok(Lexer *L, TokKind k, size_t from, size_t to_excl)
{
    Token t = {0};
    t.kind = k;
    t.span = span_at(L, from, to_excl > from ? to_excl - 1 : from);
    if (L->at_line_start_tok) t.flags |= TOKF_NEWLINE;
    L->at_line_start_tok = false;
    vec_push(&L->out->toks, t);
    return &L->out->toks.v[L->out->toks.n - 1];
}

static void newline(Lexer *L, size_t next)
{
    L->line++;
    L->line_start = next;
    L->at_line_start_tok = true;
}

/* Character classes, one table lookup each (the lexer's hot path). */
enum { C_ALPHA = 1, C_DIGIT = 2, C_SPACE = 4, C_WORD = 8, C_GSTART = 16, C_GCONT = 32, C_SINGLE = 64 };

static const unsigned char cclass[256] = {
    [' '] = C_SPACE, ['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\v'] = C_SPACE, ['\f'] = C_SPACE,
    ['\r'] = C_SPACE,
#define D(c) [c] = C_DIGIT | C_WORD
    D('0'), D('1'), D('2'), D('3'), D('4'), D('5'), D('6'), D('7'), D('8'), D('9'),
#undef D
#define A(c) [c] = C_ALPHA | C_WORD, [c - 'a' + 'A'] = C_ALPHA | C_WORD
    A('a'), A('b'), A('c'), A('d'), A('e'), A('f'), A('g'), A('h'), A('i'), A('j'), A('k'), A('l'),
    A('m'), A('n'), A('o'), A('p'), A('q'), A('r'), A('s'), A('t'), A('u'), A('v'), A('w'), A('x'),
    A('y'), A('z'),
#undef A
    ['_'] = C_WORD, ['#'] = C_GSTART, ['!'] = C_GSTART, ['='] = C_GSTART | C_GCONT,
    ['<'] = C_GSTART | C_GCONT, ['>'] = C_GSTART | C_GCONT, ['&'] = C_GSTART | C_GCONT,
    ['|'] = C_GSTART | C_GCONT, ['+'] = C_GCONT | C_SINGLE, ['-'] = C_SINGLE, ['^'] = C_SINGLE,
    ['*'] = C_SINGLE, ['('] = C_SINGLE, [')'] = C_SINGLE, ['.'] = C_SINGLE, [','] = C_SINGLE,
    [';'] = C_SINGLE, [':'] = C_SINGLE, ['['] = C_SINGLE, [']'] = C_SINGLE, ['{'] = C_SINGLE,
    ['}'] = C_SINGLE,
};

static bool is_alpha(int c) { return cclass[(unsigned char)c] & C_ALPHA; }
static bool is_digit(int c) { return cclass[(unsigned char)c] & C_DIGIT; }
static bool is_space(int c) { return cclass[(unsigned char)c] & C_SPACE; }
static bool is_word_cont(int c) { return cclass[(unsigned char)c] & C_WORD; }
static bool is_group_start(int c) { return cclass[(unsigned char)c] & C_GSTART; }
static bool is_group_cont(int c) { return cclass[(unsigned char)c] & C_GCONT; }

/* "# 12 "file.pnk" 1 3" or "#line 12 "file"" at the start of a line of cpp
 * output. Returns true (and consumes the line) if it was one. */
static bool line_marker(Lexer *L)
{
    size_t i = L->i + 1;
    if (i + 4 < L->len && !strncmp(L->s + i, "line", 4)) i += 4;
    if (i >= L->len || (L->s[i] != ' ' && L->s[i] != '\t')) return false;
    while (i < L->len && (L->s[i] == ' ' || L->s[i] == '\t')) i++;
    if (i >= L->len || !is_digit(L->s[i])) return false;
    uint64_t n = 0;
    while (i < L->len && is_digit(L->s[i])) {
        n = n * 10 + (uint64_t)(L->s[i] - '0');
        if (n > 0xffffffffu) n = 0xffffffffu;
        i++;
    }
    while (i < L->len && L->s[i] == ' ') i++;
    if (i < L->len && L->s[i] == '"') {
        size_t start = ++i;
        StrBuf name = {0};
        while (i < L->len && L->s[i] != '"' && L->s[i] != '\n') {
            if (L->s[i] == '\\' && i + 1 < L->len) i++;
            sb_putc(&name, L->s[i]);
            i++;
        }
        (void)start;
        if (name.s) L->file = srcmgr_intern_name(L->sm, name.s);
        sb_free(&name);
    }
    while (i < L->len && L->s[i] != '\n') i++;
    /* the next line is line n */
    L->i = i < L->len ? i + 1 : i;
    L->line = (uint32_t)(n ? n - 1 : 0);
    newline(L, L->i);
    return true;
}

static void lex_error(Lexer *L, size_t from, size_t to_excl, const char *fmt, ...) PRINTF_LIKE(4, 5);
static void lex_error(Lexer *L, size_t from, size_t to_excl, const char *fmt, ...)
{
    Token *t = push_tok(L, TOK_ERROR, from, to_excl);
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(L->dl, DIAG_ERROR, "lex", &t->span, fmt, ap);
    va_end(ap);
}

/* A digit starts a run of letters, digits and '_' (the reference reads the
 * whole run); only an all-digit run is a number: "0x10" and "1x" are
 * "Malformed number" errors. */
static void lex_number(Lexer *L, bool negative)
{
    size_t from = L->i;
    if (negative) L->i++;
    Word v = 0;
    bool overflow = false;
    while (L->i < L->len && is_digit(L->s[L->i])) {
        Word d = (Word)(L->s[L->i] - '0');
        if (v > (UINT64_MAX - d) / 10) overflow = true;
        v = v * 10 + d; /* wraps: the reference converts modulo 2^64 */
        L->i++;
    }
    if (L->i < L->len && is_word_cont(L->s[L->i])) {
        while (L->i < L->len && is_word_cont(L->s[L->i])) L->i++;
        lex_error(L, from, L->i, "Malformed number: %.*s (Pancake has only decimal integer literals)",
                  (int)(L->i - from), L->s + from);
        return;
    }
    Token *t = push_tok(L, TOK_INT, from, L->i);
    t->value = negative ? (Word)0 - v : v;
    if (negative) t->flags |= TOKF_NEGATIVE;
    if (overflow) t->flags |= TOKF_OVERFLOW;
}

static void add_comment(Lexer *L, size_t from, size_t to_excl, uint32_t line, size_t line_start,
                        bool own_line)
{
    if (!L->o->keep_comments) return;
    Comment c = {0};
    c.span = (Span){L->file, line, (uint32_t)(from - line_start + 1), L->line,
                    col_of(L, to_excl ? to_excl - 1 : 0)};
    c.text = arena_strndup(L->arena, L->s + from, to_excl - from);
    c.len = to_excl - from;
    c.before_tok = (uint32_t)L->out->toks.n;
    c.own_line = own_line;
    vec_push(&L->out->comments, c);
}

/* Block comment or annotation starting at L->i ("/ *" or "/@"). Both end at
 * the first "* /" or "@/" (the reference's quirk). */
static void lex_block(Lexer *L, bool annot)
{
    size_t from = L->i, start_line_start = L->line_start;
    uint32_t start_line = L->line;
    uint32_t start_file = L->file;
    bool own_line = L->at_line_start_tok;
    size_t i = L->i + 2;
    while (i + 1 < L->len && !((L->s[i] == '*' || L->s[i] == '@') && L->s[i + 1] == '/')) {
        if (L->s[i] == '\n') newline(L, i + 1);
        i++;
    }
    if (i + 1 >= L->len) {
        Span sp = {start_file, start_line, (uint32_t)(from - start_line_start + 1), start_line,
                   (uint32_t)(from - start_line_start + 2)};
        Token t = {.kind = TOK_ERROR, .span = sp};
        vec_push(&L->out->toks, t);
        Diag *d = diag_add(L->dl, DIAG_ERROR, "lex", &sp, "Malformed comment: unterminated %s",
                           annot ? "annotation '/@'" : "comment '/*'");
        diag_note(d, NULL, "a comment or annotation ends at the first '*/' or '@/'");
        for (; i < L->len; i++)
            if (L->s[i] == '\n') newline(L, i + 1);
        L->i = L->len;
        return;
    }
    size_t end = i + 2; /* exclusive */
    size_t body_from = from + 2, body_to = i;
    bool legacy = false;
    if (!annot && L->o->compat && body_from < body_to && L->s[body_from] == '@') {
        /* 2024-era "/ *@ ... @* /" annotation */
        annot = legacy = true;
        body_from++;
        if (body_to > body_from && L->s[body_to - 1] == '@') body_to--;
    }
    if (!annot) {
        add_comment(L, from, end, start_line, start_line_start, own_line);
        L->i = end;
        return;
    }
    Token t = {0};
    t.kind = TOK_ANNOT;
    t.span = (Span){start_file, start_line, (uint32_t)(from - start_line_start + 1), L->line,
                    col_of(L, end - 1)};
    if (own_line) t.flags |= TOKF_NEWLINE;
    if (legacy) t.flags |= TOKF_LEGACY;
    t.text = arena_strndup(L->arena, L->s + body_from, body_to - body_from);
    if (memchr(L->s + body_from, 0, body_to - body_from)) {
        t.kind = TOK_ERROR;
        diag_add(L->dl, DIAG_ERROR, "lex", &t.span, "NUL byte inside an annotation");
    }
    L->at_line_start_tok = false;
    vec_push(&L->out->toks, t);
    L->i = end;
}

/* A // comment runs to the end of the line, or of the input (the
 * reference accepts a last line without a newline; docs/language.md). */
static void lex_line_comment(Lexer *L)
{
    size_t from = L->i;
    size_t i = from;
    while (i < L->len && L->s[i] != '\n') i++;
    add_comment(L, from, i, L->line, L->line_start, L->at_line_start_tok);
    L->i = i; /* the newline itself is handled by the main loop */
}

typedef struct SymEntry {
    const char *text;
    TokKind kind;
    size_t len;
} SymEntry;

static const SymEntry group_table[] = {
    {"&&", TOK_ANDAND, 2}, {"||", TOK_OROR, 2}, {"&", TOK_AMP, 1},   {"|", TOK_BAR, 1},   {"==", TOK_EQEQ, 2},
    {"=>", TOK_ARROW, 2},  {"!=", TOK_NE, 2},   {"<", TOK_LT, 1},    {">", TOK_GT, 1},    {">=", TOK_GE, 2},
    {"<=", TOK_LE, 2},     {"<+", TOK_LTU, 2},  {">+", TOK_GTU, 2},  {">=+", TOK_GEU, 3}, {"<=+", TOK_LEU, 3},
    {"!", TOK_BANG, 1},    {"<<", TOK_SHL, 2},  {">>>", TOK_LSR, 3}, {">>", TOK_ASR, 2},  {"#>>", TOK_ROR, 3},
    {"=", TOK_ASSIGN, 1},
};

static void lex_group(Lexer *L)
{
    size_t from = L->i;
    /* compat: legacy FFI call "#name" */
    if (L->s[from] == '#' && from + 1 < L->len && (is_alpha(L->s[from + 1]) || L->s[from + 1] == '_')) {
        size_t i = from + 1;
        while (i < L->len && is_word_cont(L->s[i])) i++;
        if (L->o->compat) {
            Token *t = push_tok(L, TOK_FFIID, from, i);
            t->text = intern(L->in, L->s + from + 1, i - from - 1);
            t->flags |= TOKF_LEGACY;
            L->i = i;
            return;
        }
        lex_error(L, from, from + 1,
                  "Unrecognised symbolic token: '#' (the legacy FFI call '#%.*s(...)' is accepted "
                  "with --compat; current syntax is '@%.*s(...)')",
                  (int)(i - from - 1), L->s + from + 1, (int)(i - from - 1), L->s + from + 1);
        L->i = from + 1;
        return;
    }
    size_t i = from + 1;
    while (i < L->len && is_group_cont(L->s[i])) i++;
    size_t n = i - from;
    L->i = i;
    for (size_t k = 0; k < ARRAY_LEN(group_table); k++) {
        if (group_table[k].len == n && !memcmp(group_table[k].text, L->s + from, n)) {
            push_tok(L, group_table[k].kind, from, i);
            return;
        }
    }
    if (n == 2 && !memcmp(L->s + from, "<>", 2) && L->o->compat) {
        Token *t = push_tok(L, TOK_NE, from, i);
        t->flags |= TOKF_LEGACY;
        return;
    }
    const char *hint = "";
    if (n == 2 && !memcmp(L->s + from, "<>", 2))
        hint = " ('<>' is legacy syntax for '!=', accepted with --compat)";
    else if (n >= 2 && L->s[from] == '=' && L->s[from + 1] == '<')
        hint = " (put a space between '=' and '<')";
    else if (n >= 2 && !memcmp(L->s + from, "<<", 2))
        hint = " (nested struct literals need spaces: '< <1, 2>, 3 >')";
    else if (n >= 2 && L->s[from] == '!' && L->s[from + 1] == '!')
        hint = " (there is only one '!': write '!(x == 0)' or 'x != 0')";
    else if (L->s[from] == '#' && n == 1)
        hint = " (preprocessor lines need the C preprocessor: see --cpp)";
    lex_error(L, from, i, "Unrecognised symbolic token: '%.*s'%s", (int)n, L->s + from, hint);
}

typedef struct KwEntry {
    const char *text;
    TokKind kind;
    bool compat_only;
    unsigned char len;
} KwEntry;

static const KwEntry keywords[] = {
    {"skip", TOK_SKIP, 0, 4},     {"st", TOK_ST, 0, 2},           {"stw", TOK_STW, 0, 3},
    {"st8", TOK_ST8, 0, 3},       {"st16", TOK_ST16, 0, 4},       {"st32", TOK_ST32, 0, 4},
    {"if", TOK_IF, 0, 2},         {"else", TOK_ELSE, 0, 4},       {"while", TOK_WHILE, 0, 5},
    {"break", TOK_BREAK, 0, 5},   {"continue", TOK_CONTINUE, 0, 8}, {"throw", TOK_THROW, 0, 5},
    {"return", TOK_RETURN, 0, 6}, {"tick", TOK_TICK, 0, 4},       {"var", TOK_VAR, 0, 3},
    {"in", TOK_IN, 0, 2},         {"try", TOK_TRY, 0, 3},         {"catch", TOK_CATCH, 0, 5},
    {"lds", TOK_LDS, 0, 3},       {"ldw", TOK_LDW, 0, 3},         {"ld8", TOK_LD8, 0, 3},
    {"ld16", TOK_LD16, 0, 4},     {"ld32", TOK_LD32, 0, 4},       {"@base", TOK_BASE, 0, 5},
    {"@top", TOK_TOP, 0, 4},      {"@biw", TOK_BIW, 0, 4},        {"true", TOK_TRUE, 0, 4},
    {"false", TOK_FALSE, 0, 5},   {"fun", TOK_FUN, 0, 3},         {"export", TOK_EXPORT, 0, 6},
    {"inline", TOK_INLINE, 0, 6}, {"exception", TOK_EXCEPTION, 0, 9}, {"struct", TOK_STRUCT, 0, 6},
    {"str", TOK_STR, 1, 3},       {"strb", TOK_STRB, 1, 4},       {"ldb", TOK_LDB, 1, 3},
    {"raise", TOK_RAISE, 1, 5},
};

/* Keywords are found by interning the word: each keyword's symbol is
 * tagged with its index + 1 in keywords[] (see register_keywords). */
static void lex_word(Lexer *L)
{
    size_t from = L->i, i = from + 1;
    while (i < L->len && is_word_cont(L->s[i])) i++;
    size_t n = i - from;
    L->i = i;
    Sym sym = intern(L->in, L->s + from, n);
    unsigned char tag = sym_tag(sym);
    if (tag && (!keywords[tag - 1].compat_only || L->o->compat)) {
        Token *t = push_tok(L, keywords[tag - 1].kind, from, i);
        if (keywords[tag - 1].compat_only) t->flags |= TOKF_LEGACY;
        return;
    }
    if (L->s[from] == '@' && n >= 2) {
        Token *t = push_tok(L, TOK_FFIID, from, i);
        t->text = intern(L->in, L->s + from + 1, n - 1);
        return;
    }
    Token *t = push_tok(L, TOK_IDENT, from, i);
    t->text = sym;
}

static void register_keywords(Interner *in)
{
    for (size_t k = 0; k < ARRAY_LEN(keywords); k++)
        sym_set_tag(intern(in, keywords[k].text, keywords[k].len), (unsigned char)(k + 1));
}

/* A run of bytes that start no token: one error for the whole run. */
static void lex_bad(Lexer *L)
{
    size_t from = L->i, i = from;
    unsigned char c = (unsigned char)L->s[from];
    if (c >= 0x80) {
        /* one UTF-8 character (or one stray byte) */
        size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        bool ok = len > 1 && c < 0xf5 && from + len <= L->len;
        for (size_t k = 1; ok && k < len; k++) ok = ((unsigned char)L->s[from + k] & 0xc0) == 0x80;
        if (ok) {
            L->i = from + len;
            lex_error(L, from, from + 1, "Unrecognised symbol: non-ASCII character outside a comment");
            return;
        }
        while (i < L->len && (unsigned char)L->s[i] >= 0x80) i++;
        L->i = i;
        lex_error(L, from, from + 1, "Unrecognised symbol: invalid UTF-8 byte 0x%02x", c);
        return;
    }
    if (c == 0 || c < 0x20 || c == 0x7f) {
        while (i < L->len && ((unsigned char)L->s[i] < 0x20 || L->s[i] == 0x7f) && !is_space(L->s[i])) i++;
        L->i = i;
        if (c == 0) lex_error(L, from, from + 1, "Unrecognised symbol: NUL byte in source");
        else lex_error(L, from, from + 1, "Unrecognised symbol: control character 0x%02x", c);
        return;
    }
    L->i = from + 1;
    const char *hint = "";
    if (c == '/') hint = " (Pancake has no division operator)";
    else if (c == '%') hint = " (Pancake has no modulo operator; for powers of two use '&')";
    else if (c == '~') hint = " (Pancake has no '~'; use 'x ^ -1')";
    lex_error(L, from, from + 1, "Unrecognised symbol: '%c'%s", c, hint);
}

static const char single_chars[] = "+-^*().,;:[]{}";
static const TokKind single_kinds[] = {TOK_PLUS,   TOK_MINUS,    TOK_CARET,    TOK_STAR,  TOK_LPAREN,
                                       TOK_RPAREN, TOK_DOT,      TOK_COMMA,    TOK_SEMI,  TOK_COLON,
                                       TOK_LBRACKET, TOK_RBRACKET, TOK_LBRACE, TOK_RBRACE};

void lex_text(const char *text, size_t len, uint32_t file, bool cpp_markers, const FrontOpts *o,
              Interner *in, SrcMgr *sm, Arena *arena, TokenList *out, DiagList *dl)
{
    if (out->toks.cap < out->toks.n + len / 4 + 16) {
        out->toks.cap = out->toks.n + len / 4 + 16; /* about one token per 4 bytes */
        out->toks.v = xrealloc(out->toks.v, out->toks.cap * sizeof(Token));
#ifdef MADV_HUGEPAGE
        /* large token arrays: huge pages cut the page faults (a hint only) */
        size_t bytes = out->toks.cap * sizeof(Token);
        if (bytes >= (4u << 20)) {
            uintptr_t lo = ((uintptr_t)out->toks.v + 4095) & ~(uintptr_t)4095;
            uintptr_t hi = ((uintptr_t)out->toks.v + bytes) & ~(uintptr_t)4095;
            madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
        }
#endif
    }
    register_keywords(in);
    Lexer L = {.s = text, .len = len, .file = file, .line = 1, .cpp = cpp_markers, .o = o,
               .in = in, .sm = sm, .arena = arena, .out = out, .dl = dl,
               .at_line_start_tok = true};
    while (L.i < L.len) {
        char c = L.s[L.i];
        if (c == '\n') {
            newline(&L, ++L.i);
            continue;
        }
        if (is_space(c)) { L.i++; continue; }
        if (c == '#' && L.cpp && L.i == L.line_start && line_marker(&L)) continue;
        if (is_digit(c)) { lex_number(&L, false); continue; }
        if (c == '-' && L.i + 1 < L.len && is_digit(L.s[L.i + 1])) { lex_number(&L, true); continue; }
        if (c == '/' && L.i + 1 < L.len) {
            char d = L.s[L.i + 1];
            if (d == '/') { lex_line_comment(&L); continue; }
            if (d == '@') { lex_block(&L, true); continue; }
            if (d == '*') { lex_block(&L, false); continue; }
        }
        const char *sc = (cclass[(unsigned char)c] & C_SINGLE) ? strchr(single_chars, c) : NULL;
        if (sc) {
            push_tok(&L, single_kinds[sc - single_chars], L.i, L.i + 1);
            L.i++;
            continue;
        }
        if (is_group_start(c)) { lex_group(&L); continue; }
        if (is_alpha(c) || c == '@' || c == '_') { lex_word(&L); continue; }
        lex_bad(&L);
    }
    Token eof = {.kind = TOK_EOF, .span = {L.file, L.line, col_of(&L, L.i), L.line, col_of(&L, L.i)}};
    vec_push(&out->toks, eof);
}
