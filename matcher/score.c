/*
 * score.c: exact scores and their items: the profile's ways to cover each skill (its claims and
 * their neighbours), the credit of each requirement, the skills and depth factors, and the one
 * definition of met / close / lacking (sm__requirement_status) every sentence uses.
 */
#include "matcher/internal.h"

/* The profile's ways to cover each skill: its claims and their neighbours. */
int sm__expand_profile(sm_match_reader *r, const sm_skill_claim *claims, size_t n, unsigned disable)
{
    const sm_matcher *m = r->m;
    uint32_t e = next_stamp(&r->xepoch, r->xstamp, m->skill_space + 1);
    r->xcount = 0;
    r->cand_count = 0;
    for (size_t i = 0; i < n; i++) {
        const sm_skill_claim *c = &claims[i];
        float ef = evidence_factor(c->evidence, disable);
        uint32_t first = m->nb_offsets[c->skill], last = m->nb_offsets[c->skill + 1];
        if (disable & SM_SCORE_NO_SIMILARITY)
            last = first;
        for (uint32_t k = first; k <= last; k++) {
            uint32_t skill = k == last ? c->skill : m->nbs[k].skill;
            float sim = k == last ? 1.0f : m->nbs[k].sim;
            if (sm_grow((void **)&r->cands, &r->cand_cap, r->cand_count + 1, sizeof(cand)) != SM_OK)
                return SM_ENOMEM;
            if (r->xstamp[skill] != e) {
                r->xstamp[skill] = e;
                r->xfirst[skill] = UINT32_MAX;
                r->xskills[r->xcount++] = skill;
            }
            cand *cd = &r->cands[r->cand_count];
            cd->factor = sim * ef;
            cd->sim = sim;
            cd->via = c->skill;
            cd->level = c->level;
            cd->next = r->xfirst[skill];
            r->xfirst[skill] = (uint32_t)r->cand_count++;
        }
    }
    return SM_OK;
}

/* The best credit the expanded profile gives a skill required at level need. */
float sm__expanded_credit(const sm_match_reader *r, uint32_t skill, uint8_t need, unsigned disable,
                          const cand **why)
{
    float best = 0;
    *why = NULL;
    if (r->xstamp[skill] != r->xepoch)
        return 0;
    for (uint32_t i = r->xfirst[skill]; i != UINT32_MAX; i = r->cands[i].next)
        take_claim(&r->cands[i], need, disable, &best, why);
    return best;
}

/* The person's skills an offer draws on: each claim skill once, counted 1 when it covers one
 * of the offer's requirements exactly or closely (similarity >= 0.5, the close tier), else at
 * its best similarity: a loosely related skill is only partly drawn on. */
typedef struct drawn {
    uint32_t via;
    float sim; /* what it counts */
} drawn;

static size_t draw_on(drawn *d, size_t n, uint32_t via, float sim)
{
    sim = drawn_weight(sim);
    for (size_t i = 0; i < n; i++)
        if (d[i].via == via) {
            if (sim > d[i].sim)
                d[i].sim = sim;
            return n;
        }
    d[n] = (drawn){via, sim};
    return n + 1;
}

static double drawn_total(const drawn *d, size_t n)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += (double)d[i].sim;
    return total;
}

/*
 * The depth factor: 1 once the offer draws on SM_DEPTH_SKILLS of the person's skills, or on
 * as many as it asks for; proportionally less below. It depends on the skills that cover the
 * offer only: unrelated skills neither raise nor lower it.
 */
static double depth_factor(double used, size_t req_count)
{
    double full = SM_DEPTH_SKILLS;
    if ((double)req_count < full)
        full = (double)req_count;
    return full <= 0 || used >= full ? 1.0 : used / full;
}

/* An offer's exact score before distance for the expanded profile: the skills score times the
 * depth factor, as sm__score_requirements computes them. */
double sm__offer_skills(const sm_match_reader *r, const offer_rec *o)
{
    double sum = 0;
    drawn d[SM_MAX_REQUIREMENTS];
    size_t nd = 0;
    for (uint32_t j = 0; j < o->req_count; j++) {
        const cand *why;
        sum += (double)o->contrib[j] *
               sm__expanded_credit(r, o->reqs[j].skill, o->reqs[j].level, 0, &why);
        if (why)
            nd = draw_on(d, nd, why->via, why->sim);
    }
    return sum * depth_factor(drawn_total(d, nd), o->req_count);
}

/*
 * For candidates: the requirements' ways to be covered, by skill: each
 * requirement's skill and its neighbours, chained per skill in r's expansion
 * scratch (cand.via holds the requirement's index, cand.level its level).
 */
int sm__expand_requirements(sm_match_reader *r, const offer_view *o)
{
    const sm_matcher *m = r->m;
    uint32_t e = next_stamp(&r->xepoch, r->xstamp, m->skill_space + 1);
    r->xcount = 0;
    r->cand_count = 0;
    for (size_t j = 0; j < o->req_count; j++) {
        uint32_t req_skill = o->reqs[j].skill;
        uint32_t first = m->nb_offsets[req_skill], last = m->nb_offsets[req_skill + 1];
        for (uint32_t k = first; k <= last; k++) {
            uint32_t skill = k == last ? req_skill : m->nbs[k].skill;
            if (sm_grow((void **)&r->cands, &r->cand_cap, r->cand_count + 1, sizeof(cand)) != SM_OK)
                return SM_ENOMEM;
            if (r->xstamp[skill] != e) {
                r->xstamp[skill] = e;
                r->xfirst[skill] = UINT32_MAX;
                r->xskills[r->xcount++] = skill;
            }
            cand *cd = &r->cands[r->cand_count];
            cd->sim = k == last ? 1.0f : m->nbs[k].sim;
            cd->factor = cd->sim;
            cd->via = (uint32_t)j;
            cd->level = o->reqs[j].level;
            cd->next = r->xfirst[skill];
            r->xfirst[skill] = (uint32_t)r->cand_count++;
        }
    }
    return SM_OK;
}

/* A profile's exact score before distance for the offer whose requirements r holds expanded:
 * each requirement's best claim, chosen as sm__expanded_credit chooses it, credit times share,
 * times the depth factor. */
double sm__profile_skills(sm_match_reader *r, const offer_view *o, const profile_rec *p)
{
    float best[SM_MAX_REQUIREMENTS] = {0}, best_sim[SM_MAX_REQUIREMENTS] = {0};
    uint32_t best_via[SM_MAX_REQUIREMENTS];
    for (uint32_t c = 0; c < p->skill_count; c++) {
        const sm_skill_claim *claim = &p->skills[c];
        if (r->xstamp[claim->skill] != r->xepoch)
            continue;
        float ef = evidence_factor(claim->evidence, 0);
        for (uint32_t i = r->xfirst[claim->skill]; i != UINT32_MAX; i = r->cands[i].next) {
            const cand *cd = &r->cands[i];
            float factor = cd->sim * ef;
            float credit = factor * level_factor(claim->level, cd->level, 0);
            uint32_t j = cd->via;
            if (credit > best[j] ||
                (credit == best[j] && best[j] > 0 &&
                 better_claim(credit, cd->sim, claim->skill, best[j], best_sim[j], best_via[j]))) {
                best[j] = credit;
                best_sim[j] = cd->sim;
                best_via[j] = claim->skill;
            }
        }
    }
    double sum = 0;
    drawn d[SM_MAX_REQUIREMENTS];
    size_t nd = 0;
    for (size_t j = 0; j < o->req_count; j++) {
        sum += (double)o->shares[j] * best[j];
        if (best[j] > 0)
            nd = draw_on(d, nd, best_via[j], best_sim[j]);
    }
    return sum * depth_factor(drawn_total(d, nd), o->req_count);
}

size_t sm__add_text(sm_match_reader *r, const char *s, size_t len)
{
    if (sm_grow((void **)&r->text, &r->text_cap, r->text_len + len + 1, 1) != SM_OK)
        return SIZE_MAX;
    size_t off = r->text_len;
    memcpy(r->text + off, s, len);
    r->text[off + len] = '\0';
    r->text_len += len + 1;
    return off;
}

/*
 * What skill, asked at level need, is to the expanded profile in r: the one definition of
 * sm_req_status (matcher.h). *why is the claim behind it: for met, the closest claim that
 * meets it; under level, the close claim of the highest level; near, the most similar claim;
 * missing, none.
 */
uint8_t sm__requirement_status(const sm_match_reader *r, uint32_t skill, uint8_t need,
                               const cand **why)
{
    const cand *met = NULL, *under = NULL, *nearest = NULL;
    if (r->xstamp[skill] == r->xepoch)
        for (uint32_t c = r->xfirst[skill]; c != UINT32_MAX; c = r->cands[c].next) {
            const cand *cd = &r->cands[c];
            if (cd->sim >= CLOSE_SIM) {
                if (need == 0 || cd->level == 0 || cd->level >= need) {
                    if (!met ||
                        better_claim(cd->sim, cd->sim, cd->via, met->sim, met->sim, met->via))
                        met = cd;
                } else if (!under || cd->level > under->level ||
                           (cd->level == under->level &&
                            better_claim(cd->sim, cd->sim, cd->via, under->sim, under->sim,
                                         under->via)))
                    under = cd;
            }
            if (!nearest ||
                better_claim(cd->sim, cd->sim, cd->via, nearest->sim, nearest->sim, nearest->via))
                nearest = cd;
        }
    *why = met ? met : under ? under : nearest;
    return met ? SM_REQ_MET : under ? SM_REQ_UNDER_LEVEL : nearest ? SM_REQ_NEAR : SM_REQ_MISSING;
}

/* The item for a skill asked (or taught) at level need, essential or not, with credit. */
static sm_match_item item_for(const sm_match_reader *r, uint32_t skill, uint8_t need, int essential,
                              float credit)
{
    const cand *why;
    sm_match_item it;
    memset(&it, 0, sizeof it);
    it.required = skill;
    it.essential = essential != 0;
    it.credit = credit;
    it.required_level = need;
    it.status = sm__requirement_status(r, skill, need, &why);
    it.via = why ? why->via : SM_NO_CONCEPT;
    it.similarity = why ? why->sim : 0;
    it.profile_level = why ? why->level : 0;
    it.tier = !why                    ? SM_TIER_NONE
              : why->via == skill     ? SM_TIER_EXACT
              : why->sim >= CLOSE_SIM ? SM_TIER_CLOSE
                                      : SM_TIER_RELATED;
    it.level_gap =
        need && it.profile_level && need > it.profile_level ? need - it.profile_level : 0;
    return it;
}

/*
 * Appends items to r->items in the order a result lists them: first the ones for which
 * first_if(item) holds, then the rest, each part essential first and otherwise in the
 * offer's order. Returns how many of the first part, or SIZE_MAX when out of memory.
 */
static size_t append_items(sm_match_reader *r, const sm_match_item *items, size_t n,
                           int (*first_if)(const sm_match_item *))
{
    if (sm_grow((void **)&r->items, &r->item_cap, r->item_count + n + 1, sizeof(sm_match_item)) !=
        SM_OK)
        return SIZE_MAX;
    size_t firsts = 0;
    for (int part = 0; part < 2; part++)
        for (int ess = 1; ess >= 0; ess--)
            for (size_t j = 0; j < n; j++)
                if ((first_if(&items[j]) != 0) == (part == 0) && items[j].essential == ess) {
                    r->items[r->item_count++] = items[j];
                    firsts += part == 0;
                }
    return firsts;
}

static int is_met(const sm_match_item *it)
{
    return it->status == SM_REQ_MET;
}

static int is_lacked(const sm_match_item *it)
{
    return it->status != SM_REQ_MET;
}

/*
 * Scores the offer's requirements against the expanded profile in r (the
 * reference computation, also used for explanations). When pd is not NULL,
 * appends the result's items to r->items: met requirements, then the others
 * (pd->matched, pd->missing), then for a training what it teaches (pd->teaches).
 */
int sm__score_requirements(sm_match_reader *r, const offer_view *o, unsigned disable, scored *out,
                           pending *pd)
{
    const sm_matcher *m = r->m;
    const float *shares = o->shares;
    if (!shares || disable) {
        sm__weight_shares(m, o->reqs, o->req_count, disable, r->shares);
        shares = r->shares;
    }
    memset(out, 0, sizeof *out);
    double ess_sum = 0, opt_sum = 0;
    size_t ess_total = 0, opt_total = 0;
    drawn d[SM_MAX_REQUIREMENTS];
    sm_match_item items[SM_MAX_REQUIREMENTS];
    size_t nd = 0;
    for (size_t j = 0; j < o->req_count; j++) {
        const sm_requirement *q = &o->reqs[j];
        const cand *why;
        float credit = sm__expanded_credit(r, q->skill, q->level, disable, &why);
        out->skills += (double)shares[j] * credit;
        if (why)
            nd = draw_on(d, nd, why->via, why->sim);
        if (q->essential) {
            ess_total++;
            ess_sum += credit;
        } else {
            opt_total++;
            opt_sum += credit;
        }
        if (pd)
            items[j] = item_for(r, q->skill, q->level, q->essential, credit);
    }
    out->used = drawn_total(d, nd);
    out->depth = disable & SM_SCORE_NO_DEPTH ? 1.0 : depth_factor(out->used, o->req_count);
    out->ess_cov = ess_total ? ess_sum / (double)ess_total : 1.0;
    out->opt_cov = opt_total ? opt_sum / (double)opt_total : 1.0;
    if (!pd)
        return SM_OK;
    pd->items = r->item_count;
    size_t met = append_items(r, items, o->req_count, is_met);
    if (met == SIZE_MAX)
        return SM_ENOMEM;
    pd->matched = met;
    pd->missing = o->req_count - met;
    pd->teaches = 0;
    if (o->kind == SM_OFFER_TRAINING) {
        /* What it teaches, and what each taught skill is to the person: lacked ones first. */
        for (size_t j = 0; j < o->teach_count; j++) {
            const cand *why;
            float have =
                sm__expanded_credit(r, o->teaches[j].skill, o->teaches[j].level, disable, &why);
            items[j] = item_for(r, o->teaches[j].skill, o->teaches[j].level, 1, have);
        }
        if (append_items(r, items, o->teach_count, is_lacked) == SIZE_MAX)
            return SM_ENOMEM;
        pd->teaches = o->teach_count;
    }
    return SM_OK;
}

/* Where the offer is for the person, as admit() saw it. */
uint8_t sm__place_of(const offer_view *o, const profile_view *p, double km)
{
    if (o->remote)
        return SM_PLACE_REMOTE;
    if (!o->has_location)
        return SM_PLACE_OFFER_UNKNOWN;
    if (!p->has_location)
        return SM_PLACE_PROFILE_UNKNOWN;
    return km >= 0 ? SM_PLACE_KNOWN : SM_PLACE_PROFILE_UNKNOWN;
}

/* The requirement weight W of the default model. */
static float req_weight(const sm_matcher *m, const sm_requirement *r, unsigned disable)
{
    float w = r->weight > 0 ? r->weight : 1.0f;
    if (!(disable & SM_SCORE_NO_RARITY))
        w *= m->rarity[r->skill];
    if (!(disable & SM_SCORE_NO_ESSENTIAL) && r->essential)
        w *= ESSENTIAL_FACTOR;
    return w;
}

/* shares[i] = W_i / sum of W: what requirement i adds to the skills score at full credit. */
void sm__weight_shares(const sm_matcher *m, const sm_requirement *reqs, size_t n, unsigned disable,
                       float *shares)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += req_weight(m, &reqs[i], disable);
    for (size_t i = 0; i < n; i++)
        shares[i] = total > 0 ? (float)(req_weight(m, &reqs[i], disable) / total) : 0;
}
