/* Diagnostics as data, and the one place that renders them (GCC/Clang-like
 * text with the source line and a caret, or JSON). */
#include "util.h"

#include <stdlib.h>
#include <string.h>

void diag_init(DiagList *dl) { memset(dl, 0, sizeof *dl); }

void diag_free(DiagList *dl)
{
    for (size_t i = 0; i < dl->v.n; i++) {
        Diag *d = &dl->v.v[i];
        free(d->msg);
        for (size_t k = 0; k < d->notes.n; k++) free(d->notes.v[k].msg);
        vec_free(&d->notes);
    }
    vec_free(&dl->v);
    dl->nerrors = dl->nwarnings = 0;
}

Diag *diag_vadd(DiagList *dl, DiagSeverity sev, const char *code, const Span *span,
                const char *fmt, va_list ap)
{
    if (sev == DIAG_ERROR) dl->nerrors++;
    if (sev == DIAG_WARNING) dl->nwarnings++;
    Diag d = {0};
    d.sev = sev;
    d.code = code;
    if (span) {
        d.span = *span;
        d.has_span = true;
    }
    StrBuf b = {0};
    sb_vprintf(&b, fmt, ap);
    d.msg = sb_take(&b);
    vec_push(&dl->v, d);
    return &dl->v.v[dl->v.n - 1];
}

Diag *diag_add(DiagList *dl, DiagSeverity sev, const char *code, const Span *span,
               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    Diag *d = diag_vadd(dl, sev, code, span, fmt, ap);
    va_end(ap);
    return d;
}

void diag_note(Diag *d, const Span *span, const char *fmt, ...)
{
    DiagNote n = {0};
    if (span) {
        n.span = *span;
        n.has_span = true;
    }
    StrBuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    n.msg = sb_take(&b);
    vec_push(&d->notes, n);
}

static int span_cmp(const Diag *a, const Diag *b)
{
    if (a->has_span != b->has_span) return a->has_span ? 1 : -1;
    if (!a->has_span) return 0;
    if (a->span.file != b->span.file) return a->span.file < b->span.file ? -1 : 1;
    if (a->span.line != b->span.line) return a->span.line < b->span.line ? -1 : 1;
    if (a->span.col != b->span.col) return a->span.col < b->span.col ? -1 : 1;
    return 0;
}

void diag_sort(DiagList *dl)
{
    /* insertion sort: stable, and lists are short */
    for (size_t i = 1; i < dl->v.n; i++) {
        Diag d = dl->v.v[i];
        size_t j = i;
        while (j > 0 && span_cmp(&dl->v.v[j - 1], &d) > 0) {
            dl->v.v[j] = dl->v.v[j - 1];
            j--;
        }
        dl->v.v[j] = d;
    }
}

void diag_promote_warnings(DiagList *dl)
{
    for (size_t i = 0; i < dl->v.n; i++)
        if (dl->v.v[i].sev == DIAG_WARNING) dl->v.v[i].sev = DIAG_ERROR;
    dl->nerrors += dl->nwarnings;
    dl->nwarnings = 0;
}

/* ---- rendering ---- */

#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_MAG "\033[1;35m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"
#define C_OFF "\033[0m"

static const char *sev_name(DiagSeverity s)
{
    switch (s) {
    case DIAG_ERROR: return "error";
    case DIAG_WARNING: return "warning";
    case DIAG_NOTE: return "note";
    }
    return "?";
}

static const char *sev_color(DiagSeverity s)
{
    switch (s) {
    case DIAG_ERROR: return C_RED;
    case DIAG_WARNING: return C_MAG;
    case DIAG_NOTE: return C_CYAN;
    }
    return "";
}

/* Print the source line with a caret and underline under the span. Long
 * lines are cut to a window around the column. */
static void render_excerpt(SrcMgr *sm, const Span *s, bool color, FILE *out)
{
    size_t len;
    const char *line = srcmgr_line(sm, s->file, s->line, &len);
    if (!line) return;
    size_t col = s->col ? s->col - 1 : 0;
    if (col > len) col = len;
    size_t from = 0, to = len;
    enum { WINDOW = 160 };
    if (len > WINDOW) {
        from = col > WINDOW / 2 ? col - WINDOW / 2 : 0;
        to = from + WINDOW < len ? from + WINDOW : len;
    }
    size_t ecol = (s->eline == s->line && s->ecol >= s->col) ? s->ecol : s->col;
    size_t uend = ecol ? ecol : 1; /* exclusive end, 0-based */
    if (uend > to) uend = to;
    if (uend <= col) uend = col + 1;
    fprintf(out, "%5u | ", s->line);
    for (size_t i = from; i < to; i++) {
        unsigned char c = (unsigned char)line[i];
        fputc(c == '\t' ? ' ' : (c < 0x20 || c == 0x7f) ? '?' : c, out);
    }
    fputs("\n      | ", out);
    /* keep columns aligned when the line has multi-byte UTF-8 before col:
     * count display cells as code points */
    for (size_t i = from; i < col; i++)
        if (((unsigned char)line[i] & 0xc0) != 0x80) fputc(' ', out);
    if (color) fputs(C_GREEN, out);
    fputc('^', out);
    for (size_t i = col + 1; i < uend; i++)
        if (((unsigned char)line[i] & 0xc0) != 0x80) fputc('~', out);
    if (color) fputs(C_OFF, out);
    fputc('\n', out);
}

/* A note without a span of its own is printed at its diagnostic's location,
 * without repeating the excerpt. */
static void render_one(SrcMgr *sm, const Span *s, bool has_span, DiagSeverity sev,
                       const char *code, const char *msg, const DiagRenderOpts *o,
                       FILE *out, const Span *parent)
{
    if (o->color) fputs(C_BOLD, out);
    if (!has_span && parent)
        fprintf(out, "%s:%u:%u: ", srcmgr_name(sm, parent->file), parent->line, parent->col);
    else if (has_span)
        fprintf(out, "%s:%u:%u: ", srcmgr_name(sm, s->file), s->line, s->col);
    else
        fprintf(out, "%s: ", o->prog ? o->prog : "griddle");
    if (o->color) fprintf(out, "%s", sev_color(sev));
    fprintf(out, "%s: ", sev_name(sev));
    if (o->color) fputs(C_OFF C_BOLD, out);
    fputs(msg, out);
    if (o->color) fputs(C_OFF, out);
    if (code && sev != DIAG_NOTE) fprintf(out, " [%s]", code);
    fputc('\n', out);
    if (has_span) render_excerpt(sm, s, o->color, out);
}

static void json_span(StrBuf *b, SrcMgr *sm, const Span *s, bool has)
{
    if (!has) {
        sb_puts(b, "\"file\":null");
        return;
    }
    const char *name = srcmgr_name(sm, s->file);
    sb_puts(b, "\"file\":");
    sb_json_str(b, name, strlen(name));
    sb_printf(b, ",\"line\":%u,\"column\":%u,\"end_line\":%u,\"end_column\":%u",
              s->line, s->col, s->eline, s->ecol);
}

void diag_render(DiagList *dl, SrcMgr *sm, const DiagRenderOpts *o, FILE *out)
{
    if (o->json) {
        StrBuf b = {0};
        sb_puts(&b, "[");
        for (size_t i = 0; i < dl->v.n; i++) {
            Diag *d = &dl->v.v[i];
            if (i) sb_puts(&b, ",");
            sb_printf(&b, "\n{\"severity\":\"%s\",\"code\":", sev_name(d->sev));
            sb_json_str(&b, d->code ? d->code : "", d->code ? strlen(d->code) : 0);
            sb_puts(&b, ",");
            json_span(&b, sm, &d->span, d->has_span);
            sb_puts(&b, ",\"message\":");
            sb_json_str(&b, d->msg, strlen(d->msg));
            sb_puts(&b, ",\"notes\":[");
            for (size_t k = 0; k < d->notes.n; k++) {
                DiagNote *n = &d->notes.v[k];
                if (k) sb_puts(&b, ",");
                sb_puts(&b, "{");
                json_span(&b, sm, &n->span, n->has_span);
                sb_puts(&b, ",\"message\":");
                sb_json_str(&b, n->msg, strlen(n->msg));
                sb_puts(&b, "}");
            }
            sb_puts(&b, "]}");
        }
        sb_puts(&b, dl->v.n ? "\n]\n" : "]\n");
        fputs(b.s, out);
        sb_free(&b);
        return;
    }
    size_t errors = 0;
    for (size_t i = 0; i < dl->v.n; i++) {
        Diag *d = &dl->v.v[i];
        if (o->max_errors && d->sev == DIAG_ERROR && ++errors > o->max_errors) continue;
        render_one(sm, &d->span, d->has_span, d->sev, d->code, d->msg, o, out, NULL);
        for (size_t k = 0; k < d->notes.n; k++) {
            DiagNote *n = &d->notes.v[k];
            render_one(sm, &n->span, n->has_span, DIAG_NOTE, NULL, n->msg, o, out,
                       d->has_span ? &d->span : NULL);
        }
    }
    if (o->max_errors && errors > o->max_errors)
        fprintf(out, "%s: note: %zu more errors not shown (limit %zu)\n",
                o->prog ? o->prog : "griddle", errors - o->max_errors, o->max_errors);
}
