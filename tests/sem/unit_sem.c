/*
 * Unit tests of sem's command-line helpers (sem.h): numbers and the
 * shared-memory manifest. Expected values are worked out by hand.
 */
#include "sem/sem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                          \
        }                                                                        \
    } while (0)

static void test_words(void)
{
    Word w = 0;
    CHECK(sem_parse_word("0", &w) && w == 0);
    CHECK(sem_parse_word("42", &w) && w == 42);
    CHECK(sem_parse_word("0x10", &w) && w == 16);
    CHECK(sem_parse_word("0XfF", &w) && w == 255);
    CHECK(sem_parse_word("-1", &w) && w == UINT64_MAX);
    CHECK(sem_parse_word("18446744073709551615", &w) && w == UINT64_MAX);
    CHECK(sem_parse_word("-9223372036854775808", &w) && w == (Word)1 << 63);
    CHECK(!sem_parse_word("18446744073709551616", &w));
    CHECK(!sem_parse_word("-9223372036854775809", &w));
    CHECK(!sem_parse_word("", &w));
    CHECK(!sem_parse_word(" 1", &w));
    CHECK(!sem_parse_word("1 ", &w));
    CHECK(!sem_parse_word("0x", &w));
    CHECK(!sem_parse_word("-0x1", &w));
    CHECK(!sem_parse_word("12abc", &w));
    CHECK(!sem_parse_word("--1", &w));
    CHECK(!sem_parse_word("+1", &w));
}

static bool parse(const char *text, SemRegionVec *v, Arena *a, char *err)
{
    memset(v, 0, sizeof *v);
    return sem_manifest_parse(text, strlen(text), a, v, err, 200);
}

static void test_manifest(void)
{
    Arena a;
    arena_init(&a);
    SemRegionVec v;
    char err[200];
    CHECK(parse("# nothing\n\n   \n", &v, &a, err) && v.n == 0);
    vec_free(&v);
    CHECK(parse("shared 0x1000 64\ndevice 4096 0x10 ./d.so arg=1 # c\n", &v, &a, err));
    CHECK(v.n == 2);
    if (v.n == 2) {
        CHECK(v.v[0].base == 0x1000 && v.v[0].size == 64 && !v.v[0].device);
        CHECK(v.v[1].base == 4096 && v.v[1].size == 16);
        CHECK(v.v[1].device && !strcmp(v.v[1].device, "./d.so"));
        CHECK(v.v[1].arg && !strcmp(v.v[1].arg, "arg=1"));
    }
    vec_free(&v);
    CHECK(parse("shared 1 2\r\nshared 3 4", &v, &a, err) && v.n == 2);
    vec_free(&v);
    CHECK(!parse("shared 1\n", &v, &a, err) && strstr(err, "line 1"));
    vec_free(&v);
    CHECK(!parse("\nshared 1 2 3\n", &v, &a, err) && strstr(err, "line 2"));
    vec_free(&v);
    CHECK(!parse("shared -8 8\n", &v, &a, err));
    vec_free(&v);
    CHECK(!parse("bogus 1 2\n", &v, &a, err) && strstr(err, "unknown entry"));
    vec_free(&v);
    CHECK(!parse("device 1 2 a b c d e\n", &v, &a, err));
    vec_free(&v);
    arena_free(&a);
}

int main(void)
{
    test_words();
    test_manifest();
    if (failures) fprintf(stderr, "%d checks failed\n", failures);
    return failures != 0;
}
