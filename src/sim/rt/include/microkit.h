/*
 * griddle's libmicrokit for protection domains run by `griddle sim`.
 *
 * The same API as seL4 Microkit's libmicrokit (microkit.h): a PD provides
 * init() and notified(), optionally protected() and fault(), and calls
 * microkit_notify, microkit_ppcall, microkit_irq_ack, the deferred calls
 * and the message-register accessors. Link the program with libmicrokit.a
 * (which provides main()) into an ordinary x86-64 Linux executable; see
 * docs/sim.md. Behaviour follows the reference (§1.3, §1.4): invalid
 * channels are reported and ignored; one deferred operation per entry
 * point, sent when the entry point returns.
 */
#ifndef GRIDDLE_MICROKIT_H
#define GRIDDLE_MICROKIT_H

#include <stdbool.h>
#include <stdint.h>

#define MICROKIT_MAX_CHANNELS 62
#define MICROKIT_MAX_CHANNEL_ID (MICROKIT_MAX_CHANNELS - 1)
#define MICROKIT_PD_NAME_LENGTH 64

typedef uint64_t seL4_Word;
typedef uint8_t seL4_Bool;
#define seL4_False ((seL4_Bool)0)
#define seL4_True ((seL4_Bool)1)
typedef unsigned int microkit_channel;
typedef unsigned int microkit_child;

/* seL4_MessageInfo: label in bits 63..12, length in bits 6..0. */
typedef struct microkit_msginfo {
    seL4_Word words[1];
} microkit_msginfo;

/* Entry points provided by the PD. */
void init(void);
void notified(microkit_channel ch);
microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo);
seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo);

/* Patched at start-up from the system description (as the Microkit tool
 * patches them into the ELF). */
extern char microkit_name[MICROKIT_PD_NAME_LENGTH];
extern seL4_Word microkit_irqs, microkit_notifications, microkit_pps;
extern seL4_Bool microkit_passive;
/* The deferred-operation slot (lwIP-based sDDF clients look at it). */
extern bool microkit_have_signal;

void microkit_notify(microkit_channel ch);
void microkit_irq_ack(microkit_channel ch);
microkit_msginfo microkit_ppcall(microkit_channel ch, microkit_msginfo msginfo);
void microkit_deferred_notify(microkit_channel ch);
void microkit_deferred_irq_ack(microkit_channel ch);

/* Child PDs (the caller's nested protection domains, by id). restart
 * runs the child's init() again (entry_point is not used by the
 * emulator); stop suspends it until a restart. */
void microkit_pd_restart(microkit_child pd, seL4_Word entry_point);
void microkit_pd_stop(microkit_child pd);

/* A child's fault, as fault() receives it (seL4 MCS VMFault message). */
#define seL4_Fault_VMFault 6
#define seL4_VMFault_IP 0
#define seL4_VMFault_Addr 1
#define seL4_VMFault_PrefetchFault 2
#define seL4_VMFault_FSR 3
#define seL4_VMFault_Length 4

microkit_msginfo microkit_msginfo_new(seL4_Word label, uint16_t count);
seL4_Word microkit_msginfo_get_label(microkit_msginfo msginfo);
seL4_Word microkit_msginfo_get_count(microkit_msginfo msginfo);
void microkit_mr_set(uint8_t mr, seL4_Word value);
seL4_Word microkit_mr_get(uint8_t mr);

void microkit_dbg_putc(int c);
void microkit_dbg_puts(const char *s);
void microkit_dbg_put8(uint8_t x);
void microkit_dbg_put32(uint32_t x);

/* griddle extensions (not in seL4 Microkit). */
/* Nanoseconds of host monotonic time: for statistics only; Microkit has
 * no clock (time comes from a timer PD). */
uint64_t microkit_sim_time_ns(void);

#endif
