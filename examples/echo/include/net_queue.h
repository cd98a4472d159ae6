/*
 * sDDF network queues (reference §3): single-producer single-consumer
 * rings of buffer descriptors in shared memory, with the
 * consumer_signalled flag of the signalling protocol (§3.3). Written for
 * griddle's echo example from the reference's description.
 *
 * Layout: by default the Pancake-era widened layout (§3.1: every field a
 * u64; descriptor 16 bytes, header 24 bytes), so that a Pancake driver
 * built from that branch interoperates. Define NET_QUEUE_UPSTREAM_LAYOUT
 * for the current upstream layout (u16 tail/head, u32 flag, u16 len).
 *
 * Indices are free-running; slot = index % capacity (a power of two);
 * only the producer writes tail and the entry at tail, only the consumer
 * writes head. Release/acquire fences order the entry against the index
 * (free on x86; needed on SMP hosts).
 */
#ifndef ECHO_NET_QUEUE_H
#define ECHO_NET_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#define NET_BUFFER_SIZE 2048

#ifdef NET_QUEUE_UPSTREAM_LAYOUT
typedef struct net_buff_desc {
    uint64_t io_or_offset;
    uint16_t len;
    uint16_t pad[3];
} net_buff_desc_t;

typedef struct net_queue {
    uint16_t tail;
    uint16_t head;
    uint32_t consumer_signalled;
    net_buff_desc_t buffers[];
} net_queue_t;
typedef uint16_t net_index_t;
#else
typedef struct net_buff_desc {
    uint64_t io_or_offset;
    uint64_t len;
} net_buff_desc_t;

typedef struct net_queue {
    uint64_t tail;
    uint64_t head;
    uint64_t consumer_signalled;
    net_buff_desc_t buffers[];
} net_queue_t;
typedef uint64_t net_index_t;
#endif

_Static_assert(sizeof(net_buff_desc_t) == 16, "descriptor layout (reference 3.1)");

/* Private to each component. */
typedef struct net_queue_handle {
    net_queue_t *free;
    net_queue_t *active;
    uint32_t capacity;
} net_queue_handle_t;

static inline void net_queue_init(net_queue_handle_t *h, void *free, void *active,
                                  uint32_t capacity)
{
    h->free = free;
    h->active = active;
    h->capacity = capacity;
}

static inline uint32_t net_queue_length(const net_queue_t *q)
{
    return (uint32_t)(net_index_t)(q->tail - q->head);
}

static inline bool net_queue_empty(const net_queue_t *q) { return q->tail == q->head; }

static inline bool net_queue_full(const net_queue_t *q, uint32_t capacity)
{
    return net_queue_length(q) == capacity;
}

static inline bool net_queue_empty_free(const net_queue_handle_t *h) { return net_queue_empty(h->free); }
static inline bool net_queue_empty_active(const net_queue_handle_t *h) { return net_queue_empty(h->active); }

static inline int net_enqueue(net_queue_t *q, uint32_t capacity, net_buff_desc_t d)
{
    if (net_queue_full(q, capacity)) return -1;
    q->buffers[q->tail % capacity] = d;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    q->tail++;
    return 0;
}

static inline int net_dequeue(net_queue_t *q, uint32_t capacity, net_buff_desc_t *d)
{
    if (net_queue_empty(q)) return -1;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    *d = q->buffers[q->head % capacity];
    __atomic_thread_fence(__ATOMIC_RELEASE);
    q->head++;
    return 0;
}

static inline int net_enqueue_free(net_queue_handle_t *h, net_buff_desc_t d) { return net_enqueue(h->free, h->capacity, d); }
static inline int net_enqueue_active(net_queue_handle_t *h, net_buff_desc_t d) { return net_enqueue(h->active, h->capacity, d); }
static inline int net_dequeue_free(net_queue_handle_t *h, net_buff_desc_t *d) { return net_dequeue(h->free, h->capacity, d); }
static inline int net_dequeue_active(net_queue_handle_t *h, net_buff_desc_t *d) { return net_dequeue(h->active, h->capacity, d); }

/* Signalling protocol (§3.3): the consumer sets the flag to 0 before
 * sleeping ("wake me"); the producer signals only if it is 0, and cancels
 * (sets 1) first. */
static inline void net_request_signal(net_queue_t *q) { q->consumer_signalled = 0; __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void net_cancel_signal(net_queue_t *q) { q->consumer_signalled = 1; __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline bool net_require_signal(const net_queue_t *q) { return !q->consumer_signalled; }

static inline void net_request_signal_free(net_queue_handle_t *h) { net_request_signal(h->free); }
static inline void net_request_signal_active(net_queue_handle_t *h) { net_request_signal(h->active); }
static inline void net_cancel_signal_free(net_queue_handle_t *h) { net_cancel_signal(h->free); }
static inline void net_cancel_signal_active(net_queue_handle_t *h) { net_cancel_signal(h->active); }
static inline bool net_require_signal_free(const net_queue_handle_t *h) { return net_require_signal(h->free); }
static inline bool net_require_signal_active(const net_queue_handle_t *h) { return net_require_signal(h->active); }

/* Fills the free queue with capacity buffers base + i * NET_BUFFER_SIZE. */
static inline void net_buffers_init(net_queue_handle_t *h, uintptr_t base)
{
    for (uint32_t i = 0; i < h->capacity; i++) {
        net_buff_desc_t d = {.io_or_offset = base + (uint64_t)i * NET_BUFFER_SIZE, .len = 0};
        net_enqueue_free(h, d);
    }
}

#endif
