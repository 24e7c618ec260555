/*
 * verify/litmus/litmus_main.c - litmus_runner: runs every litmus test of its
 * suite and judges it against the suite's kinds file.
 *
 * Usage: litmus_runner [NAME_SUBSTRING]
 *   Runs the tests of the suite (tests.h) whose name contains NAME_SUBSTRING
 *   (all by default) and prints a markdown table.  The kinds file is read
 *   from CYMADE_LITMUS_KINDS, or from the suite's path relative to the
 *   working directory (the runfiles root under `bazel test`/`bazel run`, the
 *   exec root in a genrule).
 *   Exit status 0 iff every selected test passed and the kinds file lists
 *   exactly the tests that exist, each with the verdict the test states.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cymade/internal/monotonic_clock.h"
#include "harness.h"
#include "tests.h"

enum { MAX_KINDS = 256, MAX_NAME = 64 };

typedef struct kind_entry {
    char name[MAX_NAME];
    litmus_verdict verdict;
    bool matched; /* some test has this name */
} kind_entry;

typedef struct kinds_file {
    kind_entry entries[MAX_KINDS];
    int count;
} kinds_file;

static bool parse_verdict(const char *text, litmus_verdict *verdict) {
    static const litmus_verdict all[] = {LITMUS_NEVER, LITMUS_SOMETIMES, LITMUS_ALLOWED};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; ++i) {
        if (strcmp(text, litmus_verdict_name(all[i])) == 0) {
            *verdict = all[i];
            return true;
        }
    }
    return false;
}

/* Reads "<name> <Never|Sometimes|Allowed>" lines; blank lines and lines
 * starting with '#' are ignored.  Returns false on any malformed line. */
static bool read_kinds(const char *path, kinds_file *kinds) {
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        fprintf(stderr, "litmus: cannot open %s (set CYMADE_LITMUS_KINDS)\n", path);
        return false;
    }
    char line[256];
    int line_number = 0;
    bool ok = true;
    kinds->count = 0;
    while (fgets(line, sizeof line, file) != NULL) {
        ++line_number;
        char name[MAX_NAME];
        char verdict_text[MAX_NAME];
        char extra[2];
        int fields = sscanf(line, "%63s %63s %1s", name, verdict_text, extra);
        if (fields <= 0 || name[0] == '#') {
            continue;
        }
        kind_entry *entry = &kinds->entries[kinds->count];
        if (fields != 2 || !parse_verdict(verdict_text, &entry->verdict) || kinds->count == MAX_KINDS) {
            fprintf(stderr, "litmus: %s:%d: expected \"<name> <Never|Sometimes|Allowed>\"\n", path, line_number);
            ok = false;
            continue;
        }
        strcpy(entry->name, name);
        entry->matched = false;
        ++kinds->count;
    }
    fclose(file);
    return ok;
}

static kind_entry *find_kind(kinds_file *kinds, const char *name) {
    for (int i = 0; i < kinds->count; ++i) {
        if (strcmp(kinds->entries[i].name, name) == 0) {
            return &kinds->entries[i];
        }
    }
    return NULL;
}

static bool verdict_holds(litmus_verdict verdict, long witnesses) {
    switch (verdict) {
    case LITMUS_NEVER: return witnesses == 0;
    case LITMUS_SOMETIMES: return witnesses > 0;
    case LITMUS_ALLOWED: return true;
    }
    return false;
}

int main(int argc, char **argv) {
    const char *filter = argc > 1 ? argv[1] : NULL;
    const char *kinds_path = getenv("CYMADE_LITMUS_KINDS");
    if (kinds_path == NULL || *kinds_path == '\0') {
        kinds_path = litmus_suite_kinds;
    }
    static kinds_file kinds;
    int failed = read_kinds(kinds_path, &kinds) ? 0 : 1;
    int passed = 0;
    int skipped = 0;

    const long iterations = litmus_iterations();
    uint64_t start_ns = monotonic_clock_ns();

    printf("| test | threads | iterations | witnesses | expected | result |\n");
    printf("|---|---|---|---|---|---|\n");
    for (size_t t = 0; t < litmus_suite_table_count; ++t) {
        for (size_t i = 0; i < *litmus_suite_tables[t].count; ++i) {
            const litmus_test *test = &litmus_suite_tables[t].tests[i];
            kind_entry *kind = find_kind(&kinds, test->name);
            if (kind == NULL) {
                fprintf(stderr, "litmus: %s: missing from %s\n", test->name, kinds_path);
                ++failed;
                continue;
            }
            kind->matched = true;
            if (kind->verdict != test->expected) {
                fprintf(stderr, "litmus: %s: %s says %s, the test says %s\n", test->name, kinds_path,
                        litmus_verdict_name(kind->verdict), litmus_verdict_name(test->expected));
                ++failed;
                continue;
            }
            if (filter != NULL && strstr(test->name, filter) == NULL) {
                continue;
            }
            litmus_result result;
            if (!litmus_run(test, iterations, &result)) {
                return 2;
            }
            const char *outcome;
            if (result.skipped) {
                outcome = "skipped (needs more CPUs)";
                ++skipped;
            } else if (verdict_holds(kind->verdict, result.witnesses)) {
                outcome = "pass";
                ++passed;
            } else {
                outcome = "FAIL";
                ++failed;
            }
            printf("| %s | %d | %ld | %ld | %s | %s |\n", test->name, test->thread_count,
                   result.skipped ? 0 : result.iterations, result.witnesses, litmus_verdict_name(kind->verdict),
                   outcome);
            fflush(stdout);
        }
    }
    for (int i = 0; i < kinds.count; ++i) {
        if (!kinds.entries[i].matched) {
            fprintf(stderr, "litmus: %s: listed in %s but no such test\n", kinds.entries[i].name, kinds_path);
            ++failed;
        }
    }

    printf("\nlitmus: %d CPUs, wall time %.1f s\n", litmus_cpu_count(),
           (double)(monotonic_clock_ns() - start_ns) / 1e9);
    if (skipped > 0) {
        printf("litmus: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
    } else {
        printf("litmus: %d passed, %d failed\n", passed, failed);
    }
    return failed == 0 ? 0 : 1;
}
