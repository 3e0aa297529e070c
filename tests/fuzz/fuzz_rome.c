/* fuzz_rome.c: libFuzzer target for the ROME repertoire's builder (what `skillmatch import rome`
 * and the server's load feed it): each input line is a row, "T|f0|f1|f2|f3|f4" with T the table
 * (0 codes, 1 texts, 2 titles, 3 crosswalk, 4 skill labels, 5 code skills, 6 mobility); the
 * rows are linked and every lookup is walked. Any bytes: an error or a repertoire, never a
 * crash or a leak. */
#include "taxonomy/rome.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    sm_rome_builder *b;
    if (sm_rome_builder_new(&b) != SM_OK) {
        free(text);
        return 0;
    }
    sm_error err;
    int rc = SM_OK;
    for (char *line = text, *next; line && rc == SM_OK; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (!*line)
            continue;
        unsigned t = (unsigned)(line[0] - '0');
        const char *f[5] = {NULL, NULL, NULL, NULL, NULL};
        char *p = line[1] == '|' ? line + 2 : NULL;
        for (int k = 0; k < 5 && p; k++) {
            f[k] = p;
            p = strchr(p, '|');
            if (p)
                *p++ = '\0';
        }
        if (t < SM_ROME_T_COUNT)
            rc = sm_rome_add(b, (sm_rome_table)t, f, &err);
    }
    sm_rome *r = NULL;
    if (rc != SM_OK)
        sm_rome_builder_free(b);
    else if (sm_rome_finish(b, &r, &err) == SM_OK) {
        for (size_t i = 0; i < sm_rome_job_count(r); i++) {
            const sm_rome_job *j = sm_rome_job_at(r, i);
            if (sm_rome_job_find(r, j->code) != (long)i)
                abort();
            for (uint32_t k = 0; k < j->title_count; k++) {
                const sm_rome_title *t = sm_rome_title_at(r, j->first_title + k);
                if (t->job != i || sm_rome_title_find(r, t->ogr) != (long)(j->first_title + k))
                    abort();
                for (uint32_t l = 0; l < t->link_count; l++) {
                    uint32_t back[64];
                    size_t n = sm_rome_titles_of_occupation(
                        r, sm_rome_link_at(r, t->first_link + l)->esco_uri, back, 64);
                    if (!n)
                        abort();
                }
            }
            for (uint32_t k = 0; k < j->skill_count; k++)
                if (!sm_rome_skill_at(r, j->first_skill + k)->label)
                    abort();
            for (uint32_t k = 0; k < j->move_count; k++)
                if (sm_rome_move_at(r, j->first_move + k) >= sm_rome_job_count(r))
                    abort();
        }
        sm_rome_free(r);
    }
    free(text);
    return 0;
}
