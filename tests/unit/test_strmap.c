/* test_strmap.c: the seeded hash table, including many colliding keys. */
#include "taxonomy/base/alloc.h"
#include "taxonomy/base/error.h"
#include "taxonomy/base/strmap.h"
#include "tests/unit/check.h"

static void put_get_and_duplicates(void)
{
    sm_strmap *m = sm_strmap_new();
    uint32_t v = 0, existing = 0;
    CHECK_INT(sm_strmap_put(m, "alpha", 5, 1, NULL), 1);
    CHECK_INT(sm_strmap_put(m, "beta", 4, 2, NULL), 1);
    CHECK_INT(sm_strmap_put(m, "alpha", 5, 9, &existing), 0);
    CHECK_INT(existing, 1);
    CHECK(sm_strmap_get(m, "alpha", 5, &v) && v == 1);
    CHECK(!sm_strmap_get(m, "alph", 4, &v));
    CHECK(!sm_strmap_get(m, "alphaa", 6, &v));
    CHECK_INT(sm_strmap_set(m, "beta", 4, 7), 1);
    CHECK(sm_strmap_get(m, "beta", 4, &v) && v == 7);
    CHECK_INT(sm_strmap_set(m, "gamma", 5, 7), 0);
    /* Keys are copied: the caller's buffer may change. */
    char buf[8] = "temp";
    CHECK_INT(sm_strmap_put(m, buf, 4, 3, NULL), 1);
    strcpy(buf, "xxxx");
    CHECK(sm_strmap_get(m, "temp", 4, &v) && v == 3);
    /* Empty and binary keys. */
    CHECK_INT(sm_strmap_put(m, "", 0, 4, NULL), 1);
    CHECK(sm_strmap_get(m, "", 0, &v) && v == 4);
    CHECK_INT(sm_strmap_put(m, "a\0b", 3, 5, NULL), 1);
    CHECK(sm_strmap_get(m, "a\0b", 3, &v) && v == 5);
    CHECK(!sm_strmap_get(m, "a\0c", 3, &v));
    CHECK_INT(sm_strmap_count(m), 5);
    sm_strmap_free(m);
    sm_strmap_free(NULL);
}

static void many_keys_grow(void)
{
    sm_strmap *m = sm_strmap_new();
    char key[32];
    for (uint32_t i = 0; i < 200000; i++) {
        int n = snprintf(key, sizeof key, "http://x/%u", i);
        CHECK_INT(sm_strmap_put(m, key, (size_t)n, i, NULL), 1);
    }
    CHECK_INT(sm_strmap_count(m), 200000);
    for (uint32_t i = 0; i < 200000; i += 7) {
        int n = snprintf(key, sizeof key, "http://x/%u", i);
        uint32_t v = 0;
        CHECK(sm_strmap_get(m, key, (size_t)n, &v) && v == i);
    }
    /* With a good hash the longest probe stays far below the key count
     * (about 150-200 at load 0.75 for linear probing); a degenerate hash
     * would probe through all 200,000 keys. */
    CHECK(sm_strmap_max_probe(m) < 1000);
    sm_strmap_free(m);
}

static uint64_t constant_hash(const void *key, size_t len, uint64_t seed)
{
    (void)key;
    (void)len;
    (void)seed;
    return 42;
}

static void colliding_keys_stay_correct(void)
{
    /* Every key collides: lookups must still be exact (slow, but right). */
    sm_strmap *m = sm_strmap_new_with_hash(constant_hash, 0);
    char key[32];
    for (uint32_t i = 0; i < 3000; i++) {
        int n = snprintf(key, sizeof key, "k%u", i);
        CHECK_INT(sm_strmap_put(m, key, (size_t)n, i, NULL), 1);
    }
    for (uint32_t i = 0; i < 3000; i++) {
        int n = snprintf(key, sizeof key, "k%u", i);
        uint32_t v = UINT32_MAX;
        CHECK(sm_strmap_get(m, key, (size_t)n, &v) && v == i);
    }
    CHECK(!sm_strmap_get(m, "k3000", 5, NULL));
    CHECK_INT(sm_strmap_put(m, "k17", 3, 0, NULL), 0);
    CHECK(sm_strmap_max_probe(m) >= 2999);
    sm_strmap_free(m);
}

static void seeds_differ(void)
{
    /* Two maps draw different seeds, so an attacker cannot precompute collisions. */
    uint64_t a = sm_random_seed(), b = sm_random_seed();
    CHECK(a != b);
    CHECK(sm_hash_bytes("x", 1, a) != sm_hash_bytes("x", 1, b));
}

static void allocation_failures_leave_map_usable(void)
{
    for (long fail = 0; fail < 40; fail++) {
        sm_strmap *m = sm_strmap_new();
        if (!m)
            continue;
        char key[32];
        sm_alloc_fail_after(fail);
        uint32_t inserted = 0;
        for (uint32_t i = 0; i < 500; i++) {
            int n = snprintf(key, sizeof key, "key-%u", i);
            int rc = sm_strmap_put(m, key, (size_t)n, i, NULL);
            CHECK(rc == 1 || rc == SM_ENOMEM);
            if (rc == 1)
                inserted++;
        }
        sm_alloc_fail_after(-1);
        CHECK_INT(sm_strmap_count(m), inserted);
        for (uint32_t i = 0; i < 500; i++) {
            int n = snprintf(key, sizeof key, "key-%u", i);
            uint32_t v;
            if (sm_strmap_get(m, key, (size_t)n, &v))
                CHECK_INT(v, i);
        }
        sm_strmap_free(m);
    }
}

SM_TEST_MAIN("test_strmap", T(put_get_and_duplicates), T(many_keys_grow),
             T(colliding_keys_stay_correct), T(seeds_differ),
             T(allocation_failures_leave_map_usable))
