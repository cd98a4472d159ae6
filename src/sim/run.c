#include "sim_int.h"
int sim_run(SimSystem *s, const SimRunOpts *o, DiagList *dl)
{
    (void)s; (void)o;
    diag_add(dl, DIAG_ERROR, "sim", NULL, "not yet");
    return 3;
}
