/*
 * explain.c: reasons, fit and sentences of results (see explain.h).
 *
 * The sentence is rendered from the reasons alone, clause by clause, so it cannot say
 * anything the structured answer does not: a skill named as had is among the met ones, one
 * named after "il vous manque" / "you lack" among the lacked essential ones (with what it is
 * close to, or the levels, when that is its status), counts are the reasons' counts, and the
 * distance is the one the answer shows, rounded by one rule (below 1 km: "less than 1 km";
 * else to the nearest km). tests/e2e/test_api.c and tests/unit/test_matcher.c check sentences
 * against the structured fields on thousands of random answers.
 */
#include "matcher/explain.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lacked skills named in a sentence; the rest are counted ("and 2 more"). */
#define NAMED 2

double sm__explain_km(double km)
{
    return km < 0 ? km : round(km * 1000.0) / 1000.0;
}

void sm__explain_amount(char *buf, size_t size, double v, int money, sm_lang lang)
{
    long long cents = llround(v * 100.0);
    char mark = lang == SM_LANG_FR ? ',' : '.';
    if (cents % 100 == 0)
        snprintf(buf, size, "%lld", cents / 100);
    else if (money || cents % 10)
        snprintf(buf, size, "%lld%c%02lld", cents / 100, mark, llabs(cents % 100));
    else
        snprintf(buf, size, "%lld%c%lld", cents / 100, mark, llabs(cents % 100) / 10);
}

static int lacked(const sm_match_item *it)
{
    return it->status != SM_REQ_MET;
}

size_t sm__explain_reasons(const sm_match_result *res, int training, sm_reason *out)
{
    size_t n = 0;
    uint32_t ess_total = 0, ess_met = 0, opt_total = 0, opt_met = 0, ess_lacked = 0;
    for (size_t i = 0; i < res->matched_count; i++) {
        ess_total += res->matched[i].essential;
        ess_met += res->matched[i].essential;
        opt_total += !res->matched[i].essential;
        opt_met += !res->matched[i].essential;
    }
    for (size_t i = 0; i < res->missing_count; i++) {
        ess_total += res->missing[i].essential;
        ess_lacked += res->missing[i].essential;
        opt_total += !res->missing[i].essential;
    }
    if (training) {
        /* Prerequisites are all essential: the lacked ones are named. */
        out[n++] = (sm_reason){
            SM_REASON_PREREQUISITES, 0, ess_met, ess_total, 0, res->missing, ess_lacked};
        uint32_t fresh = 0;
        for (size_t i = 0; i < res->teach_count; i++)
            fresh += lacked(&res->teaches[i]);
        /* teaches lists the taught skills the person lacks first (add_result sorts them). */
        out[n++] = (sm_reason){SM_REASON_TEACHES, 0,    fresh, (uint32_t)res->teach_count, 0,
                               res->teaches,      fresh};
    } else {
        out[n++] =
            (sm_reason){SM_REASON_ESSENTIAL, 0, ess_met, ess_total, 0, res->matched, ess_met};
        if (ess_lacked)
            out[n++] = (sm_reason){SM_REASON_LACKING, 0,         ess_lacked, ess_total, 0,
                                   res->missing,      ess_lacked};
        if (opt_total)
            out[n++] = (sm_reason){SM_REASON_OPTIONAL,     0,      opt_met, opt_total, 0,
                                   res->matched + ess_met, opt_met};
    }
    switch (res->place) {
    case SM_PLACE_KNOWN:
        out[n++] = (sm_reason){
            SM_REASON_DISTANCE, SM_PLACE_KNOWN, 0, 0, sm__explain_km(res->distance_km), NULL, 0};
        break;
    case SM_PLACE_REMOTE:
        out[n++] = (sm_reason){SM_REASON_REMOTE, SM_PLACE_REMOTE, 0, 0, 0, NULL, 0};
        break;
    default: out[n++] = (sm_reason){SM_REASON_PLACE_UNKNOWN, res->place, 0, 0, 0, NULL, 0}; break;
    }
    return n;
}

uint8_t sm__explain_fit(const sm_match_result *res, int training)
{
    (void)training; /* prerequisites are the training's essential requirements */
    int all_essential = 1;
    for (size_t i = 0; i < res->missing_count; i++)
        if (res->missing[i].essential)
            all_essential = 0;
    if (all_essential && res->score >= SM_FIT_GOOD_SCORE)
        return SM_FIT_GOOD;
    return res->score >= SM_FIT_PARTIAL_SCORE ? SM_FIT_PARTIAL : SM_FIT_WEAK;
}

/* ---- writing ------------------------------------------------------------------------- */

typedef struct out {
    char *buf;
    size_t len, size;
} out;

static void put(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(out *o, const char *fmt, ...)
{
    if (o->len + 1 >= o->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len = o->len + (size_t)n < o->size ? o->len + (size_t)n : o->size - 1;
}

static const char *label(const sm_taxonomy *tx, uint32_t skill, sm_lang lang)
{
    const char *l = sm_taxonomy_label_any(tx, skill, lang);
    return l && *l ? l : "?";
}

static void quoted(out *o, const sm_taxonomy *tx, uint32_t skill, sm_lang lang)
{
    put(o, lang == SM_LANG_FR ? "« %s »" : "“%s”", label(tx, skill, lang));
}

size_t sm__explain_list(const sm_taxonomy *tx, const uint32_t *skills, size_t count, size_t named,
                        sm_lang lang, char *buf, size_t len, size_t size)
{
    out o = {buf, len, size};
    int fr = lang == SM_LANG_FR;
    size_t shown = count < named ? count : named;
    /* Names that would not fit whole (with room for "et 99 autres.") are counted instead. */
    size_t room = 0, fits = 0;
    for (; fits < shown; fits++) {
        room += strlen(label(tx, skills[fits], lang)) + 8;
        if (len + room + 24 >= size)
            break;
    }
    shown = fits;
    for (size_t i = 0; i < shown; i++) {
        if (i)
            put(&o, "%s", i + 1 == shown && shown == count ? (fr ? " et " : " and ") : ", ");
        quoted(&o, tx, skills[i], lang);
    }
    if (count > shown) {
        size_t more = count - shown;
        if (fr)
            put(&o, " et %zu autre%s", more, more > 1 ? "s" : "");
        else
            put(&o, " and %zu more", more);
    }
    return o.len;
}

/* A lacked item, with what it is close to or the levels: « A » (proche de « B », que vous
 * avez). */
static void lacked_item(out *o, const sm_taxonomy *tx, const sm_match_item *it, int candidate,
                        sm_lang lang)
{
    int fr = lang == SM_LANG_FR;
    quoted(o, tx, it->required, lang);
    if (it->status == SM_REQ_NEAR) {
        put(o, "%s", fr ? " (proche de " : " (close to ");
        quoted(o, tx, it->via, lang);
        put(o, "%s",
            fr ? (candidate ? ", que la personne a)" : ", que vous avez)")
               : (candidate ? ", which they have)" : ", which you have)"));
    } else if (it->status == SM_REQ_UNDER_LEVEL) {
        if (fr)
            put(o, " (niveau %u demandé, %s le niveau %u)", it->required_level,
                candidate ? "la personne a" : "vous avez", it->profile_level);
        else
            put(o, " (level %u asked, %s level %u)", it->required_level,
                candidate ? "they have" : "you have", it->profile_level);
    }
}

/*
 * The lacked items of a reason: « A » (…), « B » et 2 autres. When the named items are all
 * close to the same skill they share one parenthesis: « A » et « B » (proches de « C », que
 * vous avez), ainsi que 2 autres.
 */
static void lacked_list(out *o, const sm_taxonomy *tx, const sm_reason *r, int candidate,
                        sm_lang lang)
{
    int fr = lang == SM_LANG_FR;
    size_t shown = r->item_count < NAMED ? r->item_count : NAMED;
    size_t more = r->item_count - shown;
    int shared = shown > 1;
    for (size_t i = 0; i < shown; i++)
        shared &= r->items[i].status == SM_REQ_NEAR && r->items[i].via == r->items[0].via;
    if (shared) {
        for (size_t i = 0; i < shown; i++) {
            if (i)
                put(o, "%s", i + 1 == shown ? (fr ? " et " : " and ") : ", ");
            quoted(o, tx, r->items[i].required, lang);
        }
        put(o, "%s", fr ? " (proches de " : " (both close to ");
        quoted(o, tx, r->items[0].via, lang);
        put(o, "%s",
            fr ? (candidate ? ", que la personne a)" : ", que vous avez)")
               : (candidate ? ", which they have)" : ", which you have)"));
        if (more && fr)
            put(o, ", ainsi que %zu autre%s", more, more > 1 ? "s" : "");
        else if (more)
            put(o, ", and %zu more", more);
        return;
    }
    for (size_t i = 0; i < shown; i++) {
        if (i)
            put(o, "%s", i + 1 == shown && !more ? (fr ? " et " : " and ") : ", ");
        lacked_item(o, tx, &r->items[i], candidate, lang);
    }
    if (more && fr)
        put(o, " et %zu autre%s", more, more > 1 ? "s" : "");
    else if (more)
        put(o, " and %zu more", more);
}

static void essential_fr(out *o, const sm_taxonomy *tx, const sm_reason *r, int candidate)
{
    const char *have = candidate ? "A" : "Vous avez", *none = candidate ? "N'a" : "Vous n'avez";
    if (r->total == 0)
        put(o, "Cette offre ne demande pas de compétence essentielle");
    else if (r->count == r->total && r->total == 1) {
        put(o, "%s la compétence essentielle demandée : ", have);
        quoted(o, tx, r->items[0].required, SM_LANG_FR);
    } else if (r->count == r->total)
        put(o, "%s les %u compétences essentielles demandées", have, r->total);
    else if (r->count == 0 && r->total == 1)
        put(o, "%s pas la compétence essentielle demandée", none);
    else if (r->count == 0)
        put(o, "%s aucune des %u compétences essentielles demandées", none, r->total);
    else {
        put(o, "%s %u des %u compétences essentielles, dont ", have, r->count, r->total);
        quoted(o, tx, r->items[0].required, SM_LANG_FR);
    }
}

static void essential_en(out *o, const sm_taxonomy *tx, const sm_reason *r, int candidate)
{
    const char *have = candidate ? "Has" : "You have";
    if (r->total == 0)
        put(o, "This offer asks for no essential skill");
    else if (r->count == r->total && r->total == 1) {
        put(o, "%s the essential skill asked for: ", have);
        quoted(o, tx, r->items[0].required, SM_LANG_EN);
    } else if (r->count == r->total && r->total == 2)
        put(o, "%s both essential skills asked for", have);
    else if (r->count == r->total)
        put(o, "%s all %u essential skills asked for", have, r->total);
    else if (r->count == 0 && r->total == 1)
        put(o, "%s the essential skill asked for", candidate ? "Lacks" : "You lack");
    else if (r->count == 0)
        put(o, "%s none of the %u essential skills asked for", have, r->total);
    else {
        put(o, "%s %u of the %u essential skills, including ", have, r->count, r->total);
        quoted(o, tx, r->items[0].required, SM_LANG_EN);
    }
}

/*
 * "vous avez 1 des 2 compétences souhaitées" and its kin: optional skills (feminine in
 * French) and prerequisites (masculine). capital: the clause opens the sentence.
 */
static void share(out *o, const sm_reason *r, int candidate, sm_lang lang, int prerequisites,
                  int capital)
{
    char head[32];
    if (lang == SM_LANG_FR) {
        snprintf(head, sizeof head, "%s",
                 r->count ? (candidate ? "a" : "vous avez") : (candidate ? "n'a" : "vous n'avez"));
        if (capital)
            head[0] = (char)(head[0] - 'a' + 'A');
        const char *one = prerequisites ? "le prérequis demandé" : "la compétence souhaitée";
        const char *many = prerequisites ? "prérequis" : "compétences souhaitées";
        if (r->count == r->total && r->total == 1)
            put(o, "%s %s", head, one);
        else if (r->count == r->total)
            put(o, "%s les %u %s", head, r->total, many);
        else if (r->total == 1)
            put(o, "%s pas %s", head, one);
        else if (r->count == 0)
            put(o, "%s %s des %u %s", head, prerequisites ? "aucun" : "aucune", r->total, many);
        else
            put(o, "%s %u des %u %s", head, r->count, r->total, many);
    } else {
        int lacks = r->count == 0 && r->total == 1;
        snprintf(head, sizeof head, "%s",
                 lacks ? (candidate ? "lacks" : "you lack") : (candidate ? "has" : "you have"));
        if (capital)
            head[0] = (char)(head[0] - 'a' + 'A');
        const char *one = prerequisites ? "prerequisite asked for" : "nice-to-have skill";
        const char *many = prerequisites ? "prerequisites" : "nice-to-have skills";
        if (r->total == 1)
            put(o, "%s the %s", head, one);
        else if (r->count == r->total && r->total == 2)
            put(o, "%s both %s", head, many);
        else if (r->count == r->total)
            put(o, "%s all %u %s", head, r->total, many);
        else if (r->count == 0)
            put(o, "%s none of the %u %s", head, r->total, many);
        else
            put(o, "%s %u of the %u %s", head, r->count, r->total, many);
    }
}

void sm__explain_sentence(const sm_taxonomy *tx, const sm_reason *reasons, size_t count,
                          int candidate, sm_lang lang, char *buf, size_t size)
{
    out o = {buf, 0, size};
    int fr = lang == SM_LANG_FR, training = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count; i++)
        training |= reasons[i].kind == SM_REASON_PREREQUISITES;
    for (size_t i = 0; i < count; i++) {
        const sm_reason *r = &reasons[i];
        if (i)
            put(&o, "%s", fr ? " ; " : "; ");
        switch (r->kind) {
        case SM_REASON_ESSENTIAL:
            if (fr)
                essential_fr(&o, tx, r, candidate);
            else
                essential_en(&o, tx, r, candidate);
            break;
        case SM_REASON_LACKING:
            put(&o, "%s",
                fr ? (candidate ? "il lui manque " : "il vous manque ")
                   : (candidate ? "lacks " : "you lack "));
            lacked_list(&o, tx, r, candidate, lang);
            break;
        case SM_REASON_OPTIONAL: share(&o, r, candidate, lang, 0, 0); break;
        case SM_REASON_PREREQUISITES:
            if (r->total == 0)
                put(&o, "%s", fr ? "Aucun prérequis" : "No prerequisite");
            else {
                share(&o, r, candidate, lang, 1, 1);
                if (r->item_count) {
                    put(&o, "%s", fr ? " ; il vous manque " : "; you lack ");
                    lacked_list(&o, tx, r, candidate, lang);
                }
            }
            break;
        case SM_REASON_TEACHES:
            if (r->total == 0)
                put(&o, "%s",
                    fr ? "elle n'enseigne aucune compétence indiquée"
                       : "it names no skill it teaches");
            else if (r->count == 0)
                put(&o, "%s",
                    fr ? "vous avez déjà ce qu'elle enseigne" : "you already have what it teaches");
            else {
                uint32_t skills[SM_MAX_REQUIREMENTS];
                size_t n =
                    r->item_count < SM_MAX_REQUIREMENTS ? r->item_count : SM_MAX_REQUIREMENTS;
                for (size_t k = 0; k < n; k++)
                    skills[k] = r->items[k].required;
                put(&o, "%s", fr ? "vous y apprendriez " : "you would learn ");
                o.len = sm__explain_list(tx, skills, n, NAMED, lang, o.buf, o.len, o.size);
                if (r->count < r->total) {
                    if (fr)
                        put(&o, " (vous avez déjà %u des %u compétences enseignées)",
                            r->total - r->count, r->total);
                    else
                        put(&o, " (you already have %u of the %u skills it teaches)",
                            r->total - r->count, r->total);
                }
            }
            break;
        case SM_REASON_DISTANCE:
            if (r->km < 1)
                put(&o, "%s", fr ? "à moins d'1 km" : "less than 1 km away");
            else /* to the nearest km, a half up (printf would round it to even) */
                put(&o, fr ? "à %.0f km" : "%.0f km away", floor(r->km + 0.5));
            break;
        case SM_REASON_REMOTE:
            if (training)
                put(&o, "%s", fr ? "à distance" : "distance learning");
            else
                put(&o, "%s", fr ? "en télétravail" : "remote work");
            break;
        case SM_REASON_PLACE_UNKNOWN:
            if (r->place == SM_PLACE_OFFER_UNKNOWN && training)
                put(&o, "%s",
                    fr ? "lieu de la formation non indiqué, compté comme éloigné"
                       : "the training gives no place: counted as far");
            else if (r->place == SM_PLACE_OFFER_UNKNOWN)
                put(&o, "%s",
                    fr ? "lieu de l'offre non indiqué, compté comme éloigné"
                       : "the offer gives no place: counted as far");
            else if (fr)
                put(&o, "%s",
                    candidate ? "la personne n'indique pas de lieu, compté comme éloigné"
                              : "vous n'indiquez pas de lieu, compté comme éloigné");
            else
                put(&o, "%s",
                    candidate ? "they give no place: counted as far"
                              : "you give no place: counted as far");
            break;
        }
    }
    put(&o, ".");
}
