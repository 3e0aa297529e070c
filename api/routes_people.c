/*
 * routes_people.c: what admins review of personal data: GET /v1/audit (who read or changed
 * which profile, by its keyed hash) and GET /v1/feedback (what people said of the matches
 * they were shown). Both pages by cursor, oldest first (items, next_cursor).
 */
#include "api/audit.h"
#include "api/routes.h"
#include "sql/audit.h"
#include "sql/keys.h"
#include "sql/profiles.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The page's end: next_cursor is the last item's id when more may follow. */
static json_t *page(json_t *items, size_t count, size_t limit, long long last_id)
{
    json_t *out = json_pack("{s:o}", "items", items);
    char cursor[24];
    snprintf(cursor, sizeof cursor, "%lld", last_id);
    json_object_set_new(out, "next_cursor", count > limit ? json_string(cursor) : json_null());
    return out;
}

/* An admin's request for a page: 0 with its cursor and limit read (errors in fe), or
 * SM_EANSWERED (403, 401). */
static int page_request(const sm_request *rq, sm_response *resp, long long *after, long long *limit,
                        sm_field_errors *fe)
{
    if (sm_require_role(rq, resp, SM_ROLEBIT(SM_ROLE_ADMIN)))
        return SM_EANSWERED;
    *after =
        sm_query_int(rq, "cursor", 0, INT64_MAX, 0, "must be a next_cursor of an earlier page", fe);
    *limit = sm_query_int(rq, "limit", 1, 1000, 100, NULL, fe);
    return 0;
}

int sm_route_audit(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)g;
    sm_field_errors fe = {0};
    long long after, limit;
    if (page_request(rq, resp, &after, &limit, &fe))
        return 0;
    const char *profile = sm_req_query(rq, "profile"), *actor = sm_req_query(rq, "actor");
    if (profile && !sm_is_uuid(profile))
        sm_field_error(&fe, "profile", "must be the id of a profile (a UUID)");
    if (actor && (strlen(actor) > 31 || !*actor))
        sm_field_error(&fe, "actor", "must be \"key:ID\", \"anonymous\" or \"system\"");
    if (fe.count)
        return sm_problem_fields(resp, 400, &fe);
    /* A profile is looked for by its keyed hash, as the entries name it. */
    char object[37];
    if (profile)
        sm_feed_id(s->feed_key, profile, object);
    sm_error err = {0};
    PGconn *c = sm_route_db(s, resp);
    if (!c)
        return 0;
    sm_rows *rows = NULL;
    int rc =
        sm_audit_page(c, after, (size_t)limit + 1, profile ? object : NULL, actor, &rows, &err);
    sm_db_put(s->db, c);
    if (rc != SM_OK)
        return rc == SM_ENOMEM ? rc : sm_db_unavailable(resp, &err);
    size_t count = sm_rows_count(rows), shown = count > (size_t)limit ? (size_t)limit : count;
    json_t *items = json_array();
    long long last = after;
    for (size_t i = 0; i < shown; i++) {
        sm_audit_entry e = sm_audit_rows_at(rows, i);
        json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)e.id,
                                               "at", e.at, "actor", e.actor, "action", e.action,
                                               "object", e.object));
        last = e.id;
    }
    sm_rows_free(rows);
    json_t *out = page(items, count, (size_t)limit, last);
    json_object_set_new(out, "retention_days", json_integer(atomic_load(&s->audit_days)));
    return sm_resp_json(resp, 200, out);
}

int sm_route_feedback_list(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    (void)g;
    sm_field_errors fe = {0};
    long long after, limit;
    if (page_request(rq, resp, &after, &limit, &fe))
        return 0;
    if (fe.count)
        return sm_problem_fields(resp, 400, &fe);
    sm_error err = {0};
    PGconn *c = sm_route_db(s, resp);
    if (!c)
        return 0;
    sm_rows *rows = NULL;
    int rc = sm_store_feedback_page(c, after, (size_t)limit + 1, &rows, &err);
    sm_db_put(s->db, c);
    if (rc != SM_OK)
        return rc == SM_ENOMEM ? rc : sm_db_unavailable(resp, &err);
    size_t count = sm_rows_count(rows), shown = count > (size_t)limit ? (size_t)limit : count;
    json_t *items = json_array();
    long long last = after;
    for (size_t i = 0; i < shown; i++) {
        sm_feedback_shown f = sm_feedback_rows_at(rows, i);
        /* what a person wrote, read by an admin: audited */
        sm_audit_note(s->audit, &rq->who, "profile.feedback_review", f.profile_id, 0);
        json_array_append_new(items,
                              json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)f.id,
                                        "profile_id", f.profile_id, "offer_id", f.offer_id, "kind",
                                        f.kind, "comment", f.comment, "at", f.at));
        last = f.id;
    }
    sm_rows_free(rows);
    return sm_resp_json(resp, 200, page(items, count, (size_t)limit, last));
}
