/*
 * Control flow (§4.2 missing return and loop exits, §4.4 unreachable
 * code), following panStatic's rules:
 *
 *  - a function body must exit on every path: return, tail call and throw
 *    exit; an `if` exits iff both branches do; a sequence exits if any
 *    statement does; a `while` never does (even `while 1 { return 1; }`);
 *  - after a statement that exits (function or loop), or an `if` whose
 *    branches both exit the same way, the next statement that counts
 *    (annotations and tick don't) gets one warning, and the rest of that
 *    block gets none. The state is lexical: a nested block or branch
 *    starts with its parent's state and its own changes stay inside it
 *    (the reference threads `is_reachable` down but never back up);
 *  - break/continue outside a loop is an error and exits nothing, so it
 *    causes no unreachable warning after it.
 *
 * legacy_tail_fixable implements the compat reading of a final
 * stand-alone call as a tail call (pre-May-2024 semantics, §6.1).
 */
#include "check_int.h"

static void pop_scope(Ctx *c, size_t mark)
{
    if (c->scope.n == mark) return;
    c->tags.n = c->scope.v[mark].toff;
    while (c->scope.n > mark) {
        Local *l = &c->scope.v[--c->scope.n];
        symmap_put(&c->locmap, l->name, l->prev);
    }
}

static const char *last_text(Last l)
{
    switch (l) {
    case L_RET: return "return";
    case L_RAISE: return "throw";
    case L_TAIL: return "tail call";
    case L_BREAK: return "break";
    case L_CONT: return "continue";
    case L_COND: return "exiting conditional";
    case L_OTHER:
    case L_INVIS: break;
    }
    return "exit";
}

static void unreachable_warn(Ctx *c, Stmt *s)
{
    Diag *d = cwarn(c, "unreachable", &s->span, "unreachable statement(s) after %s in %s",
                    last_text(c->last_exit), where(c));
    cnote(d, &c->last_exit_at, c->last_exit == L_COND ? "every branch of this if exits"
                                                       : "control does not continue past this");
    c->reach = R_NOT;
}

Flow check_block(Ctx *c, Block *b)
{
    size_t mark = c->scope.n;
    Reach reach = c->reach;
    Last last = c->last_exit;
    Span last_at = c->last_exit_at;
    Flow f = {false, false, b->n ? L_INVIS : L_OTHER};
    for (uint32_t i = 0; i < b->n; i++) {
        Stmt *s = b->v[i];
        if (c->reach == R_WARN && s->kind != S_ANNOT && s->kind != S_TICK) unreachable_warn(c, s);
        Flow sf = check_stmt(c, s);
        if (c->reach == R_IS && sf.last != L_OTHER && sf.last != L_INVIS) {
            c->reach = R_WARN;
            c->last_exit = sf.last;
            c->last_exit_at = s->span;
        }
        f.exits_fun |= sf.exits_fun;
        f.exits_loop |= sf.exits_loop;
        if (sf.last != L_INVIS) f.last = sf.last;
    }
    pop_scope(c, mark);
    c->reach = reach;
    c->last_exit = last;
    c->last_exit_at = last_at;
    return f;
}

Flow check_if(Ctx *c, Stmt *s)
{
    Expr *cond = s->u.if_.cond;
    need_word(c, check_expr(c, cond), &cond->span, "if condition");
    Snap pre = tags_snapshot(c);
    Flow a = check_block(c, &s->u.if_.then);
    Snap after_then = tags_snapshot(c);
    tags_restore(c, pre);
    Flow b = check_block(c, &s->u.if_.els); /* an absent else is empty: Skip */
    tags_join(c, after_then);
    tags_release(c, pre);
    Flow f = {a.exits_fun && b.exits_fun, a.exits_loop && b.exits_loop, L_OTHER};
    if (f.exits_fun || f.exits_loop) f.last = L_COND;
    return f;
}

/* The body is checked once, from the tags before the loop; a variable
 * whose tag the body changes becomes NotTrusted (like an if without
 * else). */
Flow check_while(Ctx *c, Stmt *s)
{
    Expr *cond = s->u.while_.cond;
    need_word(c, check_expr(c, cond), &cond->span, "while condition");
    Snap pre = tags_snapshot(c);
    bool in_loop = c->in_loop;
    c->in_loop = true;
    check_block(c, &s->u.while_.body);
    c->in_loop = in_loop;
    tags_join(c, pre);
    tags_release(c, pre);
    return (Flow){false, false, L_OTHER};
}

void check_body(Ctx *c, FunInfo *fi)
{
    FunDecl *f = fi->fn;
    scratch_reset(&c->scratch);
    c->wk = W_FUN;
    c->wname = f->name;
    c->fi = fi;
    symmap_clear(&c->locmap);
    c->scope.n = c->tags.n = c->snaps.n = 0;
    c->nslots = 0;
    c->in_loop = false;
    c->reach = R_IS;
    c->last_exit = L_OTHER;
    for (uint32_t i = 0; i < f->nparams; i++) {
        VarRef v = {.name = f->params[i].name, .span = f->params[i].span};
        bind_local(c, &v, fi->params[i], ev_uniform(c, fi->params[i], B_TRUSTED));
    }
    Flow fl = check_block(c, &f->body);
    f->nslots = c->nslots;
    c->scope.n = c->tags.n = 0;
    if (fl.exits_fun) return;
    bool fixable = !c->o->compat && legacy_tail_fixable(&f->body, false);
    cerror(c, "static", &f->name_span, "branches missing return statement in function %s%s",
           f->name, fixable ? COMPAT_SUFFIX : "");
}

/* ---- syntactic exits, legacy tail calls ------------------------------ */

static bool stmt_exits(const Stmt *s)
{
    if (s->kind == S_RETURN || s->kind == S_THROW) return true;
    if (s->kind == S_CALL) return s->u.call.kind == CALL_TAIL;
    if (s->kind == S_IF)
        return s->u.if_.has_else && block_exits(&s->u.if_.then) && block_exits(&s->u.if_.els);
    if (s->kind == S_BLOCK) return block_exits(&s->u.block);
    return false;
}

bool block_exits(const Block *b)
{
    for (uint32_t i = 0; i < b->n; i++)
        if (stmt_exits(b->v[i])) return true;
    return false;
}

static bool if_fixable(Stmt *s, bool apply)
{
    if (!s->u.if_.has_else) return false;
    bool ok = legacy_tail_fixable(&s->u.if_.then, false) &&
              legacy_tail_fixable(&s->u.if_.els, false);
    if (ok && apply) {
        legacy_tail_fixable(&s->u.if_.then, true);
        legacy_tail_fixable(&s->u.if_.els, true);
    }
    return ok;
}

bool legacy_tail_fixable(Block *b, bool apply)
{
    if (block_exits(b)) return true;
    Stmt *last = NULL;
    for (uint32_t i = b->n; i-- > 0 && !last;)
        if (b->v[i]->kind != S_ANNOT) last = b->v[i];
    if (!last) return false;
    if (last->kind == S_IF) return if_fixable(last, apply);
    if (last->kind == S_BLOCK) return legacy_tail_fixable(&last->u.block, apply);
    if (last->kind != S_CALL || last->u.call.kind != CALL_STANDALONE || last->u.call.call.addcarry)
        return false;
    if (apply) {
        last->u.call.kind = CALL_TAIL;
        last->u.call.legacy_tail = true;
    }
    return true;
}
