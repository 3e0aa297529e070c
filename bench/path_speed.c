/*
 * path_speed.c: training paths (sm_match_paths) and gaps (sm_match_gaps) at
 * scale: 1M job offers and 100,000 training offers over the full ESCO
 * taxonomy (gen.h), then people (10 skills, a place, a radius of 20 to 100 km)
 * asking for the path to a random job offer; half of them with constraints
 * (a budget of 300 to 2,000 euros, two funding schemes, 400 hours).
 *
 * Trainings teach 1 to 4 skills an occupation asks for (so they follow the
 * demand of the offers), at levels 2 to 5; a third need one prerequisite from
 * the same occupation; 14 to 400 hours; 40% free, else 200 to 4,000 euros;
 * 1 to 3 of 8 funding schemes; a tenth remote; half with dated sessions in
 * the next six months.
 *
 * Prints p50 / p99 of each, and what the paths looked like (steps, gap,
 * trainings considered, exact share). The peer is the same planner with the
 * greedy search only (the classic weighted set cover approximation): its
 * time, and how often and by how much the exact path is cheaper.
 *
 * Usage: path_speed ESCO_DIR [OFFERS [TRAININGS [QUERIES]]]
 */
#include "bench/gen.h"
#include "bench/util.h"
#include "matcher/plan.h"

static void percentiles(const char *name, double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    printf("%s_p50_ms=%.3f\n%s_p99_ms=%.3f\n%s_max_ms=%.3f\n", name, v[n / 2] * 1e3, name,
           v[n * 99 / 100] * 1e3, name, v[n - 1] * 1e3);
}

static const char *const schemes[] = {"CPF", "OPCO",    "France Travail", "region", "employer",
                                      "PIC", "AGEFIPH", "self",           NULL};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: path_speed ESCO_DIR [OFFERS [TRAININGS [QUERIES]]]\n");
        return 2;
    }
    size_t n_offers = argc > 2 ? (size_t)atol(argv[2]) : 1000000;
    size_t n_trainings = argc > 3 ? (size_t)atol(argv[3]) : 100000;
    size_t n_queries = argc > 4 ? (size_t)atol(argv[4]) : 300;
    rng_t r;
    sm_taxonomy *t = gen_load(argv[0], argv[1], &r);
    sm_matcher *m;
    sm_error err;
    if (!t || sm_matcher_new(tx, &m) != SM_OK)
        return 1;
    char id[32];
    double t0 = now();
    for (size_t i = 0; i < n_offers; i++) {
        sm_requirement reqs[24];
        sm_offer o;
        gen_job_offer(&r, i, reqs, id, &o);
        o.valid_through = TODAY + 60;
        if (sm_matcher_upsert_offer(m, &o, &err) != SM_OK) {
            fprintf(stderr, "path_speed: %s\n", err.message);
            return 1;
        }
    }
    for (size_t i = 0; i < n_trainings; i++) {
        sm_requirement reqs[24], teach[4], pre[1];
        size_t oi, n = make_offer(&r, reqs, &oi), nt = 1 + rnd(&r, 4), np = 0;
        for (size_t k = 0; k < nt && k < n; k++)
            teach[k] = (sm_requirement){reqs[k].skill, 1, (uint8_t)(2 + rnd(&r, 4)), 0};
        nt = nt < n ? nt : n;
        if (rnd(&r, 3) == 0 && n > nt)
            pre[np++] = (sm_requirement){reqs[nt + rnd(&r, (uint32_t)(n - nt))].skill, 1,
                                         (uint8_t)(1 + rnd(&r, 3)), 0};
        int32_t dates[3];
        size_t nd = rnd(&r, 2) ? 0 : 1 + rnd(&r, 3);
        for (size_t k = 0; k < nd; k++)
            dates[k] = TODAY + (int32_t)rnd(&r, 180);
        snprintf(id, sizeof id, "t%zu", i);
        sm_offer o;
        memset(&o, 0, sizeof o);
        o.id = id;
        o.title = id;
        o.kind = SM_OFFER_TRAINING;
        o.teaches = teach;
        o.teach_count = nt;
        o.requirements = pre;
        o.requirement_count = np;
        o.remote = rnd(&r, 10) == 0;
        o.location = place(&r);
        o.location.known = !o.remote;
        o.duration_hours = (float)(14 + rnd(&r, 387));
        o.cost = rnd(&r, 5) < 2 ? 0 : (float)(200 + rnd(&r, 3801));
        for (size_t k = 1 + rnd(&r, 3); k > 0; k--)
            o.funding |= 1u << rnd(&r, 8);
        o.start_dates = dates;
        o.start_date_count = nd;
        o.occupation = SM_NO_CONCEPT;
        if (sm_matcher_upsert_offer(m, &o, &err) != SM_OK) {
            fprintf(stderr, "path_speed: %s\n", err.message);
            return 1;
        }
    }
    printf("offers=%zu\ntrainings=%zu\nbuild_s=%.2f\n", n_offers, n_trainings, now() - t0);

    sm_match_reader *rd = sm_match_reader_new(m);
    double *plat = malloc(n_queries * sizeof *plat), *glat = malloc(n_queries * sizeof *glat),
           *qlat = malloc(n_queries * sizeof *qlat), saved = 0;
    size_t compared = 0, exact_better = 0, greedy_better = 0;
    size_t nearby = 0, paths = 0, steps = 0, gap = 0, kept = 0, exact = 0, covered = 0,
           unlocked = 0;
    for (size_t q = 0; q < n_queries; q++) {
        sm_skill_claim claims[10];
        size_t n = make_claims(&r, claims, 10);
        sm_profile p = {"q", claims, n, place(&r), (float)(20 + rnd(&r, 80)), 0, 0};
        sm_requirement target[SM_MAX_REQUIREMENTS];
        snprintf(id, sizeof id, "o%u", rnd(&r, (uint32_t)n_offers));
        int nt = sm_matcher_offer_requirements(m, id, target);
        if (nt < 0)
            return 1;
        sm_path_constraints c;
        memset(&c, 0, sizeof c);
        c.max_hours = c.max_cost = c.max_distance_km = -1;
        c.funding_names = schemes;
        c.today = TODAY;
        c.lang = SM_LANG_FR;
        if (q % 2) {
            c.max_cost = 300 + rnd(&r, 1700);
            c.max_hours = 400;
            c.funding = 1u << rnd(&r, 8) | 1u << rnd(&r, 8);
        }
        double a = now();
        int g = sm_match_gaps(rd, &p, target, (size_t)nt, 1, &err);
        glat[q] = now() - a;
        for (int i = 0; i < g; i++) /* what the gaps counted: the same in every build */
            nearby += sm_match_gap_get(rd, (size_t)i)->offers_nearby;
        sm_plan *plan = NULL;
        a = now();
        if (g < 0 || sm_match_paths(rd, t, &p, target, (size_t)nt, &c, &plan, &err) != SM_OK) {
            fprintf(stderr, "path_speed: %s\n", err.message);
            return 1;
        }
        plat[q] = now() - a;
        /* The peer: the same plan with the greedy search only (the classic set cover
         * approximation); how much cheaper the exact path is, when both cover as much. */
        sm_plan *quick = NULL;
        c.max_labels = 1;
        a = now();
        if (sm_match_paths(rd, t, &p, target, (size_t)nt, &c, &quick, &err) != SM_OK)
            return 1;
        qlat[q] = now() - a;
        if (plan->path_count && quick->path_count) {
            const sm_plan_path *e = &plan->paths[0], *g2 = &quick->paths[0];
            double ce = e->total_hours + e->total_cost / 15,
                   cg = g2->total_hours + g2->total_cost / 15;
            double ve = e->coverage, vg = g2->coverage;
            compared++;
            if (ve > vg + 1e-9 || (ve > vg - 1e-9 && ce < cg - 1e-6)) {
                exact_better++;
                if (ve <= vg + 1e-9)
                    saved += (cg - ce) / cg;
            }
            greedy_better += vg > ve + 1e-9 || (vg > ve - 1e-9 && cg < ce - 1e-6);
        }
        sm_plan_free(quick);
        gap += plan->gap_count;
        kept += plan->trainings_kept;
        paths += plan->path_count;
        if (plan->path_count) {
            steps += plan->paths[0].step_count;
            exact += plan->paths[0].exact;
            covered += plan->paths[0].remaining_count == 0;
            unlocked += plan->paths[0].offers_after > plan->offers_now
                            ? plan->paths[0].offers_after - plan->offers_now
                            : 0;
        }
        sm_plan_free(plan);
    }
    percentiles("path", plat, n_queries);
    percentiles("path_greedy_only", qlat, n_queries);
    percentiles("gaps", glat, n_queries);
    printf("gaps_offers_nearby_sum=%zu\n", nearby);
    printf("compared_with_greedy=%zu\nexact_better_share=%.3f\ngreedy_better_share=%.3f\n"
           "exact_cost_saving_mean=%.3f\n",
           compared, compared ? (double)exact_better / (double)compared : 0,
           compared ? (double)greedy_better / (double)compared : 0,
           exact_better ? saved / (double)exact_better : 0);
    double nq = (double)n_queries;
    printf(
        "gap_skills_mean=%.1f\ntrainings_considered_mean=%.1f\npaths_mean=%.2f\n"
        "best_path_steps_mean=%.2f\nbest_path_exact_share=%.3f\nbest_path_covers_all_share=%.3f\n"
        "offers_unlocked_mean=%.1f\n",
        (double)gap / nq, (double)kept / nq, (double)paths / nq, paths ? (double)steps / nq : 0,
        (double)exact / nq, (double)covered / nq, (double)unlocked / nq);
    sm_match_reader_free(rd);
    sm_matcher_free(m);
    sm_taxonomy_free(t);
    free(plat);
    free(glat);
    free(qlat);
    return 0;
}
