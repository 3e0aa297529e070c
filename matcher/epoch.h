/*
 * epoch.h: epoch-based reclamation, so readers never lock.
 *
 * Readers bracket each query with sm_epoch_enter/sm_epoch_leave on their own
 * sm_epoch_reader (one per thread). The single writer retires memory it has
 * unlinked with sm_epoch_retire; it is freed by sm_epoch_collect once every
 * reader that might still see it has left its query. A retired pointer is
 * therefore never freed under a reader that loaded it before it was
 * unlinked.
 *
 * Thread rules: enter/leave from the reader's own thread; register,
 * unregister, retire and collect from the writer (or under the writer's lock).
 */
#ifndef SM_EPOCH_H
#define SM_EPOCH_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define SM_EPOCH_MAX_READERS 256

typedef struct sm_epoch sm_epoch;
typedef struct sm_epoch_reader sm_epoch_reader;

/* Returns a new domain, or NULL when out of memory. */
sm_epoch *sm_epoch_new(void);
/* Frees everything still retired; no reader may be inside a query. NULL is a no-op. */
void sm_epoch_free(sm_epoch *e);

/* A reader slot for one thread, or NULL when all SM_EPOCH_MAX_READERS are taken. */
sm_epoch_reader *sm_epoch_register(sm_epoch *e);
void sm_epoch_unregister(sm_epoch *e, sm_epoch_reader *r);

void sm_epoch_enter(sm_epoch *e, sm_epoch_reader *r);
void sm_epoch_leave(sm_epoch_reader *r);

/* Hands ptr to free_fn once no reader can still see it. Returns 0 or SM_ENOMEM
 * (then ptr was freed at once after waiting for readers, which is safe but slow). */
int sm_epoch_retire(sm_epoch *e, void *ptr, void (*free_fn)(void *));
/* Frees what no reader can see any more; returns how many were freed. */
size_t sm_epoch_collect(sm_epoch *e);
/* Blocks until every reader inside a query when called has left it. */
void sm_epoch_synchronize(sm_epoch *e);

#endif
