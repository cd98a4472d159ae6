/* Sensor (examples/sensor_logger): publishes a few readings, one message
 * at a time, in the shared region `msg`, and notifies Logger. A real
 * sensor would be driven by a timer; this one sends a fixed series in
 * init(), including one malformed message Logger must reject. */
#include <microkit.h>
#include <stdint.h>
#include <string.h>

#include "protocol.h"

uintptr_t msg;

static void send(uint64_t seq, const char *text, uint64_t magic)
{
    volatile uint64_t *m = (volatile uint64_t *)msg;
    size_t n = strlen(text);
    memcpy((void *)(msg + 24), text, n);
    m[2] = n;
    m[1] = seq;
    m[0] = magic;
    microkit_notify(CH_LOGGER);
}

void init(void)
{
    send(1, "temperature 21.5", MSG_MAGIC);
    send(2, "temperature 21.7", MSG_MAGIC);
    send(3, "garbage", 0xdeadbeef); /* malformed: Logger drops it */
}

void notified(microkit_channel ch) { (void)ch; }
