/* Target of the --dump-state test: setvar symbols of every kind. */
#include "common.h"

#include <stdint.h>

uintptr_t buf_vaddr = 1;   /* initialised: lives in .data */
uint64_t buf_size;         /* .bss */
uint64_t ring_paddr;
uint64_t peer_ch;

void init(void) { say("init"); }
void notified(microkit_channel ch) { (void)ch; }
