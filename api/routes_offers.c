/*
 * routes_offers.c: job and training offers: create (plain JSON or a schema.org JobPosting),
 * read, replace, patch, delete, list. The stored document is the normalised body; labels are
 * added when it is shown, in the reader's language. A write is validated whole first
 * (offer_body.c), so it applies to whatever generation is current when it commits.
 */
#include "api/offers_internal.h"
#include "taxonomy/base/alloc.h"

/* The row of in, its document doc (a store call reads it while in and doc live). */
static sm_offer_row offer_row(const offer_in *in, const char *doc)
{
    sm_offer_row row = {in->r.id,
                        in->owner,
                        doc,
                        (int)in->kind,
                        in->skills,
                        in->teaches,
                        in->start_dates,
                        (size_t)in->nskills,
                        (size_t)in->nteaches,
                        (size_t)in->nstart,
                        in->located,
                        in->remote,
                        in->lat,
                        in->lon,
                        in->hours,
                        in->duration_hours,
                        in->cost,
                        in->valid_from,
                        in->valid_through,
                        in->occupation_cid,
                        in->flags,
                        in->org_kind,
                        in->contract_type,
                        in->seats,
                        in->funding};
    return row;
}

/* Who may change the offer and which versions (If-Match: none given or "*", any). */
static sm_row_guard offer_guard(const offer_in *in)
{
    sm_row_guard g = {in->owner, in->admin, !in->r.if_given || in->r.if_any, in->r.if_versions,
                      in->r.if_count};
    return g;
}

static int exec_offer(PGconn *c, sm_write_op *op, sm_error *err)
{
    sm_resource_ctx *w = op->ctx;
    offer_in *in = (offer_in *)w->in;
    sm_offer_row row = offer_row(in, w->doc_text);
    long long version = 0;
    if (!w->replace) {
        int rc = sm_store_offer_insert(c, &row, &version, err);
        in->r.version = rc == SM_OK ? version : 0;
        return rc;
    }
    sm_row_guard guard = offer_guard(in);
    int rc = sm_store_offer_update(c, &row, &guard, &version, err);
    in->r.version = rc == SM_OK ? version : 0;
    if (rc == SM_ESTALE) /* the 412 carries the version there is, as PATCH's does */
        op->current_version = version;
    return rc;
}

/* The offer the index holds for in (its requirement arrays given, of SM_MAX_REQUIREMENTS). */
static void offer_of(sm_gen *g, const offer_in *in, sm_offer *o, sm_requirement *reqs,
                     sm_requirement *teaches)
{
    size_t nr = 0, nt = 0;
    for (int i = 0; i < in->nskills; i++) {
        uint32_t cid, id;
        int ess, level;
        sm_unpack_requirement(in->skills[i], &cid, &ess, &level);
        if ((id = sm_concept_id(&g->map, cid)) != SM_NO_CONCEPT)
            reqs[nr++] = (sm_requirement){id, (uint8_t)ess, (uint8_t)level, 0};
    }
    for (int i = 0; i < in->nteaches; i++) {
        uint32_t cid, id;
        int ess, level;
        sm_unpack_requirement(in->teaches[i], &cid, &ess, &level);
        if ((id = sm_concept_id(&g->map, cid)) != SM_NO_CONCEPT)
            teaches[nt++] = (sm_requirement){id, 1, (uint8_t)level, 0};
    }
    memset(o, 0, sizeof *o);
    o->id = in->r.id;
    o->title = in->title;
    o->kind = in->kind;
    o->requirements = reqs;
    o->requirement_count = nr;
    o->teaches = teaches;
    o->teach_count = nt;
    o->location.known = in->located;
    o->location.lat = in->lat;
    o->location.lon = in->lon;
    o->remote = in->remote;
    o->hours = in->hours;
    o->valid_from = in->valid_from;
    o->valid_through = in->valid_through;
    o->occupation = in->occupation_cid ? sm_concept_id(&g->map, in->occupation_cid) : SM_NO_CONCEPT;
    o->flags = in->flags;
    o->org_kind = in->org_kind;
    o->contract_type = in->contract_type;
    o->duration_hours = in->duration_hours;
    o->cost = in->cost;
    o->seats = in->seats;
    o->funding = in->funding;
    o->start_dates = in->start_dates;
    o->start_date_count = (size_t)in->nstart;
}

static int check_offer(sm_gen *g, sm_resource_in *base, sm_error *err)
{
    sm_requirement reqs[SM_MAX_REQUIREMENTS], teaches[SM_MAX_REQUIREMENTS];
    sm_offer o;
    offer_of(g, (offer_in *)base, &o, reqs, teaches);
    return sm_matcher_check_offer(g->m, &o, err);
}

static int apply_offer(sm_gen *g, sm_write_op *op, sm_error *err)
{
    sm_requirement reqs[SM_MAX_REQUIREMENTS], teaches[SM_MAX_REQUIREMENTS];
    sm_offer o;
    offer_of(g, (offer_in *)((sm_resource_ctx *)op->ctx)->in, &o, reqs, teaches);
    return sm_matcher_upsert_offer(g->m, &o, err);
}

/* The offer as shown: the stored document with its id, owner, times and labels. */
static json_t *render_offer(sm_gen *g, json_t *doc, const char *id, const char *owner,
                            const char *created, const char *updated, sm_lang lang)
{
    json_t *out = json_pack("{s:s}", "id", id);
    json_object_update(out, doc);
    if (owner)
        json_object_set_new(out, "owner", json_string(owner));
    if (created)
        json_object_set_new(out, "created_at", json_string(created));
    if (updated)
        json_object_set_new(out, "updated_at", json_string(updated));
    sm_label_skills(g, out, lang);
    return out;
}

/*
 * What an answer to the offer's owner adds: what keeps the offer from being found as they
 * meant it (warnings, in lang): a closing date already past, a job with no place that is not
 * remote, funding names skillmatch does not know (kept and shown, never counted by paths).
 */
static void advise_offer(json_t *shown, json_t *doc, sm_lang lang)
{
    json_t *warnings = json_array();
    sm_field_errors ignored = {0};
    int32_t through = 0;
    if (sm_get_date(doc, "", "valid_through", &through, &ignored) && through < sm_today())
        json_array_append_new(
            warnings, json_pack("{s:s, s:s}", "field", "valid_through", "reason",
                                sm_msg("already past: the offer is in no match, candidate search, "
                                       "path or demand count until the date is changed",
                                       lang)));
    const char *kind = json_string_value(json_object_get(doc, "kind"));
    if (kind && !strcmp(kind, "job") && !json_is_object(json_object_get(doc, "location")) &&
        !json_is_true(json_object_get(doc, "remote")))
        json_array_append_new(
            warnings, json_pack("{s:s, s:s}", "field", "location", "reason",
                                sm_msg("no place, and not remote: people who give a distance "
                                       "never see it as near; add {\"lat\":…,\"lon\":…} or "
                                       "\"remote\": true",
                                       lang)));
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(doc, "funding"), i, v) {
        if (sm_funding_bit(json_string_value(v)))
            continue;
        char field[48];
        json_array_append_new(
            warnings,
            json_pack("{s:s, s:s}", "field", sm_path_index(field, sizeof field, "funding", i),
                      "reason",
                      sm_msg("not a scheme skillmatch knows (CPF, OPCO, France Travail, region, "
                             "employer, PIC, AGEFIPH, self): shown with the training, but "
                             "training paths cannot count it",
                             lang)));
    }
    json_object_set_new(shown, "warnings", warnings);
}

static unsigned roles_for(sm_offer_kind kind)
{
    return SM_ROLEBIT(SM_ROLE_ADMIN) |
           SM_ROLEBIT(kind == SM_OFFER_JOB ? SM_ROLE_INCLUSION_ORG : SM_ROLE_TRAINING_PROVIDER);
}

/* Whether the key may write offers at all, and a path's id is one (404 otherwise). */
static int admit_offer(sm_service *s, const sm_request *rq, sm_response *resp, sm_write_mode mode)
{
    (void)s;
    if (sm_require_role(rq, resp,
                        SM_ROLEBIT(SM_ROLE_ADMIN) | SM_ROLEBIT(SM_ROLE_INCLUSION_ORG) |
                            SM_ROLEBIT(SM_ROLE_TRAINING_PROVIDER)))
        return SM_EANSWERED;
    if (mode != SM_WRITE_CREATE && !sm_is_uuid(rq->params[0]))
        return sm_problem(resp, 404, "no offer with this id");
    return 0;
}

/* Whether rq's key has the wrong role for the kind of the offer it changes (a 403 in resp, as
 * for every write of that kind: offers are public, so the 403 tells nothing new). */
static int offer_role_refused(sm_service *s, const sm_request *rq, sm_response *resp)
{
    if (rq->who.role == SM_ROLE_ADMIN)
        return 0;
    sm_error err = {0};
    PGconn *c = sm_db_get(s->db, 2000, &err);
    int kind = -1;
    int rc = c ? sm_store_offer_kind(c, rq->params[0], NULL, 1, &kind, &err) : SM_EIO;
    sm_db_put(s->db, c);
    if (rc == SM_EIO)
        return sm_db_unavailable(resp, &err), 1;
    return rc == SM_OK &&
           sm_require_role(rq, resp, roles_for(kind == 1 ? SM_OFFER_TRAINING : SM_OFFER_JOB));
}

/* The stored document and version of an offer this key may change (PATCH merges into it):
 * 0, or SM_EANSWERED with resp filled (404, 503). */
static int read_current_offer(sm_service *s, const sm_request *rq, sm_response *resp, json_t **doc,
                              long long *version)
{
    sm_error err = {0};
    PGconn *c = sm_route_db(s, resp);
    if (!c)
        return SM_EANSWERED;
    char *text = NULL;
    int rc = sm_store_offer_doc(c, rq->params[0], rq->who.org, rq->who.role == SM_ROLE_ADMIN, &text,
                                version, &err);
    sm_db_put(s->db, c);
    if (rc == SM_ENOTFOUND)
        return sm_problem(resp, 404, "no offer with this id"), SM_EANSWERED;
    if (rc != SM_OK)
        return rc == SM_ENOMEM ? rc : (sm_db_unavailable(resp, &err), SM_EANSWERED);
    *doc = json_loads(text, 0, NULL);
    sm_free(text);
    return *doc ? 0
                : (sm_problem(resp, 500, "internal error (%s)", "stored document"), SM_EANSWERED);
}

/* PATCH: validated whole as a plain offer of the same kind; "source" is ours, not the
 * client's, and is kept as it was. */
static void merge_offer(sm_gen *g, json_t *doc, json_t *patch, sm_resource_in *base,
                        sm_field_errors *fe)
{
    offer_in *in = (offer_in *)base;
    json_t *source = json_incref(json_object_get(doc, "source"));
    json_object_del(doc, "source");
    /* A location that names a new place replaces the stored one whole ({"place":…} over
     * stored coordinates); a patch of its label alone merges. */
    if (sm_location_names_place(json_object_get(patch, "location")))
        json_object_del(doc, "location");
    json_t *merged = sm_merge_patch(doc, patch);
    if (!json_equal(json_object_get(merged, "kind"), json_object_get(doc, "kind")))
        sm_field_error(fe, "kind", "cannot change: delete the offer and post a new one");
    json_decref(doc);
    if (!fe->count)
        sm__read_offer(g, merged, in, fe);
    json_decref(merged);
    if (source && !fe->count)
        json_object_set_new(in->r.doc, "source", source);
    else
        json_decref(source);
}

static int prepare_offer(const sm_request *rq, sm_response *resp, sm_write_mode mode,
                         sm_resource_in *base)
{
    offer_in *in = (offer_in *)base;
    if (mode != SM_WRITE_DELETE && sm_require_role(rq, resp, roles_for(in->kind)))
        return SM_EANSWERED; /* a delete's kind was checked against the row (admit_change) */
    if (mode != SM_WRITE_CREATE)
        snprintf(in->r.id, sizeof in->r.id, "%s", rq->params[0]);
    else if (sm_uuid_generate(in->r.id) != SM_OK)
        return sm_problem(resp, 503, "no random bytes available");
    snprintf(in->owner, sizeof in->owner, "%s", rq->who.org);
    in->admin = rq->who.role == SM_ROLE_ADMIN;
    return 0;
}

static json_t *show_offer(sm_service *s, sm_gen *g, sm_resource_in *base, sm_write_mode mode,
                          sm_lang lang)
{
    (void)s;
    (void)mode;
    offer_in *in = (offer_in *)base;
    json_t *shown = render_offer(g, in->r.doc, in->r.id, in->owner, NULL, NULL, lang);
    advise_offer(shown, in->r.doc, lang);
    return shown;
}

static int exec_offer_delete(PGconn *c, sm_write_op *op, sm_error *err)
{
    offer_in *in = (offer_in *)((sm_resource_ctx *)op->ctx)->in;
    sm_row_guard guard = offer_guard(in);
    int kind = 0;
    long long version = 0;
    int rc = sm_store_offer_delete(c, in->r.id, &guard, &kind, &version, err);
    if (rc == SM_ESTALE)
        op->current_version = version;
    return rc;
}

static int apply_offer_delete(sm_gen *g, sm_write_op *op, sm_error *err)
{
    (void)err;
    offer_in *in = (offer_in *)((sm_resource_ctx *)op->ctx)->in;
    int rc = sm_matcher_delete_offer(g->m, in->r.id);
    return rc == SM_ENOTFOUND ? SM_OK : rc; /* an offer the index had refused */
}

static const sm_resource offer_resource = {
    .is_offer = 1,
    .collection = "/v1/offers/",
    .in_size = sizeof(offer_in),
    .admit = admit_offer,
    .admit_change = offer_role_refused,
    .read = sm__read_offer_body,
    .merge = merge_offer,
    .read_current = read_current_offer,
    .prepare = prepare_offer,
    .check = check_offer,
    .show = show_offer,
    .exec = exec_offer,
    .apply = apply_offer,
    .exec_delete = exec_offer_delete,
    .apply_delete = apply_offer_delete,
};

int sm_offer_check(sm_gen *g, const sm_request *rq, sm_response *resp)
{
    return sm_resource_check(&offer_resource, g, rq, resp);
}

SM_RESOURCE_ROUTES(offer, &offer_resource)

int sm_offers_import(PGconn *c, sm_gen *g, const char *text, size_t len, const char *file,
                     const char *owner, size_t *created, size_t *failed, sm_error *err)
{
    *created = *failed = 0;
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t'))
        i++;
    int array = i < len && text[i] == '[';
    json_t *items = json_array();
    json_t *lines = json_array(); /* each item's line in the file */
    if (array) {
        json_error_t e;
        json_t *all = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
        if (!json_is_array(all)) {
            json_decref(all);
            json_decref(items);
            json_decref(lines);
            return sm_error_set(err, SM_EPARSE, "%s: line %d, column %d: %s", file, e.line,
                                e.column, all ? "not a JSON array" : e.text);
        }
        json_decref(items);
        items = all;
        for (size_t k = 0; k < json_array_size(items); k++)
            json_array_append_new(lines, json_integer(0));
    } else {
        int line = 0;
        const char *at = text, *p;
        size_t n;
        while ((p = sm_next_line(&at, text + len, &n, &line))) {
            json_error_t e;
            json_t *j = json_loadb(p, n, JSON_REJECT_DUPLICATES, &e);
            if (!j) {
                json_decref(items);
                json_decref(lines);
                return sm_error_set(err, SM_EPARSE, "%s: line %d, column %d: %s", file, line,
                                    e.column, e.text);
            }
            json_array_append_new(items, j);
            json_array_append_new(lines, json_integer(line));
        }
    }
    int rc = sm_db_begin(c, err);
    json_t *item;
    size_t k;
    json_array_foreach(items, k, item) {
        if (rc != SM_OK)
            break;
        char where[64];
        long long line = json_integer_value(json_array_get(lines, k));
        if (line)
            snprintf(where, sizeof where, "line %lld", line);
        else
            snprintf(where, sizeof where, "offer %zu", k + 1);
        offer_in *in = sm_calloc(1, sizeof *in);
        if (!in) {
            rc = sm_error_set(err, SM_ENOMEM, "out of memory");
            break;
        }
        in->r.request_lang = SM_LANG_FR;
        sm_field_errors fe = {0};
        if (!json_is_object(item))
            sm_field_error(&fe, "", "must be a JSON object");
        else
            sm__read_offer_body(g, item, &in->r, &fe);
        sm_error refused = {0};
        snprintf(in->owner, sizeof in->owner, "%s", owner);
        if (sm_uuid_generate(in->r.id) != SM_OK)
            rc = sm_error_set(err, SM_EIO, "no random bytes available");
        else if (!fe.count && check_offer(g, &in->r, &refused) == SM_EINVAL)
            sm_field_error(&fe, refused.field, "%s", sm_error_reason(&refused));
        if (fe.count) {
            json_t *f;
            size_t j;
            json_array_foreach(fe.list, j, f)
                fprintf(stderr, "%s: %s: %s: %s\n", file, where,
                        json_string_value(json_object_get(f, "field")),
                        json_string_value(json_object_get(f, "reason")));
            json_decref(fe.list);
            json_decref(fe.french);
            (*failed)++;
        } else if (rc == SM_OK) {
            char *doc = sm_json_text(in->r.doc, JSON_COMPACT | JSON_REAL_PRECISION(12));
            sm_offer_row row = offer_row(in, doc ? doc : "{}");
            long long version = 0;
            rc = doc ? sm_store_offer_insert(c, &row, &version, err)
                     : sm_error_set(err, SM_ENOMEM, "out of memory");
            sm_free(doc);
            if (rc == SM_OK)
                (*created)++;
        }
        json_decref(in->r.doc);
        sm_free(in);
    }
    json_decref(items);
    json_decref(lines);
    if (rc == SM_OK && *failed)
        rc = sm_error_set(err, SM_EINVAL,
                          "%s: %zu offers refused (said above): nothing stored; fix them and "
                          "import the file again",
                          file, *failed);
    if (rc == SM_OK)
        rc = sm_db_commit(c, err);
    if (rc != SM_OK) {
        sm_db_rollback(c);
        *created = 0;
    }
    return rc;
}

/* POST /v1/offers/batch: up to SM_OFFER_BATCH_MAX offers in any shape POST /v1/offers takes
 * (ours, schema.org JobPosting, France Travail's), as a JSON array or NDJSON. Each is
 * validated and written alone (one status per offer, nothing half-applied within one); the
 * valid ones are committed together, in as few transactions as the writer makes. */
int sm_route_offers_batch(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    if (offer_resource.admit(s, rq, resp, SM_WRITE_CREATE))
        return SM_EANSWERED;
    json_t *items = sm_parse_body_list(rq, resp, SM_OFFER_BATCH_MAX);
    if (!items)
        return SM_EANSWERED;
    sm_lang lang = sm_req_lang(rq, NULL);
    json_t *results = json_array();
    int rc = sm_resource_create_many(&offer_resource, s, g, rq, items, lang, results);
    json_decref(items);
    if (rc != SM_OK) {
        json_decref(results);
        return rc;
    }
    size_t created = 0, i;
    json_t *r;
    json_array_foreach(results, i, r)
        created += json_integer_value(json_object_get(r, "status")) == 201;
    return sm_resp_json(resp, 200,
                        json_pack("{s:I, s:I, s:o}", "created", (json_int_t)created, "failed",
                                  (json_int_t)(json_array_size(results) - created), "items",
                                  results));
}

int sm_route_offer_get(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    if (!sm_is_uuid(rq->params[0]))
        return sm_problem(resp, 404, "no offer with this id");
    sm_error err = {0};
    PGconn *c = sm_route_db(s, resp);
    if (!c)
        return 0;
    sm_rows *rows;
    int rc = sm_store_offer_get(c, rq->params[0], &rows, &err);
    sm_db_put(s->db, c);
    if (rc == SM_ENOTFOUND)
        return sm_problem(resp, 404, "no offer with this id");
    if (rc != SM_OK)
        return rc == SM_ENOMEM ? rc : sm_db_unavailable(resp, &err);
    sm_offer_shown o = sm_offer_rows_at(rows, 0);
    json_t *doc = json_loads(o.doc, 0, NULL);
    json_t *out =
        render_offer(g, doc, rq->params[0], o.owner, o.created_at, o.updated_at, resp->lang);
    if (rq->who.role == SM_ROLE_ADMIN || (rq->who.key_id && !strcmp(rq->who.org, o.owner)))
        advise_offer(out, doc, resp->lang); /* for the owner only */
    sm_etag(o.version, resp->etag);
    json_decref(doc);
    sm_rows_free(rows);
    return sm_resp_json(resp, 200, out);
}

int sm_route_offer_list(sm_service *s, sm_gen *g, const sm_request *rq, sm_response *resp)
{
    const char *kind = sm_req_query(rq, "kind"), *cursor = sm_req_query(rq, "cursor"),
               *mine = sm_req_query(rq, "mine"), *rome_q = sm_req_query(rq, "rome");
    sm_field_errors fe = {0};
    /* rome=D1505: the offers named by that ROME code (any case) */
    char rome[6] = "";
    if (rome_q) {
        long j = g->rome ? sm_rome_job_find(g->rome, rome_q) : -1;
        if (j < 0)
            sm_field_error(&fe, "rome",
                           g->rome ? "no such ROME code" : "no ROME repertoire is loaded");
        else
            snprintf(rome, sizeof rome, "%s", sm_rome_job_at(g->rome, (size_t)j)->code);
    }
    if (kind && strcmp(kind, "job") && strcmp(kind, "training"))
        sm_field_error(&fe, "kind", "must be job or training");
    long long limit = sm_query_int(rq, "limit", 1, 200, 20, NULL, &fe);
    if (cursor && !sm_is_uuid(cursor))
        sm_field_error(&fe, "cursor", "not a cursor this service gave");
    int only_mine = mine && strcmp(mine, "true") == 0;
    if (mine && !only_mine && strcmp(mine, "false"))
        sm_field_error(&fe, "mine", "must be true or false");
    if (only_mine && !rq->who.key_id)
        return sm_problem(resp, 401, "mine=true needs an API key");
    if (fe.count)
        return sm_problem_fields(resp, 400, &fe);
    int kind_code = kind ? strcmp(kind, "training") == 0 : -1;
    const char *owner = only_mine ? rq->who.org : NULL;
    sm_error err = {0};
    PGconn *c = sm_route_db(s, resp);
    if (!c)
        return 0;
    sm_rows *rows = NULL;
    const char *rome_p = *rome ? rome : NULL;
    int rc =
        sm_store_offer_page(c, kind_code, cursor, owner, rome_p, (size_t)limit + 1, &rows, &err);
    /* The total: the index counts offers by kind; an owner's share or a code's needs the
     * database. */
    size_t total = 0;
    if (rc == SM_OK && (only_mine || rome_p))
        rc = sm_store_offer_count(c, kind_code, owner, rome_p, &total, &err);
    else if (!kind)
        total = sm_matcher_offer_count(g->m, SM_OFFER_JOB) +
                sm_matcher_offer_count(g->m, SM_OFFER_TRAINING);
    else
        total = sm_matcher_offer_count(g->m, kind_code ? SM_OFFER_TRAINING : SM_OFFER_JOB);
    sm_db_put(s->db, c);
    if (rc != SM_OK) {
        sm_rows_free(rows);
        return rc == SM_ENOMEM ? rc : sm_db_unavailable(resp, &err);
    }
    json_t *items = json_array();
    size_t count = sm_rows_count(rows), shown = count > (size_t)limit ? (size_t)limit : count;
    sm_lang lang = sm_req_lang(rq, NULL);
    for (size_t i = 0; i < shown; i++) {
        sm_offer_shown o = sm_offer_rows_at(rows, i);
        json_t *doc = json_loads(o.doc, 0, NULL);
        json_array_append_new(
            items, render_offer(g, doc, o.id, o.owner, o.created_at, o.updated_at, lang));
        json_decref(doc);
    }
    json_t *out = json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total);
    json_object_set_new(out, "next_cursor",
                        count > (size_t)limit ? json_string(sm_offer_rows_at(rows, shown - 1).id)
                                              : json_null());
    sm_rows_free(rows);
    return sm_resp_json(resp, 200, out);
}
