/* events.h - the fan-out of GET /api/v1/events (Server-Sent Events,
 * docs/api.md): the connected clients, a bounded queue of pending bytes per
 * client, the sequence numbers and the events serialised to JSON.
 *
 * Each event is serialised once ("id: N\nevent: NAME\ndata: JSON\n\n") and
 * appended to the queue of every client; N grows by one per event for the
 * life of the Events object (one per process), the same N for every client.
 * A client whose queue would grow past the cap is marked EVENTS_OVERFLOW and
 * its queue freed: the server closes that connection, the client reconnects.
 * events_reload() sends "reload" and marks every client EVENTS_END (close
 * once its queue is sent).
 *
 * The server reads a client's bytes with events_read(); when it finds
 * nothing it stops asking (MHD suspends the connection), and the client's
 * wake callback tells it when there is something again (bytes, or an end).
 * So an idle stream costs nothing.
 *
 * An Events owns its clients and their queues; a client is freed by
 * events_unsubscribe() (or events_free()). The Monitor passed to the
 * serialisers is borrowed for the call only. Not thread-safe: the event loop
 * calls everything. */
#ifndef IOC_EVENTS_H
#define IOC_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/alert.h"
#include "feeds/feedstate.h"
#include "services/monitor.h"

#define EVENTS_QUEUE_MAX    (1024 * 1024) /* pending bytes per client, default cap */
#define EVENTS_KEEPALIVE_MS 15000         /* a comment after this long without an event */

typedef struct Events Events;
typedef struct EventsClient EventsClient;

/* A client's state. */
typedef enum {
    EVENTS_OPEN,     /* streaming */
    EVENTS_END,      /* the stream ends once the queue is sent (reload) */
    EVENTS_OVERFLOW, /* the queue went past the cap: close the connection now */
} EventsState;

/* Called when client c, whose last events_read() found nothing, has bytes
 * to send again or has ended; c stays valid. */
typedef void (*EventsWakeFn)(void *ud, EventsClient *c);

/* A new fan-out with per-client cap queue_max bytes (0: EVENTS_QUEUE_MAX) and
 * the generation the hello events carry; NULL when out of memory. */
Events *events_new(size_t queue_max, int64_t generation);

/* Frees ev and every client still subscribed (NULL is fine). */
void events_free(Events *ev);

/* Adds a client and queues its "hello" at wall time now_wall; wake (may be
 * NULL) is called as described above. NULL when out of memory. */
EventsClient *events_subscribe(Events *ev, EventsWakeFn wake, void *wake_ud, int64_t now_wall);

/* Removes client c and frees it (NULL is fine). */
void events_unsubscribe(Events *ev, EventsClient *c);

/* Copies up to max pending bytes of c into buf and drops them from its
 * queue; returns how many. 0 when nothing is pending: then the next bytes or
 * end call c's wake callback. */
size_t events_read(EventsClient *c, char *buf, size_t max);

/* The state of c, and the bytes waiting in its queue. */
EventsState events_state(const EventsClient *c);
size_t events_pending(const EventsClient *c);

/* The number of the last event sent (0 before the first), the generation,
 * the number of clients, and how many were dropped for overflow. */
uint64_t events_seq(const Events *ev);
int64_t events_generation(const Events *ev);
size_t events_clients(const Events *ev);
uint64_t events_overflows(const Events *ev);

/* Sends event name with data (a JSON text of one line) to every open client. */
void events_send(Events *ev, const char *name, const char *data);

/* Sends "poll": feed's result as m's Collector stored it at wall time t. */
void events_poll(Events *ev, const Monitor *m, size_t feed, int64_t t);

/* Sends "feed": feed's state went from `from` to its current state at t. */
void events_feed(Events *ev, const Monitor *m, size_t feed, FeedStateKind from, int64_t t);

/* Sends the "alert", "ack", "silence" or "unsilence" event of engine event e
 * of m's alert engine. */
void events_alert(Events *ev, const Monitor *m, const AlertEvent *e);

/* Sets the generation to gen, sends "reload" and ends every stream. */
void events_reload(Events *ev, int64_t gen);

/* Queues ": keepalive" for every open client quiet since EVENTS_KEEPALIVE_MS
 * at monotonic time now; returns when the next one is due (monotonic ms), or
 * INT64_MAX without clients. */
int64_t events_keepalive(Events *ev, int64_t now);

#endif
