/*
 * Names the cake ABI and the default host give meaning to (docs/abi.md,
 * "Symbols"): an exported function is a global symbol of its own name, so
 * it must not be one of them. Both back ends run this check first.
 */
#include "target.h"

#include <string.h>

static bool called_in_block(const Block *b, const char *ffi);

static bool called_in_stmt(const Stmt *st, const char *ffi)
{
    switch (st->kind) {
    case S_FFI: return !strcmp(st->u.ffi.name, ffi);
    case S_TRY: return called_in_block(&st->u.try_.handler, ffi);
    case S_IF:
        return called_in_block(&st->u.if_.then, ffi) ||
               (st->u.if_.has_else && called_in_block(&st->u.if_.els, ffi));
    case S_WHILE: return called_in_block(&st->u.while_.body, ffi);
    case S_BLOCK: return called_in_block(&st->u.block, ffi);
    case S_DEC: case S_DECCALL: case S_CALL: case S_THROW: case S_SKIP: case S_ASSIGN:
    case S_STORE: case S_SHLOAD: case S_SHSTORE: case S_BREAK: case S_CONTINUE: case S_TICK:
    case S_RETURN: case S_ANNOT:
        break;
    }
    return false;
}

static bool called_in_block(const Block *b, const char *ffi)
{
    for (uint32_t i = 0; i < b->n; i++)
        if (called_in_stmt(b->v[i], ffi)) return true;
    return false;
}

/* Whether some function of the program calls the FFI function @name. */
static bool calls_ffi(const Program *p, const char *name)
{
    for (size_t i = 0; i < p->decls.n; i++)
        if (p->decls.v[i]->kind == D_FUN && called_in_block(&p->decls.v[i]->u.fun.body, name))
            return true;
    return false;
}

static const char *abi_clash(const Program *p, const char *name)
{
    if (!strncmp(name, "cml_", 4))
        return "cml_ names belong to the cake ABI (cml_main, cml_heap, cml_stack, cml_stackend, "
               "cml_exit, cml_err, cml_clear)";
    if (!strncmp(name, "griddle_", 8))
        return "griddle_ names belong to the default host's interface (griddle_exports, "
               "griddle_globals_bytes, griddle_uncaught, ...)";
    if (!strncmp(name, "ffi", 3) && calls_ffi(p, name + 3))
        return "it is the C symbol of an FFI function the program calls";
    return NULL;
}

int target_check_abi_names(const Program *p, DiagList *dl)
{
    int errors = 0;
    for (size_t i = 0; i < p->decls.n; i++) {
        const Decl *d = p->decls.v[i];
        if (d->kind != D_FUN || !d->u.fun.is_export) continue;
        const char *why = abi_clash(p, d->u.fun.name);
        if (!why) continue;
        diag_add(dl, DIAG_ERROR, "abi", &d->u.fun.name_span,
                 "exported function %s would clash with a symbol of the ABI: %s", d->u.fun.name, why);
        errors++;
    }
    return errors;
}
