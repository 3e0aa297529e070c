/*
 * explain.h: what a result says, internal to matcher/. From a result's lists (matched,
 * missing, teaches) and where the offer is, it derives the structured reasons, the plain
 * reading of the score (fit), and the one sentence rendered from the reasons by templates,
 * in French or English, about the person ("Vous avez…") or about a candidate ("A…").
 * Nothing here allocates; labels come from the taxonomy.
 */
#ifndef SM_EXPLAIN_H
#define SM_EXPLAIN_H

#include "matcher/matcher.h"

/* The most reasons one result has. */
#define SM__MAX_REASONS 6

/*
 * Fills out (SM__MAX_REASONS) with res's reasons, in the order the sentence says them:
 * for a job offer, essential (met of asked), lacking (when an essential one is lacked),
 * optional (when the offer asks some), then the place; for a training, prerequisites,
 * teaches, then the place. res's lists must be final. Returns how many.
 */
size_t sm__explain_reasons(const sm_match_result *res, int training, sm_reason *out);

/* The plain reading of res's score (SM_FIT_*). */
uint8_t sm__explain_fit(const sm_match_result *res, int training);

/* A distance as shown: rounded to the metre (the answer shows 3 decimals of km). */
double sm__explain_km(double km);

/*
 * An amount as the answers show it (hours and euros are shown to the cent, half away from
 * zero), in words of lang: whole, "450"; else hours with the decimals they have ("10,5" in
 * French, "10.5" in English), money with two ("450,50", "450.50"). Writes into buf.
 */
void sm__explain_amount(char *buf, size_t size, double v, int money, sm_lang lang);

/*
 * Writes the sentence for reasons into buf (size bytes, always terminated): the clauses of
 * the reasons joined by "; ", ending with a full stop. candidate: about a person seen by an
 * organisation (third person), else to the person.
 */
void sm__explain_sentence(const sm_taxonomy *tx, const sm_reason *reasons, size_t count,
                          int candidate, sm_lang lang, char *buf, size_t size);

/* Appends to buf (of size, holding len bytes) the labels of skills as a list: « A », « B » et
 * 2 autres ("“A”, “B” and 2 more"), naming at most named of them. Returns the new length. */
size_t sm__explain_list(const sm_taxonomy *tx, const uint32_t *skills, size_t count, size_t named,
                        sm_lang lang, char *buf, size_t len, size_t size);

#endif
