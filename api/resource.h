/*
 * resource.h: the one write pipeline of the resources the API stores (offers, profiles):
 * create, replace and merge-patch, each validated whole before it is written, committed by the
 * writer thread, answered. A resource is a table of hooks (struct sm_resource); what differs
 * between offers and profiles is in those hooks, the order of the steps is here once.
 */
#ifndef SM_RESOURCE_H
#define SM_RESOURCE_H

#include "api/routes.h"

/* The part of a resource's parsed input the pipeline reads and fills: the first member of
 * each resource's own input (offer_in, profile_in), so that a hook casts back to it. */
typedef struct sm_resource_in {
    char id[37];
    json_t *doc; /* normalised, owned */
    /* If-Match: the versions a replace, merge or delete may apply to (any: "*"; none: any) */
    long long if_versions[8];
    size_t if_count;
    int if_given, if_any;
    long long version;    /* the row's version once written */
    int retry_on_stale;   /* PATCH without If-Match: a concurrent change is merged with again */
    sm_lang request_lang; /* of text to extract skills from, when the body says none */
    /* The stored document a PUT or PATCH replaces, while read or merge runs (borrowed);
     * NULL for a creation, or a PUT of a resource without replace_reads_current. */
    json_t *prior;
} sm_resource_in;

typedef enum sm_write_mode {
    SM_WRITE_CREATE,
    SM_WRITE_REPLACE,
    SM_WRITE_PATCH,
    SM_WRITE_DELETE
} sm_write_mode;

/* What the writer thread's exec and apply hooks get as op->ctx. */
typedef struct sm_resource_ctx {
    sm_resource_in *in;
    char *doc_text; /* in->doc as stored */
    int replace;    /* a PUT or PATCH: the row exists */
} sm_resource_ctx;

typedef struct sm_resource {
    int is_offer;           /* which of the shared messages (not found, changed, busy) */
    const char *collection; /* "/v1/offers/": the Location of a creation */
    size_t in_size;         /* of the resource's own input */
    /* Whether rq may make this write at all (before its body is read): 0, or SM_EANSWERED. */
    int (*admit)(sm_service *s, const sm_request *rq, sm_response *resp, sm_write_mode mode);
    /* A change of what exists (PATCH, DELETE), once more checked against the stored row:
     * 0, or SM_EANSWERED (may be NULL). */
    int (*admit_change)(sm_service *s, const sm_request *rq, sm_response *resp);
    /* A whole body into in (in->doc set), recording field errors. */
    void (*read)(sm_gen *g, json_t *body, sm_resource_in *in, sm_field_errors *fe);
    /* PATCH: the stored document doc (consumed) with patch merged in (RFC 7396), into in. */
    void (*merge)(sm_gen *g, json_t *doc, json_t *patch, sm_resource_in *in, sm_field_errors *fe);
    /* The stored document and version a PATCH merges into: 0, or SM_EANSWERED / SM_ENOMEM. */
    int (*read_current)(sm_service *s, const sm_request *rq, sm_response *resp, json_t **doc,
                        long long *version);
    /* Before a write: id, owner and who writes into in; 0, or SM_EANSWERED. */
    int (*prepare)(const sm_request *rq, sm_response *resp, sm_write_mode mode, sm_resource_in *in);
    /* What the index would refuse of in (sm_matcher_check_*), checked before the transaction
     * so that a committed change always enters the index: 0, SM_EINVAL with err naming the
     * field, or an error. */
    int (*check)(sm_gen *g, sm_resource_in *in, sm_error *err);
    /* The answer to a write (in lang). */
    json_t *(*show)(sm_service *s, sm_gen *g, sm_resource_in *in, sm_write_mode mode, sm_lang lang);
    /* The writer thread's two steps of a write and of a delete (op->ctx: an sm_resource_ctx). */
    int (*exec)(PGconn *c, sm_write_op *op, sm_error *err);
    int (*apply)(sm_gen *g, sm_write_op *op, sm_error *err);
    int (*exec_delete)(PGconn *c, sm_write_op *op, sm_error *err);
    int (*apply_delete)(sm_gen *g, sm_write_op *op, sm_error *err);
    /* After a commit (may be NULL). */
    void (*committed)(sm_service *s, sm_resource_in *in, sm_write_mode mode);
    int idem_names_profile; /* the stored answer is about in->id (erased with the profile) */
    /* A member of the answer never kept for an Idempotency-Key replay (a key in clear: the
     * replay issues a new one, api/server.c), or NULL. */
    const char *secret;
    /* Personal data: each write is audited as "NOUN.create", ".replace", ".patch" or ".erase"
     * (api/audit.h), in the change's transaction; NULL: not audited. */
    const char *audit_noun;
    /* A PUT reads the stored document first (in->prior for read) and is written only over
     * the version read, as a PATCH is. */
    int replace_reads_current;
} sm_resource;

/* One route's write of res: 0, SM_EANSWERED, or an error with nothing answered. */
int sm_resource_write(const sm_resource *res, sm_service *s, sm_gen *g, const sm_request *rq,
                      sm_response *resp, sm_write_mode mode);
/* Creates each object of items (a batch: each validated and written alone, nothing
 * half-applied within one; the valid ones committed together in as few transactions as the
 * writer makes), appending to results one {"index", "status", "id", "offer" | "problem"} per
 * item in order. 0, or SM_ENOMEM (results incomplete). */
int sm_resource_create_many(const sm_resource *res, sm_service *s, sm_gen *g, const sm_request *rq,
                            json_t *items, sm_lang lang, json_t *results);
/* One route's delete of the resource of rq's path (204): 0, SM_EANSWERED, or an error. */
int sm_resource_delete(const sm_resource *res, sm_service *s, const sm_request *rq,
                       sm_response *resp);
/* Validates rq's body (a whole resource) into in, cleared first: 0, or SM_EANSWERED with a
 * 400 in resp. The caller releases in->doc. */
int sm_resource_parse(const sm_resource *res, sm_gen *g, const sm_request *rq, sm_response *resp,
                      sm_resource_in *in);
/* Validation alone, as a creation does it (the fuzz targets): 0, or SM_EANSWERED. */
int sm_resource_check(const sm_resource *res, sm_gen *g, const sm_request *rq, sm_response *resp);

/* Defines the create, replace, merge and delete routes of a resource (sm_route_NAME_create,
 * _put, _patch and _delete, declared in routes.h) as writes of the table res. */
#define SM_RESOURCE_ROUTES(name, res)                                                              \
    int sm_route_##name##_create(sm_service *s, sm_gen *g, const sm_request *rq,                   \
                                 sm_response *resp)                                                \
    {                                                                                              \
        return sm_resource_write(res, s, g, rq, resp, SM_WRITE_CREATE);                            \
    }                                                                                              \
    int sm_route_##name##_put(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)   \
    {                                                                                              \
        return sm_resource_write(res, s, g, rq, resp, SM_WRITE_REPLACE);                           \
    }                                                                                              \
    int sm_route_##name##_patch(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp) \
    {                                                                                              \
        return sm_resource_write(res, s, g, rq, resp, SM_WRITE_PATCH);                             \
    }                                                                                              \
    int sm_route_##name##_delete(sm_service *s, sm_gen *g, const sm_request *rq,                   \
                                 sm_response *resp)                                                \
    {                                                                                              \
        (void)g;                                                                                   \
        return sm_resource_delete(res, s, rq, resp);                                               \
    }

#endif
