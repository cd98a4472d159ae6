/* Source manager: file names, texts and line tables, loaded lazily for
 * files that only appear through cpp line markers. */
#include "util.h"

#include <stdlib.h>
#include <string.h>

void srcmgr_init(SrcMgr *sm) { memset(sm, 0, sizeof *sm); }

void srcmgr_free(SrcMgr *sm)
{
    for (size_t i = 0; i < sm->files.n; i++) {
        SrcFile *f = sm->files.v[i];
        free(f->name);
        free(f->text);
        free(f->line_starts);
        free(f);
    }
    vec_free(&sm->files);
}

static void index_lines(SrcFile *f)
{
    size_t cap = 64, n = 0;
    uint32_t *ls = xmalloc(cap * sizeof *ls);
    ls[n++] = 0;
    for (size_t i = 0; i < f->len; i++) {
        if (f->text[i] != '\n') continue;
        if (n == cap) ls = xrealloc(ls, (cap *= 2) * sizeof *ls);
        ls[n++] = (uint32_t)(i + 1);
    }
    f->line_starts = ls;
    f->nlines = (uint32_t)n;
}

uint32_t srcmgr_add(SrcMgr *sm, const char *name, char *text, size_t len)
{
    SrcFile *f = xcalloc(1, sizeof *f);
    f->name = xstrdup(name);
    f->text = text;
    f->len = len;
    f->loaded = true;
    if (text) index_lines(f);
    vec_push(&sm->files, f);
    return (uint32_t)(sm->files.n - 1);
}

uint32_t srcmgr_intern_name(SrcMgr *sm, const char *name)
{
    for (size_t i = 0; i < sm->files.n; i++)
        if (strcmp(sm->files.v[i]->name, name) == 0) return (uint32_t)i;
    SrcFile *f = xcalloc(1, sizeof *f);
    f->name = xstrdup(name);
    vec_push(&sm->files, f);
    return (uint32_t)(sm->files.n - 1);
}

const char *srcmgr_name(const SrcMgr *sm, uint32_t file)
{
    return file < sm->files.n ? sm->files.v[file]->name : "<unknown>";
}

const char *srcmgr_line(SrcMgr *sm, uint32_t file, uint32_t line, size_t *len)
{
    if (file >= sm->files.n || line == 0) return NULL;
    SrcFile *f = sm->files.v[file];
    if (!f->loaded) {
        f->loaded = true;
        if (f->name[0] != '<') {
            f->text = read_file(f->name, &f->len);
            if (f->text) index_lines(f);
        }
    }
    if (!f->text || line > f->nlines) return NULL;
    size_t start = f->line_starts[line - 1];
    size_t end = line < f->nlines ? f->line_starts[line] - 1 : f->len;
    if (end > start && f->text[end - 1] == '\r') end--;
    *len = end - start;
    return f->text + start;
}
