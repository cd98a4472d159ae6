/*
 * util: the pieces every other module builds on.
 *
 *  - memory: xmalloc & co. (abort with a message on exhaustion: an
 *    environment failure, never a user error), arenas (bump allocation,
 *    freed all at once), growable vectors and string buffers;
 *  - Interner: identifiers stored once, so equal names are equal pointers;
 *  - SrcMgr: the source files of one run, with line tables, for locating
 *    and quoting diagnostics;
 *  - Diag: diagnostics as data (severity, stable code, span, message,
 *    notes). Library code appends to a DiagList; only the driver renders.
 *
 * Depends on: libc only. Global state: none.
 */
#ifndef GRIDDLE_UTIL_H
#define GRIDDLE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTF_LIKE(f, a)
#define NORETURN
#endif

/* ---- memory ---------------------------------------------------------- */

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Internal invariant broken: print and abort (exit code 134 is avoided by
 * the driver catching nothing: these are bugs, reported as such). */
NORETURN void die(const char *fmt, ...) PRINTF_LIKE(1, 2);

typedef struct ArenaChunk ArenaChunk;
typedef struct Arena {
    ArenaChunk *head;
    size_t used;  /* bytes used in head */
    size_t total; /* bytes handed out overall (for statistics) */
} Arena;

void arena_init(Arena *a);
void arena_free(Arena *a);
void *arena_alloc(Arena *a, size_t n);   /* zeroed, 16-byte aligned */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_printf(Arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);
void *arena_memdup(Arena *a, const void *p, size_t n);

/* Growable vector of any element type: VEC(int) v = {0}; vec_push(&v, 3); */
#define VEC(T) struct { T *v; size_t n, cap; }
#define vec_push(vec, x)                                                     \
    do {                                                                     \
        if ((vec)->n == (vec)->cap) {                                        \
            (vec)->cap = (vec)->cap ? (vec)->cap * 2 : 8;                    \
            (vec)->v = xrealloc((vec)->v, (vec)->cap * sizeof(*(vec)->v));   \
        }                                                                    \
        (vec)->v[(vec)->n++] = (x);                                          \
    } while (0)
#define vec_free(vec) (free((vec)->v), (vec)->v = NULL, (vec)->n = (vec)->cap = 0)

typedef struct StrBuf {
    char *s;
    size_t n, cap;
} StrBuf;

void sb_putc(StrBuf *b, char c);
void sb_putn(StrBuf *b, const char *s, size_t n);
void sb_puts(StrBuf *b, const char *s);
void sb_printf(StrBuf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
void sb_vprintf(StrBuf *b, const char *fmt, va_list ap);
char *sb_take(StrBuf *b); /* NUL-terminated malloc'd string; b is reset */
void sb_free(StrBuf *b);
/* Append s as a JSON string literal (with quotes). */
void sb_json_str(StrBuf *b, const char *s, size_t n);

/* Read a whole file (or stdin for "-"); NULL with errno set on failure. */
char *read_file(const char *path, size_t *len);

/* ---- interning ------------------------------------------------------- */

typedef const char *Sym; /* interned: compare with == */

typedef struct Interner {
    Arena arena;
    Sym *slots;
    size_t cap, n;
} Interner;

void interner_init(Interner *in);
void interner_free(Interner *in);
Sym intern(Interner *in, const char *s, size_t n);
Sym intern_cstr(Interner *in, const char *s);
/* Every symbol carries one byte of client data, 0 when interned (Lua's
 * reserved-word trick): the lexer marks keywords with it. */
static inline unsigned char sym_tag(Sym s) { return ((const unsigned char *)s)[-1]; }
static inline void sym_set_tag(Sym s, unsigned char tag) { ((unsigned char *)s)[-1] = tag; }

/* ---- source files ---------------------------------------------------- */

/* A place in the source: file index into the SrcMgr, 1-based line and
 * column (columns count bytes). The end is inclusive of the last
 * character (eline/ecol), so a one-character token has col == ecol. */
typedef struct Span {
    uint32_t file;
    uint32_t line, col;
    uint32_t eline, ecol;
} Span;

typedef struct SrcFile {
    char *name;   /* as the user gave it, or as cpp named it */
    char *text;   /* NULL if it could not be read (only for display) */
    size_t len;
    uint32_t *line_starts;
    uint32_t nlines;
    bool loaded;  /* text read (or tried) */
} SrcFile;

typedef struct SrcMgr {
    VEC(SrcFile *) files;
} SrcMgr;

void srcmgr_init(SrcMgr *sm);
void srcmgr_free(SrcMgr *sm);
/* Adds a file with its text (ownership passes to the SrcMgr). */
uint32_t srcmgr_add(SrcMgr *sm, const char *name, char *text, size_t len);
/* Finds a file by name, adding it (text to be loaded lazily) if new. */
uint32_t srcmgr_intern_name(SrcMgr *sm, const char *name);
const char *srcmgr_name(const SrcMgr *sm, uint32_t file);
/* The text of one line (without its newline), or NULL. */
const char *srcmgr_line(SrcMgr *sm, uint32_t file, uint32_t line, size_t *len);

/* ---- diagnostics ----------------------------------------------------- */

typedef enum DiagSeverity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } DiagSeverity;

typedef struct DiagNote {
    Span span;
    bool has_span;
    char *msg;
} DiagNote;

typedef struct Diag {
    DiagSeverity sev;
    const char *code; /* stable identifier, e.g. "parse", "scope", "shape" */
    Span span;
    bool has_span;
    char *msg;
    VEC(DiagNote) notes;
} Diag;

typedef struct DiagList {
    VEC(Diag) v;
    size_t nerrors, nwarnings;
} DiagList;

void diag_init(DiagList *dl);
void diag_free(DiagList *dl);
/* Returns the new Diag, valid until the next diag_add. */
Diag *diag_add(DiagList *dl, DiagSeverity sev, const char *code, const Span *span,
               const char *fmt, ...) PRINTF_LIKE(5, 6);
Diag *diag_vadd(DiagList *dl, DiagSeverity sev, const char *code, const Span *span,
                const char *fmt, va_list ap);
void diag_note(Diag *d, const Span *span, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Stable sort by file, line, column (keeps insertion order on ties). */
void diag_sort(DiagList *dl);
/* Turn every warning into an error (-Werror). */
void diag_promote_warnings(DiagList *dl);

typedef struct DiagRenderOpts {
    bool color;
    bool json;
    const char *prog; /* used for diagnostics without a location */
    size_t max_errors; /* 0: show all; else errors past this many are counted only */
} DiagRenderOpts;

void diag_render(DiagList *dl, SrcMgr *sm, const DiagRenderOpts *o, FILE *out);

#endif
