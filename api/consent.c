/*
 * consent.c: consent records of profiles and the texts behind them (see consent.h), and
 * GET /v1/consent.
 */
#include "api/consent.h"
#include "api/messages.h"
#include "api/parse.h"
#include "api/routes.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/arena.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

extern const unsigned char *const sm__consent_data[];

/* api/consent.json, read into memory of its own (a request's JSON lives in that request's
 * arena): at start-up (sm_service_open), else on first use, and again while it fails. */
#define MAX_VERSIONS 32
#define MAX_PURPOSES 8
typedef struct purpose_text {
    const char *name, *en, *fr;
} purpose_text;
typedef struct version_texts {
    const char *version;
    purpose_text purposes[MAX_PURPOSES];
    size_t count;
} version_texts;
static version_texts versions[MAX_VERSIONS];
static size_t version_count;
static const char *current = "";
static pthread_mutex_t texts_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int texts_loaded;

/* A copy through the seam, or NULL. */
static const char *keep(const char *s)
{
    return s ? sm_strdup(s) : NULL;
}

/* Reads api/consent.json into versions[] (outside any request's arena): SM_OK, SM_ENOMEM, or
 * SM_EINVAL when it is not what it must be (a current version among its versions, each purpose
 * with both texts). Nothing is kept on a failure. */
static int load_texts(void)
{
    sm_arena *arena = sm_arena_enter(NULL);
    json_error_t e;
    json_t *texts = json_loads((const char *)sm__consent_data[0], 0, &e), *v;
    int rc = texts ? SM_OK : SM_ENOMEM;
    const char *name;
    const char *cur = texts ? json_string_value(json_object_get(texts, "current")) : NULL;
    if (texts && !cur)
        rc = SM_EINVAL;
    else if (cur && !(current = keep(cur))) {
        current = "";
        rc = SM_ENOMEM;
    }
    json_object_foreach(json_object_get(texts, "versions"), name, v) {
        if (rc != SM_OK || version_count == MAX_VERSIONS)
            break;
        version_texts *vt = &versions[version_count++];
        if (!(vt->version = keep(name)))
            rc = SM_ENOMEM;
        const char *purpose;
        json_t *t;
        json_object_foreach(v, purpose, t) {
            if (rc != SM_OK || vt->count == MAX_PURPOSES)
                break;
            purpose_text *pt = &vt->purposes[vt->count++];
            pt->name = keep(purpose);
            pt->en = keep(json_string_value(json_object_get(t, "en")));
            pt->fr = keep(json_string_value(json_object_get(t, "fr")));
            if (!pt->name || !pt->en || !pt->fr)
                rc = json_is_string(json_object_get(t, "en")) &&
                             json_is_string(json_object_get(t, "fr"))
                         ? SM_ENOMEM
                         : SM_EINVAL;
        }
    }
    json_decref(texts);
    sm_arena_enter(arena);
    int known = 0;
    for (size_t i = 0; rc == SM_OK && i < version_count; i++)
        known |= !strcmp(versions[i].version, current);
    if (rc == SM_OK && !known)
        rc = SM_EINVAL;
    if (rc != SM_OK) { /* nothing kept: tried again on the next call */
        for (size_t i = 0; i < version_count; i++) {
            for (size_t k = 0; k < versions[i].count; k++) {
                sm_free((void *)(uintptr_t)versions[i].purposes[k].name);
                sm_free((void *)(uintptr_t)versions[i].purposes[k].en);
                sm_free((void *)(uintptr_t)versions[i].purposes[k].fr);
            }
            sm_free((void *)(uintptr_t)versions[i].version);
        }
        if (*current)
            sm_free((void *)(uintptr_t)current);
        memset(versions, 0, sizeof versions);
        version_count = 0;
        current = "";
    }
    return rc;
}

int sm_consent_load(void)
{
    if (atomic_load(&texts_loaded))
        return SM_OK;
    pthread_mutex_lock(&texts_lock);
    int rc = atomic_load(&texts_loaded) ? SM_OK : load_texts();
    if (rc == SM_OK)
        atomic_store(&texts_loaded, 1);
    pthread_mutex_unlock(&texts_lock);
    return rc;
}

static const version_texts *find_version(const char *version)
{
    if (sm_consent_load() != SM_OK)
        return NULL;
    for (size_t i = 0; version && i < version_count; i++)
        if (!strcmp(versions[i].version, version))
            return &versions[i];
    return NULL;
}

const char *sm_consent_current(void)
{
    return sm_consent_load() == SM_OK ? current : "";
}

const char *sm_consent_text(const char *version, const char *purpose, sm_lang lang)
{
    const version_texts *vt = find_version(version);
    for (size_t i = 0; vt && i < vt->count; i++)
        if (!strcmp(vt->purposes[i].name, purpose))
            return lang == SM_LANG_FR ? vt->purposes[i].fr : vt->purposes[i].en;
    return NULL;
}

static void utc_now(char out[24])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Whether two optional strings (NULL: none) are the same. */
static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* One purpose's record from value (true/false or an object) against its prior record. */
static json_t *read_purpose(json_t *value, json_t *prior, const char *path, const char *now,
                            int *given_out, sm_field_errors *fe)
{
    /* The record before: an object, or a bare true/false stored before records had times. */
    int had = prior != NULL, prior_given = json_is_true(prior);
    const char *prior_at = NULL, *prior_version = NULL;
    if (json_is_object(prior)) {
        prior_given = json_is_true(json_object_get(prior, "given"));
        prior_at = json_string_value(json_object_get(prior, "at"));
        prior_version = json_string_value(json_object_get(prior, "text_version"));
    }
    int given = 0;
    const char *version = NULL, *at = NULL;
    char p2[96];
    if (json_is_boolean(value)) { /* the answer to the current text */
        given = json_is_true(value);
        version = sm_consent_current();
    } else if (json_is_object(value)) {
        static const char *const keys[] = {"given", "text_version", "at", NULL};
        sm_check_keys(value, path, keys, fe);
        if (!json_is_boolean(json_object_get(value, "given")))
            sm_field_error(fe, sm_path(p2, sizeof p2, path, "given"), "required: true or false");
        given = json_is_true(json_object_get(value, "given"));
        version = sm_get_string(value, path, "text_version", 32, 0, fe);
        if (version && !find_version(version))
            sm_field_error(fe, sm_path(p2, sizeof p2, path, "text_version"),
                           "not a version of the consent texts (GET /v1/consent)");
        json_t *a = json_object_get(value, "at");
        at = json_string_value(a);
        if (a && !json_is_null(a) && (!at || !same(at, prior_at)))
            sm_field_error(fe, sm_path(p2, sizeof p2, path, "at"),
                           "is set by the server when consent is given or withdrawn: leave it "
                           "out");
    } else {
        sm_field_error(fe, path, "must be true, false or {\"given\":…,\"text_version\":…}");
        return NULL;
    }
    *given_out = given;
    /* Unchanged (the same answer to the same text; an object without text_version repeats
     * the answer held): the record stays as it was, time included. */
    if (had && given == prior_given && (version ? same(version, prior_version) : 1))
        return json_is_object(prior) ? json_deep_copy(prior) : json_pack("{s:b}", "given", given);
    return json_pack("{s:b, s:s, s:s}", "given", given, "at", now, "text_version",
                     version ? version : sm_consent_current());
}

void sm_consent_read(json_t *given, json_t *prior, const char *const *purposes,
                     const unsigned *bits, json_t *doc, unsigned *out, sm_field_errors *fe)
{
    if (given && !json_is_null(given) && !json_is_object(given)) {
        sm_field_error(fe, "consent",
                       "must be an object of purposes, each true/false or "
                       "{\"given\":…,\"text_version\":…}");
        return;
    }
    if (given && json_is_object(given))
        sm_check_keys(given, "consent", purposes, fe);
    char now[24], path[64];
    utc_now(now);
    json_t *norm = json_object();
    for (size_t i = 0; purposes[i]; i++) {
        json_t *value = json_object_get(given, purposes[i]);
        json_t *before = json_object_get(prior, purposes[i]);
        json_t *record = NULL;
        int on = 0;
        snprintf(path, sizeof path, "consent.%s", purposes[i]);
        /* Left out: not given (a withdrawal, with its time, when it was given before). */
        if (value && !json_is_null(value))
            record = read_purpose(value, before, path, now, &on, fe);
        else if (before && json_is_true(json_object_get(before, "given")))
            record = read_purpose(json_false(), before, path, now, &on, fe);
        else if (before)
            record = json_deep_copy(before); /* not given, and it was not */
        if (!record)
            record = json_pack("{s:b}", "given", 0), on = 0;
        if (on)
            *out |= bits[i];
        json_object_set_new(norm, purposes[i], record);
    }
    json_object_set_new(doc, "consent", norm);
}

int sm_route_consent(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)s;
    (void)g;
    const char *version = sm_req_query(rq, "version");
    if (!version)
        version = sm_consent_current();
    const version_texts *vt = find_version(version);
    if (!vt) {
        sm_field_errors fe = {0};
        sm_field_error(&fe, "version", "not a version of the consent texts");
        return sm_problem_fields(resp, 400, &fe);
    }
    sm_lang lang = sm_req_lang(rq, NULL);
    json_t *purposes = json_array(), *all = json_array();
    for (size_t i = 0; i < vt->count; i++) {
        const purpose_text *pt = &vt->purposes[i];
        json_array_append_new(purposes, json_pack("{s:s, s:s, s:{s:s, s:s}}", "purpose", pt->name,
                                                  "text", lang == SM_LANG_FR ? pt->fr : pt->en,
                                                  "texts", "fr", pt->fr, "en", pt->en));
    }
    for (size_t i = 0; i < version_count; i++)
        json_array_append_new(all, json_string(versions[i].version));
    return sm_resp_json(resp, 200,
                        json_pack("{s:s, s:s, s:o, s:o}", "version", version, "current",
                                  sm_consent_current(), "purposes", purposes, "versions", all));
}
