/* Budgets and periods (tests/sim/sys/budget.system, rr.system):
 * reference 1.2 (budget, period), 1.4 item 3 (sporadic servers cap the
 * CPU share).
 *
 * budget.system: hog (priority 80, budget 1 ms, period 10 ms) computes
 * forever without kernel calls; worker (priority 20, below it) can only
 * run because hog's budget runs out. worker computes until it has used
 * 300 ms of CPU, then compares hog's CPU time over the same span with the
 * span's length W: a sporadic server with B = 1 ms, T = 10 ms gets at
 * most B in any window of length T, so at most 0.1 W + B. The emulator
 * notices exhaustion late (reading another process's CPU clock lags by
 * up to a scheduler tick, and the host may delay the emulator), and pays
 * the overrun back from later refills; the test allows 15 ms for that.
 * The bound is relative to W, not to worker's time: on a busy host both
 * get less of the CPU, but hog's budget is a share of real time.
 *
 * rr.system: rr1 and rr2 (equal priority, budget = period = 1 ms: a
 * timeslice) both compute without kernel calls; rr2 can only run if the
 * timeslice sends rr1 to the back of the queue. rr2 stops both after
 * 100 ms of its own CPU time, when rr1 must have had a similar share.
 *
 * passive.system: client (priority 50, budget 1 ms, period 10 ms) calls
 * server (60, passive), whose protected() computes for 100 ms of CPU
 * while worker (20) computes too. A passive server runs on its caller's
 * budget (reference 1.2 "passive"), so when it is done, the time W since
 * the call must satisfy 100 ms <= 0.1 W + 15 ms (W >= 850 ms); on a
 * budget of its own (1 ms timeslices, nobody else at its priority) it
 * would take about 100 ms on an idle host.
 *
 * share: [0] stop word, [1] hog's/rr1's CPU ns (published as it runs),
 * [2] server's CPU ns in protected(), [3] time of the client's call.
 */
#include "common.h"

#include <stdint.h>
#include <time.h>
#include <unistd.h>

uintptr_t share; /* setvar_vaddr */

#define WORD(i) (((volatile uint64_t *)share)[i])

static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void info(const char *fmt, double a, double b, double c)
{
    char buf[160];
    int n = snprintf(buf, sizeof buf, fmt, a, b, c);
    if (write(2, buf, (size_t)n) < 0) {}
}

/* Computes, publishing its CPU time, until the stop word is set. */
static void compute_until_stopped(void)
{
    uint64_t start = cpu_ns();
    while (!WORD(0)) WORD(1) = cpu_ns() - start;
}

static uint64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Computes for ms of its own CPU time; returns the other PD's CPU time
 * over the same span, and the span's length. */
static double compute_then_stop(unsigned ms, double *mine, double *span)
{
    uint64_t start = cpu_ns(), w0 = wall_ns(), other0 = WORD(1);
    while (cpu_ns() - start < (uint64_t)ms * 1000000u) {}
    double other = (double)(WORD(1) - other0);
    *mine = (double)(cpu_ns() - start);
    *span = (double)(wall_ns() - w0);
    return other;
}

void init(void)
{
    if (is("hog") || is("rr1")) {
        compute_until_stopped();
        say("stopped");
    } else if (is("worker")) {
        double mine, span, hog = compute_then_stop(300, &mine, &span);
        info("budget: hog %.1f ms of CPU while worker used %.1f ms, in %.1f ms\n", hog / 1e6,
             mine / 1e6, span / 1e6);
        say("hog used %s", hog > 0 && hog <= 0.1 * span + 15e6
                               ? "some CPU, within its budget"
                               : "no CPU, or more than its budget");
        WORD(0) = 1;
    } else if (is("client")) {
        WORD(3) = wall_ns();
        microkit_ppcall(0, microkit_msginfo_new(0, 0));
        say("the call returned");
    } else if (is("worker2")) {
        double mine, span;
        compute_then_stop(50, &mine, &span);
        info("passive: worker computed %.1f ms in %.1f ms (%.0f %% of a CPU)\n", mine / 1e6,
             span / 1e6, 100 * mine / span);
    } else if (is("rr2")) {
        double mine, span, rr1 = compute_then_stop(100, &mine, &span);
        info("rr: rr1 %.1f ms of CPU while rr2 used %.1f ms, in %.1f ms\n", rr1 / 1e6,
             mine / 1e6, span / 1e6);
        say("rr1 %s", rr1 >= 0.5 * mine && rr1 <= 2 * mine ? "had a similar share"
                                                            : "did NOT have a similar share");
        WORD(0) = 1;
    }
}

void notified(microkit_channel ch) { (void)ch; }

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    (void)ch;
    uint64_t start = cpu_ns();
    while (cpu_ns() - start < 100000000u) WORD(2) = cpu_ns() - start;
    double used = (double)(cpu_ns() - start), w = (double)(wall_ns() - WORD(3));
    info("passive: server %.1f ms of CPU in the %.1f ms since the call (bound %.1f ms)\n",
         used / 1e6, w / 1e6, (0.1 * w + 15e6) / 1e6);
    say("ran %s", used <= 0.1 * w + 15e6 ? "within its caller's budget"
                                         : "beyond its caller's budget");
    return msginfo;
}
