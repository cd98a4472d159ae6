/* The dispatch of shared-memory accesses and FFI calls to model methods
 * (vast.h), one definition for the verifier (vgen) and the Viper output.
 * In its own file so that tests providing vast.h's table lookups
 * themselves (tests/vgen) still link it. */
#include "verify/vast.h"

#include <stdio.h>
#include <string.h>

const VMethod *vshared_method(const VShared *r, bool store) { return store ? r->store : r->load; }

uint64_t vshared_naddrs(const VShared *r)
{
    return r->stride ? (r->hi - r->lo + r->stride - 1) / r->stride : 1;
}

const VMethod *vspec_ffi_method(const VSpec *s, Sym name)
{
    for (size_t i = 0; i < s->ffis.n; i++)
        if (s->ffis.v[i]->name == name) return s->ffis.v[i]->method;
    char buf[256];
    snprintf(buf, sizeof buf, "ffi%s", name);
    for (size_t i = 0; i < s->methods.n; i++)
        if (!strcmp(s->methods.v[i]->name, buf)) return s->methods.v[i];
    return NULL;
}
