/*
 * Public entry points of sem: set-up, running main and host calls,
 * outcomes, and the module's one error boundary (tag-sem-boundary).
 *
 * Order of set-up (sem_new): globals layout (its size fixes @top), heap,
 * FFI libraries, shared regions and devices, then compilation (which
 * resolves FFI names and folds @base/@top to constants).
 *
 * Entries (main, then each --call) run one after another from the bottom
 * of the value stack; globals and memory persist between them. Each entry
 * is a call as far as the clock is concerned (the reference runs main as
 * a call).
 */
#include "sem_int.h"

#include <stdlib.h>
#include <string.h>

/* The frame record i as a stack entry (its function, and where it is:
 * span for the innermost, else the call site of frame i+1). */
static SemFrameLoc frame_loc(const Sem *s, uint32_t i, const Span *span)
{
    SemFrameLoc l = {s->frames[i].fn->name, *span};
    if (i + 1 < s->depth) l.span = s->frames[i + 1].site->span;
    return l;
}

void sem_capture_stack(Sem *s, const Span *span)
{
    s->stackv.n = 0;
    s->out.stack_omitted = 0;
    if (s->depth == 0) {
        SemFrameLoc top = {s->init_name, *span};
        vec_push(&s->stackv, top);
    }
    uint32_t keep = SEM_STACK_KEEP / 2;
    for (uint32_t k = 0; k < s->depth; k++) {
        if (s->depth > SEM_STACK_KEEP && k == keep) {
            s->out.stack_omitted = s->depth - SEM_STACK_KEEP;
            k = s->depth - keep;
        }
        vec_push(&s->stackv, frame_loc(s, s->depth - 1 - k, span));
    }
    s->out.has_span = true;
    s->out.span = *span;
    s->out.stack = s->stackv.v;
    s->out.nstack = s->stackv.n;
}

NORETURN static void vstop(Sem *s, SemStatus st, const Span *span, const char *fmt, va_list ap)
{
    s->out.status = st;
    s->reason.n = 0;
    sb_vprintf(&s->reason, fmt, ap);
    sb_putc(&s->reason, 0);
    s->out.reason = s->reason.s;
    if (span) sem_capture_stack(s, span);
    if (!s->jb) die("sem: stop outside a run");
    longjmp(*s->jb, 1);
}

void sem_fail(Sem *s, const Span *span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vstop(s, SEM_ERROR, span, fmt, ap);
    va_end(ap);
}

void sem_stop(Sem *s, SemStatus st, const Span *span, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vstop(s, st, span, fmt, ap);
    va_end(ap);
}

static void reset_outcome(Sem *s)
{
    memset(&s->out, 0, sizeof s->out);
    s->stackv.n = 0;
}

/* Runs the frame set up at depth 1 to completion; false if it stopped
 * (s->out filled). The only setjmp of the module. */
static bool run_protected(Sem *s, bool is_call, const Span *where)
{
    jmp_buf jb;
    s->jb = &jb;
    if (setjmp(jb)) {
        s->jb = NULL;
        s->depth = 0;
        return false;
    }
    if (is_call) {
        if (s->fuel == 0) sem_stop(s, SEM_TIMEOUT, where, "out of fuel");
        s->fuel--;
    }
    exec_run(s, 0);
    s->jb = NULL;
    return true;
}

static const SemOutcome *fail_now(Sem *s, const Span *span, Sym fn, const char *reason);

static const SemOutcome *enter(Sem *s, Fn *fn, const Word *args, uint32_t nargs)
{
    if ((size_t)(s->vstack_end - s->vstack) < fn->frame_words)
        return fail_now(s, &fn->decl->name_span, fn->name,
                        "the frame of this function does not fit the interpreter's value stack");
    reset_outcome(s);
    s->depth = 0;
    s->frames[s->depth++] = (Frame){fn, s->vstack, NULL};
    for (uint32_t i = 0; i < nargs; i++) s->vstack[fn->param_off[i]] = args[i];
    if (!run_protected(s, true, &fn->decl->name_span)) return &s->out;
    s->out.status = SEM_OK;
    s->out.value = s->retbuf[0];
    return &s->out;
}

static bool init_globals(Sem *s)
{
    reset_outcome(s);
    s->globals_done = true;
    s->depth = 0;
    s->frames[s->depth++] = (Frame){&s->init_fn, s->vstack, NULL};
    return run_protected(s, false, NULL);
}

/* Fills s->out as an Error at span without running anything. */
static const SemOutcome *fail_now(Sem *s, const Span *span, Sym fn, const char *reason)
{
    reset_outcome(s);
    s->out.status = SEM_ERROR;
    s->reason.n = 0;
    sb_puts(&s->reason, reason);
    sb_putc(&s->reason, 0);
    s->out.reason = s->reason.s;
    SemFrameLoc top = {fn, *span};
    vec_push(&s->stackv, top);
    s->out.has_span = true;
    s->out.span = *span;
    s->out.stack = s->stackv.v;
    s->out.nstack = s->stackv.n;
    return &s->out;
}

const SemOutcome *sem_run_main(Sem *s)
{
    if (!s->globals_done && !init_globals(s)) return &s->out;
    s->main_done = true;
    Fn *m = s->main_fn;
    if (!m) {
        /* the compiler adds `fun main() { return 0; }` (§5.3) */
        reset_outcome(s);
        if (s->fuel == 0) {
            s->out.status = SEM_TIMEOUT;
            s->out.reason = "out of fuel";
            return &s->out;
        }
        s->fuel--;
        s->out.status = SEM_OK;
        return &s->out;
    }
    if (m->nparams)
        return fail_now(s, &m->decl->name_span, m->name,
                        "main has parameters, but it is called with none");
    return enter(s, m, NULL, 0);
}

static Fn *fn_for(Sem *s, const FunDecl *f)
{
    for (uint32_t i = 0; i < s->nfns; i++)
        if (s->fns[i].decl == f) return &s->fns[i];
    return NULL;
}

const SemOutcome *sem_call(Sem *s, const FunDecl *f, const Word *args, uint32_t nargs,
                           DiagList *dl)
{
    Fn *fn = fn_for(s, f);
    if (!fn) {
        diag_add(dl, DIAG_ERROR, "run", NULL, "%s is not a function of this program", f->name);
        return NULL;
    }
    if (!f->is_export) {
        Diag *d = diag_add(dl, DIAG_ERROR, "run", NULL,
                           "--call %s: only exported functions can be called by the host", f->name);
        diag_note(d, &f->name_span, "%s is declared here without `export`", f->name);
        return NULL;
    }
    if (nargs != fn->nparams || !fn->words_only) {
        Diag *d = diag_add(dl, DIAG_ERROR, "run", NULL,
                           "--call %s: given %u word arguments, but it takes %u parameters",
                           f->name, nargs, fn->nparams);
        diag_note(d, &f->name_span, "%s is declared here", f->name);
        return NULL;
    }
    if (!s->globals_done && !init_globals(s)) return &s->out;
    return enter(s, fn, args, nargs);
}

void sem_trace_call(Sem *s, const FunDecl *f, const Word *args, uint32_t nargs)
{
    trace_call(s, f->name, args, nargs);
}

void sem_trace_return(Sem *s, const FunDecl *f, Word value)
{
    trace_return(s, f->name, value);
}

void sem_finish(Sem *s, const SemOutcome *o, Word main_value)
{
    trace_outcome(s, o, main_value);
    fflush(s->out_f);
}

Word sem_base(const Sem *s) { return s->base; }
Word sem_top(const Sem *s) { return s->top; }
uint64_t sem_statements(const Sem *s) { return s->nstmts; }

Sem *sem_new(Program *p, const SemConfig *cfg, DiagList *dl)
{
    Sem *s = xcalloc(1, sizeof *s);
    arena_init(&s->arena);
    s->prog = p;
    s->cfg = *cfg;
    s->dl = dl;
    s->fuel = cfg->fuel;
    s->trace = cfg->trace;
    s->out_f = cfg->out ? cfg->out : stdout;
    s->in_f = cfg->in ? cfg->in : stdin;
    s->init_name = intern_cstr(p->interner, "<globals>");
    bool ok = compile_layout(s) && memory_init(s) && ffi_init(s) && shmem_init(s) &&
         compile_code(s);
    s->dl = NULL;
    if (!ok) {
        sem_free(s);
        return NULL;
    }
    return s;
}

void sem_free(Sem *s)
{
    if (!s) return;
    shmem_free(s);
    ffi_free(s);
    memory_free(s);
    vec_free(&s->stackv);
    sb_free(&s->reason);
    arena_free(&s->arena);
    free(s);
}
