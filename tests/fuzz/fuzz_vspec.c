/*
 * libFuzzer target for vspec (annotations and model files -> vast.h). The
 * first byte chooses what the rest of the input is:
 *   0: a statement annotation inside a fixed function (locals, a loop);
 *   1: a top-level annotation before that function;
 *   2: a model file (Viper subset) with a fixed annotated program;
 *   3: a whole Pancake program (parsed, checked, then vspec'd);
 * so every parser path (annotation and Viper mode, top-level forms, model
 * statements, define expansion) is reachable. Whenever the specification
 * builds, it is printed (vspec_dump, and as Viper: verify_emit_viper),
 * which walks every node.
 */
#include "check/check.h"
#include "verify/verify.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char PROG_HEAD[] =
    "/@ model field dev @/\n"
    "/@ predicate P(x: Int) { x == 0 } @/\n"
    "fun f(1 a, 1 b) {\n"
    "  var 1 x = a;\n"
    "  while (x < b) {\n"
    "    /@ invariant x <= b @/\n"
    "    x = x + 1;\n"
    "  }\n";
static const char PROG_TAIL[] = "  return x;\n}\n";

static const char MODEL[] =
    "field c: Int\n"
    "predicate ok(heap: IArray, dev: Ref) { acc(dev.c) }\n"
    "method load_R(heap: IArray, dev: Ref, address: Int) returns (v: Int)\n";

static void run(const char *pnk, size_t len, const char *model, size_t mlen)
{
    Interner in;
    SrcMgr sm;
    DiagList dl;
    Program p;
    interner_init(&in);
    srcmgr_init(&sm);
    diag_init(&dl);
    memset(&p, 0, sizeof p);
    p.interner = &in;
    p.srcmgr = &sm;
    FrontOpts fo = {0};
    CheckOpts co = {0};
    if (front_load_text(&p, "<fuzz>", pnk, len, &fo, &dl) && check_program(&p, &co, &dl)) {
        VOpts vo = {.model_text = model, .model_text_len = mlen};
        VSpec s;
        if (vspec_build(&s, &p, &vo, &dl)) {
            StrBuf b = {0};
            vspec_dump(&b, &s);
            /* and the Viper printer, which walks the same tree and the
             * Pancake bodies (--emit-viper) */
            verify_emit_viper(&s, NULL, &b, &dl);
            sb_free(&b);
        }
        vspec_free(&s);
    }
    program_free(&p);
    diag_free(&dl);
    srcmgr_free(&sm);
    interner_free(&in);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1) return 0;
    unsigned mode = data[0] & 3;
    const char *text = (const char *)data + 1;
    size -= 1;
    StrBuf b = {0};
    switch (mode) {
    case 0:
        sb_puts(&b, PROG_HEAD);
        sb_puts(&b, "  /@ ");
        sb_putn(&b, text, size);
        sb_puts(&b, " @/\n");
        sb_puts(&b, PROG_TAIL);
        run(b.s, b.n, MODEL, strlen(MODEL));
        break;
    case 1:
        sb_puts(&b, "/@ ");
        sb_putn(&b, text, size);
        sb_puts(&b, " @/\n");
        sb_puts(&b, PROG_HEAD);
        sb_puts(&b, PROG_TAIL);
        run(b.s, b.n, MODEL, strlen(MODEL));
        break;
    case 2:
        sb_puts(&b, PROG_HEAD);
        sb_puts(&b, "  /@ assert P(0) @/\n");
        sb_puts(&b, PROG_TAIL);
        run(b.s, b.n, text, size);
        break;
    default:
        run(text, size, MODEL, strlen(MODEL));
        break;
    }
    sb_free(&b);
    return 0;
}
