/*
 * test_matcher.c: the matcher's scoring rules (each has a test that fails
 * without it), explanations, the store's life cycle, and the index against
 * an independent brute-force scorer on random data.
 */
#include "matcher/matcher.h"
#include "taxonomy/esco.h"
#include "taxonomy/loader.h"
#include "tests/unit/check.h"

#include <math.h>

#define SKILL(n) "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-0000000000" #n
#define TODAY 20000

static sm_taxonomy *tx;
static sm_matcher *m;
static sm_match_reader *r;

static uint32_t sk(const char *uri)
{
    return sm_taxonomy_find(tx, sm_str_make(uri, strlen(uri)));
}

static void setup(const char *esco)
{
    sm_load_options opts = {esco, NULL};
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

static sm_match_options opts_default(void)
{
    sm_match_options o = {SM_OFFER_JOB, 20, TODAY, SM_LANG_EN, 0, NULL};
    return o;
}

static sm_offer job(const char *id, const sm_requirement *reqs, size_t n)
{
    sm_offer o;
    memset(&o, 0, sizeof o);
    o.id = id;
    o.title = id;
    o.kind = SM_OFFER_JOB;
    o.requirements = reqs;
    o.requirement_count = n;
    o.occupation = SM_NO_CONCEPT;
    o.location = (sm_geo){45.76, 4.84, 1}; /* where person() is: distance plays no part */
    return o;
}

static sm_profile person(const char *id, const sm_skill_claim *claims, size_t n)
{
    sm_profile p;
    memset(&p, 0, sizeof p);
    p.id = id;
    p.skills = claims;
    p.skill_count = n;
    p.consent = SM_CONSENT_VISIBLE;
    p.location = (sm_geo){45.76, 4.84, 1};
    return p;
}

/* Score of one offer for one profile through the direct scorer. */
static double score_of(const sm_offer *o, const sm_profile *p, unsigned disable)
{
    sm_match_options opts = opts_default();
    opts.disable = disable;
    double s = -1;
    int rc = sm_match_score(r, o, p, &opts, &s, NULL);
    return rc == 1 ? s : rc == 0 ? -0.0 - 1 : -2;
}

static void exact_skills_get_full_credit(void)
{
    setup("tests/fixtures/esco");
    /* Spreadsheets (01), French (10) and stock shelves (08) are unrelated in the fixture. */
    uint32_t a = sk(SKILL(01)), b = sk(SKILL(10)), c = sk(SKILL(08));
    CHECK(sm_matcher_similarity(m, a, b) == 0 && sm_matcher_similarity(m, a, c) == 0 &&
          sm_matcher_similarity(m, b, c) == 0);
    sm_requirement reqs[] = {{a, 1, 0, 0}, {b, 1, 0, 0}, {c, 0, 0, 0}};
    sm_skill_claim all[] = {{a, 0, SM_EVIDENCE_CERTIFIED},
                            {b, 0, SM_EVIDENCE_CERTIFIED},
                            {c, 0, SM_EVIDENCE_CERTIFIED}};
    sm_offer o = job("o1", reqs, 3);
    sm_profile p = person("p1", all, 3);
    CHECK(fabs(score_of(&o, &p, 0) - 1.0) < 1e-6);
    /* Missing one optional skill costs less than missing one essential skill. */
    sm_profile no_opt = person("p2", all, 2);
    sm_skill_claim without_ess[] = {all[0], all[2]};
    sm_profile no_ess = person("p3", without_ess, 2);
    double with_ess = score_of(&o, &no_opt, 0), without = score_of(&o, &no_ess, 0);
    CHECK(with_ess < 1.0 && without < with_ess);
    /* Switched off, essential and optional weigh the same (the rule matters). */
    CHECK(fabs(score_of(&o, &no_opt, SM_SCORE_NO_ESSENTIAL | SM_SCORE_NO_RARITY) -
               score_of(&o, &no_ess, SM_SCORE_NO_ESSENTIAL | SM_SCORE_NO_RARITY)) < 1e-6);
    teardown();
}

static void neighbours_get_partial_credit(void)
{
    setup("tests/fixtures/esco");
    /* Microsoft Excel (09) is narrower than use spreadsheets software (01). */
    sm_requirement reqs[] = {{sk(SKILL(01)), 1, 0, 0}};
    sm_skill_claim excel[] = {{sk(SKILL(09)), 0, SM_EVIDENCE_CERTIFIED}};
    sm_offer o = job("o", reqs, 1);
    sm_profile p = person("p", excel, 1);
    double s = score_of(&o, &p, 0);
    float sim = sm_matcher_similarity(m, sk(SKILL(01)), sk(SKILL(09)));
    CHECK(sim >= 0.5f && sim < 1.0f);
    CHECK(fabs(s - sim) < 1e-6);
    CHECK(score_of(&o, &p, SM_SCORE_NO_SIMILARITY) == 0);
    /* An unrelated skill gets nothing. */
    sm_skill_claim french[] = {{sk(SKILL(10)), 0, SM_EVIDENCE_CERTIFIED}};
    sm_profile q = person("q", french, 1);
    CHECK(fabs(score_of(&o, &q, 0)) < 1e-12);
    teardown();
}

static void level_and_evidence(void)
{
    setup("tests/fixtures/esco");
    sm_requirement reqs[] = {{sk(SKILL(01)), 1, 5, 0}};
    sm_offer o = job("o", reqs, 1);
    double s[9];
    for (uint8_t level = 0; level <= 8; level++) {
        sm_skill_claim c[] = {{sk(SKILL(01)), level, SM_EVIDENCE_CERTIFIED}};
        sm_profile p = person("p", c, 1);
        s[level] = score_of(&o, &p, 0);
    }
    CHECK(fabs(s[5] - 1.0) < 1e-6 && fabs(s[8] - 1.0) < 1e-6);
    CHECK(fabs(s[4] - 0.8) < 1e-6 && fabs(s[3] - 0.6) < 1e-6);
    CHECK(fabs(s[1] - 0.25) < 1e-6); /* floor */
    CHECK(fabs(s[0] - 0.85) < 1e-6); /* level not stated */
    sm_skill_claim low[] = {{sk(SKILL(01)), 3, SM_EVIDENCE_CERTIFIED}};
    sm_profile lp = person("p", low, 1);
    CHECK(fabs(score_of(&o, &lp, SM_SCORE_NO_LEVEL) - 1.0) < 1e-6);
    double e[4];
    for (uint8_t ev = 0; ev < 4; ev++) {
        sm_skill_claim c[] = {{sk(SKILL(01)), 5, ev}};
        sm_profile p = person("p", c, 1);
        e[ev] = score_of(&o, &p, 0);
    }
    CHECK(e[SM_EVIDENCE_DECLARED] < e[SM_EVIDENCE_VALIDATED]);
    CHECK(e[SM_EVIDENCE_VALIDATED] < e[SM_EVIDENCE_ASSESSED]);
    CHECK(e[SM_EVIDENCE_ASSESSED] < e[SM_EVIDENCE_CERTIFIED]);
    sm_skill_claim declared[] = {{sk(SKILL(01)), 5, SM_EVIDENCE_DECLARED}};
    sm_profile dp = person("p", declared, 1);
    CHECK(fabs(score_of(&o, &dp, SM_SCORE_NO_EVIDENCE) - 1.0) < 1e-6);
    teardown();
}

static void rare_skills_weigh_more(void)
{
    setup("tests/fixtures/esco");
    /* customer service (03) is asked by all three fixture occupations; stock shelves (08) by two,
     * use spreadsheets (01) by one. */
    CHECK(sm_matcher_rarity(m, sk(SKILL(01))) > sm_matcher_rarity(m, sk(SKILL(03))));
    sm_requirement reqs[] = {{sk(SKILL(01)), 1, 0, 0}, {sk(SKILL(03)), 1, 0, 0}};
    sm_offer o = job("o", reqs, 2);
    sm_skill_claim rare[] = {{sk(SKILL(01)), 0, SM_EVIDENCE_CERTIFIED}};
    sm_skill_claim common[] = {{sk(SKILL(03)), 0, SM_EVIDENCE_CERTIFIED}};
    sm_profile pr = person("r", rare, 1), pc = person("c", common, 1);
    CHECK(score_of(&o, &pr, 0) > score_of(&o, &pc, 0));
    CHECK(fabs(score_of(&o, &pr, SM_SCORE_NO_RARITY) - score_of(&o, &pc, SM_SCORE_NO_RARITY)) <
          1e-6);
    teardown();
}

static void unrelated_skills_neither_hide_nor_fake(void)
{
    setup(NULL); /* the built-in taxonomy has 167 skills to pad with */
    uint32_t a = sk("urn:skillmatch:skill:pos-software"),
             b = sk("urn:skillmatch:skill:cash-register");
    if (b == SM_NO_CONCEPT)
        b = sk("http://data.europa.eu/esco/skill/0cb013af-6dd9-4fb2-b34e-63dda1a5cf82");
    sm_requirement reqs[] = {{a, 1, 0, 0}, {b, 1, 0, 0}};
    sm_offer o = job("o", reqs, 2);
    sm_skill_claim few[] = {{a, 0, SM_EVIDENCE_CERTIFIED}};
    sm_profile p = person("p", few, 1);
    double base = score_of(&o, &p, 0);
    /* The same profile with 150 more skills, none of them near the offer's. */
    sm_skill_claim many[200];
    size_t n = 0;
    many[n++] = few[0];
    for (uint32_t s = 0; s < sm_taxonomy_count(tx) && n < 150; s++)
        if (sm_concept_is_skill(sm_taxonomy_type(tx, s)) && s != a && s != b &&
            sm_matcher_similarity(m, s, a) == 0 && sm_matcher_similarity(m, s, b) == 0)
            many[n++] = (sm_skill_claim){s, 0, SM_EVIDENCE_CERTIFIED};
    CHECK(n > 50);
    sm_profile big = person("big", many, n);
    CHECK(fabs(score_of(&o, &big, 0) - base) < 1e-9); /* not hidden */
    sm_profile only_unrelated = person("u", many + 1, n - 1);
    CHECK(fabs(score_of(&o, &only_unrelated, 0)) < 1e-12); /* not faked */
    teardown();
}

/* Depth: an offer that one claim covers through its neighbours draws on one of the person's
 * skills, not on several; unrelated skills leave depth alone; switched off, score = skills. */
static void depth_counts_the_skills_drawn_on(void)
{
    setup(NULL);
    uint32_t x = SM_NO_CONCEPT, nb[8];
    float sims[8];
    for (uint32_t s = 0; s < sm_taxonomy_count(tx) && x == SM_NO_CONCEPT; s++)
        if (sm_concept_is_skill(sm_taxonomy_type(tx, s)) &&
            sm_matcher_neighbours(m, s, nb, sims, 8) >= 2 && sims[0] >= 0.5f && sims[1] >= 0.5f)
            x = s;
    CHECK(x != SM_NO_CONCEPT);
    sm_requirement reqs[] = {{nb[0], 1, 0, 0}, {nb[1], 1, 0, 0}};
    sm_offer o = job("o", reqs, 2);
    sm_skill_claim one[60] = {{x, 0, SM_EVIDENCE_CERTIFIED}};
    sm_skill_claim both[] = {{nb[0], 0, SM_EVIDENCE_CERTIFIED}, {nb[1], 0, SM_EVIDENCE_CERTIFIED}};
    sm_profile p1 = person("one", one, 1), p2 = person("both", both, 2);
    sm_match_options opts = opts_default();
    double s1, s2;
    const sm_match_result *res;
    CHECK(sm_match_score(r, &o, &p1, &opts, &s1, &res) == 1);
    /* one claim, close to both requirements: drawn on once, out of the two the offer asks */
    CHECK(fabs(res->skills_used - 1.0) < 1e-9 && fabs(res->depth - 0.5) < 1e-9);
    CHECK(fabs(s1 - res->skills * 0.5) < 1e-9);
    double skills1 = res->skills;
    CHECK(sm_match_score(r, &o, &p2, &opts, &s2, &res) == 1);
    CHECK(fabs(res->skills_used - 2.0) < 1e-9 && res->depth == 1.0 && fabs(s2 - 1.0) < 1e-6);
    /* 50 unrelated skills more: the same depth, the same score */
    size_t n = 1;
    for (uint32_t s = 0; s < sm_taxonomy_count(tx) && n < 51; s++)
        if (sm_concept_is_skill(sm_taxonomy_type(tx, s)) && s != x &&
            sm_matcher_similarity(m, s, nb[0]) == 0 && sm_matcher_similarity(m, s, nb[1]) == 0)
            one[n++] = (sm_skill_claim){s, 0, SM_EVIDENCE_CERTIFIED};
    CHECK(n == 51);
    sm_profile padded = person("padded", one, n);
    CHECK(fabs(score_of(&o, &padded, 0) - s1) < 1e-12);
    /* the rule matters: without it the single claim scores its plain skills score */
    CHECK(fabs(score_of(&o, &p1, SM_SCORE_NO_DEPTH) - skills1) < 1e-9);
    CHECK(score_of(&o, &p1, SM_SCORE_NO_DEPTH) > s1 + 0.1);
    teardown();
}

static void distance_radius_and_remote(void)
{
    setup("tests/fixtures/esco");
    sm_requirement reqs[] = {{sk(SKILL(01)), 1, 0, 0}};
    sm_skill_claim c[] = {{sk(SKILL(01)), 0, SM_EVIDENCE_CERTIFIED}};
    sm_offer o = job("o", reqs, 1);
    sm_profile p = person("p", c, 1);
    p.location = (sm_geo){48.8566, 2.3522, 1}; /* Paris */
    p.radius_km = 30;
    o.location = (sm_geo){48.8566, 2.3522, 1};
    double here = score_of(&o, &p, 0);
    o.location = (sm_geo){48.8049, 2.1204, 1}; /* Versailles, ~18 km */
    double near = score_of(&o, &p, 0);
    o.location = (sm_geo){49.4431, 1.0993, 1}; /* Rouen, ~110 km */
    double far = score_of(&o, &p, 0);
    CHECK(fabs(here - 1.0) < 1e-6);
    CHECK(near < here && near > 0.7);
    CHECK(far == -1); /* beyond the mobility radius: filtered */
    CHECK(fabs(score_of(&o, &p, SM_SCORE_NO_DISTANCE) - 1.0) < 1e-6);
    o.remote = 1;
    CHECK(fabs(score_of(&o, &p, 0) - 1.0) < 1e-6); /* remote ignores distance */
    teardown();
}

static void expiry_and_constraints(void)
{
    setup("tests/fixtures/esco");
    sm_requirement reqs[] = {{sk(SKILL(01)), 1, 0, 0}};
    sm_skill_claim c[] = {{sk(SKILL(01)), 0, SM_EVIDENCE_CERTIFIED}};
    sm_offer o = job("o", reqs, 1);
    sm_profile p = person("p", c, 1);
    o.valid_through = TODAY - 1;
    CHECK(score_of(&o, &p, 0) == -1);
    o.valid_through = TODAY;
    CHECK(score_of(&o, &p, 0) > 0);
    o.valid_from = TODAY + 1;
    CHECK(score_of(&o, &p, 0) == -1);
    o.valid_from = 0;
    p.constraints = SM_PROFILE_REMOTE_ONLY;
    CHECK(score_of(&o, &p, 0) == -1);
    o.remote = 1;
    CHECK(score_of(&o, &p, 0) > 0);
    p.constraints = SM_PROFILE_PART_TIME;
    o.hours = 35;
    CHECK(score_of(&o, &p, 0) == -1);
    o.hours = 24;
    CHECK(score_of(&o, &p, 0) > 0);
    p.constraints = SM_PROFILE_NO_CAR;
    o.flags = SM_OFFER_REQUIRES_CAR;
    CHECK(score_of(&o, &p, 0) == -1);
    teardown();
}

/* The ESS filters of /v1/match, through the direct scorer and through the index. */
static void filters_choose_offers(void)
{
    setup("tests/fixtures/esco");
    sm_requirement reqs[] = {{sk(SKILL(01)), 1, 0, 0}};
    sm_skill_claim c[] = {{sk(SKILL(01)), 0, SM_EVIDENCE_CERTIFIED}};
    sm_offer a = job("a", reqs, 1), b = job("b", reqs, 1);
    a.org_kind = 3;
    a.contract_type = 2;
    a.hours = 26;
    a.flags = SM_OFFER_SUPPORT | SM_OFFER_NO_DIPLOMA;
    b.org_kind = 1;
    b.contract_type = 1;
    sm_error err = {0};
    CHECK(sm_matcher_upsert_offer(m, &a, &err) == 0);
    CHECK(sm_matcher_upsert_offer(m, &b, &err) == 0);
    sm_profile p = person("p", c, 1);
    sm_match_filter f;
    const struct {
        uint32_t orgs, contracts;
        float hours;
        unsigned require;
        int remote;
        const char *only; /* the one offer expected, NULL: both, "": none */
    } cases[] = {{0, 0, 0, 0, 0, NULL},
                 {1u << 3, 0, 0, 0, 0, "a"},
                 {1u << 1 | 1u << 5, 0, 0, 0, 0, "b"},
                 {0, 1u << 1, 0, 0, 0, "b"},
                 {0, 0, 30, 0, 0, "a"}, /* b states no hours */
                 {0, 0, 20, 0, 0, ""},
                 {0, 0, 0, SM_OFFER_SUPPORT, 0, "a"},
                 {0, 0, 0, SM_OFFER_NO_DIPLOMA | SM_OFFER_SUPPORT, 0, "a"},
                 {0, 0, 0, 0, 1, ""},
                 {1u << 3, 1u << 1, 0, 0, 0, ""}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        memset(&f, 0, sizeof f);
        f.org_kinds = cases[i].orgs;
        f.contract_types = cases[i].contracts;
        f.max_hours = cases[i].hours;
        f.require = cases[i].require;
        f.remote_only = cases[i].remote;
        sm_match_options opts = opts_default();
        opts.filter = &f;
        int n = sm_match_offers(r, &p, &opts, &err);
        size_t want = !cases[i].only ? 2 : *cases[i].only ? 1 : 0;
        if (n != (int)want)
            fprintf(stderr, "    filter case %zu: %d results\n", i, n);
        CHECK(n == (int)want);
        if (n == 1 && want == 1)
            CHECK(strcmp(sm_match_get(r, 0)->id, cases[i].only) == 0);
        double s = -1;
        CHECK(sm_match_score(r, &a, &p, &opts, &s, NULL) ==
              (!cases[i].only || strcmp(cases[i].only, "a") == 0));
    }
    teardown();
}

static void store_life_cycle_and_explanations(void)
{
    setup("tests/fixtures/esco");
    sm_error err = {0};
    /* Spreadsheets (01), French (10): essential; stock shelves (08): optional. The profile has
     * Microsoft Excel (09), narrower than spreadsheets and unrelated to the others. */
    sm_requirement reqs[] = {
        {sk(SKILL(01)), 1, 0, 0}, {sk(SKILL(10)), 1, 0, 0}, {sk(SKILL(08)), 0, 0, 0}};
    sm_offer o = job("clerk-1", reqs, 3);
    o.title = "Employé administratif";
    CHECK_INT(sm_matcher_upsert_offer(m, &o, &err), SM_OK);
    sm_offer other = job("clerk-2", reqs, 1);
    CHECK_INT(sm_matcher_upsert_offer(m, &other, &err), SM_OK);
    CHECK_INT(sm_matcher_offer_count(m, SM_OFFER_JOB), 2);
    sm_skill_claim c[] = {{sk(SKILL(09)), 0, SM_EVIDENCE_CERTIFIED}};
    sm_profile p = person("anna", c, 1);
    sm_match_options opts = opts_default();
    CHECK_INT(sm_match_offers(r, &p, &opts, &err), 2);
    const sm_match_result *res = sm_match_get(r, 1);
    CHECK(res != NULL);
    if (res && res->missing_count == 2) {
        CHECK_STR(res->id, "clerk-1");
        CHECK_STR(res->title, "Employé administratif");
        CHECK(res->score > 0 && res->score < sm_match_get(r, 0)->score);
        CHECK_INT(res->matched_count, 1);
        CHECK_INT(res->matched[0].tier, SM_TIER_CLOSE);
        CHECK_INT(res->matched[0].via, sk(SKILL(09)));
        CHECK_INT(res->matched[0].required, sk(SKILL(01)));
        CHECK(res->missing[0].essential && !res->missing[1].essential); /* essential first */
        CHECK_HAS(res->justification, "You have 1 of the 2 essential skills");
        /* "lack" names essential skills only; the optional one is counted apart. */
        CHECK_HAS(res->justification, "; you lack “speak French”; you lack the nice-to-have skill");
        CHECK_INT(res->missing[0].status, SM_REQ_MISSING);
        CHECK_INT(res->matched[0].status, SM_REQ_MET);
        CHECK_INT(res->fit, SM_FIT_WEAK);
    } else
        CHECK(!"clerk-1 should miss two skills");
    opts.lang = SM_LANG_FR;
    sm_match_offers(r, &p, &opts, &err);
    CHECK_HAS(sm_match_get(r, 1)->justification, "Vous avez 1 des 2 compétences essentielles");
    CHECK_HAS(sm_match_get(r, 1)->justification,
              "il vous manque « parler français » ; vous n'avez pas la compétence souhaitée");
    /* Update: clerk-1 now asks only for spreadsheets; visible to the next query. */
    sm_offer changed = job("clerk-1", reqs, 1);
    CHECK_INT(sm_matcher_upsert_offer(m, &changed, &err), SM_OK);
    CHECK_INT(sm_matcher_offer_count(m, SM_OFFER_JOB), 2);
    CHECK_INT(sm_matcher_emptied_slots(m), 1); /* the update took a new slot */
    opts.lang = SM_LANG_EN;
    CHECK_INT(sm_match_offers(r, &p, &opts, &err), 2);
    CHECK(fabs(sm_match_get(r, 0)->score - sm_match_get(r, 1)->score) < 1e-9);
    /* Delete: gone at once. */
    CHECK_INT(sm_matcher_delete_offer(m, "clerk-1"), SM_OK);
    CHECK_INT(sm_matcher_delete_offer(m, "clerk-1"), SM_ENOTFOUND);
    CHECK_INT(sm_match_offers(r, &p, &opts, &err), 1);
    CHECK_STR(sm_match_get(r, 0)->id, "clerk-2");
    CHECK_INT(sm_matcher_offer_count(m, SM_OFFER_JOB), 1);
    CHECK_INT(sm_matcher_emptied_slots(m), 2);
    teardown();
}

static void bad_input_is_refused(void)
{
    setup("tests/fixtures/esco");
    sm_error err = {0};
    sm_requirement bad[] = {{sk(SKILL(01)), 1, 0, 0}, {9999999, 1, 0, 0}};
    sm_offer o = job("x", bad, 2);
    CHECK_INT(sm_matcher_upsert_offer(m, &o, &err), SM_EINVAL);
    CHECK_STR(err.message, "skills[1].skill: not a skill concept");
    /* The field and the reason apart, for a layer above to name the field without parsing. */
    CHECK_STR(err.field, "skills[1].skill");
    CHECK_STR(sm_error_reason(&err), "not a skill concept");
    bad[1].skill = sk("http://data.europa.eu/esco/occupation/00000000-0000-4000-8000-000000000201");
    CHECK_INT(sm_matcher_upsert_offer(m, &o, &err), SM_EINVAL);
    bad[1] = (sm_requirement){sk(SKILL(01)), 0, 0, 0};
    CHECK_INT(sm_matcher_upsert_offer(m, &o, &err), SM_EINVAL);
    CHECK_STR(err.message, "skills[1].skill: listed twice");
    bad[1] = (sm_requirement){sk(SKILL(02)), 0, 9, 0};
    CHECK_INT(sm_matcher_upsert_offer(m, &o, &err), SM_EINVAL);
    CHECK_STR(err.message, "skills[1].level: must be 0..8");
    o = job("", bad, 1);
    CHECK_INT(sm_matcher_upsert_offer(m, &o, &err), SM_EINVAL);
    CHECK_STR(err.message, "id: required");
    o = job("y", bad, 0);
    CHECK_INT(sm_matcher_upsert_offer(m, &o, &err), SM_EINVAL);
    o = job("y", bad, 1);
    o.location = (sm_geo){95, 0, 1};
    CHECK_INT(sm_matcher_upsert_offer(m, &o, &err), SM_EINVAL);
    CHECK_HAS(err.message, "location: latitude");
    CHECK_STR(err.field, "location");
    CHECK_INT(sm_matcher_offer_count(m, SM_OFFER_JOB), 0); /* nothing half-written */
    /* Empty and huge profiles. */
    sm_profile empty = person("e", NULL, 0);
    sm_match_options opts = opts_default();
    CHECK_INT(sm_match_offers(r, &empty, &opts, &err), SM_EINVAL);
    CHECK_STR(err.message, "profile.skills: empty, add at least one skill to get matches");
    CHECK_STR(err.field, "profile.skills");
    sm_skill_claim huge[SM_MAX_PROFILE_SKILLS + 1];
    for (size_t i = 0; i <= SM_MAX_PROFILE_SKILLS; i++)
        huge[i] = (sm_skill_claim){sk(SKILL(01)), 0, 0};
    sm_profile h = person("h", huge, SM_MAX_PROFILE_SKILLS + 1);
    CHECK_INT(sm_match_offers(r, &h, &opts, &err), SM_EINVAL);
    h.skill_count = SM_MAX_PROFILE_SKILLS;
    CHECK(sm_match_offers(r, &h, &opts, &err) >= 0);
    teardown();
}

static void candidates_need_consent(void)
{
    setup("tests/fixtures/esco");
    sm_error err = {0};
    sm_requirement reqs[] = {{sk(SKILL(02)), 1, 0, 0}, {sk(SKILL(07)), 1, 0, 0}};
    sm_offer o = job("o", reqs, 2);
    o.location = (sm_geo){45.764, 4.8357, 1}; /* Lyon */
    CHECK_INT(sm_matcher_upsert_offer(m, &o, &err), SM_OK);
    sm_skill_claim both[] = {{sk(SKILL(02)), 0, 3}, {sk(SKILL(07)), 0, 3}};
    sm_skill_claim one[] = {{sk(SKILL(02)), 0, 3}};
    sm_profile a = person("visible-both", both, 2), b = person("hidden-both", both, 2),
               c = person("visible-one", one, 1), d = person("far-both", both, 2);
    b.consent = 0;
    d.location = (sm_geo){48.8566, 2.3522, 1};
    d.radius_km = 20;
    CHECK_INT(sm_matcher_upsert_profile(m, &a, &err), SM_OK);
    CHECK_INT(sm_matcher_upsert_profile(m, &b, &err), SM_OK);
    CHECK_INT(sm_matcher_upsert_profile(m, &c, &err), SM_OK);
    CHECK_INT(sm_matcher_upsert_profile(m, &d, &err), SM_OK);
    sm_match_options opts = opts_default();
    CHECK_INT(sm_match_candidates(r, "o", &opts, &err), 2);
    CHECK_STR(sm_match_get(r, 0)->id, "visible-both");
    CHECK_STR(sm_match_get(r, 1)->id, "visible-one");
    CHECK_HAS(sm_match_get(r, 0)->justification, "Has both essential skills asked for");
    CHECK_INT(sm_match_candidates(r, "nope", &opts, &err), SM_ENOTFOUND);
    CHECK_INT(sm_matcher_delete_profile(m, "visible-both"), SM_OK);
    CHECK_INT(sm_match_candidates(r, "o", &opts, &err), 1);
    teardown();
}

static void trainings_rank_by_reach_and_gain(void)
{
    setup("tests/fixtures/esco");
    sm_error err = {0};
    sm_requirement teach_pay[] = {{sk(SKILL(07)), 0, 3, 0}};
    sm_requirement teach_have[] = {{sk(SKILL(02)), 0, 0, 0}};
    sm_requirement prereq_french[] = {{sk(SKILL(10)), 1, 0, 0}};
    sm_offer t1 = job("t-pay", NULL, 0), t2 = job("t-have", NULL, 0), t3 = job("t-locked", NULL, 0);
    t1.kind = t2.kind = t3.kind = SM_OFFER_TRAINING;
    t1.teaches = teach_pay;
    t1.teach_count = 1;
    t2.teaches = teach_have;
    t2.teach_count = 1;
    t3.teaches = teach_pay;
    t3.teach_count = 1;
    t3.requirements = prereq_french;
    t3.requirement_count = 1;
    CHECK_INT(sm_matcher_upsert_offer(m, &t1, &err), SM_OK);
    CHECK_INT(sm_matcher_upsert_offer(m, &t2, &err), SM_OK);
    CHECK_INT(sm_matcher_upsert_offer(m, &t3, &err), SM_OK);
    CHECK_INT(sm_matcher_offer_count(m, SM_OFFER_TRAINING), 3);
    sm_skill_claim c[] = {{sk(SKILL(02)), 0, 3}};
    sm_profile p = person("p", c, 1);
    sm_match_options opts = opts_default();
    opts.kind = SM_OFFER_TRAINING;
    int n = sm_match_offers(r, &p, &opts, &err);
    CHECK(n >= 1);
    /* Reachable and teaching something new (and related) comes first; the locked one and the
     * one teaching what I have do not beat it. */
    CHECK_STR(sm_match_get(r, 0)->id, "t-pay");
    for (int i = 0; i < n; i++)
        CHECK(strcmp(sm_match_get(r, (size_t)i)->id, "t-locked") != 0);
    teardown();
}

static void grid_cell_borders(void)
{
    /* Cells are 0.5 degrees: 45.5 N and 3.0 E are borders. Offers a few metres across them,
     * and one 80 km away, must be found by a person with the matching radius. */
    setup("tests/fixtures/esco");
    sm_matcher_set_grid_min_postings(m, 0, 0); /* file every posting by cell */
    sm_error err = {0};
    sm_requirement reqs[] = {{sk(SKILL(01)), 1, 0, 0}};
    struct {
        const char *id;
        double lat, lon;
    } places[] = {{"across-lat", 45.4999, 3.05},
                  {"across-lon", 45.6, 2.9999},
                  {"across-both", 45.4999, 2.9999},
                  {"far", 46.22, 3.0}};
    for (size_t i = 0; i < 4; i++) {
        sm_offer o = job(places[i].id, reqs, 1);
        o.location = (sm_geo){places[i].lat, places[i].lon, 1};
        CHECK_INT(sm_matcher_upsert_offer(m, &o, &err), SM_OK);
    }
    sm_skill_claim c[] = {{sk(SKILL(01)), 0, SM_EVIDENCE_CERTIFIED}};
    sm_profile p = person("p", c, 1);
    p.location = (sm_geo){45.5001, 3.0001, 1};
    p.radius_km = 15;
    sm_match_options opts = opts_default();
    CHECK_INT(sm_match_offers(r, &p, &opts, &err), 3);
    p.radius_km = 90;
    CHECK_INT(sm_match_offers(r, &p, &opts, &err), 4);
    /* Candidates the other way: the person's cell differs from the offer's. */
    CHECK_INT(sm_matcher_upsert_profile(m, &p, &err), SM_OK);
    CHECK_INT(sm_match_candidates(r, "across-both", &opts, &err), 1);
    CHECK_INT(sm_match_candidates(r, "far", &opts, &err), 1);
    teardown();
}

/* ---- brute force against the index ------------------------------------ */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

#define N_OFFERS 3000
#define N_PROFILES 400

typedef struct ref_offer {
    char id[16];
    sm_requirement reqs[12];
    size_t n;
    sm_geo loc;
    int remote;
    int32_t through;
} ref_offer;

typedef struct ref_profile {
    char id[16];
    sm_skill_claim claims[12];
    size_t n;
    sm_geo loc;
    float radius;
    unsigned consent;
} ref_profile;

static uint32_t *skills;
static size_t skill_count;

/* The reference: the rules of matcher/README.md written out plainly, loop by loop. */
static double ref_score(const ref_offer *o, const ref_profile *p)
{
    if (o->through && TODAY > o->through)
        return -1;
    static const double ef[4] = {0.80f, 0.90f, 0.95f, 1.00f};
    double total = 0, sum = 0;
    float w[12];
    for (size_t j = 0; j < o->n; j++) {
        w[j] = sm_matcher_rarity(m, o->reqs[j].skill) * (o->reqs[j].essential ? 3.0f : 1.0f);
        total += w[j];
    }
    /* Per requirement, the claim it is credited through: most credit, then the closest,
     * then the smallest skill id. drawn[i]: claim i's best similarity among those. */
    float drawn[12] = {0};
    for (size_t j = 0; j < o->n; j++) {
        float best = 0, best_sim = 0;
        size_t chosen = SIZE_MAX;
        for (size_t i = 0; i < p->n; i++) {
            float sim = sm_matcher_similarity(m, o->reqs[j].skill, p->claims[i].skill);
            if (sim <= 0)
                continue;
            uint8_t have = p->claims[i].level, need = o->reqs[j].level;
            float lf = need == 0 || have >= need ? 1.0f
                       : have == 0               ? 0.85f
                                                 : 1.0f - 0.2f * (float)(need - have);
            if (lf < 0.25f)
                lf = 0.25f;
            float credit = sim * (float)ef[p->claims[i].evidence] * lf;
            if (credit > best ||
                (credit == best && chosen != SIZE_MAX &&
                 (sim > best_sim ||
                  (sim == best_sim && p->claims[i].skill < p->claims[chosen].skill)))) {
                best = credit;
                best_sim = sim;
                chosen = i;
            }
        }
        sum += (double)(float)(w[j] / total) * best;
        if (chosen != SIZE_MAX) {
            /* a repeated skill counts once: file it under its first claim */
            size_t first = 0;
            while (p->claims[first].skill != p->claims[chosen].skill)
                first++;
            float counted = best_sim >= 0.5f ? 1.0f : best_sim; /* close matches count fully */
            if (counted > drawn[first])
                drawn[first] = counted;
        }
    }
    /* Depth: full once 5 of the person's skills are drawn on, or as many as the offer asks;
     * proportionally less below. */
    double used = 0, full = o->n < 5 ? (double)o->n : 5;
    for (size_t i = 0; i < p->n; i++)
        used += (double)drawn[i];
    if (full > 0 && used < full)
        sum *= used / full;
    double factor = 1;
    if (!o->remote && !(o->loc.known && p->loc.known))
        factor = 0.7; /* on site, a place unknown: as far as the scale */
    else if (!o->remote) {
        const double rad = 3.14159265358979323846 / 180.0;
        double dlat = (o->loc.lat - p->loc.lat) * rad, dlon = (o->loc.lon - p->loc.lon) * rad;
        double a = sin(dlat / 2) * sin(dlat / 2) +
                   cos(p->loc.lat * rad) * cos(o->loc.lat * rad) * sin(dlon / 2) * sin(dlon / 2);
        double d = 6371.0 * 2 * atan2(sqrt(a), sqrt(1 - a));
        if (p->radius > 0 && d > p->radius)
            return -1;
        double scale = p->radius > 0 ? p->radius : 50.0;
        factor = 1.0 - 0.3 * (d < scale ? d / scale : 1.0);
    }
    return sum * factor;
}

static ref_offer *offers;
static ref_profile *profiles;

/* A skill drawn by draw that reqs[0..n) does not list yet. */
static uint32_t distinct_skill(const sm_requirement *reqs, size_t n, uint32_t (*draw)(void))
{
    for (;;) {
        uint32_t s = draw();
        int dup = 0;
        for (size_t k = 0; k < n; k++)
            dup |= reqs[k].skill == s;
        if (!dup)
            return s;
    }
}

/* Three quarters of requirements among the first 40 skills: popular skills, long lists. */
static uint32_t draw_skewed(void)
{
    return skills[rnd(40) < 30 ? rnd(40) : rnd((uint32_t)skill_count)];
}

static int upsert_ref_offer(const ref_offer *o)
{
    sm_error err;
    sm_offer in = job(o->id, o->reqs, o->n);
    in.location = o->loc;
    in.remote = o->remote;
    in.valid_through = o->through;
    int rc = sm_matcher_upsert_offer(m, &in, &err);
    if (rc != SM_OK)
        fprintf(stderr, "    upsert: %s\n", err.message);
    return rc;
}

static void make_random_data(void)
{
    skills = malloc(sm_taxonomy_count(tx) * sizeof *skills);
    skill_count = 0;
    for (uint32_t s = 0; s < sm_taxonomy_count(tx); s++)
        if (sm_concept_is_skill(sm_taxonomy_type(tx, s)))
            skills[skill_count++] = s;
    offers = calloc(N_OFFERS, sizeof *offers);
    profiles = calloc(N_PROFILES, sizeof *profiles);
    sm_error err;
    for (int i = 0; i < N_OFFERS; i++) {
        ref_offer *o = &offers[i];
        snprintf(o->id, sizeof o->id, "o%d", i);
        o->n = 1 + rnd(10);
        for (size_t j = 0; j < o->n; j++)
            o->reqs[j] = (sm_requirement){distinct_skill(o->reqs, j, draw_skewed),
                                          (uint8_t)(rnd(2)), (uint8_t)(rnd(3) ? 0 : 1 + rnd(8)), 0};
        o->loc = (sm_geo){43 + rnd(600) / 100.0, -1 + rnd(800) / 100.0, rnd(10) != 0};
        o->remote = rnd(15) == 0;
        o->through = rnd(10) == 0 ? TODAY - 1 : 0;
        upsert_ref_offer(o);
    }
    for (int i = 0; i < N_PROFILES; i++) {
        ref_profile *p = &profiles[i];
        snprintf(p->id, sizeof p->id, "p%d", i);
        p->n = 1 + rnd(10);
        for (size_t j = 0; j < p->n; j++)
            p->claims[j] =
                (sm_skill_claim){skills[rnd(40) < 25 ? rnd(40) : rnd((uint32_t)skill_count)],
                                 (uint8_t)rnd(9), (uint8_t)rnd(4)};
        p->loc = (sm_geo){43 + rnd(600) / 100.0, -1 + rnd(800) / 100.0, rnd(4) != 0};
        p->radius = rnd(3) ? (float)(50 + rnd(400)) : 0;
        p->consent = rnd(5) ? SM_CONSENT_VISIBLE : 0;
        sm_profile in = person(p->id, p->claims, p->n);
        in.location = p->loc;
        in.radius_km = p->radius;
        in.consent = p->consent;
        if (sm_matcher_upsert_profile(m, &in, &err) != SM_OK)
            fprintf(stderr, "    upsert: %s\n", err.message);
    }
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* The index's top-k scores equal the brute-force top-k scores, and every id returned has
 * exactly the brute-force score. */
static void check_topk(const double *brute, size_t n, int k, const char *(*id_of)(int), int count)
{
    double *sorted = malloc(n * sizeof *sorted);
    memcpy(sorted, brute, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_desc);
    int expect = 0;
    while (expect < k && (size_t)expect < n && sorted[expect] > 0)
        expect++;
    CHECK_INT(count, expect);
    for (int i = 0; i < count && i < expect; i++) {
        const sm_match_result *res = sm_match_get(r, (size_t)i);
        if (fabs(res->score - sorted[i]) >= 1e-9)
            fprintf(stderr, "    rank %d: index %.9f (%s), brute force %.9f\n", i, res->score,
                    res->id, sorted[i]);
        CHECK(fabs(res->score - sorted[i]) < 1e-9);
        int idx = -1;
        for (size_t q = 0; q < n; q++)
            if (strcmp(id_of((int)q), res->id) == 0)
                idx = (int)q;
        CHECK(idx >= 0 && fabs(brute[idx] - res->score) < 1e-9);
    }
    free(sorted);
}

static const char *offer_id(int i)
{
    return offers[i].id;
}

static const char *long_offer_id(int i)
{
    return offers[i].id;
}

static const char *profile_id(int i)
{
    return profiles[i].id;
}

/* Counts how the last query's top-k went: by bands only, or down to a full scan. */
static void note_path(int *banded, int *full)
{
    sm_match_stats st;
    sm_match_last_stats(r, &st);
    *full += st.full_scan;
    *banded += !st.full_scan && st.postings > 0;
}

static void index_equals_brute_force(void)
{
    setup(NULL);
    sm_matcher_set_grid_min_postings(
        m, 20, 60); /* rare skills in one list, then coarse cells, then cells */
    make_random_data();
    double *brute = malloc(N_OFFERS * sizeof *brute);
    sm_match_options opts = opts_default();
    sm_error err;
    int banded = 0, full = 0;
    for (int q = 0; q < N_PROFILES; q += 4) {
        for (int i = 0; i < N_OFFERS; i++)
            brute[i] = ref_score(&offers[i], &profiles[q]);
        sm_profile in = person(profiles[q].id, profiles[q].claims, profiles[q].n);
        in.location = profiles[q].loc;
        in.radius_km = profiles[q].radius;
        /* k = 100, 20 and 3: low and high k-th scores take both ways through top-k */
        static const int ks[] = {100, 20, 3};
        for (size_t ki = 0; ki < 3; ki++) {
            int k = ks[ki];
            opts.limit = (size_t)k;
            int count = sm_match_offers(r, &in, &opts, &err);
            note_path(&banded, &full);
            check_topk(brute, N_OFFERS, k, offer_id, count);
        }
    }
    /* One rare skill and k = 200: the k-th score stays low, top-k reads every accumulator. */
    for (int q = 0; q < 20; q++) {
        ref_profile one = {.n = 1, .loc = {44, 2, q % 2}, .radius = q % 3 ? 300 : 0};
        snprintf(one.id, sizeof one.id, "rare%d", q);
        one.claims[0] = (sm_skill_claim){skills[40 + rnd((uint32_t)skill_count - 40)], 0, 0};
        for (int i = 0; i < N_OFFERS; i++)
            brute[i] = ref_score(&offers[i], &one);
        sm_profile in = person(one.id, one.claims, one.n);
        in.location = one.loc;
        in.radius_km = one.radius;
        opts.limit = 200;
        int count = sm_match_offers(r, &in, &opts, &err);
        note_path(&banded, &full);
        check_topk(brute, N_OFFERS, 200, offer_id, count);
    }
    if (!(banded > 0 && full > 0))
        fprintf(stderr, "    top-k paths: %d banded, %d full scans\n", banded, full);
    CHECK(banded > 0 && full > 0);
    free(brute);
    teardown();
}

/* Updates leave dead postings; compaction drops them, results stay those of brute force. */
static void compaction_keeps_results(void)
{
    setup(NULL);
    sm_matcher_set_grid_min_postings(m, 20, 60);
    make_random_data();
    sm_error err;
    int deleted[N_OFFERS] = {0};
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < N_OFFERS; i++)
            CHECK_INT(upsert_ref_offer(&offers[i]), SM_OK);
    for (int i = 0; i < N_OFFERS; i += 10) {
        CHECK_INT(sm_matcher_delete_offer(m, offers[i].id), SM_OK);
        deleted[i] = 1;
    }
    double *brute = malloc(N_OFFERS * sizeof *brute);
    sm_match_options opts = opts_default();
    size_t before = 0, after = 0;
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 1)
            CHECK(sm_matcher_compact(m, SIZE_MAX) > 0);
        if (pass == 2) /* lists grow again after being rewritten */
            for (int i = 1; i < N_OFFERS; i += 10)
                CHECK_INT(upsert_ref_offer(&offers[i]), SM_OK);
        for (int q = 0; q < N_PROFILES; q += 4) {
            for (int i = 0; i < N_OFFERS; i++)
                brute[i] = deleted[i] ? -1 : ref_score(&offers[i], &profiles[q]);
            sm_profile in = person(profiles[q].id, profiles[q].claims, profiles[q].n);
            in.location = profiles[q].loc;
            in.radius_km = profiles[q].radius;
            int count = sm_match_offers(r, &in, &opts, &err);
            check_topk(brute, N_OFFERS, 20, offer_id, count);
            sm_match_stats st;
            sm_match_last_stats(r, &st);
            if (pass == 0)
                before += st.postings;
            else if (pass == 1)
                after += st.postings;
        }
    }
    CHECK(after * 3 < before); /* four copies of each posting, one left */
    free(brute);
    teardown();
}

static uint32_t skills_for_long_lists[12];

/* Mostly the first three of them: lists of many full blocks. */
static uint32_t draw_long_lists(void)
{
    return skills_for_long_lists[rnd(4) ? rnd(3) : rnd(12)];
}

/* n offers of two to five of twelve skills close to each other, mostly the first three: lists
 * of many full blocks. Replaces the offers array (the caller frees it). */
static void make_long_list_offers(int n)
{
    /* Twelve skills close to each other: the skill with the most neighbours, and those. */
    uint32_t best = 0;
    size_t most = 0;
    for (uint32_t s = 0; s < sm_taxonomy_count(tx); s++) {
        size_t k = sm_matcher_neighbours(m, s, NULL, NULL, 0);
        if (sm_concept_is_skill(sm_taxonomy_type(tx, s)) && k > most) {
            most = k;
            best = s;
        }
    }
    float sims[11];
    skills_for_long_lists[0] = best;
    size_t got = sm_matcher_neighbours(m, best, skills_for_long_lists + 1, sims, 11);
    CHECK(got >= 3);
    for (size_t i = 1 + (got < 11 ? got : 11); i < 12; i++)
        skills_for_long_lists[i] = skills_for_long_lists[i % (1 + got)];
    offers = calloc((size_t)n, sizeof *offers);
    sm_error err;
    for (int i = 0; i < n; i++) {
        ref_offer *o = &offers[i];
        snprintf(o->id, sizeof o->id, "L%d", i);
        o->n = 2 + rnd(4);
        for (size_t j = 0; j < o->n; j++)
            o->reqs[j] = (sm_requirement){distinct_skill(o->reqs, j, draw_long_lists),
                                          (uint8_t)rnd(2), (uint8_t)(rnd(4) ? 0 : rnd(9)), 0};
        o->loc = (sm_geo){45 + rnd(100) / 100.0, 4 + rnd(100) / 100.0, 1};
        sm_offer in = job(o->id, o->reqs, o->n);
        in.location = o->loc;
        CHECK_INT(sm_matcher_upsert_offer(m, &in, &err), SM_OK);
    }
}

/* Query q over the long lists: 1 to most claims among their skills, located every other
 * query, with a radius two queries in three; *p keeps it for ref_score. */
static sm_profile long_list_profile(ref_profile *p, char prefix, int q, uint32_t most)
{
    *p = (ref_profile){.n = 1 + rnd(most), .loc = {45.5, 4.5, q % 2}, .radius = q % 3 ? 60 : 0};
    snprintf(p->id, sizeof p->id, "%c%d", prefix, q);
    for (size_t j = 0; j < p->n; j++)
        p->claims[j] =
            (sm_skill_claim){skills_for_long_lists[rnd(12)], (uint8_t)rnd(9), (uint8_t)rnd(4)};
    sm_profile in = person(p->id, p->claims, p->n);
    in.location = p->loc;
    in.radius_km = p->radius;
    return in;
}

/* Lists far longer than a block (many full blocks, tails grown by copy) give the same top-k. */
static void long_lists_equal_brute_force(void)
{
    setup(NULL);
    enum { N = 20000 };
    ref_offer *saved = offers;
    make_long_list_offers(N);
    sm_error err;
    double *brute = malloc(N * sizeof *brute);
    sm_match_options opts = opts_default();
    for (int q = 0; q < 12; q++) {
        ref_profile p;
        sm_profile in = long_list_profile(&p, 'q', q, 4);
        for (int i = 0; i < N; i++)
            brute[i] = ref_score(&offers[i], &p);
        int count = sm_match_offers(r, &in, &opts, &err);
        check_topk(brute, N, 20, long_offer_id, count);
    }
    sm_match_stats st;
    sm_match_last_stats(r, &st);
    CHECK(st.postings > 3 * 8192); /* the walk crossed whole blocks */
    free(brute);
    free(offers);
    offers = saved;
    teardown();
}

/* Accumulating sixteen postings at a time (AVX-512) leaves the accumulators as one at a time
 * does: the same postings walked, the same slots crossing, considered and scored, the same
 * results and scores. (Results alone would not tell: a looser bound only costs time.) */
static void wide_accumulation_equals_scalar(void)
{
    setup(NULL);
    if (!sm_matcher_set_wide(m, 1)) {
        teardown();
        SKIP("no AVX-512 (the CPU lacks it, or SKILLMATCH_NO_AVX512=1): one posting at a time");
    }
    ref_offer *saved = offers;
    make_long_list_offers(20000);
    sm_match_options opts = opts_default();
    sm_error err;
    for (int q = 0; q < 24; q++) {
        ref_profile p;
        sm_profile in = long_list_profile(&p, 'w', q, 6);
        char ids[2][20][16];
        double scores[2][20];
        int counts[2];
        sm_match_stats st[2];
        for (int wide = 0; wide < 2; wide++) {
            sm_matcher_set_wide(m, wide);
            counts[wide] = sm_match_offers(r, &in, &opts, &err);
            sm_match_last_stats(r, &st[wide]);
            for (int i = 0; i < counts[wide] && i < 20; i++) {
                const sm_match_result *res = sm_match_get(r, (size_t)i);
                snprintf(ids[wide][i], sizeof ids[wide][i], "%s", res->id);
                scores[wide][i] = res->score;
            }
        }
        CHECK_INT(counts[1], counts[0]);
        CHECK(counts[0] > 0);
        CHECK(st[0].postings > 1000);
        CHECK_INT(st[1].postings, st[0].postings);
        CHECK_INT(st[1].crossed, st[0].crossed);
        CHECK_INT(st[1].considered, st[0].considered);
        CHECK_INT(st[1].exact, st[0].exact);
        for (int i = 0; i < counts[0] && i < counts[1] && i < 20; i++) {
            CHECK_STR(ids[1][i], ids[0][i]);
            CHECK(scores[1][i] == scores[0][i]);
        }
    }
    free(offers);
    offers = saved;
    teardown();
}

/* p as candidate searches know it: its place moved to the centre of its square (the
 * matcher's documented rule, sm_matcher_upsert_profile). */
static ref_profile squared(const ref_profile *p)
{
    ref_profile q = *p;
    q.loc.lat =
        -90.0 + (floor((p->loc.lat + 90.0) / SM_PLACE_SQUARE_LAT) + 0.5) * SM_PLACE_SQUARE_LAT;
    q.loc.lon =
        -180.0 + (floor((p->loc.lon + 180.0) / SM_PLACE_SQUARE_LON) + 0.5) * SM_PLACE_SQUARE_LON;
    return q;
}

static void candidates_equal_brute_force(void)
{
    setup(NULL);
    sm_matcher_set_grid_min_postings(m, 20, 60);
    make_random_data();
    double *brute = malloc(N_PROFILES * sizeof *brute);
    sm_match_options opts = opts_default();
    sm_error err;
    int banded = 0, full = 0;
    for (int q = 0; q < N_OFFERS; q += 97) {
        for (int i = 0; i < N_PROFILES; i++)
            if (profiles[i].consent) {
                ref_profile sq = squared(&profiles[i]);
                brute[i] = ref_score(&offers[q], &sq);
            } else
                brute[i] = -1;
        static const int ks[] = {100, 20, 3};
        for (size_t ki = 0; ki < 3; ki++) {
            int k = ks[ki];
            opts.limit = (size_t)k;
            int count = sm_match_candidates(r, offers[q].id, &opts, &err);
            note_path(&banded, &full);
            check_topk(brute, N_PROFILES, k, profile_id, count);
        }
    }
    if (!(banded > 0 && full > 0))
        fprintf(stderr, "    top-k paths: %d banded, %d full scans\n", banded, full);
    CHECK(banded > 0 && full > 0);
    free(brute);
    teardown();
}

/* One run of the matcher's life under allocation failures: creation, writes, a reader, a match
 * and a candidate search. The number of results found, or the first error met. */
static int matcher_life(const sm_taxonomy *t, size_t *found)
{
    sm_matcher *mm = NULL;
    sm_match_reader *rd = NULL;
    sm_error err = {0};
    *found = 0;
    int rc = sm_matcher_new(t, &mm);
    sm_requirement reqs[] = {{sk(SKILL(01)), 1, 0, 0}, {sk(SKILL(02)), 0, 2, 0}};
    sm_skill_claim claims[] = {{sk(SKILL(01)), 0, 1}, {sk(SKILL(02)), 3, 0}};
    const char *ids[] = {"a", "b", "c"};
    for (int i = 0; i < 3 && rc == SM_OK; i++) {
        sm_offer o = job(ids[i], reqs, (size_t)(1 + i % 2));
        rc = sm_matcher_upsert_offer(mm, &o, &err);
    }
    for (int i = 0; i < 2 && rc == SM_OK; i++) {
        sm_profile q = person(ids[i], claims, 2);
        rc = sm_matcher_upsert_profile(mm, &q, &err);
    }
    if (rc == SM_OK && !(rd = sm_match_reader_new(mm)))
        rc = SM_ENOMEM;
    sm_match_options opts = opts_default();
    if (rc == SM_OK) {
        sm_profile q = person("q", claims, 2);
        int n = sm_match_offers(rd, &q, &opts, &err);
        rc = n < 0 ? n : SM_OK;
        *found += n > 0 ? (size_t)n : 0;
    }
    if (rc == SM_OK) {
        int n = sm_match_candidates(rd, "a", &opts, &err);
        rc = n < 0 ? n : SM_OK;
        *found += n > 0 ? (size_t)n : 0;
    }
    if (rc == SM_OK)
        rc = sm_matcher_delete_offer(mm, "b");
    sm_match_reader_free(rd);
    sm_matcher_free(mm);
    return rc;
}

/* Allocation N fails, N = 0, 1, 2... until the matcher's life needs fewer: each run must meet
 * its failure and say SM_ENOMEM or recover from it in full, never crash or answer wrong; leaks
 * show under the sanitized build. Then a run with no failure finds what a clean run finds. */
static void matcher_survives_allocation_failures(void)
{
    sm_load_options lo = {"tests/fixtures/esco", NULL};
    sm_error err = {0};
    CHECK_INT(sm_taxonomy_load(&lo, &tx, NULL, &err), SM_OK);
    size_t clean = 0;
    CHECK_INT(matcher_life(tx, &clean), SM_OK);
    CHECK(clean > 0);
    long failed_runs = 0, recovered = 0;
    for (long fail = 0; fail < 200000; fail++) {
        size_t found = 0;
        sm_alloc_fail_after(fail);
        int rc = matcher_life(tx, &found);
        long failed = sm_alloc_failed();
        sm_alloc_fail_after(-1);
        if (failed == 0) {
            CHECK_INT(rc, SM_OK);
            CHECK_INT(found, clean);
            break;
        }
        /* Said, or recovered from in full: sm_epoch_retire that cannot grow its list waits for
         * the readers and frees at once, and the delete still holds. Never a wrong answer. */
        CHECK(rc == SM_ENOMEM || (rc == SM_OK && found == clean));
        failed_runs++;
        recovered += rc == SM_OK;
    }
    CHECK(failed_runs > 50); /* creation alone allocates per skill table */
    printf("    %ld allocations of a matcher's life made to fail (%ld recovered from)\n",
           failed_runs, recovered);
    sm_taxonomy_free(tx);
}

SM_TEST_MAIN("test_matcher", T(exact_skills_get_full_credit), T(neighbours_get_partial_credit),
             T(level_and_evidence), T(rare_skills_weigh_more),
             T(unrelated_skills_neither_hide_nor_fake), T(depth_counts_the_skills_drawn_on),
             T(distance_radius_and_remote), T(expiry_and_constraints), T(filters_choose_offers),
             T(store_life_cycle_and_explanations), T(bad_input_is_refused),
             T(candidates_need_consent), T(trainings_rank_by_reach_and_gain), T(grid_cell_borders),
             T(index_equals_brute_force), T(candidates_equal_brute_force),
             T(long_lists_equal_brute_force), T(wide_accumulation_equals_scalar),
             T(compaction_keeps_results), T(matcher_survives_allocation_failures))
