/* Shared between the files of the PD runtime (src/sim/rt) only. */
#ifndef GRIDDLE_SIM_RT_INT_H
#define GRIDDLE_SIM_RT_INT_H

#include "sim/sim_proto.h"

#include <stdint.h>

extern SimKPage *rt_kp;

/* One kernel call with the request already in rt_kp (sim_proto.h).
 * Async-signal-safe. Building a request and making the call must happen
 * between rt_crit_begin() and rt_crit_end(), so that an asynchronous
 * preemption (SIM_PREEMPT_SIGNAL) cannot overwrite a half-built request:
 * inside, the preemption is remembered and taken at rt_crit_end(). */
void rt_kcall(void);
void rt_crit_begin(void);
void rt_crit_end(void);
/* Installs the SIGSEGV/SIGBUS handler on an alternate stack; 0 or an
 * error (message in rt_kp->text). */
int rt_trap_install(const SimBootCfg *b);
/* Reports a fault to the emulator (fsr: the x86 page-fault error code).
 * Returns only if the PD's parent replied to the fault, which means
 * "retry"; under the monitor a faulted PD stays stopped. */
void rt_fault_report(uint64_t addr, uint64_t ip, uint64_t fsr, uint32_t access, uint32_t kind,
                     const char *why);

#endif
