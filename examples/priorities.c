/*
 * priorities.c - urgent and background jobs next to normal ones.
 *
 * One worker, so the order in which jobs start is the order the pool picks
 * them.  While a first job holds the worker, main queues normal jobs, then
 * urgent jobs (priority < 0) and a background job (priority > 0, here
 * BACKGROUND_DELAY_MS).  pool.h's contract for the classes says what must
 * happen once the worker is free:
 *   - urgent jobs run before anything else, lowest priority value first,
 *     so both start before every normal job queued ahead of them;
 *   - normal jobs run in FIFO order (one worker, one ring);
 *   - the background job starts only when nothing urgent is pending and the
 *     pool has been idle (no urgent or normal job finished) for at least
 *     BACKGROUND_DELAY_MS, so it starts last.
 * The program records the start order and times and exits non-zero if any
 * of this does not hold.
 *
 *   cc -std=c11 priorities.c $(pkg-config --cflags --libs cymade) -o priorities
 */
#define _POSIX_C_SOURCE 200809L
#include <cymade/atomic.h>
#include <cymade/pool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define NORMAL_JOBS 5
#define BACKGROUND_DELAY_MS 20
#define JOBS (NORMAL_JOBS + 3)

typedef struct job_record {
    const char *name;
    int64_t started_ns;
    int64_t finished_ns;
} job_record;

/* Filled by the jobs in the order they start; read by main after waiting
 * for every job's future, which orders the jobs' writes before the reads. */
static job_record started[JOBS];
static cymade_atomic_u64 started_count;

static cymade_atomic_u64 blocker_running;
static cymade_atomic_u64 blocker_released;

static int64_t now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static void sleep_ms(long ms) {
    struct timespec delay = {.tv_sec = 0, .tv_nsec = ms * 1000000};
    nanosleep(&delay, NULL);
}

static int record_start(void *arg, void **result) {
    (void)result;
    uint64_t index = cymade_atomic_u64_fetch_add(&started_count, 1, memory_order_relaxed);
    if (index >= JOBS) {
        return 1; /* a job ran twice: main sees the count */
    }
    job_record *record = &started[index];
    record->name = arg;
    record->started_ns = now_ns();
    /* A little work, so that "finished" is later than "started". */
    sleep_ms(1);
    record->finished_ns = now_ns();
    return 0;
}

/* Holds the only worker until main has queued everything. */
static int blocker(void *arg, void **result) {
    (void)arg;
    (void)result;
    cymade_atomic_u64_store(&blocker_running, 1, memory_order_release);
    while (cymade_atomic_u64_load(&blocker_released, memory_order_acquire) == 0) {
        sleep_ms(1);
    }
    return 0;
}

static int check(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "priorities: contract broken: %s\n", what);
    }
    return ok ? 0 : 1;
}

int main(void) {
    static const char *normal_names[NORMAL_JOBS] = {"normal 1", "normal 2", "normal 3", "normal 4", "normal 5"};
    cymade_atomic_u64_init(&started_count, 0);
    cymade_atomic_u64_init(&blocker_running, 0);
    cymade_atomic_u64_init(&blocker_released, 0);

    cymade_pool_options options;
    cymade_pool_options_init(&options, 1);
    cymade_pool *pool;
    if (cymade_pool_create(&pool, &options) != CYMADE_OK) {
        fprintf(stderr, "priorities: cannot create the pool\n");
        return 1;
    }
    cymade_future *futures[JOBS + 1];
    size_t submitted = 0;
    int error = cymade_pool_submit(pool, blocker, NULL, &futures[submitted++]);
    while (error == CYMADE_OK && cymade_atomic_u64_load(&blocker_running, memory_order_acquire) == 0) {
        sleep_ms(1);
    }
    for (int i = 0; i < NORMAL_JOBS && error == CYMADE_OK; i++) {
        error = cymade_pool_submit(pool, record_start, (void *)normal_names[i], &futures[submitted++]);
    }
    /* Scheduled after the normal jobs, yet they must start first: the
     * less urgent one (-1) before the more urgent one (-2) is scheduled. */
    if (error == CYMADE_OK) {
        error = cymade_pool_schedule(pool, -1, record_start, "urgent -1", &futures[submitted++]);
    }
    if (error == CYMADE_OK) {
        error = cymade_pool_schedule(pool, BACKGROUND_DELAY_MS, record_start, "background", &futures[submitted++]);
    }
    if (error == CYMADE_OK) {
        error = cymade_pool_schedule(pool, -2, record_start, "urgent -2", &futures[submitted++]);
    }
    cymade_atomic_u64_store(&blocker_released, 1, memory_order_release);
    if (error != CYMADE_OK) {
        fprintf(stderr, "priorities: submit: %s\n", cymade_strerror(error));
        return 1;
    }
    for (size_t i = 0; i < submitted; i++) {
        if (cymade_future_wait(futures[i], -1) != CYMADE_OK ||
            cymade_future_get_state(futures[i]) != CYMADE_FUTURE_DONE || cymade_future_status(futures[i]) != 0) {
            fprintf(stderr, "priorities: job %zu did not run\n", i);
            return 1;
        }
        cymade_future_release(futures[i]);
    }
    cymade_pool_destroy(pool);

    size_t count = (size_t)cymade_atomic_u64_load(&started_count, memory_order_relaxed);
    for (size_t i = 0; i < count; i++) {
        printf("priorities: %zu. %s\n", i + 1, started[i].name);
    }
    int broken = check(count == JOBS, "every job ran once");
    broken |= check(strcmp(started[0].name, "urgent -2") == 0, "the most urgent job starts first");
    broken |= check(strcmp(started[1].name, "urgent -1") == 0, "the other urgent job starts second");
    for (int i = 0; i < NORMAL_JOBS; i++) {
        broken |= check(strcmp(started[2 + i].name, normal_names[i]) == 0, "normal jobs start in FIFO order");
    }
    const job_record *background = &started[JOBS - 1];
    const job_record *last_normal = &started[JOBS - 2];
    broken |= check(strcmp(background->name, "background") == 0, "the background job starts last");
    broken |= check(background->started_ns - last_normal->finished_ns >= (int64_t)BACKGROUND_DELAY_MS * 1000000,
                    "the background job waits for the idle delay");
    return broken;
}
