/*
 * test_concurrency.c: reader threads query the matcher while one writer
 * upserts and deletes offers and profiles. `make test` also runs it built
 * with ThreadSanitizer (build-tsan/), which reports any data race.
 */
#include "matcher/epoch.h"
#include "matcher/matcher.h"
#include "taxonomy/loader.h"
#include "tests/unit/check.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

static sm_taxonomy *tx;
static sm_matcher *m;
static uint32_t skills[256];
static size_t skill_count;
static atomic_int stop;
static atomic_long queries, bad, found, candidates_found;

static void *reader(void *arg)
{
    (void)arg;
    sm_match_reader *r = sm_match_reader_new(m);
    if (!r) {
        atomic_fetch_add(&bad, 1);
        return NULL;
    }
    unsigned seed = (unsigned)(uintptr_t)&r;
    sm_match_options opts = {SM_OFFER_JOB, 10, 20000, SM_LANG_EN, 0, NULL};
    sm_error err;
    while (!atomic_load(&stop)) {
        sm_skill_claim c[4];
        for (int i = 0; i < 4; i++)
            c[i] = (sm_skill_claim){skills[rand_r(&seed) % skill_count], 0, 0};
        sm_profile p = {"q", c, 4, {0, 0, 0}, 0, 0, 0};
        int n = sm_match_offers(r, &p, &opts, &err);
        if (n < 0) /* no error is expected of a query: each one counts against the matcher */
            atomic_fetch_add(&bad, 1);
        atomic_fetch_add(&found, n > 0 ? n : 0);
        for (int i = 0; i < n; i++) {
            const sm_match_result *res = sm_match_get(r, (size_t)i);
            if (!(res->score > 0 && res->score <= 1.0 + 1e-9) || res->id[0] != 'o' ||
                !res->justification[0])
                atomic_fetch_add(&bad, 1);
        }
        char id[16];
        snprintf(id, sizeof id, "o%u", rand_r(&seed) % 200);
        n = sm_match_candidates(r, id, &opts, &err);
        if (n < 0 && n != SM_ENOTFOUND) /* the writer deletes offers: only that is expected */
            atomic_fetch_add(&bad, 1);
        atomic_fetch_add(&candidates_found, n > 0 ? n : 0);
        for (int i = 0; i < n; i++)
            if (sm_match_get(r, (size_t)i)->id[0] != 'p')
                atomic_fetch_add(&bad, 1);
        atomic_fetch_add(&queries, 1);
    }
    sm_match_reader_free(r);
    return NULL;
}

static void readers_and_a_writer(void)
{
    sm_load_options lo = {NULL, NULL};
    sm_error err;
    CHECK_INT(sm_taxonomy_load(&lo, &tx, NULL, &err), SM_OK);
    CHECK_INT(sm_matcher_new(tx, &m), SM_OK);
    for (uint32_t s = 0; s < sm_taxonomy_count(tx) && skill_count < 256; s++)
        if (sm_concept_is_skill(sm_taxonomy_type(tx, s)))
            skills[skill_count++] = s;
    pthread_t threads[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&threads[i], NULL, reader, NULL);
    unsigned seed = 7;
    size_t compacted = 0;
    for (int round = 0; round < 3000; round++) {
        char id[16];
        sm_requirement req[3];
        for (int i = 0; i < 3; i++)
            req[i] = (sm_requirement){skills[(rand_r(&seed) % 60) + (size_t)i * 60],
                                      (uint8_t)(i == 0), 0, 0};
        snprintf(id, sizeof id, "o%u", rand_r(&seed) % 200);
        sm_offer o = {id, "t", NULL, NULL, SM_OFFER_JOB,  req, 3, NULL, 0, {45, 3, 1},
                      0,  35,  0,    0,    SM_NO_CONCEPT, 0,   0, 0,    0, 0,
                      0,  0,   NULL, 0};
        if (rand_r(&seed) % 5 == 0)
            sm_matcher_delete_offer(m, id);
        else
            CHECK_INT(sm_matcher_upsert_offer(m, &o, &err), SM_OK);
        sm_skill_claim c[2] = {{req[0].skill, 0, 1}, {req[1].skill, 3, 2}};
        snprintf(id, sizeof id, "p%u", rand_r(&seed) % 300);
        sm_profile p = {id, c, 2, {45, 3, 1}, 100, 0, SM_CONSENT_VISIBLE};
        if (rand_r(&seed) % 5 == 0)
            sm_matcher_delete_profile(m, id);
        else
            CHECK_INT(sm_matcher_upsert_profile(m, &p, &err), SM_OK);
        if (round % 50 == 49)
            compacted += sm_matcher_compact(m, SIZE_MAX); /* lists rewritten under the readers */
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < 3; i++)
        pthread_join(threads[i], NULL);
    fprintf(stderr, "    %ld queries ran during 3000 writes\n", atomic_load(&queries));
    CHECK(atomic_load(&queries) > 0);
    /* Queries found something: a matcher that failed or answered nothing would not pass. */
    CHECK(atomic_load(&found) > 0);
    CHECK(atomic_load(&candidates_found) > 0);
    CHECK(compacted > 0);
    CHECK_INT(atomic_load(&bad), 0);
    CHECK(sm_matcher_offer_count(m, SM_OFFER_JOB) <= 200);
    CHECK(sm_matcher_profile_count(m) <= 300);
    sm_matcher_free(m);
    sm_taxonomy_free(tx);
}

/* Retired memory waits for the readers that might see it, even across the writer's cached
 * scans of the readers, and is freed a few at a time once they have left. */
static int freed[600];
static void mark_freed(void *p)
{
    freed[(int *)p - freed]++;
}

static void retired_memory_waits_for_readers(void)
{
    sm_epoch *e = sm_epoch_new();
    sm_epoch_reader *rd = sm_epoch_register(e);
    CHECK(e && rd);
    memset(freed, 0, sizeof freed);
    /* no reader inside: items are freed along the way, a few per retire */
    for (int i = 0; i < 200; i++)
        sm_epoch_retire(e, &freed[i], mark_freed);
    int early = 0;
    for (int i = 0; i < 100; i++)
        early += freed[i];
    CHECK(early == 100);
    /* a reader enters after the writer's last scan, then sees item 300 */
    sm_epoch_enter(e, rd);
    sm_epoch_retire(e, &freed[300], mark_freed);
    for (int i = 301; i < 500; i++)
        sm_epoch_retire(e, &freed[i], mark_freed);
    CHECK(freed[300] == 0);
    for (int i = 301; i < 500; i++)
        CHECK(freed[i] == 0);
    sm_epoch_leave(rd);
    for (int i = 500; i < 600; i++)
        sm_epoch_retire(e, &freed[i], mark_freed);
    CHECK(freed[300] == 1);
    CHECK(freed[400] == 1);
    sm_epoch_collect(e);
    for (int i = 0; i < 600; i++)
        if (i < 200 || i >= 300)
            CHECK_INT(freed[i], 1);
    sm_epoch_unregister(e, rd);
    sm_epoch_free(e);
    for (int i = 200; i < 300; i++)
        CHECK_INT(freed[i], 0); /* never retired */
}

SM_TEST_MAIN("test_concurrency", T(readers_and_a_writer), T(retired_memory_waits_for_readers))
