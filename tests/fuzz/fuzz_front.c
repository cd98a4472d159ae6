/*
 * libFuzzer target for the front end: lexer + parser + checker on arbitrary
 * bytes, in strict and compat mode (chosen by the first byte). Whenever the
 * input parses, the formatter's output must parse back to the same tree;
 * a difference aborts (a formatter bug the fuzzer can find).
 */
#include "check/check.h"
#include "front/front.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static bool load(Program *p, Interner *in, SrcMgr *sm, const char *text, size_t len,
                 const FrontOpts *o, DiagList *dl)
{
    memset(p, 0, sizeof *p);
    p->interner = in;
    p->srcmgr = sm;
    return front_load_text(p, "<fuzz>", text, len, o, dl);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1) return 0;
    FrontOpts o = {.compat = data[0] & 1, .keep_comments = true};
    const char *text = (const char *)data + 1;
    size -= 1;
    Interner in;
    SrcMgr sm;
    DiagList dl;
    interner_init(&in);
    srcmgr_init(&sm);
    diag_init(&dl);
    Program p;
    if (load(&p, &in, &sm, text, size, &o, &dl)) {
        CheckOpts co = {.compat = o.compat};
        bool checked = check_program(&p, &co, &dl);
        if (!o.compat || checked) {
            StrBuf out = {0};
            fmt_program(&p, &out);
            FrontOpts strict = {.compat = false};
            Program q;
            DiagList dl2;
            diag_init(&dl2);
            if (!load(&q, &in, &sm, out.s ? out.s : "", out.n, &strict, &dl2) || !ast_equal(&p, &q, NULL)) {
                fprintf(stderr, "formatter round trip failed; output was:\n%s\n", out.s ? out.s : "");
                abort();
            }
            program_free(&q);
            diag_free(&dl2);
            sb_free(&out);
        }
    }
    program_free(&p);
    diag_free(&dl);
    srcmgr_free(&sm);
    interner_free(&in);
    return 0;
}
