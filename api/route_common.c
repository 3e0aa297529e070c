/*
 * route_common.c: what every route shares: skill references resolved (a URI or the UUID ending
 * one) and rendered with their labels, evidence words, skills read from a text, the database
 * handle of a request, role checks, idempotent writes and their failures.
 */
#include "api/messages.h"
#include "api/records.h"
#include "api/routes.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *sm_concept_ref(sm_gen *g, uint32_t id, sm_lang lang)
{
    return json_pack("{s:s, s:s}", "uri", sm_taxonomy_uri(g->tx, id), "label",
                     sm_taxonomy_label_any(g->tx, id, lang));
}

uint32_t sm_resolve_concept(sm_gen *g, json_t *v, const char *path, sm_ref_kind kind,
                            sm_field_errors *fe)
{
    if (!json_is_string(v)) {
        sm_field_error(fe, path, v ? "must be a string (a concept URI)" : "required");
        return SM_NO_CONCEPT;
    }
    uint32_t id = sm_gen_concept(g, json_string_value(v));
    sm_concept_type t = id == SM_NO_CONCEPT ? SM_CT_UNKNOWN : sm_taxonomy_type(g->tx, id);
    if (id == SM_NO_CONCEPT || t == SM_CT_UNKNOWN) {
        sm_field_error(fe, path, "unknown ESCO concept");
        return SM_NO_CONCEPT;
    }
    if (kind == SM_REF_SKILL && !sm_concept_is_skill(t)) {
        sm_field_error(fe, path, "not a skill (%s)", sm_concept_type_name(t));
        return SM_NO_CONCEPT;
    }
    if (kind == SM_REF_OCCUPATION && t != SM_CT_OCCUPATION) {
        sm_field_error(fe, path, "not an occupation (%s)", sm_concept_type_name(t));
        return SM_NO_CONCEPT;
    }
    if (!g->map.cid_of[id] && id < g->map.id_cap) {
        sm_field_error(fe, path, "not stored in the database");
        return SM_NO_CONCEPT;
    }
    return id;
}

int sm_read_evidence(json_t *item, const char *path, sm_field_errors *fe)
{
    const char *ev = sm_get_string(item, path, "evidence", 20, 0, fe);
    if (!ev)
        return SM_EVIDENCE_DECLARED;
    for (int e = 0; sm_evidence_names[e]; e++)
        if (strcmp(ev, sm_evidence_names[e]) == 0)
            return e;
    char p[160];
    sm_field_error(fe, sm_path(p, sizeof p, path, "evidence"),
                   "must be declared, validated, assessed, certified or from_experience");
    return SM_EVIDENCE_DECLARED;
}

void sm_label_skills(sm_gen *g, json_t *doc, sm_lang lang)
{
    static const char *const arrays[] = {"skills", "teaches", "prerequisites"};
    for (size_t a = 0; a < 3; a++) {
        json_t *arr = json_object_get(doc, arrays[a]), *item;
        size_t i;
        json_array_foreach(arr, i, item) {
            json_t *uri = json_object_get(item, "uri");
            uint32_t id =
                json_is_string(uri) ? sm_gen_concept(g, json_string_value(uri)) : SM_NO_CONCEPT;
            if (id != SM_NO_CONCEPT)
                json_object_set_new(item, "label",
                                    json_string(sm_taxonomy_label_any(g->tx, id, lang)));
        }
    }
    json_t *occ = json_object_get(doc, "occupation");
    if (json_is_string(occ)) {
        uint32_t id = sm_gen_concept(g, json_string_value(occ));
        if (id != SM_NO_CONCEPT)
            json_object_set_new(doc, "occupation_label",
                                json_string(sm_taxonomy_label_any(g->tx, id, lang)));
    }
}

json_t *sm_extract_skills(sm_gen *g, const char *text, sm_lang lang, int with_level_field,
                          size_t limit)
{
    (void)with_level_field;
    json_t *out = json_array();
    sm_extraction *x = sm_gen_extraction(g);
    if (!x || !out) {
        sm_gen_extraction_put(g, x);
        json_decref(out);
        return NULL;
    }
    /* The text's language is the request's: its labels first, the other's as a fallback. */
    int n = sm_extract_in(x, text, strlen(text), lang, 1, limit);
    for (int i = 0; i < n; i++) {
        const sm_extracted *e = sm_extraction_get(x, (size_t)i);
        if (sm_extract_shown(e->confidence) < SM_EXTRACT_MIN_CONFIDENCE ||
            !sm_concept_is_skill(sm_taxonomy_type(g->tx, e->concept)))
            continue;
        json_array_append_new(out, json_pack("{s:s, s:b, s:b, s:f}", "uri",
                                             sm_taxonomy_uri(g->tx, e->concept), "essential", 1,
                                             "extracted", 1, "confidence",
                                             sm_extract_shown(e->confidence)));
    }
    sm_gen_extraction_put(g, x);
    return out;
}

void sm_idem_prepare(const sm_request *rq, sm_write_op *op, unsigned status, const char *body)
{
    if (!rq->idem_key)
        return;
    op->idem_scope = rq->idem_scope;
    op->idem_key = rq->idem_key;
    memcpy(op->idem_hash, rq->idem_hash, 32);
    op->idem_status = status;
    op->idem_body = body;
    if (rq->idem_stored)
        *rq->idem_stored = 1;
}

int sm_changed_meanwhile(sm_response *resp, long long version, int offer)
{
    if (version)
        sm_etag(version, resp->etag);
    return offer ? sm_problem(resp, 412,
                              "the offer changed since this version was read (If-Match): "
                              "read it again, then send the change")
                 : sm_problem(resp, 412,
                              "the profile changed since this version was read (If-Match): "
                              "read it again, then send the change");
}

int sm_write_failed(sm_response *resp, const sm_write_op *op, int offer)
{
    if (op->rc == SM_ENOTFOUND)
        return offer ? sm_problem(resp, 404, "no offer with this id")
                     : sm_problem(resp, 404, "no profile with this id");
    if (op->rc == SM_ESTALE)
        return sm_changed_meanwhile(resp, op->current_version, offer);
    if (op->rc == SM_EINVAL)
        return sm_problem(resp, 409, "%s", op->err.message);
    if (op->committed) /* in the database, not yet in the index: the writer rebuilds it */
        return sm_problem(resp, 500,
                          "the change was saved, but searches will find it only once the index "
                          "is rebuilt, within a minute: do not send it again");
    fprintf(stderr, "skillmatch: a write failed: %s\n", op->err.message);
    resp->retry_after = 2;
    if (op->err.code == SM_ETIMEDOUT) /* the commit's fate is unknown */
        return sm_problem(resp, 503,
                          "the database did not answer in time: the change may have been saved; "
                          "read it back, or send it again with the same Idempotency-Key");
    return sm_problem(resp, 503, "the change was not saved: the database is not available now");
}

int sm_db_unavailable(sm_response *resp, const sm_error *err)
{
    /* libpq's words (socket paths, server messages) are for the log, not for clients. */
    fprintf(stderr, "skillmatch: database: %s\n", err->message);
    resp->retry_after = 1;
    if (err->code == SM_ELIMIT)
        return sm_problem(resp, 503, "every database connection is busy: retry shortly");
    return sm_problem(resp, 503, "the database is not available now: retry shortly");
}

PGconn *sm_route_db(sm_service *s, sm_response *resp)
{
    sm_error err = {0};
    PGconn *c = sm_db_get(s->db, 2000, &err);
    if (!c)
        sm_db_unavailable(resp, &err);
    return c;
}

int sm_require_role(const sm_request *rq, sm_response *resp, unsigned roles_mask)
{
    if (SM_ROLEBIT(rq->who.role) & roles_mask)
        return 0;
    sm_problem(resp, 403, "a %s key cannot do this", sm_role_name(rq->who.role));
    return SM_EANSWERED;
}

void sm_concept_describe(sm_gen *g, uint32_t id, json_t *o)
{
    json_t *labels = json_object();
    for (int l = 0; l < SM_LANG_COUNT; l++) {
        json_t *alt = json_array();
        size_t first, n = sm_taxonomy_labels_of(g->tx, id, &first);
        for (size_t i = 0; i < n; i++) {
            sm_label lab = sm_taxonomy_label_at(g->tx, first + i);
            if (lab.lang == l && lab.kind == SM_LABEL_ALT)
                json_array_append_new(alt, json_string(lab.text));
        }
        json_object_set_new(labels, sm_lang_code((sm_lang)l),
                            json_pack("{s:s, s:o}", "preferred",
                                      sm_taxonomy_label(g->tx, id, (sm_lang)l), "alternative",
                                      alt));
    }
    json_object_set_new(o, "labels", labels);
    json_object_set_new(o, "description",
                        json_pack("{s:s, s:s}", "en",
                                  sm_taxonomy_description(g->tx, id, SM_LANG_EN), "fr",
                                  sm_taxonomy_description(g->tx, id, SM_LANG_FR)));
}
