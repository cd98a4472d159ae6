/* libFuzzer target for the SDF reader (sim_load_text without program
 * images): any input must give diagnostics or a system, never a crash,
 * a sanitizer report or a leak. Seeds: tests/sim/sdf, tests/sim/sys,
 * examples/echo (*.system). */
#include "sim/sim.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SrcMgr sm;
    DiagList dl;
    srcmgr_init(&sm);
    diag_init(&dl);
    SimLoadOpts o = {.no_images = true};
    SimSystem *s = sim_load_text("fuzz.system", (const char *)data, size, &sm, &dl, &o);
    sim_free(s);
    diag_free(&dl);
    srcmgr_free(&sm);
    return 0;
}
