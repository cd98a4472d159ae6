/* compose_int.h: shared between the files of src/compose only. */
#ifndef GRIDDLE_COMPOSE_INT_H
#define GRIDDLE_COMPOSE_INT_H

#include "compose.h"

/* Span of n bytes at byte offset off of a file in the SrcMgr. */
Span cmp_span_at(SrcMgr *sm, uint32_t file, size_t off, size_t n);

/* Adds a NUL-terminated copy of text to sm as `name` (so diagnostics can
 * quote it); returns the file index and the copy (owned by sm). */
uint32_t cmp_add_text(SrcMgr *sm, const char *name, const char *text, size_t len,
                      const char **copy);

/* A clause's text with view fields replaced by their offsets and the
 * identifiers v, addr, old by the given texts (NULL: kept); xmalloc'd. */
char *cmp_clause_subst(const CmpContract *c, const CmpClause *cl, const char *bind_v,
                       const char *bind_addr, const char *bind_old);

/* Calls fn for each REGION_at_OFF word of a clause's generated text (the
 * identifier's span in t, its region and offset). */
typedef void (*CmpWordFn)(void *ctx, size_t b, size_t e, int mr, uint64_t off);
void cmp_clause_words(const char *t, const SimSystem *s, CmpWordFn fn, void *ctx);

/* "rw", "r", "rx" ... */
void cmp_perms_str(unsigned perms, char out[4]);

/* JSON output helpers. */
void cmp_json_key(StrBuf *b, const char *k);
void cmp_json_kv(StrBuf *b, const char *k, const char *v);

#endif
