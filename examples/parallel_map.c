/*
 * parallel_map.c - squares an array in parallel and checks the sum.
 *
 * The array is cut into chunks; each chunk is one job whose future lives
 * inside the chunk itself (cymade_future_init + cymade_pool_submit_future),
 * so submitting costs the pool no allocation.  The main thread waits for
 * every future, adds up the chunks' partial sums and compares the total
 * with the closed form; it exits non-zero if anything disagrees.
 *
 *   cc -std=c11 parallel_map.c $(pkg-config --cflags --libs cymade) -o parallel_map
 */
#include <cymade/atomic.h>
#include <cymade/pool.h>
#include <cymade/version.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ELEMENTS 1000000
#define CHUNK 10000
#define CHUNKS (ELEMENTS / CHUNK)

typedef struct chunk {
    cymade_future future; /* first member: free_fn gets back to the chunk */
    const uint64_t *input;
    uint64_t *output;
    size_t count;
    uint64_t sum;
} chunk;

/* The chunks are one array, freed by main once every future's last
 * reference is gone: free_fn runs at a future's last release and counts. */
static cymade_atomic_u64 futures_released;

static int square_chunk(void *arg, void **result) {
    chunk *work = arg;
    uint64_t sum = 0;
    for (size_t i = 0; i < work->count; i++) {
        work->output[i] = work->input[i] * work->input[i];
        sum += work->output[i];
    }
    work->sum = sum;
    *result = &work->sum;
    return 0;
}

static void count_release(cymade_future *future) {
    (void)future;
    cymade_atomic_u64_fetch_add(&futures_released, 1, memory_order_relaxed);
}

static int fail(const char *what, int error) {
    fprintf(stderr, "parallel_map: %s: %s\n", what, cymade_strerror(error));
    return 1;
}

int main(void) {
    /* The header this was compiled against and the library it loaded. */
    if (strcmp(cymade_version(), CYMADE_VERSION_STRING) != 0) {
        fprintf(stderr, "parallel_map: built against cymade %s, running %s\n", CYMADE_VERSION_STRING, cymade_version());
        return 1;
    }
    uint64_t *input = malloc(ELEMENTS * sizeof *input);
    uint64_t *output = malloc(ELEMENTS * sizeof *output);
    chunk *chunks = malloc(CHUNKS * sizeof *chunks);
    if (input == NULL || output == NULL || chunks == NULL) {
        return fail("malloc", CYMADE_ENOMEM);
    }
    for (size_t i = 0; i < ELEMENTS; i++) {
        input[i] = i;
    }
    cymade_atomic_u64_init(&futures_released, 0);

    cymade_pool_options options;
    cymade_pool_options_init(&options, 4);
    cymade_pool *pool;
    int error = cymade_pool_create(&pool, &options);
    if (error != CYMADE_OK) {
        return fail("cymade_pool_create", error);
    }
    for (size_t c = 0; c < CHUNKS; c++) {
        chunk *work = &chunks[c];
        work->input = input + c * CHUNK;
        work->output = output + c * CHUNK;
        work->count = CHUNK;
        cymade_future_init(&work->future, square_chunk, work, count_release);
        /* The pool takes over the init reference; this one is main's. */
        cymade_future_retain(&work->future);
        error = cymade_pool_submit_future(pool, 0, &work->future);
        if (error != CYMADE_OK) {
            return fail("cymade_pool_submit_future", error);
        }
    }

    uint64_t total = 0;
    for (size_t c = 0; c < CHUNKS; c++) {
        cymade_future *future = &chunks[c].future;
        error = cymade_future_wait(future, -1);
        if (error != CYMADE_OK) {
            return fail("cymade_future_wait", error);
        }
        if (cymade_future_get_state(future) != CYMADE_FUTURE_DONE || cymade_future_status(future) != 0) {
            fprintf(stderr, "parallel_map: chunk %zu did not complete\n", c);
            return 1;
        }
        total += *(const uint64_t *)cymade_future_result(future);
        cymade_future_release(future);
    }
    /* Destroy waits for the workers, which drop the pool's references. */
    error = cymade_pool_destroy(pool);
    if (error != CYMADE_OK) {
        return fail("cymade_pool_destroy", error);
    }
    if (cymade_atomic_u64_load(&futures_released, memory_order_relaxed) != CHUNKS) {
        fprintf(stderr, "parallel_map: a chunk's future is still referenced\n");
        return 1;
    }

    /* Sum of i*i for i < n: (n-1) n (2n-1) / 6. */
    const uint64_t n = ELEMENTS;
    const uint64_t expected = (n - 1) * n * (2 * n - 1) / 6;
    int wrong = total != expected;
    for (size_t i = 0; i < ELEMENTS && !wrong; i++) {
        wrong = output[i] != (uint64_t)i * i;
    }
    printf("parallel_map: cymade %s, %d elements in %d chunks, sum of squares %" PRIu64 " (%s)\n", cymade_version(),
           ELEMENTS, CHUNKS, total, wrong ? "WRONG" : "ok");
    free(chunks);
    free(output);
    free(input);
    return wrong;
}
