/*
 * resource.c: the write pipeline of stored resources (resource.h). The steps, in order: may
 * this key write this kind at all; If-Match; the body validated whole (a PATCH: the stored
 * document with the patch merged in, validated whole, written only over the version read);
 * who writes; the answer rendered before the commit (so that an Idempotency-Key stores it
 * with the change); the writer thread's commit and index update; the answer.
 */
#include "api/resource.h"
#include "api/audit.h"
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/arena.h"

#include <stdio.h>
#include <string.h>

int sm_resource_parse(const sm_resource *res, sm_gen *g, const sm_request *rq, sm_response *resp,
                      sm_resource_in *in)
{
    memset(in, 0, res->in_size);
    json_t *body = sm_parse_body(rq, resp);
    if (!body)
        return SM_EANSWERED;
    sm_body_lang(rq, body, resp);
    in->request_lang = resp->lang;
    sm_field_errors fe = {0};
    unsigned long refused = sm_json_failures();
    res->read(g, body, in, &fe);
    json_decref(body);
    if (sm_json_failures() != refused) { /* a part of the document could not be made */
        json_decref(in->doc);
        in->doc = NULL;
        sm_resp_out_of_memory(resp);
        return SM_EANSWERED;
    }
    if (fe.count) {
        json_decref(in->doc);
        in->doc = NULL;
        sm_problem_fields(resp, 400, &fe);
        return SM_EANSWERED;
    }
    return 0;
}

int sm_resource_check(const sm_resource *res, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    sm_resource_in *in = sm_calloc(1, res->in_size);
    if (!in)
        return sm_problem(resp, 503, "out of memory"), SM_EANSWERED;
    int rc = sm_resource_parse(res, g, rq, resp, in);
    json_decref(in->doc);
    sm_free(in);
    return rc;
}

/* The audit entry of op, a write of in's resource by rq (resource.h, audit_noun). */
static void audit_write(const sm_resource *res, const sm_request *rq, sm_write_mode mode,
                        const sm_resource_in *in, sm_write_op *op, char action[32])
{
    static const char *const verbs[] = {"create", "replace", "patch", "erase"};
    if (!res->audit_noun)
        return;
    snprintf(action, 32, "%s.%s", res->audit_noun, verbs[mode]);
    op->audit_action = action;
    op->audit_profile = in->id;
    sm_audit_actor(&rq->who, op->audit_actor);
}

/* A write staged for the writer thread: its context, operation and answer. */
typedef struct staged {
    sm_resource_ctx w;
    sm_write_op op;
    char *answer, *kept; /* the answer, and as kept for a replay when it differs */
    char action[32];
    unsigned status;
} staged;

static void staged_free(staged *st)
{
    sm_free(st->answer);
    sm_free(st->kept);
    sm_free(st->w.doc_text);
    st->answer = st->kept = st->w.doc_text = NULL;
}

/* Everything before the writer thread: who writes, what the index would refuse, the answer
 * rendered (kept for rq's Idempotency-Key when idem). 0 with st ready, else SM_EANSWERED or an
 * error (st freed). */
static int stage(const sm_resource *res, sm_service *s, sm_gen *g, const sm_request *rq,
                 sm_response *resp, sm_write_mode mode, sm_resource_in *in, staged *st, int idem)
{
    memset(st, 0, sizeof *st);
    int rc = res->prepare(rq, resp, mode, in);
    if (rc)
        return rc;
    if (resp->status >= 400) /* a hook that answered with sm_problem's 0 */
        return SM_EANSWERED;
    sm_error refused = {0};
    if ((rc = res->check(g, in, &refused)) == SM_EINVAL) {
        sm_field_errors fe = {0};
        sm_field_error(&fe, refused.field[0] ? refused.field : "", "%s", sm_error_reason(&refused));
        sm_problem_fields(resp, 400, &fe);
        return SM_EANSWERED; /* answered: nothing staged */
    }
    if (rc)
        return rc;
    int replace = mode != SM_WRITE_CREATE;
    st->w = (sm_resource_ctx){in, sm_json_text(in->doc, JSON_COMPACT | JSON_REAL_PRECISION(12)),
                              replace};
    json_t *shown = res->show(s, g, in, mode, resp->lang);
    st->status = replace ? 200 : 201;
    st->answer = shown ? sm_json_text(shown, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    if (st->answer && idem && rq->idem_key && res->secret && json_object_get(shown, res->secret)) {
        json_object_del(shown, res->secret);
        if (!(st->kept = sm_json_text(shown, JSON_COMPACT | JSON_REAL_PRECISION(12)))) {
            sm_free(st->answer);
            st->answer = NULL;
        }
    }
    json_decref(shown);
    st->op.exec = res->exec;
    st->op.apply = res->apply;
    st->op.ctx = &st->w;
    if (idem)
        sm_idem_prepare(rq, &st->op, st->status, st->kept ? st->kept : st->answer);
    st->op.feed_key = s->feed_key;
    audit_write(res, rq, mode, in, &st->op, st->action);
    if (res->idem_names_profile)
        st->op.idem_profile = in->id;
    if (!st->w.doc_text || !st->answer) {
        staged_free(st);
        return SM_ENOMEM;
    }
    return 0;
}

/* After the writer thread: the answer in resp (the write's, or why it failed). Returns 1 when a
 * PATCH met a concurrent change and may be tried again, else 0. Frees st. */
static int settle(const sm_resource *res, sm_service *s, sm_response *resp, sm_write_mode mode,
                  sm_resource_in *in, staged *st)
{
    int rc = 0;
    if (st->op.rc != SM_OK) {
        if (st->op.rc == SM_ESTALE && mode != SM_WRITE_CREATE && in->retry_on_stale)
            rc = 1;
        else
            sm_write_failed(resp, &st->op, res->is_offer);
    } else {
        if (res->committed)
            res->committed(s, in, mode);
        if (mode == SM_WRITE_CREATE)
            snprintf(resp->location, sizeof resp->location, "%s%s", res->collection, in->id);
        sm_etag(in->version ? in->version : 1, resp->etag);
        sm_resp_text(resp, st->status, NULL, st->answer);
        st->answer = NULL;
    }
    staged_free(st);
    return rc;
}

/* One write of a validated input: committed, answered. Returns 1 when a PATCH met a
 * concurrent change and may be tried again, else 0, SM_EANSWERED or an error. */
static int write_once(const sm_resource *res, sm_service *s, sm_gen *g, const sm_request *rq,
                      sm_response *resp, sm_write_mode mode, sm_resource_in *in)
{
    staged st;
    int rc = stage(res, s, g, rq, resp, mode, in, &st, 1);
    if (rc)
        return rc;
    sm_writer_submit(s->writer, &st.op);
    return settle(res, s, resp, mode, in, &st);
}

int sm_resource_create_many(const sm_resource *res, sm_service *s, sm_gen *g, const sm_request *rq,
                            json_t *items, sm_lang lang, json_t *results)
{
    size_t n = json_array_size(items);
    sm_resource_in **in = sm_calloc(n + 1, sizeof *in);
    staged *st = sm_calloc(n + 1, sizeof *st);
    sm_response *resp = sm_calloc(n + 1, sizeof *resp);
    sm_write_op **ops = sm_calloc(n + 1, sizeof *ops);
    int *state = sm_calloc(n + 1, sizeof *state); /* 0 answered already, 1 staged */
    int rc = in && st && resp && ops && state ? SM_OK : SM_ENOMEM;
    size_t queued = 0;
    for (size_t i = 0; i < n && rc == SM_OK; i++) {
        resp[i].lang = lang;
        json_t *item = json_array_get(items, i);
        if (!(in[i] = sm_calloc(1, res->in_size))) {
            rc = SM_ENOMEM;
            break;
        }
        in[i]->request_lang = lang;
        if (!json_is_object(item)) {
            sm_problem(&resp[i], 400, "each offer must be a JSON object");
            continue;
        }
        sm_field_errors fe = {0};
        unsigned long refused = sm_json_failures();
        res->read(g, item, in[i], &fe);
        if (sm_json_failures() != refused)
            sm_resp_out_of_memory(&resp[i]);
        else if (fe.count)
            sm_problem_fields(&resp[i], 400, &fe);
        else {
            int r = stage(res, s, g, rq, &resp[i], SM_WRITE_CREATE, in[i], &st[i], 0);
            if (r == SM_ENOMEM)
                sm_resp_out_of_memory(&resp[i]);
            else if (!r) {
                state[i] = 1;
                ops[queued++] = &st[i].op;
            }
        }
    }
    if (rc == SM_OK && queued)
        sm_writer_submit_many(s->writer, ops, queued);
    for (size_t i = 0; i < n && in && st && resp && state; i++) {
        if (state[i] && rc == SM_OK)
            settle(res, s, &resp[i], SM_WRITE_CREATE, in[i], &st[i]);
        else if (state[i])
            staged_free(&st[i]); /* never queued */
        if (rc == SM_OK) {
            json_t *body = resp[i].body ? json_loadb(resp[i].body, resp[i].len, 0, NULL) : NULL;
            json_t *r = json_pack("{s:I, s:I}", "index", (json_int_t)i, "status",
                                  (json_int_t)resp[i].status);
            if (resp[i].status == 201 && in[i])
                json_object_set_new(r, "id", json_string(in[i]->id));
            json_object_set_new(r, resp[i].status == 201 ? "offer" : "problem",
                                body ? body : json_null());
            json_array_append_new(results, r);
        }
        sm_free(resp[i].body);
        if (in[i])
            json_decref(in[i]->doc);
        sm_free(in[i]);
    }
    sm_free(in);
    sm_free(st);
    sm_free(resp);
    sm_free(ops);
    sm_free(state);
    return rc;
}

static int version_accepted(const sm_resource_in *client, long long version)
{
    if (!client->if_given || client->if_any)
        return 1;
    for (size_t i = 0; i < client->if_count; i++)
        if (client->if_versions[i] == version)
            return 1;
    return 0;
}

/* PATCH: merged into the version read, written over that version only; a change made
 * meanwhile fails with 412 when the client sent If-Match, else is merged with again. A PUT
 * of a resource with replace_reads_current goes the same way, read against the version read
 * (in->prior) instead of merged into it. */
static int over_current(const sm_resource *res, sm_service *s, sm_gen *g, const sm_request *rq,
                        sm_response *resp, sm_write_mode mode, const sm_resource_in *client,
                        sm_resource_in *in)
{
    if (res->admit_change && res->admit_change(s, rq, resp))
        return SM_EANSWERED;
    json_t *body = mode == SM_WRITE_PATCH ? sm_parse_patch_body(rq, resp) : sm_parse_body(rq, resp);
    if (!body)
        return SM_EANSWERED;
    sm_body_lang(rq, body, resp);
    int rc = SM_OK;
    for (int round = 0;; round++) {
        if (round == SM_PATCH_ROUNDS) {
            rc = sm_patch_busy(resp, res->is_offer);
            break;
        }
        json_t *doc;
        long long version;
        if ((rc = res->read_current(s, rq, resp, &doc, &version)) != 0)
            break;
        if (!version_accepted(client, version)) {
            json_decref(doc);
            rc = sm_changed_meanwhile(resp, version, res->is_offer);
            break;
        }
        memset(in, 0, res->in_size);
        in->request_lang = resp->lang;
        sm_field_errors fe = {0};
        unsigned long refused = sm_json_failures();
        if (mode == SM_WRITE_PATCH)
            res->merge(g, doc, body, in, &fe);
        else {
            in->prior = doc;
            res->read(g, body, in, &fe);
            in->prior = NULL;
            json_decref(doc);
        }
        if (sm_json_failures() != refused) { /* a part of the document could not be made */
            json_decref(in->doc);
            in->doc = NULL;
            sm_resp_out_of_memory(resp);
            rc = SM_EANSWERED;
            break;
        }
        if (fe.count) {
            json_decref(in->doc);
            in->doc = NULL;
            rc = sm_problem_fields(resp, 400, &fe);
            break;
        }
        in->if_given = 1;
        in->if_count = 1;
        in->if_versions[0] = version;
        in->retry_on_stale = !client->if_given || client->if_any; /* any version will do */
        rc = write_once(res, s, g, rq, resp, mode, in);
        json_decref(in->doc);
        in->doc = NULL;
        if (rc != 1)
            break;
    }
    json_decref(body);
    return rc;
}

int sm_resource_write(const sm_resource *res, sm_service *s, sm_gen *g, const sm_request *rq,
                      sm_response *resp, sm_write_mode mode)
{
    if (res->admit(s, rq, resp, mode))
        return SM_EANSWERED;
    sm_resource_in client = {0}; /* what the client's If-Match accepts */
    if (mode != SM_WRITE_CREATE) {
        int given = sm_if_match(rq, client.if_versions, 8, &client.if_count, &client.if_any, resp);
        if (given < 0)
            return SM_EANSWERED;
        client.if_given = given;
    }
    sm_resource_in *in = sm_calloc(1, res->in_size);
    if (!in)
        return SM_ENOMEM;
    int rc;
    if (mode == SM_WRITE_PATCH || (mode == SM_WRITE_REPLACE && res->replace_reads_current))
        rc = over_current(res, s, g, rq, resp, mode, &client, in);
    else if ((rc = sm_resource_parse(res, g, rq, resp, in)) == 0) {
        in->if_given = client.if_given;
        in->if_any = client.if_any;
        in->if_count = client.if_count;
        memcpy(in->if_versions, client.if_versions, sizeof client.if_versions);
        rc = write_once(res, s, g, rq, resp, mode, in);
        json_decref(in->doc);
    }
    sm_free(in);
    return rc;
}

int sm_resource_delete(const sm_resource *res, sm_service *s, const sm_request *rq,
                       sm_response *resp)
{
    if (res->admit(s, rq, resp, SM_WRITE_DELETE) ||
        (res->admit_change && res->admit_change(s, rq, resp)))
        return SM_EANSWERED;
    sm_resource_in *in = sm_calloc(1, res->in_size);
    if (!in)
        return SM_ENOMEM;
    int rc = SM_EANSWERED;
    int given = sm_if_match(rq, in->if_versions, 8, &in->if_count, &in->if_any, resp);
    if (given >= 0 && (rc = res->prepare(rq, resp, SM_WRITE_DELETE, in)) == 0) {
        in->if_given = given;
        sm_resource_ctx w = {in, NULL, 0};
        sm_write_op op;
        memset(&op, 0, sizeof op);
        op.exec = res->exec_delete;
        op.apply = res->apply_delete;
        op.ctx = &w;
        op.feed_key = s->feed_key; /* the feed's name of the erased profile */
        char action[32];
        audit_write(res, rq, SM_WRITE_DELETE, in, &op, action);
        if (sm_writer_submit(s->writer, &op) != SM_OK)
            rc = sm_write_failed(resp, &op, res->is_offer);
        else {
            if (res->committed)
                res->committed(s, in, SM_WRITE_DELETE);
            sm_resp_text(resp, 204, NULL, NULL);
        }
    }
    sm_free(in);
    return rc;
}
