/*
 * Internal interface of the ir module: passes that ir_opt runs and that
 * live in their own files. Not included from outside src/ir.
 */
#ifndef GRIDDLE_IR_INT_H
#define GRIDDLE_IR_INT_H

#include "ir.h"

/* mem.c: displacement folding; redundant load elimination and
 * store-to-load forwarding over local memory. */
void ir_fold_disp(IrFn *fn);
void ir_rle(IrFn *fn);
/* sr.c: strength reduction of `base + K*i` in the loop given by body
 * (per block), its preheader and header (run by licm). */
void ir_reduce_iv(IrFn *fn, const bool *body, uint32_t pre, uint32_t h);
/* unroll.c: unrolling of small counted single-block loops. */
void ir_unroll(IrFn *fn);

#endif
