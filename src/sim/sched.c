/*
 * Scheduling contexts: budgets and periods (reference §1.2, §1.4.3;
 * seL4 MCS sporadic servers).
 *
 * A scheduling context (SC) holds a budget B and a period T. Following
 * seL4 MCS, its budget is a queue of refills (release time, amount):
 *  - a thread may run only while the head refill is released (time <= now)
 *    and not empty;
 *  - time it consumes is taken from the head refill, and the same amount
 *    comes back as a new refill one period after the head's release
 *    time, so in any window of length T the SC never gets more than B
 *    (seL4's refill_budget_check / schedule_used);
 *  - a thread that blocked and wakes up again moves its released head to
 *    the present and merges the refills that overlap it, so budget cannot
 *    be banked from the past (refill_unblock_check);
 *  - when the queue is full, a new refill is merged into the last one,
 *    which only ever delays budget.
 * B == T is seL4's round-robin case: the budget is a timeslice that is
 * refilled at once when used up (the thread then goes to the back of its
 * priority's queue, see kernel.c); it never throttles.
 *
 * Times are nanoseconds; what is charged is measured by the caller.
 */
#include "sim_int.h"

static KRefill *head(KSc *sc) { return &sc->r[sc->head]; }
static const KRefill *chead(const KSc *sc) { return &sc->r[sc->head]; }
static KRefill *at(KSc *sc, unsigned i) { return &sc->r[(sc->head + i) % KSC_REFILLS]; }

void sc_init(KSc *sc, uint64_t budget_ns, uint64_t period_ns, uint64_t now)
{
    sc->budget = budget_ns;
    sc->period = period_ns;
    sc->rr = budget_ns >= period_ns;
    sc->head = 0;
    sc->n = 1;
    sc->r[0] = (KRefill){.t = now, .amount = budget_ns};
}

bool sc_ready(const KSc *sc, uint64_t now)
{
    return sc->rr || (chead(sc)->t <= now && chead(sc)->amount > 0);
}

uint64_t sc_release(const KSc *sc) { return sc->rr ? 0 : chead(sc)->t; }

uint64_t sc_left(const KSc *sc) { return chead(sc)->amount; }

/* A refill of amount at time t, at the end of the queue: merged into the
 * last one if they overlap, or if the queue is full, in which case the
 * merged refill ends where the new one would have (only ever later). */
static void schedule_used(KSc *sc, uint64_t t, uint64_t amount)
{
    KRefill *tail = at(sc, sc->n - 1);
    if (t <= tail->t + tail->amount) {
        tail->amount += amount;
        return;
    }
    if (sc->n == KSC_REFILLS) {
        tail->t = t - tail->amount;
        tail->amount += amount;
        return;
    }
    *at(sc, sc->n) = (KRefill){.t = t, .amount = amount};
    sc->n++;
}

static void pop_head(KSc *sc)
{
    sc->head = (sc->head + 1) % KSC_REFILLS;
    sc->n--;
}

void sc_unblock(KSc *sc, uint64_t now)
{
    if (sc->rr || head(sc)->t > now) return;
    head(sc)->t = now;
    while (sc->n > 1 && at(sc, 1)->t <= head(sc)->t + head(sc)->amount) {
        uint64_t extra = at(sc, 1)->amount;
        KRefill h = *head(sc);
        pop_head(sc);
        head(sc)->t = h.t;
        head(sc)->amount = h.amount + extra;
    }
}

/* Returns true when a round-robin timeslice ran out (and was refilled). */
bool sc_charge(KSc *sc, uint64_t used)
{
    if (sc->rr) {
        KRefill *h = head(sc);
        if (used < h->amount) {
            h->amount -= used;
            return false;
        }
        h->amount = sc->budget;
        return true;
    }
    /* Consumption runs from the head's release time on; whatever exceeds
     * the head (the emulator notices exhaustion late) is taken from the
     * next refills, pushing them into the future. */
    while (used > 0) {
        KRefill *h = head(sc);
        uint64_t take = used < h->amount ? used : h->amount;
        uint64_t start = h->t;
        used -= take;
        if (take == h->amount && sc->n > 1) {
            pop_head(sc);
            schedule_used(sc, start + sc->period, take);
        } else {
            h->amount -= take;
            h->t += take;
            schedule_used(sc, start + sc->period, take);
            if (h->amount == 0 && sc->n > 1) pop_head(sc);
            if (used > 0 && sc->n == 1 && head(sc)->amount == 0) {
                /* everything used up and more: the overrun delays the refill */
                head(sc)->t += used;
                used = 0;
            }
        }
    }
    return false; /* the caller asks sc_ready() */
}
