/*
 * test_plan.c: gaps and training paths on small data whose answers are known
 * by construction: a gap exactly one training closes, prerequisites that
 * force an order, a budget that forces the cheaper path, funding, distance
 * and dates, and the offers a path unlocks.
 */
#include "matcher/matcher.h"
#include "matcher/plan.h"
#include "taxonomy/esco.h"
#include "taxonomy/loader.h"
#include "tests/unit/check.h"

#include <math.h>

#define SKILL(n) "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-0000000000" #n
#define TODAY 20000

static sm_taxonomy *tx;
static sm_matcher *m;
static sm_match_reader *r;
static const char *const funding_names[] = {"", "CPF", "OPCO", NULL};

static uint32_t sk(const char *uri)
{
    return sm_taxonomy_find(tx, sm_str_make(uri, strlen(uri)));
}

static void setup(void)
{
    sm_load_options opts = {"tests/fixtures/esco", NULL};
    sm_error err = {0};
    if (sm_taxonomy_load(&opts, &tx, NULL, &err) != SM_OK || sm_matcher_new(tx, &m) != SM_OK ||
        !(r = sm_match_reader_new(m))) {
        fprintf(stderr, "    setup: %s\n", err.message);
        exit(1);
    }
}

static void teardown(void)
{
    sm_match_reader_free(r);
    sm_matcher_free(m);
    sm_taxonomy_free(tx);
}

static void add_job(const char *id, const sm_requirement *reqs, size_t n, double lat, double lon)
{
    sm_offer o;
    memset(&o, 0, sizeof o);
    o.id = id;
    o.title = id;
    o.kind = SM_OFFER_JOB;
    o.requirements = reqs;
    o.requirement_count = n;
    o.occupation = SM_NO_CONCEPT;
    o.location = (sm_geo){lat, lon, 1};
    sm_error err = {0};
    CHECK_INT(sm_matcher_upsert_offer(m, &o, &err), SM_OK);
}

typedef struct training_spec {
    const char *id;
    sm_requirement teaches[3], prereqs[2];
    size_t teach_count, prereq_count;
    float hours, cost;
    uint32_t funding;
    int remote;
    double lat, lon;
    int32_t dates[2];
    size_t date_count;
} training_spec;

static void add_training(const training_spec *t)
{
    sm_offer o;
    memset(&o, 0, sizeof o);
    o.id = t->id;
    o.title = t->id;
    o.kind = SM_OFFER_TRAINING;
    o.teaches = t->teaches;
    o.teach_count = t->teach_count;
    o.requirements = t->prereqs;
    o.requirement_count = t->prereq_count;
    o.duration_hours = t->hours;
    o.cost = t->cost;
    o.funding = t->funding;
    o.remote = t->remote;
    o.location = (sm_geo){t->lat, t->lon, !t->remote};
    o.start_dates = t->dates;
    o.start_date_count = t->date_count;
    o.occupation = SM_NO_CONCEPT;
    sm_error err = {0};
    int rc = sm_matcher_upsert_offer(m, &o, &err);
    if (rc != SM_OK)
        fprintf(stderr, "    %s: %s\n", t->id, err.message);
    CHECK_INT(rc, SM_OK);
}

static sm_profile person(const sm_skill_claim *claims, size_t n)
{
    sm_profile p;
    memset(&p, 0, sizeof p);
    p.id = "p";
    p.skills = claims;
    p.skill_count = n;
    p.location = (sm_geo){48.85, 2.35, 1}; /* Paris */
    p.radius_km = 50;
    return p;
}

static sm_path_constraints no_limits(void)
{
    sm_path_constraints c;
    memset(&c, 0, sizeof c);
    c.max_hours = c.max_cost = c.max_distance_km = -1;
    c.funding_names = funding_names;
    c.today = TODAY;
    c.threshold = 0.6;
    c.lang = SM_LANG_FR;
    return c;
}

static sm_plan *plan_for(const sm_profile *p, const sm_requirement *target, size_t n,
                         const sm_path_constraints *c)
{
    sm_plan *plan = NULL;
    sm_error err = {0};
    int rc = sm_match_paths(r, tx, p, target, n, c, &plan, &err);
    if (rc != SM_OK)
        fprintf(stderr, "    sm_match_paths: %s\n", err.message);
    CHECK_INT(rc, SM_OK);
    return plan;
}

static int path_is(const sm_plan_path *p, const char *a, const char *b)
{
    if (p->step_count != (b ? 2u : 1u))
        return 0;
    return strcmp(p->steps[0].training_id, a) == 0 &&
           (!b || strcmp(p->steps[1].training_id, b) == 0);
}

/* In the fixture, speak French (10), Excel (09) and management (12) have no close skill; show
 * initiative (11) is related to customer service (03) at 0.45, below the close tier. */
static void gaps_known_by_construction(void)
{
    setup();
    sm_requirement target[] = {{sk(SKILL(10)), 1, 4, 0},
                               {sk(SKILL(12)), 1, 3, 0},
                               {sk(SKILL(09)), 1, 0, 0},
                               {sk(SKILL(11)), 0, 0, 0},
                               {sk(SKILL(09)), 0, 2, 0}};
    /* Offers asking for Excel: two near Paris, one in Lyon (beyond 50 km). */
    sm_requirement excel[] = {{sk(SKILL(09)), 1, 0, 0}};
    add_job("near-1", excel, 1, 48.86, 2.30);
    add_job("near-2", excel, 1, 48.80, 2.40);
    add_job("lyon", excel, 1, 45.76, 4.83);
    sm_skill_claim claims[] = {{sk(SKILL(10)), 5, 0}, {sk(SKILL(12)), 2, 0}, {sk(SKILL(03)), 0, 0}};
    sm_profile p = person(claims, 3);
    sm_error err = {0};
    int n = sm_match_gaps(r, &p, target, 5, 1, &err);
    CHECK_INT(n, 3);
    const sm_gap *g0 = sm_match_gap_get(r, 0), *g1 = sm_match_gap_get(r, 1),
                 *g2 = sm_match_gap_get(r, 2);
    if (n == 3) {
        /* essential first, the most asked for nearby first; duplicates merged */
        CHECK_INT(g0->skill, sk(SKILL(09)));
        CHECK(g0->essential && !g0->under_level && g0->required_level == 2);
        CHECK_INT(g0->offers_nearby, 2);
        CHECK_INT(g0->closest, SM_NO_CONCEPT);
        CHECK_INT(g1->skill, sk(SKILL(12)));
        CHECK(g1->essential && g1->under_level);
        CHECK_INT(g1->profile_level, 2);
        CHECK_INT(g1->required_level, 3);
        CHECK_INT(g2->skill, sk(SKILL(11)));
        CHECK(!g2->essential && !g2->under_level);
        CHECK_INT(g2->closest, sk(SKILL(03)));
        CHECK(g2->similarity > 0.4f && g2->similarity < 0.5f);
    }
    /* Without a location, every offer asking for it counts. */
    p.location.known = 0;
    CHECK_INT(sm_match_gaps(r, &p, target, 5, 1, &err), 3);
    CHECK_INT(sm_match_gap_get(r, 0)->offers_nearby, 3);
    /* No skills at all: everything is a gap. */
    sm_profile empty = person(NULL, 0);
    CHECK_INT(sm_match_gaps(r, &empty, target, 5, 1, &err), 4);
    /* A concept that is not a skill is refused, naming the item. */
    sm_requirement bad[] = {{UINT32_MAX - 1, 1, 0, 0}};
    CHECK_INT(sm_match_gaps(r, &p, bad, 1, 1, &err), SM_EINVAL);
    CHECK_HAS(err.message, "target[0]");
    teardown();
}

/* The target asks for speak French (had), Excel and management. T1 teaches both missing
 * skills; T2 and T3 one each, dearer together. */
static void one_training_closes_the_gap(void)
{
    setup();
    sm_requirement target[] = {
        {sk(SKILL(10)), 1, 0, 0}, {sk(SKILL(09)), 1, 0, 0}, {sk(SKILL(12)), 1, 0, 0}};
    add_job("target", target, 3, 48.86, 2.34);
    training_spec t1 = {"T1",  {{sk(SKILL(09)), 0, 3, 0}, {sk(SKILL(12)), 0, 3, 0}},
                        {{0}}, 2,
                        0,     70,
                        0,     0,
                        0,     48.9,
                        2.3,   {0},
                        0};
    training_spec t2 = {"T2", {{sk(SKILL(09)), 0, 3, 0}}, {{0}}, 1, 0, 50, 0, 0, 0, 48.9, 2.3, {0},
                        0};
    training_spec t3 = {"T3", {{sk(SKILL(12)), 0, 3, 0}}, {{0}}, 1, 0, 40, 0, 0, 0, 48.9, 2.3, {0},
                        0};
    training_spec t8 = {"T8", {{sk(SKILL(05)), 0, 3, 0}}, {{0}}, 1, 0, 5, 0, 0, 0, 48.9, 2.3, {0},
                        0};
    add_training(&t1);
    add_training(&t2);
    add_training(&t3);
    add_training(&t8);
    sm_skill_claim claims[] = {{sk(SKILL(10)), 0, 0}};
    sm_profile p = person(claims, 1);
    sm_path_constraints c = no_limits();
    sm_plan *plan = plan_for(&p, target, 3, &c);
    CHECK(plan && plan->path_count == 2);
    if (plan && plan->path_count == 2) {
        CHECK(path_is(&plan->paths[0], "T1", NULL));
        CHECK(plan->paths[0].exact);
        CHECK_INT(plan->paths[0].remaining_count, 0);
        CHECK_INT(plan->paths[0].steps[0].cover_count, 2);
        CHECK(plan->paths[0].total_hours == 70);
        CHECK_HAS(plan->paths[0].steps[0].explanation, "Étape 1 : suivre « T1 » (70 h, gratuite");
        CHECK_HAS(plan->paths[0].steps[0].explanation, "« Microsoft Excel »");
        /* the second: both single trainings, cheaper first */
        CHECK_INT(plan->paths[1].step_count, 2);
        CHECK(plan->paths[1].total_hours == 90);
        /* the target offer is matched after the path, not before */
        CHECK_INT(plan->offers_now, 0);
        CHECK_INT(plan->paths[0].offers_after, 1);
        CHECK(plan->paths[0].best_count == 1 && strcmp(plan->paths[0].best[0].id, "target") == 0);
    }
    sm_plan_free(plan);
    /* The remote-only constraint leaves no training here: no path, the gap remains. */
    c.remote_only = 1;
    plan = plan_for(&p, target, 3, &c);
    CHECK(plan && plan->path_count == 0 && plan->gap_count == 2);
    sm_plan_free(plan);
    teardown();
}

/* Management needs show initiative first: the path takes T5 then T4. */
static void prerequisites_force_an_order(void)
{
    setup();
    sm_requirement target[] = {{sk(SKILL(12)), 1, 3, 0}};
    training_spec t4 = {"T4",
                        {{sk(SKILL(12)), 0, 4, 0}},
                        {{sk(SKILL(11)), 1, 2, 0}},
                        1,
                        1,
                        35,
                        0,
                        0,
                        0,
                        48.9,
                        2.3,
                        {TODAY + 30, TODAY + 90},
                        2};
    training_spec t5 = {
        "T5", {{sk(SKILL(11)), 0, 2, 0}}, {{0}}, 1, 0, 70, 0, 0, 0, 48.9, 2.3, {TODAY + 10}, 1};
    /* teaches management too, but only to level 2: below the level asked */
    training_spec t6 = {"T6", {{sk(SKILL(12)), 0, 2, 0}}, {{0}}, 1, 0, 7, 0, 0, 0, 48.9, 2.3, {0},
                        0};
    add_training(&t4);
    add_training(&t5);
    add_training(&t6);
    sm_skill_claim claims[] = {{sk(SKILL(10)), 0, 0}};
    sm_profile p = person(claims, 1);
    sm_path_constraints c = no_limits();
    sm_plan *plan = plan_for(&p, target, 1, &c);
    CHECK(plan && plan->path_count == 1);
    if (plan && plan->path_count == 1) {
        const sm_plan_path *path = &plan->paths[0];
        CHECK(path_is(path, "T5", "T4"));
        /* T5 starts on its date and lasts two weeks; T4's next session after that */
        CHECK_INT(path->steps[0].start, TODAY + 10);
        CHECK_INT(path->steps[0].finish, TODAY + 24);
        CHECK_INT(path->steps[1].start, TODAY + 30);
        CHECK_INT(path->finish, TODAY + 37);
        CHECK_INT(path->steps[0].cover_count, 0);
        CHECK_INT(path->steps[1].cover_count, 1);
    }
    sm_plan_free(plan);
    /* Having the prerequisite: T4 alone. */
    sm_skill_claim more[] = {{sk(SKILL(10)), 0, 0}, {sk(SKILL(11)), 3, 0}};
    p = person(more, 2);
    plan = plan_for(&p, target, 1, &c);
    CHECK(plan && plan->path_count >= 1 && path_is(&plan->paths[0], "T4", NULL));
    sm_plan_free(plan);
    /* A start date limit before T4's sessions: no way to management. */
    c.start_before = TODAY + 20;
    plan = plan_for(&p, target, 1, &c);
    CHECK(plan && plan->path_count == 0);
    sm_plan_free(plan);
    teardown();
}

/* Excel: fast and dear (20 h, 1,200 euros) or slow and free (120 h). */
static void a_budget_forces_the_cheaper_path(void)
{
    setup();
    sm_requirement target[] = {{sk(SKILL(09)), 1, 0, 0}};
    training_spec fast = {
        "fast", {{sk(SKILL(09)), 0, 3, 0}}, {{0}}, 1, 0, 20, 1200, 1u << 1, 0, 48.9, 2.3, {0}, 0};
    training_spec slow = {
        "slow", {{sk(SKILL(09)), 0, 3, 0}}, {{0}}, 1, 0, 120, 0, 0, 0, 48.9, 2.3, {0}, 0};
    training_spec far = {"far", {{sk(SKILL(09)), 0, 3, 0}}, {{0}}, 1, 0, 1, 0, 0, 0, 43.3, 5.4, {0},
                         0};
    add_training(&fast);
    add_training(&slow);
    add_training(&far); /* Marseille: beyond the person's 50 km */
    sm_skill_claim claims[] = {{sk(SKILL(10)), 0, 0}};
    sm_profile p = person(claims, 1);
    sm_path_constraints c = no_limits();
    sm_plan *plan = plan_for(&p, target, 1, &c);
    /* no budget: 20 h + 1,200 / 15 = 100 beats 120 */
    CHECK(plan && plan->path_count == 2 && path_is(&plan->paths[0], "fast", NULL) &&
          path_is(&plan->paths[1], "slow", NULL));
    if (plan && plan->path_count)
        CHECK(plan->paths[0].total_cost == 1200);
    sm_plan_free(plan);
    c.max_cost = 500;
    plan = plan_for(&p, target, 1, &c);
    CHECK(plan && plan->path_count == 1 && path_is(&plan->paths[0], "slow", NULL));
    sm_plan_free(plan);
    /* Eligible for CPF, which funds the fast one: it costs nothing and wins again. */
    c.funding = 1u << 1;
    plan = plan_for(&p, target, 1, &c);
    CHECK(plan && plan->path_count >= 1 && path_is(&plan->paths[0], "fast", NULL));
    if (plan && plan->path_count) {
        CHECK(plan->paths[0].total_cost == 0 && plan->paths[0].total_price == 1200);
        CHECK_HAS(plan->paths[0].steps[0].explanation, "financée par CPF");
    }
    sm_plan_free(plan);
    /* A wider distance lets the far one in: 1 hour, free. */
    c.max_distance_km = 1000;
    plan = plan_for(&p, target, 1, &c);
    CHECK(plan && plan->path_count >= 1 && path_is(&plan->paths[0], "far", NULL));
    sm_plan_free(plan);
    teardown();
}

static void add_person(const char *id, const sm_skill_claim *claims, size_t n, double lat,
                       double lon, unsigned consent)
{
    sm_profile p;
    memset(&p, 0, sizeof p);
    p.id = id;
    p.skills = claims;
    p.skill_count = n;
    p.location = (sm_geo){lat, lon, 1};
    p.radius_km = 30;
    p.consent = consent;
    sm_error err = {0};
    CHECK_INT(sm_matcher_upsert_profile(m, &p, &err), SM_OK);
}

static const sm_demand_row *row_of(int n, uint32_t skill)
{
    for (int i = 0; i < n; i++)
        if (sm_match_demand_get(r, (size_t)i)->skill == skill)
            return sm_match_demand_get(r, (size_t)i);
    return NULL;
}

/* Counters by construction in Paris and Lyon, kept up to date by changes; one skill away. */
static void demand_counts(void)
{
    setup();
    sm_requirement two[] = {{sk(SKILL(10)), 1, 0, 0}, {sk(SKILL(12)), 1, 0, 0}};
    sm_requirement opt[] = {{sk(SKILL(10)), 1, 0, 0}, {sk(SKILL(12)), 0, 0, 0}};
    add_job("paris-1", two, 2, 48.86, 2.34);
    add_job("paris-2", two, 2, 48.80, 2.30);
    add_job("paris-3", opt, 2, 48.85, 2.35);
    add_job("lyon", two, 2, 45.76, 4.83);
    training_spec t = {"T", {{sk(SKILL(12)), 0, 3, 0}}, {{0}}, 1, 0, 35, 0, 0, 0, 48.9, 2.3, {0},
                       0};
    add_training(&t);
    sm_skill_claim french[] = {{sk(SKILL(10)), 0, 0}}, boss[] = {{sk(SKILL(12)), 0, 0}};
    char id[16];
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof id, "f%d", i);
        add_person(id, french, 1, 48.85, 2.35, SM_CONSENT_STATISTICS);
    }
    add_person("b", boss, 1, 48.85, 2.35, SM_CONSENT_STATISTICS);
    add_person("quiet", boss, 1, 48.85, 2.35, 0); /* no consent to statistics: not counted */
    sm_demand_query paris = {1, 48.85, 2.35, 30, 0, SM_NO_CONCEPT, 50, 1}, all = paris;
    all.located = 0;
    sm_demand_status st;
    sm_error err = {0};
    int n = sm_match_demand(r, &paris, &st, &err);
    const sm_demand_row *d = row_of(n, sk(SKILL(12)));
    CHECK(d != NULL);
    if (d) {
        CHECK_INT(d->offers_essential, 2);
        CHECK_INT(d->offers_optional, 1);
        CHECK_INT(d->trainings, 1);
        CHECK_INT(d->profiles, 1);
        CHECK_INT(d->one_away, 0); /* not evaluated yet */
        /* D = 2.5, S = 1: 2.5^2 / 3.5 */
        CHECK(fabs(d->unmet - 6.25 / 3.5) < 1e-9);
    }
    CHECK_INT(st.profiles, 4);
    CHECK_INT(st.evaluated, 0);
    n = sm_match_demand(r, &all, NULL, &err);
    d = row_of(n, sk(SKILL(12)));
    CHECK(d && d->offers_essential == 3);
    /* One skill away: the three French speakers, by management, from the Paris offers. */
    CHECK_INT(sm_matcher_demand_refresh(r, 100), 4);
    n = sm_match_demand(r, &paris, &st, &err);
    d = row_of(n, sk(SKILL(12)));
    CHECK(d && d->one_away == 3 && d->two_away == 0);
    CHECK_INT(st.evaluated, 4);
    /* Changes move the counts at once. */
    CHECK_INT(sm_matcher_delete_offer(m, "paris-1"), SM_OK);
    CHECK_INT(sm_matcher_delete_profile(m, "f0"), SM_OK);
    n = sm_match_demand(r, &paris, &st, &err);
    d = row_of(n, sk(SKILL(12)));
    CHECK(d && d->offers_essential == 1 && d->one_away == 2);
    CHECK_INT(st.profiles, 3);
    d = row_of(n, sk(SKILL(10)));
    CHECK(d && d->profiles == 2);
    /* A collection the skill is not in, an occupation that does not ask for it. */
    paris.collections = SM_COLL_LANGUAGE;
    n = sm_match_demand(r, &paris, NULL, &err);
    CHECK(!row_of(n, sk(SKILL(12))));
    paris.collections = 0;
    paris.top = 5000;
    CHECK_INT(sm_match_demand(r, &paris, NULL, &err), SM_EINVAL);
    teardown();
}

/* Offers count in demand until their closing date: one already closed adds nothing, and one
 * that closes leaves the counts on the next day's pass. */
static void closed_offers_leave_demand(void)
{
    setup();
    sm_requirement two[] = {{sk(SKILL(10)), 1, 0, 0}};
    int32_t today = sm_today();
    sm_offer o;
    memset(&o, 0, sizeof o);
    o.title = "x";
    o.kind = SM_OFFER_JOB;
    o.requirements = two;
    o.requirement_count = 1;
    o.occupation = SM_NO_CONCEPT;
    o.location = (sm_geo){48.85, 2.35, 1};
    sm_error err = {0};
    static const char *const ids[] = {"closed", "today", "tomorrow", "open"};
    const int32_t through[] = {today - 1, today, today + 1, 0};
    for (int i = 0; i < 4; i++) {
        o.id = ids[i];
        o.valid_through = through[i];
        CHECK_INT(sm_matcher_upsert_offer(m, &o, &err), SM_OK);
    }
    sm_demand_query paris = {1, 48.85, 2.35, 30, 0, SM_NO_CONCEPT, 50, 1};
    int n = sm_match_demand(r, &paris, NULL, &err);
    const sm_demand_row *d = row_of(n, sk(SKILL(10)));
    CHECK(d && d->offers_essential == 3);
    sm_matcher_demand_expire(m, today + 1);
    n = sm_match_demand(r, &paris, NULL, &err);
    d = row_of(n, sk(SKILL(10)));
    CHECK(d && d->offers_essential == 2);
    sm_matcher_demand_expire(m, today + 2);
    n = sm_match_demand(r, &paris, NULL, &err);
    d = row_of(n, sk(SKILL(10)));
    CHECK(d && d->offers_essential == 1);
    /* A closed offer given a new date counts again; deleted, it leaves nothing behind. */
    o.id = "closed";
    o.valid_through = today + 30;
    CHECK_INT(sm_matcher_upsert_offer(m, &o, &err), SM_OK);
    CHECK_INT(sm_matcher_delete_offer(m, "today"), SM_OK);
    n = sm_match_demand(r, &paris, NULL, &err);
    d = row_of(n, sk(SKILL(10)));
    CHECK(d && d->offers_essential == 2);
    teardown();
}

/* A load that defers the counters, caught up a few slots at a time while offers and profiles
 * change, ends with the same counts as counting all along. */
static void demand_catch_up_equals_live_counts(void)
{
    setup();
    sm_matcher *live = m, *late;
    CHECK_INT(sm_matcher_new(tx, &late), SM_OK);
    sm_matcher_demand_defer(late);
    sm_match_reader *lr = sm_match_reader_new(late);
    uint32_t skills[] = {sk(SKILL(09)), sk(SKILL(10)), sk(SKILL(11)), sk(SKILL(12))};
    uint64_t seed = 7;
    char id[16];
    int caught = 0;
    for (int step = 0; step < 600; step++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t x = (uint32_t)(seed >> 33);
        sm_matcher *both[2] = {live, late};
        snprintf(id, sizeof id, "%c%u", x % 3 ? 'o' : 'p', x / 7 % 40);
        double lat = 48.0 + (x / 300 % 5), lon = 2.0 + (x / 1500 % 5);
        for (int k = 0; k < 2; k++) {
            sm_error err = {0};
            if (x % 11 == 0) {
                if (id[0] == 'o')
                    sm_matcher_delete_offer(both[k], id);
                else
                    sm_matcher_delete_profile(both[k], id);
            } else if (id[0] == 'o') {
                sm_requirement req[] = {{skills[x % 4], (uint8_t)(x / 4 % 2), 0, 0},
                                        {skills[(x + 1) % 4], 1, 0, 0}};
                sm_offer o;
                memset(&o, 0, sizeof o);
                o.id = id;
                o.kind = SM_OFFER_JOB;
                o.requirements = req;
                o.requirement_count = 2;
                o.location = (sm_geo){lat, lon, 1};
                o.occupation = SM_NO_CONCEPT;
                CHECK_INT(sm_matcher_upsert_offer(both[k], &o, &err), SM_OK);
            } else {
                sm_skill_claim cl[] = {{skills[x % 4], 0, 0}};
                sm_profile p;
                memset(&p, 0, sizeof p);
                p.id = id;
                p.skills = cl;
                p.skill_count = 1;
                p.location = (sm_geo){lat, lon, 1};
                p.consent = SM_CONSENT_STATISTICS;
                CHECK_INT(sm_matcher_upsert_profile(both[k], &p, &err), SM_OK);
            }
        }
        if (step >= 300 && !caught) /* the load is over: catch up, 7 slots a turn */
            caught = sm_matcher_demand_catch_up(late, 7);
    }
    while (!caught)
        caught = sm_matcher_demand_catch_up(late, 7);
    sm_demand_query all = {0, 0, 0, 0, 0, SM_NO_CONCEPT, 50, 1},
                    area = {1, 50.0, 4.0, 150, 0, SM_NO_CONCEPT, 50, 1};
    for (int q = 0; q < 2; q++) {
        sm_error err = {0};
        sm_demand_status s1, s2;
        int n1 = sm_match_demand(r, q ? &area : &all, &s1, &err);
        int n2 = sm_match_demand(lr, q ? &area : &all, &s2, &err);
        CHECK_INT(n2, n1);
        for (int i = 0; i < n1 && i < n2; i++)
            CHECK(!memcmp(sm_match_demand_get(r, (size_t)i), sm_match_demand_get(lr, (size_t)i),
                          sizeof(sm_demand_row)));
        CHECK_INT(s2.profiles, s1.profiles);
        CHECK(s2.complete && s1.complete);
    }
    sm_match_reader_free(lr);
    sm_matcher_free(late);
    teardown();
}

SM_TEST_MAIN("test_plan", T(gaps_known_by_construction), T(one_training_closes_the_gap),
             T(prerequisites_force_an_order), T(a_budget_forces_the_cheaper_path), T(demand_counts),
             T(closed_offers_leave_demand), T(demand_catch_up_equals_live_counts))
