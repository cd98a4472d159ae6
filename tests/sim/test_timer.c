/* Unit test of the sim-timer device (registers in src/sim/dev_timer.c),
 * with a fake clock; expected values by hand from that description. */
#include "sim/sim.h"

#include <stdio.h>

static int failures;
static uint64_t clock_ns = 5000;

#define CHECK_EQ(a, b)                                                                 \
    do {                                                                               \
        unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
        if (a_ != b_) {                                                                \
            printf("%s:%d: %s == %llu, expected %llu\n", __FILE__, __LINE__, #a, a_, b_); \
            failures++;                                                                \
        }                                                                              \
    } while (0)

static uint64_t fake_now(void *ctx)
{
    (void)ctx;
    return clock_ns;
}

int main(void)
{
    const SimDevModel *m = sim_dev_model("sim-timer");
    SimDevHost host = {.now = fake_now};
    static const uint8_t mac[6];
    SimDev *d = m->create(&host, mac);      /* time base: 5000 */
    clock_ns = 5000 + 0x100000123ull;
    CHECK_EQ(m->read(d, 0x000, 8), 0x100000123ull);
    CHECK_EQ(m->read(d, 0x000, 4), 0x123);  /* low half latches the high half */
    clock_ns += 0x100000000ull;
    CHECK_EQ(m->read(d, 0x004, 4), 1);      /* still the latched value */
    m->write(d, 0x008, 8, 0x300000000ull);  /* deadline */
    m->write(d, 0x010, 4, 1);               /* enable */
    CHECK_EQ(m->tick(d, clock_ns), 5000 + 0x300000000ull);
    CHECK_EQ(m->irq_line(d), 0);
    clock_ns = 5000 + 0x300000000ull - 1;
    m->tick(d, clock_ns);
    CHECK_EQ(m->irq_line(d), 0);
    clock_ns += 1;
    CHECK_EQ(m->tick(d, clock_ns), UINT64_MAX); /* fired: one-shot, disarmed */
    CHECK_EQ(m->irq_line(d), 1);
    CHECK_EQ(m->read(d, 0x010, 4), 0);
    CHECK_EQ(m->read(d, 0x014, 4), 1);
    m->write(d, 0x014, 4, 0);               /* writing 0 clears nothing */
    CHECK_EQ(m->irq_line(d), 1);
    m->write(d, 0x014, 4, 1);               /* write-1-to-clear */
    CHECK_EQ(m->irq_line(d), 0);
    /* a deadline already past fires as soon as it is enabled */
    m->write(d, 0x00c, 4, 0);
    m->write(d, 0x008, 4, 10);
    m->write(d, 0x010, 4, 1);
    CHECK_EQ(m->irq_line(d), 1);
    m->destroy(d);
    printf(failures ? "%d check(s) failed\n" : "all timer checks passed\n", failures);
    return failures != 0;
}
