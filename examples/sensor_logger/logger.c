/* Logger (examples/sensor_logger): on each notification from Sensor,
 * appends the message in `msg` to its log in `logger_mem` if it is well
 * formed (protocol.h); logger.pnk is the same protocol in Pancake. */
#include <microkit.h>
#include <stdint.h>
#include <string.h>

#include "protocol.h"

uintptr_t msg;
uintptr_t log_base;
static uint64_t last_seq, log_used, dropped;

static void append(const volatile uint64_t *m)
{
    uint64_t len = m[2];
    if (log_used + LOG_SLOT > LOG_BYTES) {
        dropped++;
        return;
    }
    uint64_t *out = (uint64_t *)(log_base + log_used);
    out[0] = m[1];
    out[1] = len;
    memcpy(&out[2], (const void *)(msg + 24), len);
    log_used += LOG_SLOT;
    last_seq = m[1];
}

void init(void) {}

void notified(microkit_channel ch)
{
    if (ch != CH_SENSOR) return;
    const volatile uint64_t *m = (const volatile uint64_t *)msg;
    if (m[0] != MSG_MAGIC || m[2] == 0 || m[2] > MSG_MAX || m[1] != last_seq + 1) {
        dropped++;
        microkit_dbg_puts("logger: dropped a malformed message\n");
        return;
    }
    append(m);
    microkit_dbg_puts("logger: logged a message\n");
}
