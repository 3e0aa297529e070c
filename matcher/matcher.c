/*
 * matcher.c: the matcher object: creation (the neighbour model, the per-skill tables), freeing,
 * the grid's thresholds, counts and memory (see matcher.h and matcher/README.md).
 * The pieces live beside it, one concept a file, and share matcher/internal.h.
 */
#include "matcher/internal.h"

int32_t sm_today(void)
{
    return (int32_t)(time(NULL) / 86400);
}

int sm_matcher_new(const sm_taxonomy *tx, sm_matcher **out)
{
    sm_sim_params params;
    sm_matcher_sim_params(&params);
    sm_similarity *sim;
    *out = NULL;
    if (sm_similarity_build(tx, &params, &sim) != SM_OK)
        return SM_ENOMEM;
    int rc = sm_matcher_new_with_similarity(tx, sim, out);
    if (rc != SM_OK) {
        sm_similarity_free(sim);
        return rc;
    }
    (*out)->own_sim = sim;
    return SM_OK;
}

int sm_matcher_new_with_similarity(const sm_taxonomy *tx, const sm_similarity *sim,
                                   sm_matcher **out)
{
    *out = NULL;
    sm_matcher *m = sm_calloc(1, sizeof *m);
    if (!m)
        return SM_ENOMEM;
    m->tx = tx;
    m->skill_space = sm_taxonomy_count(tx);
    pthread_mutex_init(&m->writer, NULL);
    m->epoch = sm_epoch_new();
    m->offer_ids = sm_strmap_new();
    m->profile_ids = sm_strmap_new();
    m->job_cells = sm_calloc(m->skill_space + 1, sizeof *m->job_cells);
    m->job_gridded = sm_calloc(m->skill_space + 1, sizeof *m->job_gridded);
    m->training_lists = sm_calloc(m->skill_space + 1, sizeof *m->training_lists);
    m->demand = sm__demand_new(m->skill_space + 1); /* + PEOPLE(m) */
    m->profile_cells = sm_calloc(m->skill_space + 1, sizeof *m->profile_cells);
    m->job_skill_postings = sm_calloc(m->skill_space + 1, sizeof *m->job_skill_postings);
    m->profile_skill_postings = sm_calloc(m->skill_space + 1, sizeof *m->profile_skill_postings);
    m->job_skill_dead = sm_calloc(m->skill_space + 1, sizeof *m->job_skill_dead);
    m->profile_skill_dead = sm_calloc(m->skill_space + 1, sizeof *m->profile_skill_dead);
    m->grid_min_coarse_postings = GRID_MIN_COARSE_JOB_POSTINGS;
    m->grid_min_job_postings = GRID_MIN_JOB_POSTINGS;
    m->grid_min_profile_postings = GRID_MIN_PROFILE_POSTINGS;
    sm_matcher_set_wide(m, 1);
    m->rarity = sm_malloc((m->skill_space + 1) * sizeof(float));
    if (!m->epoch || !m->offer_ids || !m->profile_ids || !m->job_cells || !m->job_gridded ||
        !m->training_lists || !m->demand || !m->profile_cells || !m->job_skill_postings ||
        !m->profile_skill_postings || !m->job_skill_dead || !m->profile_skill_dead || !m->rarity ||
        sm__build_neighbours(m, sim) != SM_OK) {
        sm_matcher_free(m);
        return SM_ENOMEM;
    }
    /* Rarity: skills asked for by many occupations (English, teamwork) weigh less. */
    for (uint32_t s = 0; s < m->skill_space; s++) {
        const sm_edge *e;
        size_t occ = sm_taxonomy_adjacent(tx, s, SM_ADJ_SKILL_OCCS, &e);
        m->rarity[s] = 1.0f / (1.0f + 0.25f * logf(1.0f + (float)occ));
    }
    *out = m;
    return SM_OK;
}

void sm_matcher_free(sm_matcher *m)
{
    if (!m)
        return;
    sm__slots_free(&m->offers, sm__free_offer);
    sm__slots_free(&m->profiles, sm__free_profile);
    sm__slots_free(&m->trainings, NULL);
    for (int k = 0; k < META_SEGS; k++) {
        sm_free(atomic_load(&m->offer_metas.segs[k]));
        sm_free(atomic_load(&m->offer_points.segs[k]));
    }
    sm__cellmaps_free(m->job_cells, m->skill_space);
    for (size_t skill = 0; m->job_gridded && skill < m->skill_space; skill++)
        sm__plist_free(&m->job_gridded[skill]);
    for (size_t skill = 0; m->training_lists && skill < m->skill_space; skill++)
        sm__plist_free(&m->training_lists[skill]);
    sm_free(m->job_gridded);
    sm_free(m->training_lists);
    sm__demand_free(m->demand);
    for (size_t i = 0; i < m->away_cap; i++)
        sm_free(m->away[i]);
    sm_free(m->away);
    sm__cellmaps_free(m->profile_cells, m->skill_space);
    sm_free(m->job_skill_postings);
    sm_free(m->profile_skill_postings);
    sm_free(m->job_skill_dead);
    sm_free(m->profile_skill_dead);
    sm_strmap_free(m->offer_ids);
    sm_strmap_free(m->profile_ids);
    sm_epoch_free(m->epoch);
    sm_free(m->nb_offsets);
    sm_free(m->nbs);
    sm_free(m->rarity);
    sm_similarity_free(m->own_sim);
    pthread_mutex_destroy(&m->writer);
    sm_free(m);
}

void sm_matcher_set_grid_min_postings(sm_matcher *m, uint32_t coarse, uint32_t postings)
{
    pthread_mutex_lock(&m->writer);
    m->grid_min_coarse_postings = coarse;
    m->grid_min_job_postings = m->grid_min_profile_postings = postings;
    pthread_mutex_unlock(&m->writer);
}

float sm_matcher_rarity(const sm_matcher *m, uint32_t skill)
{
    return skill < m->skill_space ? m->rarity[skill] : 1.0f;
}

size_t sm_matcher_offer_count(const sm_matcher *m, sm_offer_kind kind)
{
    return kind == SM_OFFER_JOB ? atomic_load(&m->job_count) : atomic_load(&m->training_count);
}

size_t sm_matcher_profile_count(const sm_matcher *m)
{
    return atomic_load(&m->profile_count);
}

size_t sm_matcher_emptied_slots(const sm_matcher *m)
{
    size_t handed = atomic_load(&m->offers.count) + atomic_load(&m->profiles.count);
    size_t live = atomic_load(&m->job_count) + atomic_load(&m->training_count) +
                  atomic_load(&m->profile_count);
    return handed > live ? handed - live : 0; /* counts read one after another may cross */
}

size_t sm_matcher_memory(const sm_matcher *m)
{
    /* Records of live offers and profiles; every slot, emptied or not, its directory entry,
     * meta and point. */
    size_t offers = atomic_load(&m->job_count) + atomic_load(&m->training_count),
           profiles = atomic_load(&m->profile_count);
    size_t handed = atomic_load(&m->offers.count) + atomic_load(&m->profiles.count);
    return atomic_load(&m->bytes) +
           handed * (sizeof(void *) + sizeof(offer_meta) + sizeof(slot_point)) +
           offers * (sizeof(offer_rec) + 16 * (sizeof(sm_requirement) + sizeof(float)) + 64) +
           profiles * (sizeof(profile_rec) + 10 * sizeof(sm_skill_claim) + 32) +
           m->skill_space * 2 * sizeof(plist) + sm_strmap_memory(m->offer_ids) +
           sm_strmap_memory(m->profile_ids);
}
