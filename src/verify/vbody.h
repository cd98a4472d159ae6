/*
 * vbody.h: walks of Pancake function bodies shared by the verifier (vgen)
 * and the Viper printer (viper_emit.c), without Z3; private to
 * src/verify. One definition each, so the printed program and the
 * verified one cannot drift apart.
 */
#ifndef GRIDDLE_VBODY_H
#define GRIDDLE_VBODY_H

#include "front/front.h"

/* names[slot] = the name declared in that checker slot (parameters, var
 * declarations in any block); names has fd->nslots entries, zeroed. */
void vbody_slot_names(const FunDecl *fd, Sym *names);

/* What a block may change: the local slots and globals it assigns, the
 * Pancake functions it calls (callees, per FunDecl.index; NULL: not
 * recorded) and whether it calls anything (functions, shared accesses,
 * FFI). slots/globals are zeroed arrays of nslots / nglobals entries. */
typedef struct VWrites {
    bool *slots, *globals;
    bool *callees;
    bool calls;
} VWrites;
void vbody_writes(const Block *b, VWrites *w);

/* The globals each function may assign, itself or through the functions
 * it calls: gw[f * nglobals + g] for FunDecl.index f (malloc'd; the
 * caller frees). A call forgets only these (docs/verifier.md). */
bool *vg_global_writes(const Program *p, uint32_t nfuns);

/* The runs of ones of a mask c, low to high, for the mask rewrites of
 * verifier.md §7.4: start with *lo = 0; each call finds the next run at or
 * above *lo (its first bit in *lo, its length in *len) and returns false
 * when there is none. The caller adds *len to *lo to move on. */
bool vmask_run(uint64_t c, unsigned *lo, unsigned *len);

/* Does the loop's own invariant (ls: NULL for none) hold model predicate p
 * as a conjunct (p(..) or acc(p(..), q))? If not, the loop's invariant
 * gets p (docs/verifier.md "Loops": model predicates are part of every
 * Pancake loop's invariant). */
struct VLoopSpec;
struct VPred;
bool vspec_loop_names_pred(const struct VLoopSpec *ls, const struct VPred *p);

#endif
