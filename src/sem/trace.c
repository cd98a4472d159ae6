/*
 * The trace: one JSON object per line, in the order things happened
 * (docs/trace.md is the format's definition). Numbers are unsigned
 * decimal integers of up to 64 bits; byte strings are lowercase hex.
 */
#include "sem_int.h"

#include <stdlib.h>

#include <string.h>

/* n bytes at p as a hex string, or null when they could not be read. */
static void hex(FILE *f, const uint8_t *p, Word n, bool ok)
{
    static const char digits[] = "0123456789abcdef";
    if (!ok || (!p && n)) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (Word i = 0; i < n; i++) {
        fputc(digits[p[i] >> 4], f);
        fputc(digits[p[i] & 15], f);
    }
    fputc('"', f);
}

static void str(FILE *f, const char *s)
{
    StrBuf b = {0};
    sb_json_str(&b, s, strlen(s));
    fwrite(b.s, 1, b.n, f);
    sb_free(&b);
}

void trace_ffi(Sem *s, Sym name, const Word w[4], const uint8_t *c, const uint8_t *a_before,
               const uint8_t *a_after, bool c_ok, bool a_ok)
{
    FILE *f = s->trace;
    if (!f) return;
    fputs("{\"event\":\"ffi\",\"name\":", f);
    str(f, name);
    fputs(",\"c\":", f);
    hex(f, c, w[1], c_ok);
    fputs(",\"a_before\":", f);
    hex(f, a_before, w[3], a_ok);
    fputs(",\"a_after\":", f);
    hex(f, a_after, w[3], a_ok);
    if (!c_ok || !a_ok)
        fprintf(f, ",\"args\":[%llu,%llu,%llu,%llu]", (unsigned long long)w[0],
                (unsigned long long)w[1], (unsigned long long)w[2], (unsigned long long)w[3]);
    fputs("}\n", f);
}

void trace_shmem(Sem *s, bool store, unsigned width, Word addr, Word value)
{
    if (!s->trace) return;
    fprintf(s->trace, "{\"event\":\"%s\",\"width\":%u,\"addr\":%llu,\"value\":%llu}\n",
            store ? "store" : "load", width, (unsigned long long)addr, (unsigned long long)value);
}

void trace_call(Sem *s, Sym fn, const Word *args, uint32_t nargs)
{
    FILE *f = s->trace;
    if (!f) return;
    fputs("{\"event\":\"call\",\"function\":", f);
    str(f, fn);
    fputs(",\"args\":[", f);
    for (uint32_t i = 0; i < nargs; i++)
        fprintf(f, "%s%llu", i ? "," : "", (unsigned long long)args[i]);
    fputs("]}\n", f);
}

void trace_return(Sem *s, Sym fn, Word value)
{
    FILE *f = s->trace;
    if (!f) return;
    fputs("{\"event\":\"return\",\"function\":", f);
    str(f, fn);
    fprintf(f, ",\"value\":%llu}\n", (unsigned long long)value);
}

static void loc(Sem *s, FILE *f, const Span *sp)
{
    fputs("\"file\":", f);
    str(f, srcmgr_name(s->prog->srcmgr, sp->file));
    fprintf(f, ",\"line\":%u,\"col\":%u", sp->line, sp->col);
}

static void where(Sem *s, FILE *f, const SemOutcome *o)
{
    if (!o->has_span) return;
    fputc(',', f);
    loc(s, f, &o->span);
    fputs(",\"stack\":[", f);
    for (size_t i = 0; i < o->nstack; i++) {
        fputs(i ? ",{\"function\":" : "{\"function\":", f);
        str(f, o->stack[i].fn);
        fputc(',', f);
        loc(s, f, &o->stack[i].span);
        fputc('}', f);
    }
    fputc(']', f);
    if (o->stack_omitted) fprintf(f, ",\"stack_omitted\":%zu", o->stack_omitted);
}

void trace_outcome(Sem *s, const SemOutcome *o, Word main_value)
{
    FILE *f = s->trace;
    if (!f) return;
    switch (o->status) {
    case SEM_OK:
        fprintf(f, "{\"event\":\"outcome\",\"kind\":\"success\",\"value\":%llu}\n",
                (unsigned long long)main_value);
        break;
    case SEM_EXIT:
        fprintf(f, "{\"event\":\"outcome\",\"kind\":\"exit\",\"code\":%d}\n", o->exit_code);
        break;
    case SEM_ERROR: case SEM_TIMEOUT:
        fprintf(f, "{\"event\":\"outcome\",\"kind\":\"%s\",\"reason\":",
                o->status == SEM_ERROR ? "error" : "timeout");
        str(f, o->reason);
        where(s, f, o);
        fputs("}\n", f);
        break;
    case SEM_EXCEPTION:
        fputs("{\"event\":\"outcome\",\"kind\":\"exception\",\"name\":", f);
        str(f, o->exn);
        fputs(",\"value\":[", f);
        for (uint32_t i = 0; i < o->npayload; i++)
            fprintf(f, "%s%llu", i ? "," : "", (unsigned long long)o->payload[i]);
        fputc(']', f);
        where(s, f, o);
        fputs("}\n", f);
        break;
    }
    fflush(f);
}
