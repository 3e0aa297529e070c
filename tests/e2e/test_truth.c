/*
 * test_truth.c: every answer true and private, end to end (the real server on a private
 * PostgreSQL, tests/e2e/harness.h).
 *
 * - sentences_agree_with_fields: a property test over random offers, trainings and profiles
 *   (a fixed seed, printed; SM_TEST_SEED sets another), in French and English: every sentence
 *   of /v1/match (jobs and trainings), candidates, near-candidates and paths is the one the
 *   structured fields of the same answer call for (tests/e2e/sentences.h), statuses obey their
 *   one definition, counts and fits agree, and /v1/gaps lists exactly what the match lists as
 *   lacked for the same offer.
 * - demand_resists_differencing: consenting profiles are added and removed one at a time in
 *   grid cells with counts below and above 5; nested and overlapping areas, filters and weeks
 *   are asked each time (the sweep and the weekly snapshot forced through the test hook, never
 *   by sleeping). Every answer must equal the sum of its cells' published counts computed from
 *   the test's own ground truth, and no answer may change while every cell's count stays in
 *   the same published class: no combination of answers tells a count below 5.
 */
#include "api/service.h"
#include "taxonomy/loader.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/sentences.h"

#include <math.h>

static unsigned long long rng = 0x5eed2026ULL;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static double haversine(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = 3.14159265358979323846 / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 6371.0 * 2 * atan2(sqrt(a), sqrt(1 - a));
}

/* ---- the data ------------------------------------------------------------------------ */

/* This suite's keys: thousands of requests a minute, beyond the default rate limits. */
static char org[64], provider[64], admin[64];

static const char **skills;
static size_t skill_count;

typedef struct place {
    int located, remote;
    double lat, lon;
} place;

typedef struct offer {
    char id[40];
    place at;
    int training;
} offer;

#define JOBS 1200
#define TRAININGS 300
#define STORED 600
static offer offers[JOBS + TRAININGS + 64];
static size_t offer_count;
static char stored_ids[STORED][40];
static place stored_at[STORED];
static size_t stored_count;

static int load_skills(void)
{
    sm_load_options opts = {"tests/fixtures/esco", NULL};
    sm_taxonomy *tx;
    sm_error err = {0};
    if (sm_taxonomy_load(&opts, &tx, NULL, &err) != SM_OK)
        return -1;
    skills = calloc(sm_taxonomy_count(tx), sizeof *skills);
    for (uint32_t c = 0; c < sm_taxonomy_count(tx); c++)
        if (sm_concept_is_skill(sm_taxonomy_type(tx, c)) &&
            sm_taxonomy_type(tx, c) != SM_CT_UNKNOWN)
            skills[skill_count++] = strdup(sm_taxonomy_uri(tx, c));
    sm_taxonomy_free(tx);
    return skill_count > 20 ? 0 : -1;
}

/* A point in mainland France, or none (one in eight). */
static place random_place(int may_be_remote)
{
    place p = {0, 0, 0, 0};
    if (may_be_remote && rnd(14) == 0) {
        p.remote = 1;
        return p;
    }
    if (rnd(8) == 0)
        return p;
    p.located = 1;
    /* The very numbers the server reads from the JSON ("%.4f"): a place on a square's edge
     * then falls on the same side for both. */
    char text[32];
    snprintf(text, sizeof text, "%.4f", 43.3 + rnd(6000) / 1000.0);
    p.lat = strtod(text, NULL);
    snprintf(text, sizeof text, "%.4f", -0.5 + rnd(7000) / 1000.0);
    p.lon = strtod(text, NULL);
    return p;
}

static void put_place(sb *b, const place *p)
{
    if (p->located)
        sb_put(b, ",\"location\":{\"lat\":%.4f,\"lon\":%.4f}", p->lat, p->lon);
    if (p->remote)
        sb_put(b, ",\"remote\":true");
}

/* A list of n distinct skills as JSON items; essential/level at random. */
static void put_skills(sb *b, const char *key, size_t n, int with_essential, int with_level,
                       const char **chosen)
{
    sb_put(b, ",\"%s\":[", key);
    for (size_t i = 0; i < n; i++) {
        const char *uri;
        int dup;
        do {
            /* Half among the first 40 skills: offers and people then meet often. */
            uri = skills[rnd(2) ? rnd(skill_count < 40 ? (unsigned)skill_count : 40)
                                : rnd((unsigned)skill_count)];
            dup = 0;
            for (size_t k = 0; k < i; k++)
                dup |= chosen[k] == uri;
        } while (dup);
        chosen[i] = uri;
        sb_put(b, "%s{\"uri\":\"%s\"", i ? "," : "", uri);
        if (with_essential)
            sb_put(b, ",\"essential\":%s", rnd(3) ? "true" : "false");
        if (with_level && rnd(3) == 0)
            sb_put(b, ",\"level\":%u", 1 + rnd(8));
        sb_put(b, "}");
    }
    sb_put(b, "]");
}

static int make_data(void)
{
    sb b;
    const char *chosen[16];
    static const char *const schemes[] = {"CPF", "OPCO", "France Travail", "region"};
    for (int i = 0; i < JOBS + TRAININGS; i++) {
        offer *o = &offers[offer_count];
        o->training = i >= JOBS;
        o->at = random_place(1);
        b.n = 0;
        b.s[0] = '\0';
        if (!o->training) {
            sb_put(&b, "{\"kind\":\"job\",\"title\":\"Offre %d\"", i);
            put_skills(&b, "skills", 1 + rnd(8), 1, 1, chosen);
        } else {
            /* Hours and euros with and without decimals, as providers give them. */
            static const char *const cents[] = {"", ".5", ".25", ".99", ".05"};
            sb_put(&b,
                   "{\"kind\":\"training\",\"title\":\"Formation %d\",\"duration_hours\":%u%s,"
                   "\"cost\":%u%s",
                   i, 7 * (1 + rnd(40)), rnd(3) ? "" : cents[1 + rnd(2)],
                   rnd(3) ? 100 * rnd(20) : 0, rnd(2) ? "" : cents[rnd(5)]);
            put_skills(&b, "teaches", 1 + rnd(4), 0, 1, chosen);
            if (rnd(3) == 0)
                put_skills(&b, "prerequisites", 1 + rnd(2), 0, 0, chosen + 8);
            if (rnd(2))
                sb_put(&b, ",\"funding\":[\"%s\"]", schemes[rnd(4)]);
        }
        put_place(&b, &o->at);
        sb_put(&b, "}");
        reply r;
        http(port, "POST", "/v1/offers", o->training ? provider : org, b.s, &r);
        if (r.status != 201) {
            fprintf(stderr, "    offer %d: %d %s\n", i, r.status, r.body);
            reply_free(&r);
            return -1;
        }
        snprintf(o->id, sizeof o->id, "%s", str_at(r.json, "id"));
        reply_free(&r);
        offer_count++;
    }
    for (int i = 0; i < STORED; i++) {
        place p = random_place(0);
        b.n = 0;
        b.s[0] = '\0';
        sb_put(&b,
               "{\"consent\":{\"visible_to_organisations\":true,\"statistics\":true,"
               "\"share_contact\":%s}",
               rnd(2) ? "true" : "false");
        put_skills(&b, "skills", 1 + rnd(8), 0, 1, chosen);
        put_place(&b, &p);
        if (p.located && rnd(2))
            sb_put(&b, ",\"radius_km\":%u", 20 + rnd(400));
        sb_put(&b, "}");
        reply r;
        http(port, "POST", "/v1/profiles", org, b.s, &r);
        if (r.status != 201) {
            fprintf(stderr, "    profile %d: %d %s\n", i, r.status, r.body);
            reply_free(&r);
            return -1;
        }
        snprintf(stored_ids[stored_count], 40, "%s", str_at(r.json, "id"));
        stored_at[stored_count++] = p;
        reply_free(&r);
    }
    return 0;
}

/* An offer by id: one of the test's, else (another test made it) read from the service. */
static const offer *offer_by_id(const char *id)
{
    for (size_t i = 0; i < offer_count; i++)
        if (!strcmp(offers[i].id, id))
            return &offers[i];
    char path[80];
    snprintf(path, sizeof path, "/v1/offers/%s", id);
    reply r;
    if (offer_count == sizeof offers / sizeof *offers || http(port, "GET", path, NULL, NULL, &r))
        return NULL;
    offer *o = NULL;
    if (r.status == 200) {
        o = &offers[offer_count++];
        memset(o, 0, sizeof *o);
        snprintf(o->id, sizeof o->id, "%s", id);
        json_t *loc = json_object_get(r.json, "location");
        o->at.located = json_is_object(loc);
        o->at.lat = json_number_value(json_object_get(loc, "lat"));
        o->at.lon = json_number_value(json_object_get(loc, "lon"));
        o->at.remote = json_is_true(json_object_get(r.json, "remote"));
        o->training = !strcmp(js(r.json, "kind"), "training");
    }
    reply_free(&r);
    return o;
}

/* ---- checks on one result ------------------------------------------------------------ */

static int failures_shown;

static void fail(const char *what, const char *got, const char *want)
{
    sm__failures++;
    if (failures_shown++ < 12)
        fprintf(stderr, "    seed %llu, %s:\n      got  %s\n      want %s\n", rng, what,
                got ? got : "(null)", want ? want : "(null)");
}

/* The statuses obey their one definition (matcher.h); lists are ordered essential first. */
static void check_items(json_t *list, int met_list, const char *what)
{
    size_t i;
    json_t *it;
    int seen_optional = 0;
    json_array_foreach(list, i, it) {
        const char *st = js(it, "status");
        double sim = json_number_value(json_object_get(it, "similarity"));
        long long want = json_integer_value(json_object_get(it, "required_level")),
                  have = json_integer_value(json_object_get(it, "profile_level"));
        int ess = json_is_true(json_object_get(it, "essential")), ok;
        if (met_list)
            ok = !strcmp(st, "met") && sim >= 0.5 && (!want || !have || have >= want);
        else if (!strcmp(st, "under_level"))
            ok = sim >= 0.5 && have && want > have;
        else if (!strcmp(st, "near"))
            ok = sim >= 0.2 && sim < 0.5 && json_is_string(json_object_get(it, "via"));
        else
            ok = !strcmp(st, "missing") && json_is_null(json_object_get(it, "via"));
        if (ess && seen_optional)
            ok = 0;
        seen_optional |= !ess;
        if (!ok) {
            char *text = json_dumps(it, JSON_COMPACT);
            fail(what, text, met_list ? "a met item" : "a lacked item by its definition");
            free(text);
        }
    }
}

/* The fit from the score and the lacked essential skills (matcher.h). */
static void check_fit(json_t *res)
{
    double score = json_number_value(json_object_get(res, "score"));
    int lacks = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(res, "missing"), i, it)
        lacks |= json_is_true(json_object_get(it, "essential"));
    const char *want = !lacks && score >= 0.5 ? "good" : score >= 0.25 ? "partial" : "weak";
    /* The score shown has 3 decimals: a fit at a threshold's edge is not tested. */
    if (fabs(score - 0.5) > 0.001 && fabs(score - 0.25) > 0.001 && strcmp(js(res, "fit"), want))
        fail("fit", js(res, "fit"), want);
}

/* One match (or candidate) result: items, fit, distance and its sentence. */
static void check_result(json_t *res, int fr, int cand, int training, const char *place_kind,
                         double true_km)
{
    check_items(json_object_get(res, "matched"), 1, "a matched item");
    check_items(json_object_get(res, "missing"), 0, "a missing item");
    check_fit(res);
    json_t *sb_ = json_object_get(res, "score_breakdown");
    int used = json_is_true(json_object_get(sb_, "distance_used"));
    if (used != !strcmp(place_kind, "km"))
        fail("distance_used", used ? "true" : "false", place_kind);
    if (used && fabs(json_number_value(json_object_get(sb_, "distance_km")) - true_km) > 0.002) {
        char got[64], want[64];
        snprintf(got, sizeof got, "%.3f", json_number_value(json_object_get(sb_, "distance_km")));
        snprintf(want, sizeof want, "%.3f", true_km);
        fail(cand ? "distance_km (candidate)" : "distance_km", got, want);
    }
    sb want;
    expected_sentence(res, fr, cand, training, place_kind, &want);
    if (strcmp(js(res, "justification"), want.s))
        fail(cand       ? "a candidate's sentence"
             : training ? "a training's sentence"
                        : "a sentence",
             js(res, "justification"), want.s);
}

static const char *place_of(const place *offer_at, const place *person, double *km)
{
    *km = -1;
    if (offer_at->remote)
        return "remote";
    if (!offer_at->located)
        return "offer_unknown";
    if (!person->located)
        return "profile_unknown";
    *km = haversine(person->lat, person->lon, offer_at->lat, offer_at->lon);
    return "km";
}

/* A random inline profile: its JSON and its place. */
static void random_profile(sb *b, place *p)
{
    const char *chosen[16];
    *p = random_place(0);
    b->n = 0;
    b->s[0] = '\0';
    sb_put(b, "{\"skills\":[");
    size_t n = 1 + rnd(7);
    for (size_t i = 0; i < n; i++) {
        const char *uri;
        int dup;
        do {
            uri = skills[rnd(2) ? rnd(40) : rnd((unsigned)skill_count)];
            dup = 0;
            for (size_t k = 0; k < i; k++)
                dup |= chosen[k] == uri;
        } while (dup);
        chosen[i] = uri;
        sb_put(b, "%s{\"uri\":\"%s\"", i ? "," : "", uri);
        if (rnd(3) == 0)
            sb_put(b, ",\"level\":%u", 1 + rnd(8));
        sb_put(b, "}");
    }
    sb_put(b, "]");
    if (p->located) {
        sb_put(b, ",\"location\":{\"lat\":%.4f,\"lon\":%.4f}", p->lat, p->lon);
        if (rnd(2))
            sb_put(b, ",\"radius_km\":%u", 50 + rnd(600));
    }
    sb_put(b, "}");
}

/* gaps for (profile, offer) lists exactly what the match result lists as lacked. */
static void check_gaps_agree(const char *profile, json_t *res, int fr)
{
    char body[5000];
    snprintf(body, sizeof body, "{\"profile\":%s,\"target\":{\"offer_id\":\"%s\"},\"lang\":\"%s\"}",
             profile, js(res, "offer_id"), fr ? "fr" : "en");
    reply r;
    http(port, "POST", "/v1/gaps", org, body, &r);
    if (r.status != 200) {
        fail("a gaps answer", r.body, "200");
        reply_free(&r);
        return;
    }
    json_t *gaps = json_object_get(r.json, "gaps"), *missing = json_object_get(res, "missing");
    int same = json_array_size(gaps) == json_array_size(missing);
    size_t i, k;
    json_t *g, *m;
    json_array_foreach(gaps, i, g) {
        int found = 0;
        json_array_foreach(missing, k, m)
            found |=
                !strcmp(js(g, "uri"), js(m, "uri")) && !strcmp(js(g, "status"), js(m, "status"));
        same &= found;
    }
    if (!same) {
        char *a = json_dumps(gaps, JSON_COMPACT), *b = json_dumps(missing, JSON_COMPACT);
        fail("gaps against the match's missing", a, b);
        free(a);
        free(b);
    }
    reply_free(&r);
}

/* ---- paths ----------------------------------------------------------------------------- */

/* What a step costs the person, in words (matcher/plan.c), from the step's fields. */
static void money(sb *b, int fr, json_t *st, int person_gave_funding)
{
    json_t *funded = json_object_get(st, "funded_by"),
           *fundable = json_object_get(st, "fundable_by");
    double price = json_number_value(json_object_get(st, "price"));
    const char *names[8];
    size_t n = 0, i;
    json_t *v;
    json_t *list = json_array_size(funded) ? funded : fundable;
    json_array_foreach(list, i, v)
        if (n < 8)
            names[n++] = json_string_value(v);
    sb joined = {{0}, 0};
    for (size_t k = 0; k < n; k++)
        sb_put(&joined, "%s%s", k == 0 ? "" : k + 1 == n ? (fr ? " ou " : " or ") : ", ", names[k]);
    if (json_array_size(funded))
        sb_put(b, fr ? "financée par %s" : "funded by %s", joined.s);
    else if (price <= 0)
        sb_put(b, "%s", fr ? "gratuite" : "free");
    else {
        sb amount = {{0}, 0};
        sb_amount(&amount, price, 1, fr);
        if (person_gave_funding && n)
            sb_put(b,
                   fr ? "%s € à votre charge (finançable par %s, que vous n'avez pas indiqué)"
                      : "€%s to pay (fundable by %s, which you did not list)",
                   amount.s, joined.s);
        else if (person_gave_funding)
            sb_put(b, fr ? "%s € à votre charge" : "€%s to pay", amount.s);
        else if (n)
            sb_put(b, fr ? "%s €, finançable par %s" : "€%s, fundable by %s", amount.s, joined.s);
        else
            sb_put(b, fr ? "%s €, sans financement connu" : "€%s, no known funding", amount.s);
    }
}

static void check_step(json_t *st, size_t number, int fr, int person_gave_funding)
{
    sb want = {{0}, 0};
    const char *labels[64];
    size_t n = 0, i;
    json_t *v;
    sb_put(&want, fr ? "Étape %zu : suivre « %s » (" : "Step %zu: take “%s” (", number,
           js(st, "title"));
    sb_amount(&want, json_number_value(json_object_get(st, "hours")), 0, fr);
    sb_put(&want, " h, ");
    money(&want, fr, st, person_gave_funding);
    json_t *km = json_object_get(st, "distance_km");
    if (json_is_true(json_object_get(st, "remote")))
        sb_put(&want, "%s", fr ? ", à distance" : ", remote");
    else if (json_is_number(km) && json_number_value(km) < 1)
        sb_put(&want, "%s", fr ? ", à moins d'1 km" : ", less than 1 km away");
    else if (json_is_number(km))
        sb_put(&want, fr ? ", à %.0f km" : ", %.0f km away", floor(json_number_value(km) + 0.5));
    sb_put(&want, "%s", fr ? ") pour acquérir " : ") to gain ");
    json_array_foreach(json_object_get(st, "covers_labels"), i, v)
        if (n < 64)
            labels[n++] = json_string_value(v);
    if (n)
        sb_list(&want, fr, labels, n, 64);
    size_t np = 0;
    json_array_foreach(json_object_get(st, "prepares"), i, v)
        if (np < 64)
            labels[np++] = js(v, "label");
    if (np) {
        if (n)
            sb_put(&want, "%s", fr ? ", et " : ", and ");
        sb_list(&want, fr, labels, np, 64);
        sb_put(&want, fr ? ", prérequis de l'étape %lld" : ", needed for step %lld",
               json_integer_value(json_object_get(st, "prepares_step")));
        if (json_integer_value(json_object_get(st, "prepares_step")) <= (long long)number)
            fail("prepares_step", js(st, "title"), "a later step");
    }
    if (!n && !np) {
        fail("a step that covers nothing and prepares nothing", js(st, "explanation"),
             "a step reaching the gap or a later step's prerequisite");
        return;
    }
    sb_put(&want, ".");
    if (strcmp(js(st, "explanation"), want.s))
        fail("a path step's sentence", js(st, "explanation"), want.s);
}

static void check_paths(json_t *ans, int fr, int person_gave_funding)
{
    json_t *paths = json_object_get(ans, "paths"), *p, *st;
    size_t i, k;
    json_array_foreach(paths, i, p) {
        json_array_foreach(json_object_get(p, "steps"), k, st)
            check_step(st, k + 1, fr, person_gave_funding);
        json_t *rem;
        size_t j;
        json_array_foreach(json_object_get(p, "remaining_gap"), j, rem)
            if (!*js(rem, "label") || !*js(rem, "uri"))
                fail("a remaining skill", js(rem, "uri"), "a uri and a label");
    }
    json_t *none = json_object_get(ans, "no_path");
    if (json_array_size(paths) && !json_is_null(none))
        fail("no_path with paths", js(none, "reason"), "null");
    if (!json_array_size(paths)) {
        const char *reason = js(none, "reason"), *text = js(none, "explanation");
        long long gap = json_integer_value(json_object_get(ans, "gap_size")),
                  teaching = json_integer_value(json_object_get(ans, "trainings_teaching")),
                  usable = json_integer_value(json_object_get(none, "usable"));
        const char *want = gap == 0        ? "no_gap"
                           : teaching == 0 ? "no_training"
                           : usable == 0   ? "all_excluded"
                                           : "not_combinable";
        if (strcmp(reason, want))
            fail("no_path.reason", reason, want);
        /* Its sentence says the counts it has. */
        long long excluded_sum = 0;
        const char *key;
        json_t *v;
        json_object_foreach(json_object_get(none, "excluded"), key, v)
            excluded_sum += json_integer_value(v);
        if (!strcmp(want, "all_excluded") && excluded_sum != teaching)
            fail("no_path.excluded", reason, "as many as trainings_teaching");
        char count[32];
        snprintf(count, sizeof count, "%lld", !strcmp(want, "not_combinable") ? usable : teaching);
        if ((!strcmp(want, "all_excluded") || !strcmp(want, "not_combinable")) &&
            strncmp(text, count, strlen(count)))
            fail("no_path.explanation", text, count);
        if (!*text)
            fail("no_path.explanation", text, "a sentence");
    }
}

/* ---- the property test ------------------------------------------------------------------ */

static void sentences_agree_with_fields(void)
{
    const char *seed = getenv("SM_TEST_SEED");
    if (seed)
        rng = strtoull(seed, NULL, 10);
    printf("    seed %llu (SM_TEST_SEED=%llu reruns it)\n", rng, rng);
    http_log_every = 25; /* the contract check reads a sample of these thousands */
    CHECK_INT(load_skills(), 0);
    CHECK_INT(make_data(), 0);
    if (sm__failures)
        return;
    size_t results = 0, sentences = 0;
    /* Jobs and trainings for inline profiles, in both languages; gaps for the first result. */
    for (int q = 0; q < 2400; q++) {
        sb prof;
        place me;
        random_profile(&prof, &me);
        int fr = q % 2, training = q % 4 == 3;
        char body[6000];
        snprintf(body, sizeof body, "{\"profile\":%s,\"kind\":\"%s\",\"limit\":%u%s}", prof.s,
                 training ? "training" : "job", 5 + rnd(20), fr ? "" : ",\"lang\":\"en\"");
        reply r;
        http(port, "POST", "/v1/match", org, body, &r);
        if (r.status != 200) {
            fail("a match", r.body, "200");
            reply_free(&r);
            continue;
        }
        size_t i;
        json_t *res;
        json_array_foreach(json_object_get(r.json, "results"), i, res) {
            const offer *o = offer_by_id(js(res, "offer_id"));
            if (!o) {
                fail("an offer of the test", js(res, "offer_id"), "known");
                continue;
            }
            double km;
            const char *kind = place_of(&o->at, &me, &km);
            check_result(res, fr, 0, training, kind, km);
            results++;
            sentences++;
            if (i == 0 && !training && q < 1200)
                check_gaps_agree(prof.s, res, fr);
        }
        reply_free(&r);
    }
    /* Candidates and near-candidates of job offers, both languages. */
    for (size_t k = 0; k < 120; k++) {
        const offer *o = &offers[rnd(JOBS)];
        int fr = k % 2;
        char path[160];
        snprintf(path, sizeof path, "/v1/offers/%s/candidates?limit=50%s", o->id,
                 fr ? "" : "&lang=en");
        reply r;
        http(port, "GET", path, org, NULL, &r);
        size_t i;
        json_t *res;
        json_array_foreach(json_object_get(r.json, "results"), i, res) {
            /* Whose place: the candidate's when shared, else what the answer can tell. */
            place them = {0, 0, 0, 0};
            const char *pid = js(res, "profile_id");
            int known = 0;
            for (size_t s = 0; s < stored_count && *pid; s++)
                if (!strcmp(stored_ids[s], pid)) {
                    them = stored_at[s];
                    known = 1;
                }
            double km = -1;
            const char *kind;
            if (known) {
                /* What candidate searches know of a place: its square's centre. */
                them.lat = -90.0 + (floor((them.lat + 90.0) / SM_PLACE_SQUARE_LAT) + 0.5) *
                                       SM_PLACE_SQUARE_LAT;
                them.lon = -180.0 + (floor((them.lon + 180.0) / SM_PLACE_SQUARE_LON) + 0.5) *
                                        SM_PLACE_SQUARE_LON;
                kind = place_of(&o->at, &them, &km);
            } else if (o->at.remote)
                kind = "remote";
            else if (!o->at.located)
                kind = "offer_unknown";
            else if (json_is_true(json_object_get(json_object_get(res, "score_breakdown"),
                                                  "distance_used"))) {
                kind = "km";
                km = json_number_value(
                    json_object_get(json_object_get(res, "score_breakdown"), "distance_km"));
            } else
                kind = "profile_unknown";
            check_result(res, fr, 1, 0, kind, km);
            results++;
            sentences++;
        }
        reply_free(&r);
        snprintf(path, sizeof path, "/v1/offers/%s/near-candidates?max_hours=2000%s", o->id,
                 fr ? "" : "&lang=en");
        http(port, "GET", path, org, NULL, &r);
        json_array_foreach(json_object_get(r.json, "results"), i, res) {
            json_t *t = json_object_get(res, "training");
            const char *labels[64];
            size_t n = 0, j;
            json_t *c;
            json_array_foreach(json_object_get(res, "covers"), j, c)
                if (n < 64)
                    labels[n++] = js(c, "label");
            sb want = {{0}, 0};
            sb hours = {{0}, 0};
            sb_amount(&hours, json_number_value(json_object_get(t, "hours")), 0, fr);
            sb_put(&want, "%s", fr ? "Il manque à cette personne " : "Lacks ");
            sb_list(&want, fr, labels, n, 64);
            sb_put(&want,
                   fr ? ", que « %s » (%s h) enseigne : après cette formation, elle aurait toutes "
                        "les compétences essentielles de l'offre."
                      : ", which “%s” (%s h) teaches: after it, would have every essential skill "
                        "of the offer.",
                   js(t, "title"), hours.s);
            if (strcmp(js(res, "explanation"), want.s))
                fail("a near-candidate's sentence", js(res, "explanation"), want.s);
            sentences++;
        }
        reply_free(&r);
    }
    /* Training paths, with and without constraints. */
    static const char *const constraint_sets[] = {
        "{}",
        "{\"max_cost\":0}",
        "{\"funding\":[\"CPF\"]}",
        "{\"max_cost\":500,\"funding\":[\"OPCO\",\"region\"]}",
        "{\"max_hours\":100}",
        "{\"remote_only\":true}",
        "{\"max_distance_km\":30}",
    };
    size_t paths = 0;
    for (int q = 0; q < 600; q++) {
        sb prof;
        place me;
        random_profile(&prof, &me);
        int fr = q % 2, c = (int)rnd(7);
        char body[6500];
        snprintf(body, sizeof body,
                 "{\"profile\":%s,\"target\":{\"offer_id\":\"%s\"},\"constraints\":%s,\"lang\":"
                 "\"%s\"}",
                 prof.s, offers[rnd(JOBS)].id, constraint_sets[c], fr ? "fr" : "en");
        reply r;
        http(port, "POST", "/v1/paths", org, body, &r);
        if (r.status != 200)
            fail("a paths answer", r.body, "200");
        else
            check_paths(r.json, fr, strstr(constraint_sets[c], "funding") != NULL);
        paths++;
        reply_free(&r);
    }
    printf("    %zu results, %zu sentences and %zu path answers checked\n", results, sentences,
           paths);
    CHECK(results > 20000);
}

/* ---- demand privacy -------------------------------------------------------------------- */

/* The grid cell of a point, as the matcher numbers them. */
static unsigned cell_id(double lat, double lon)
{
    return (unsigned)floor((lat + 90.0) / 0.5) * 1024u + (unsigned)floor((lon + 180.0) / 0.5);
}

#define CELLS 4
/* Where the test puts people: A (Lille), B east of it, C north of it, D far (Paris). */
static const double cell_points[CELLS][2] = {
    {50.63, 3.06}, {50.63, 3.62}, {51.12, 3.06}, {48.85, 2.35}};
static int in_cell[CELLS]; /* consenting profiles with the skill, per cell: the ground truth */
static char person_ids[CELLS][16][40];

#define DX S(07) /* the skill counted (process payments) */
#define DY S(08) /* asked with it: people with X alone are one skill away by Y */

static long long published(int n)
{
    return n < 5 ? 0 : n - n % 5;
}

static void add_person(int cell)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"skills\":[{\"uri\":\"" DX "\"}],\"location\":{\"lat\":%.4f,\"lon\":%.4f},"
             "\"radius_km\":30,\"consent\":{\"statistics\":true}}",
             cell_points[cell][0] + 0.01 * in_cell[cell], cell_points[cell][1]);
    reply r;
    http(port, "POST", "/v1/profiles", org, body, &r);
    CHECK_INT(r.status, 201);
    if (r.status != 201)
        fprintf(stderr, "    %s\n", r.body);
    snprintf(person_ids[cell][in_cell[cell]++], 40, "%s", str_at(r.json, "id"));
    reply_free(&r);
}

static void remove_person(int cell)
{
    char path[80];
    snprintf(path, sizeof path, "/v1/profiles/%s", person_ids[cell][--in_cell[cell]]);
    CHECK_INT(status_of("DELETE", path, org, NULL), 204);
}

/* The sweep and this state's week, through the hook. */
static void settle(const char *week)
{
    char body[128];
    snprintf(body, sizeof body, "{\"sweep\":true,\"snapshot_week\":\"%s\"}", week);
    reply r;
    http(port, "POST", "/v1/test/demand", admin, body, &r);
    CHECK_INT(r.status, 200);
    if (r.status != 200)
        fprintf(stderr, "    %s\n", r.body);
    reply_free(&r);
}

/* A row of an answer for a skill, or NULL. */
static json_t *row_of(json_t *answer, const char *uri)
{
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(answer, "skills"), i, row)
        if (!strcmp(js(row, "uri"), uri))
            return row;
    return NULL;
}

static long long shown(json_t *v)
{
    return json_is_null(v) || !v ? 0 : json_integer_value(v);
}

/* Every people count shown is null or a multiple of 5 from 5; unmet_demand is computed from
 * what is shown; X's row says, per area, the sum of its cells' published counts. */
static void check_demand_answer(json_t *a, const char *what)
{
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(a, "skills"), i, row) {
        static const char *const people[] = {"profiles", "one_skill_away", "two_skills_away"};
        for (int k = 0; k < 3; k++) {
            json_t *v = json_object_get(row, people[k]);
            if (!json_is_null(v) && (json_integer_value(v) < 5 || json_integer_value(v) % 5))
                fail(what, people[k], "null, or a multiple of 5 from 5");
        }
        double d = (double)json_integer_value(
                       json_object_get(json_object_get(row, "offers"), "essential")) +
                   0.5 * (double)json_integer_value(
                             json_object_get(json_object_get(row, "offers"), "optional"));
        double s = (double)shown(json_object_get(row, "profiles")) +
                   (double)json_integer_value(json_object_get(row, "seats"));
        double unmet = d > 0 ? d * d / (d + s) : 0;
        if (fabs(json_number_value(json_object_get(row, "unmet_demand")) -
                 round(unmet * 100) / 100) > 0.006)
            fail(what, "unmet_demand", "from the shown counts");
    }
    json_t *status = json_object_get(a, "status");
    json_t *counted = json_object_get(status, "profiles_counted");
    if (!json_is_null(counted) && json_integer_value(counted) % 5)
        fail(what, "status.profiles_counted", "null or a multiple of 5");
    /* The truth: X's people in the cells the answer names. */
    long long want = 0;
    json_t *cells = json_object_get(json_object_get(a, "area"), "cells"), *c;
    for (int k = 0; k < CELLS; k++) {
        int in = !cells; /* no area: everywhere */
        json_array_foreach(cells, i, c)
            in |= (unsigned)atol(js(c, "id")) == cell_id(cell_points[k][0], cell_points[k][1]);
        if (in)
            want += published(in_cell[k]);
    }
    json_t *x = row_of(a, DX);
    if (strstr(what, "collection=") || strstr(what, "occupation="))
        want = x ? want : 0; /* a filter may leave X out */
    long long got = x ? shown(json_object_get(x, "profiles")) : 0;
    if (got != want) {
        char g[32], w[32];
        snprintf(g, sizeof g, "%lld", got);
        snprintf(w, sizeof w, "%lld", want);
        fail(what, g, w);
    }
}

/* Every answer of this state, as one text without the status (whose total of consenting
 * people is the service's, not a group's); each answer checked on the way. */
static char *all_answers(void)
{
    static const char *const queries[] = {
        "/v1/demand?near=50.63,3.06&radius_km=5&top=1000",
        "/v1/demand?near=50.63,3.06&radius_km=20&top=1000",
        "/v1/demand?near=50.63,3.06&radius_km=40&top=1000",
        "/v1/demand?near=50.63,3.06&radius_km=80&top=1000",
        "/v1/demand?near=50.63,3.62&radius_km=25&top=1000",
        "/v1/demand?near=50.80,3.30&radius_km=30&top=1000",
        "/v1/demand?near=51.12,3.06&radius_km=10&top=1000",
        "/v1/demand?near=48.85,2.35&radius_km=300&top=1000",
        "/v1/demand?top=1000",
        "/v1/demand?collection=digital&top=1000",
        "/v1/demand?near=50.63,3.06&radius_km=40&occupation=" OCC,
        "/v1/demand/history?skill=" DX "&weeks=52",
        "/v1/demand/history?skill=" DY "&weeks=52",
    };
    size_t cap = 1 << 20, len = 0;
    char *all = malloc(cap);
    all[0] = '\0';
    for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
        reply r;
        http(port, "GET", queries[q], provider, NULL, &r);
        CHECK_INT(r.status, 200);
        if (strstr(queries[q], "history")) {
            json_t *row;
            size_t i;
            json_array_foreach(json_object_get(r.json, "history"), i, row) {
                static const char *const people[] = {"profiles", "one_skill_away",
                                                     "two_skills_away"};
                for (int k = 0; k < 3; k++) {
                    json_t *v = json_object_get(row, people[k]);
                    if (!json_is_null(v) &&
                        (json_integer_value(v) < 5 || json_integer_value(v) % 5))
                        fail("a week of the history", people[k], "null or a multiple of 5");
                }
            }
        } else {
            check_demand_answer(r.json, queries[q]);
            json_object_del(r.json, "status");
        }
        char *text = json_dumps(r.json, JSON_COMPACT | JSON_SORT_KEYS);
        size_t n = strlen(text);
        if (len + n + 2 < cap) {
            memcpy(all + len, text, n);
            len += n;
            all[len++] = '\n';
            all[len] = '\0';
        }
        free(text);
        reply_free(&r);
    }
    return all;
}

/* The first answer (line of all_answers) that differs, before and now, to tell why. */
static void show_first_difference(const char *before, const char *now)
{
    int line = 0;
    while (*before && *now) {
        size_t a = strcspn(before, "\n"), b = strcspn(now, "\n");
        if (a != b || memcmp(before, now, a)) {
            size_t at = 0; /* the first differing byte, shown with some context */
            while (at < a && at < b && before[at] == now[at])
                at++;
            size_t from = at > 80 ? at - 80 : 0;
            fprintf(stderr,
                    "      answer %d differs at byte %zu:\n      was %.240s\n      now %.240s\n",
                    line, at, before + from, now + from);
            return;
        }
        before += a + (before[a] == '\n');
        now += b + (now[b] == '\n');
        line++;
    }
    fprintf(stderr, "      answer %d: one list is shorter\n", line);
}

/* A week's Monday, k weeks ago (the history counts the last 52). */
static void week_ago(int k, char out[11])
{
    time_t t = time(NULL) - (time_t)k * 7 * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    t -= (time_t)((tm.tm_wday + 6) % 7) * 86400;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void demand_resists_differencing(void)
{
    /* An offer near each cell asks for X and Y: people with X alone are one skill away by Y. */
    char id[40];
    for (int k = 0; k < CELLS; k++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"kind\":\"job\",\"title\":\"Demande %d\",\"skills\":[{\"uri\":\"" DX
                 "\"},{\"uri\":\"" DY "\"}],\"location\":{\"lat\":%.4f,\"lon\":%.4f}}",
                 k, cell_points[k][0], cell_points[k][1]);
        CHECK_INT(create_offer(org, body, id), 201);
    }
    char week[11];
    week_ago(2, week);
    /* The states: each is (a change, then whether any cell's published count moved). */
    settle(week);
    char *before = all_answers();
    struct {
        int cell, add;
    } steps[] = {
        {0, 1},  {0, 1},  {0, 1},  {0, 1}, /* A: 1, 2, 3, 4 people: nothing may show */
        {1, 1},                            /* B, the ring of A's 20 km: 1 person */
        {0, 1},                            /* A: 5: now it shows */
        {0, 1},  {0, 1},                   /* 6, 7: the same class */
        {0, -1}, {0, -1}, {0, -1},         /* back to 4: as before A reached 5 */
        {2, 1},  {2, 1},  {1, -1},         /* C: 1, 2; B: 0 */
        {3, 1},  {3, 1},  {3, 1},  {3, 1}, {3, 1}, {3, 1}, /* D: 1 .. 6 */
    };
    int classes[CELLS];
    for (int k = 0; k < CELLS; k++)
        classes[k] = (int)published(in_cell[k]);
    size_t same = 0, moved = 0;
    for (size_t s = 0; s < sizeof steps / sizeof *steps; s++) {
        if (steps[s].add > 0)
            add_person(steps[s].cell);
        else
            remove_person(steps[s].cell);
        settle(week);
        char *now = all_answers();
        int changed_class = 0;
        for (int k = 0; k < CELLS; k++) {
            changed_class |= classes[k] != (int)published(in_cell[k]);
            classes[k] = (int)published(in_cell[k]);
        }
        if (!changed_class) {
            /* Nothing published moved: every answer, area, filter and week is the same. */
            if (strcmp(now, before)) {
                fail("answers while no cell's published count moved", "they changed",
                     "identical: a count below 5 would show through them");
                show_first_difference(before, now);
            }
            same++;
        } else {
            if (!strcmp(now, before))
                fail("answers after a cell reached 5", "identical", "changed");
            moved++;
        }
        free(before);
        before = now;
    }
    free(before);
    printf("    %zu states that had to answer the same, %zu that had to differ\n", same, moved);
    CHECK(same >= 10 && moved >= 3);
}

/* The suite's own keys, with rates no test can reach. */
static int truth_keys(void)
{
    return create_key("Vérité Org", "inclusion_org", org, "--rate-limit 10000000") ||
           create_key("Vérité Formation", "training_provider", provider, "--rate-limit 10000000") ||
           create_key("Vérité Admin", "admin", admin, "--rate-limit 10000000");
}

int main(int argc, char **argv)
{
    setenv("SKILLMATCH_TEST_HOOKS", "1", 1);
    setenv("SKILLMATCH_DEMAND_SNAPSHOT_S", "3600", 1); /* weeks only through the hook */
    static const sm_test tests[] = {T(demand_resists_differencing), T(sentences_agree_with_fields)};
    return e2e_main("test_truth", truth_keys, tests, sizeof tests / sizeof *tests, argc, argv);
}
