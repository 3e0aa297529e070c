/*
 * service.h: the state of a running server and what routes share.
 *
 * A generation (sm_gen) is everything built from one taxonomy: the taxonomy
 * and its concept map, the matcher holding every offer and profile, the
 * extractor and the skill search index, and pools of per-thread query
 * scratch. A request holds the current generation (a reference count under
 * a mutex); SIGHUP builds a new one from PostgreSQL (the writer thread does
 * it between batches, so no write is lost) and swaps it in; the old one is
 * freed when its last holder lets go. Writes carry concept numbers (cids),
 * not ids, so a change validated against one generation applies to the next.
 *
 * Writes go through the writer (writer.c): one thread, one connection, that
 * commits queued changes in batches and applies each to the matcher before
 * its caller is answered. Reads of documents use the pool of connections.
 */
#ifndef SM_SERVICE_H
#define SM_SERVICE_H

#include "api/http.h"
#include "matcher/matcher.h"
#include "sql/db.h"
#include "sql/taxonomy_store.h"
#include "taxonomy/extract.h"
#include "taxonomy/places.h"
#include "taxonomy/rome.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct sm_skill_search sm_skill_search;
typedef struct sm_writer sm_writer;
typedef struct sm_keys sm_keys;
typedef struct sm_limits sm_limits;
typedef struct sm_metrics sm_metrics;

/* Matcher readers lent to requests: readers[0..free) are free, [free..made) lent out. */
typedef struct sm_reader_pool {
    sm_match_reader *readers[64];
    unsigned free, made;
    unsigned cap; /* made at most: the number of cores */
} sm_reader_pool;

/* Each concept's URI and labels as quoted JSON strings, escaped once when the index is built:
 * a match answer writes some 600 of them, and finding their lengths and escaping them again
 * cost 5% of its time. Fragment id * SM_CJ_EACH + what spans at[k] .. at[k + 1] of text. */
enum { SM_CJ_URI = 0, SM_CJ_LABEL = 1, SM_CJ_EACH = 1 + SM_LANG_COUNT };
typedef struct sm_concept_json {
    char *text;
    uint32_t *at;
} sm_concept_json;

typedef struct sm_gen {
    sm_taxonomy *tx;
    sm_places *places;            /* the places people name (NULL: none imported) */
    sm_rome *rome;                /* France Travail's ROME (NULL: none imported); api/jobs.h */
    uint32_t *rome_label_concept; /* each ROME skill label's ESCO skill, or SM_NO_CONCEPT */
    float *rome_label_confidence;
    size_t rome_mapped; /* labels with a skill */
    sm_concept_map map;
    sm_concept_json cj;
    sm_matcher *m;
    sm_extractor *ex;
    sm_skill_search *search;
    sm_skill_search *occupation_search; /* the same over occupations' labels and ROME titles */
    pthread_mutex_t pool_lock;
    pthread_cond_t pool_freed;
    /* Two pools of readers: the HTTP workers' (quick queries answered inline) and the
     * others' (blocking workers, background threads: stored profiles, candidates, gaps,
     * paths, demand). A path's search never makes an HTTP worker wait for a reader. */
    sm_reader_pool pools[2];
    sm_extraction *extractions[64];
    unsigned extraction_free; /* how many at the front of the array are free */
    unsigned extraction_made;
    size_t offers_loaded, profiles_loaded;
    double load_seconds;
    size_t refused;       /* stored rows the index refused at load */
    int refs;             /* under sm_service.gen_lock: holders, the service counting as one */
    unsigned long serial; /* 1 for the first generation of the process, then 2, … */
} sm_gen;

typedef struct sm_audit sm_audit;

/* The defaults of serve --retention-days and --audit-days (api/README.md, "Personal data"). */
#define SM_RETENTION_DAYS 730
#define SM_AUDIT_DAYS 365

typedef struct sm_service {
    char *conninfo;
    sm_db *db; /* reads */
    sm_writer *writer;
    sm_keys *keys;
    sm_limits *limits;
    sm_metrics *metrics;
    pthread_mutex_t gen_lock;
    sm_gen *gen;
    atomic_int ready;       /* 1 once the index is loaded */
    atomic_int reload;      /* SIGHUP asked for a new generation */
    int metrics_public;     /* /metrics answers every client, not only loopback */
    unsigned db_timeout_ms; /* the bound on one statement of a request or a write (sm_db) */
    size_t repack_min;      /* emptied slots before the index may be rebuilt (api/writer.c) */
    unsigned char pseudonym_key[32]; /* the secret of candidates' names (sql/005) */
    unsigned char feed_key[32];      /* the secret of profiles' names in the change feed (007) */
    sm_audit *audit;                 /* reads of personal data, to write (api/audit.h) */
    /* Days a profile is kept after its last use, and audit entries (serve --retention-days,
     * --audit-days; the writer thread erases and purges). */
    atomic_int retention_days, audit_days;
} sm_service;

/*
 * Opens a service over the database at conninfo (api/service.c): checks that it serves
 * (migrated, durable), reads the pseudonym secret, loads the first generation, opens a pool
 * of `pool` read connections, the key and rate caches and the metrics of the named routes,
 * and starts the writer. 0, or an error with err set and nothing left open.
 */
int sm_service_open(sm_service *s, const char *conninfo, unsigned pool,
                    const char *const *route_names, size_t route_count, sm_error *err);
/* Stops the writer and frees what sm_service_open opened. */
void sm_service_close(sm_service *s);

/* Builds a generation from the database (taxonomy, offers, profiles). */
int sm_gen_load(PGconn *c, sm_gen **out, sm_error *err);
/* A generation over tx (which it then owns) with no offer or profile and concept number
 * id + 1 for each concept: for tests and fuzzing without a database. */
int sm_gen_from_taxonomy(sm_taxonomy *tx, sm_gen **out, sm_error *err);
void sm_gen_free(sm_gen *g);
/* Gives g the ROME repertoire rome (which it then owns) with what is built on it: the titles in
 * the occupation search, the skill labels mapped (tests and fuzzing without a database). */
int sm_gen_attach_rome(sm_gen *g, sm_rome *rome, sm_error *err);
/* Per-request scratch from a generation's pools (waits when all are taken); NULL if none can
 * be made. A thread takes and gives back readers of its own pool (see sm_gen_thread_slow). */
sm_match_reader *sm_gen_reader(sm_gen *g);
void sm_gen_reader_put(sm_gen *g, sm_match_reader *r);
/* Marks the calling thread as one that may wait (a blocking worker, a background thread):
 * its readers come from the second pool. */
void sm_gen_thread_slow(void);
sm_extraction *sm_gen_extraction(sm_gen *g);
void sm_gen_extraction_put(sm_gen *g, sm_extraction *x);
/* Concept id's URI (SM_CJ_URI) or label in a language (SM_CJ_LABEL + lang, as
 * sm_taxonomy_label_any gives it) as a quoted JSON string of *len bytes. */
static inline const char *sm_gen_concept_json(const sm_gen *g, uint32_t id, unsigned what,
                                              size_t *len)
{
    size_t k = (size_t)id * SM_CJ_EACH + what;
    *len = g->cj.at[k + 1] - g->cj.at[k];
    return g->cj.text + g->cj.at[k];
}

/* The current generation, held (not freed by a reload) until released. */
sm_gen *sm_service_acquire(sm_service *s);
void sm_service_release(sm_service *s, sm_gen *g);
/* Makes g current (taking the service's hold on it) and releases the previous one. */
void sm_service_swap(sm_service *s, sm_gen *g);

/* A concept id from a URI or the UUID that ends it (percent-decoded already); SM_NO_CONCEPT if
 * unknown. */
uint32_t sm_gen_concept(const sm_gen *g, const char *uri_or_uuid);

/* The routes (routes_*.c) and their table (server.c), for the server and the OpenAPI test. */
typedef int (*sm_handler)(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp);
typedef enum sm_access {
    SM_ACCESS_PUBLIC = 0, /* no key needed (a key, when given, is still checked) */
    SM_ACCESS_KEY         /* a valid key is needed: 401 without */
} sm_access;
typedef struct sm_route {
    const char *method, *pattern; /* pattern segments "{id}" capture */
    sm_handler handler;
    sm_access access;
    const char *name;  /* for metrics */
    const char *query; /* the query parameters it reads, space-separated (lang: every route) */
} sm_route;
const sm_route *sm_routes(size_t *count);
/* The OpenAPI 3.1 document (static text). */
const char *sm_openapi_json(void);

#endif
