/*
 * http.h: what a route handler sees of a request and gives back, and the
 * helpers every handler uses to answer: JSON bodies, and errors as
 * application/problem+json (RFC 9457) with an `errors` list naming each
 * field. Handlers never touch libmicrohttpd; server.c does.
 *
 * Ownership: a request's strings belong to the server and live until the
 * handler returns. A response owns its body (malloc'd) and is released by
 * the server once sent.
 */
#ifndef SM_HTTP_H
#define SM_HTTP_H

#include "sql/keys.h"
#include "taxonomy/taxonomy.h"

#include <jansson.h>
#include <stddef.h>

typedef struct sm_principal {
    long long key_id; /* 0: no key */
    sm_role role;
    char org[208];       /* the key's organisation */
    char profile_id[40]; /* seeker keys: the profile they are bound to */
    int rate_limit;      /* requests a minute, 0: default */
} sm_principal;

typedef struct sm_request {
    const char *method, *path; /* path without the query string */
    const char *body;          /* NUL-terminated; "" when none */
    size_t body_len;
    char client[64]; /* the peer's address */
    int loopback;
    sm_principal who;
    const char *params[8]; /* captured path segments ({id}) */
    void *conn;            /* for header and query lookups */
    /* A request made in process (tests), without conn: its query parameters as name, value,
     * name, value, …, NULL (may be NULL). */
    const char *const *args;
    /* And its headers, the same way (may be NULL). */
    const char *const *headers;
    /* Idempotency-Key of a POST: the key, who it belongs to, the request's SHA-256; a write
     * route that stores its answer with its change sets *idem_stored. */
    const char *idem_key;
    char idem_scope[72];
    unsigned char idem_hash[32];
    int *idem_stored;
    /* Where a route that reads a stored profile writes its id (40 bytes), so that an answer
     * kept for an Idempotency-Key is erased with the profile and listed in its export. */
    char *about_profile;
} sm_request;

const char *sm_req_header(const sm_request *rq, const char *name);
const char *sm_req_query(const sm_request *rq, const char *name);

typedef struct sm_response {
    unsigned status;
    const char *type; /* Content-Type; NULL: application/json */
    char *body;       /* malloc'd, NUL-terminated; NULL: empty */
    size_t len;
    char location[160];
    char etag[24];        /* an ETag header ("\"v3\""), or empty */
    unsigned retry_after; /* seconds, for 429 and 503 */
    sm_lang lang;         /* of problem titles and details: the request's (sm_req_lang) */
    /* The web pages' (api/web.c): Cache-Control (NULL: no-store), Content-Encoding (NULL:
     * none), and page: the pages' security headers (Content-Security-Policy…). */
    const char *cache, *encoding;
    int page;
    char cookie[320]; /* a Set-Cookie header, or empty (api/session.c) */
} sm_response;

/* The body is json's compact text (json is released). Returns 0 or SM_ENOMEM. */
/* The answer when memory ran out: a 503 with Retry-After and no body (any body dropped);
 * returns SM_ENOMEM. sm_resp_json and problems fall back on it. */
int sm_resp_out_of_memory(sm_response *resp);
int sm_resp_json(sm_response *resp, unsigned status, json_t *json);
/* json written out (json_dumps with flags) into memory of the seam, outside the request's
 * arena: the only way api/ turns a value into text, so that the text may outlive the
 * request (an answer, a document for the writer thread). Freed with sm_free; NULL when out
 * of memory. */
char *sm_json_text(const json_t *json, size_t flags);
/* Takes ownership of text (malloc'd). */
void sm_resp_text(sm_response *resp, unsigned status, const char *type, char *text);

/*
 * Field errors collected while validating a body: each is a path
 * ("skills[3].uri") and a reason ("unknown ESCO concept"), kept in English and French
 * (api/messages.h); the answer shows the request's language.
 */
typedef struct sm_field_errors {
    json_t *list;   /* array of {"field":…,"reason":…}; NULL until the first */
    json_t *french; /* the reasons in French, in the same order */
    size_t count;
} sm_field_errors;

/* Records an error; fmt is an English printf format of the catalog (its French text is
 * formatted with the same arguments). */
/* fmt (English, in the catalog) in lang, formatted with the arguments, into out. */
void sm_msg_format(char *out, size_t cap, sm_lang lang, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void sm_field_error(sm_field_errors *fe, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Adds choices (consumed) to the error recorded last: what the client may pick from. */
void sm_field_error_choices(sm_field_errors *fe, json_t *choices);
void sm_field_errors_clear(sm_field_errors *fe);

/* A problem answer in resp->lang; detail is an English printf format of the catalog. */
int sm_problem(sm_response *resp, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A 400 (or status) listing fe's errors in resp->lang; the detail is the first error. fe is
 * cleared. */
int sm_problem_fields(sm_response *resp, unsigned status, sm_field_errors *fe);

/* The language of justifications, labels and errors: the body's "lang" (when given), else
 * ?lang=, else the first of French and English that Accept-Language names, else French. */
sm_lang sm_req_lang(const sm_request *rq, const char *body_lang);

#endif
