/*
 * queue_bench - stress benchmark of the three queue strategies (the engine's
 * per-worker rings, and the baselines of core/baselines/: one mutex+condvar
 * queue, one liburcu wfcqueue) through the pool API, over workers x
 * producers x job cost x initial ring capacity.
 *
 *   queue_bench [--quick | --full] [--repeats N] [--out DIR]
 *
 * --quick (default) runs no-op jobs only, default capacity, 1 and 2
 * producers; --full runs the whole matrix.  Results go to stdout as a
 * markdown table and to DIR/c_queue_{quick,full}.{md,csv}; DIR defaults to
 * $BUILD_WORKSPACE_DIRECTORY/bench/out under `bazel run`, else bench/out
 * (git ignores it: bench/python/results_location.py; the committed
 * reference results are in bench/results).
 * bench/python/plot_queue_bench.py plots the CSV.
 *
 * Each configuration runs in a fresh child process (fork, then the pool is
 * created in the child) so that its peak RSS is its own: ru_maxrss only ever
 * grows within a process.  A run is timed from the first submit until
 * shutdown(wait=true) returns, so it counts submitting and running every job.
 */
#define _GNU_SOURCE /* clock_gettime, pthread_barrier, wait4 under -std=c11 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "baseline_strategies.h"
#include "cymade/internal/monotonic_clock.h"
#include "cymade/pool.h"

enum {
    MAX_REPEATS = 99,
    MAX_PRODUCERS = 64,
    /* One submit in SAMPLE_EVERY is timed: timing every one would double the
     * cost of a no-op submit and measure clock_gettime instead. */
    SAMPLE_EVERY = 64,
    SMALL_RING_CAPACITY = 16, /* small enough that every ring has to grow */
    DEFAULT_REPEATS = 5,
};

/* ---- clocks and the calibrated spin ------------------------------------- */

/* Busy work that the compiler cannot remove: the volatile counter forces a
 * store and a load per iteration.  Never inlined, so that the calibration
 * and the jobs run the same machine code (differently placed or inlined
 * copies of such a loop can run at different speeds). */
__attribute__((noinline)) static void spin(uint64_t iterations) {
    volatile uint64_t counter;
    for (counter = 0; counter < iterations; counter++) {
    }
}

/* Nanoseconds of the fastest of several batches of `calls` spins: on a busy
 * machine preemption only ever makes a batch slower, never faster. */
static uint64_t fastest_spin_batch_ns(uint64_t iterations, int calls) {
    uint64_t fastest_ns = UINT64_MAX;
    for (int attempt = 0; attempt < 15; attempt++) {
        uint64_t start = monotonic_clock_ns();
        for (int i = 0; i < calls; i++) {
            spin(iterations);
        }
        uint64_t elapsed = monotonic_clock_ns() - start;
        fastest_ns = elapsed < fastest_ns ? elapsed : fastest_ns;
    }
    return fastest_ns;
}

/* Microseconds that one spin of `iterations` takes here (~2 ms batches). */
static double spin_us(uint64_t iterations) {
    int calls = (int)(2000000 / (iterations + 1)) + 10;
    return (double)fastest_spin_batch_ns(iterations, calls) / 1000.0 / calls;
}

/* spin() iterations per microsecond, measured with short spins, the shape
 * of the jobs.  This machine's speed wanders by up to 2x under other
 * people's load, so the preamble reports what each job cost measured. */
static double spin_iterations_per_us(void) {
    const uint64_t iterations = 1000;
    return (double)iterations / spin_us(iterations);
}

/* ---- the matrix --------------------------------------------------------- */

typedef struct strategy_info {
    const char *name;
    const queue_strategy *strategy;
} strategy_info;

static const strategy_info STRATEGIES[] = {
    {"rings", &ring_queue_strategy},
    {"mutex", &mutex_queue_strategy},
    {"wfcqueue", &wfcq_queue_strategy},
};
enum { STRATEGY_COUNT = sizeof STRATEGIES / sizeof STRATEGIES[0] };

/* Job counts are chosen so that one run takes roughly 0.1-0.3 s here. */
typedef struct job_cost {
    const char *name;
    double micros; /* 0: a no-op job */
    long jobs;     /* per run */
} job_cost;

static const job_cost JOB_COSTS[] = {
    {"no-op", 0.0, 1000000},
    {"1us", 1.0, 200000},
    {"10us", 10.0, 20000},
};
enum { JOB_COST_COUNT = sizeof JOB_COSTS / sizeof JOB_COSTS[0] };

/* spin() iterations of each job cost, set by calibrate_job_costs() before
 * any child is forked, so every child inherits the same values. */
static uint64_t spin_iterations[JOB_COST_COUNT];

/* A first guess from the rate of short spins, then one correction measured
 * at the job's own length: here a 10 us spin took ~1.5x the time that the
 * short-spin rate predicts (one correction, as more rounds chase noise). */
static void calibrate_job_costs(void) {
    double per_us = spin_iterations_per_us();
    for (size_t j = 0; j < JOB_COST_COUNT; j++) {
        double micros = JOB_COSTS[j].micros;
        uint64_t guess = (uint64_t)(micros * per_us);
        spin_iterations[j] = micros > 0 ? (uint64_t)((double)guess * micros / spin_us(guess)) : 0;
    }
}

static const size_t WORKER_COUNTS[] = {1, 2, 4, 8};
enum { WORKER_COUNT_COUNT = sizeof WORKER_COUNTS / sizeof WORKER_COUNTS[0] };
static const size_t PRODUCER_COUNTS[] = {1, 2, 4};
static const size_t RING_CAPACITIES[] = {SMALL_RING_CAPACITY, CYMADE_POOL_DEFAULT_RING_CAPACITY};

typedef struct bench_config {
    const strategy_info *strategy;
    size_t workers;
    size_t producers;
    const job_cost *cost;
    size_t ring_capacity;
    int repeats;
} bench_config;

/* What a child sends back through its pipe. */
typedef struct child_report {
    bool ok;
    int runs;
    double rates[MAX_REPEATS]; /* jobs/s of each run */
    double submit_p50_ns;
    double submit_p99_ns;
    uint64_t ring_grows; /* of the last run */
    uint64_t stolen;     /* of the last run */
} child_report;

/* One finished configuration, as the parent keeps it for the tables. */
typedef struct bench_row {
    bench_config config;
    double median_rate, min_rate, max_rate;
    double submit_p50_ns, submit_p99_ns;
    double peak_rss_mib;
    uint64_t ring_grows, stolen;
} bench_row;

/* ---- jobs --------------------------------------------------------------- */

static int no_op_job(void *arg, void **result) {
    (void)arg;
    (void)result;
    return 0;
}

/* arg carries the iteration count itself, so a submit allocates nothing. */
static int spin_job(void *arg, void **result) {
    (void)result;
    spin((uint64_t)(uintptr_t)arg);
    return 0;
}

/* ---- latency samples ---------------------------------------------------- */

/* A preallocated array of submit latencies in ns, shared by every run of a
 * configuration; each producer of a run owns one contiguous slice. */
typedef struct sample_buffer {
    uint64_t *values;
    size_t count;
    size_t capacity;
} sample_buffer;

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted values. */
static double percentile(const uint64_t *sorted, size_t count, double fraction) {
    if (count == 0) {
        return 0.0;
    }
    return (double)sorted[(size_t)(fraction * (double)(count - 1) + 0.5)];
}

/* ---- one run: producers submit, then shutdown(wait) --------------------- */

typedef struct producer {
    pthread_t thread;
    pthread_barrier_t *start_line;
    cymade_pool *pool;
    cymade_job_fn job;
    void *job_arg;
    long jobs;
    uint64_t *samples; /* this producer's slice of the sample buffer */
    size_t sample_count;
    int error; /* the first failing submit's code, else CYMADE_OK */
} producer;

static void *producer_main(void *arg) {
    producer *self = arg;
    pthread_barrier_wait(self->start_line);
    for (long i = 0; i < self->jobs; i++) {
        bool sampled = i % SAMPLE_EVERY == 0;
        uint64_t before = sampled ? monotonic_clock_ns() : 0;
        int rc = cymade_pool_submit(self->pool, self->job, self->job_arg, NULL);
        if (sampled) {
            self->samples[self->sample_count++] = monotonic_clock_ns() - before;
        }
        if (rc != CYMADE_OK) {
            self->error = rc;
            break;
        }
    }
    return NULL;
}

static size_t samples_per_run(const bench_config *config) {
    return (size_t)config->cost->jobs / SAMPLE_EVERY + config->producers;
}

/* Starts the producers of one run, splitting the jobs evenly; they wait at
 * `start_line` until the caller joins it.  Returns how many were started. */
static size_t start_producers(const bench_config *config, cymade_pool *pool, producer *producers,
                              pthread_barrier_t *start_line, sample_buffer *samples) {
    long per_producer = config->cost->jobs / (long)config->producers;
    long remainder = config->cost->jobs % (long)config->producers;
    bool spins = config->cost->micros > 0;
    void *job_arg = (void *)(uintptr_t)spin_iterations[config->cost - JOB_COSTS];
    uint64_t *slice = samples->values + samples->count;
    for (size_t p = 0; p < config->producers; p++) {
        producer *it = &producers[p];
        *it = (producer){
            .start_line = start_line,
            .pool = pool,
            .job = spins ? spin_job : no_op_job,
            .job_arg = spins ? job_arg : NULL,
            .jobs = per_producer + (p == 0 ? remainder : 0),
            .samples = slice,
        };
        slice += (size_t)it->jobs / SAMPLE_EVERY + 1;
        if (pthread_create(&it->thread, NULL, producer_main, it) != 0) {
            return p;
        }
    }
    return config->producers;
}

/* Joins the producers and appends their samples; returns the first
 * submit error, else CYMADE_OK. */
static int join_producers(producer *producers, size_t count, sample_buffer *samples) {
    int error = CYMADE_OK;
    for (size_t p = 0; p < count; p++) {
        pthread_join(producers[p].thread, NULL);
        /* Slices are contiguous but may be partly empty: compact them. */
        memmove(samples->values + samples->count, producers[p].samples,
                producers[p].sample_count * sizeof samples->values[0]);
        samples->count += producers[p].sample_count;
        error = error != CYMADE_OK ? error : producers[p].error;
    }
    return error;
}

static cymade_pool *create_pool(const bench_config *config) {
    cymade_pool_options options;
    cymade_pool_options_init(&options, config->workers);
    options.ring_capacity = config->ring_capacity;
    cymade_pool *pool = NULL;
    int rc = pool_create_with_strategy(&pool, &options, config->strategy->strategy);
    if (rc != CYMADE_OK) {
        fprintf(stderr, "error: pool_create_with_strategy(%s, %zu workers) = %d\n", config->strategy->name,
                config->workers, rc);
        return NULL;
    }
    return pool;
}

/* Runs the configuration once; returns jobs/s, or a negative value after
 * printing why the run is invalid. */
static double run_once(const bench_config *config, sample_buffer *samples, cymade_pool_stats *stats) {
    cymade_pool *pool = create_pool(config);
    if (pool == NULL) {
        return -1;
    }
    producer producers[MAX_PRODUCERS];
    pthread_barrier_t start_line;
    pthread_barrier_init(&start_line, NULL, (unsigned)config->producers + 1);
    size_t started = start_producers(config, pool, producers, &start_line, samples);
    if (started != config->producers) {
        fprintf(stderr, "error: could not start producer %zu\n", started);
        exit(1); /* the started producers wait at the barrier forever */
    }
    pthread_barrier_wait(&start_line);
    uint64_t start = monotonic_clock_ns();
    int submit_error = join_producers(producers, started, samples);
    cymade_pool_shutdown(pool, true, false);
    uint64_t elapsed = monotonic_clock_ns() - start;
    pthread_barrier_destroy(&start_line);
    cymade_pool_get_stats(pool, stats, NULL);
    cymade_pool_destroy(pool);
    if (submit_error != CYMADE_OK || stats->completed != (uint64_t)config->cost->jobs) {
        fprintf(
            stderr,
            "error: %s, %zu workers, %zu producers, %s, capacity %zu: submitted %ld, completed %llu, submit error %d\n",
            config->strategy->name, config->workers, config->producers, config->cost->name, config->ring_capacity,
            config->cost->jobs, (unsigned long long)stats->completed, submit_error);
        return -1;
    }
    return (double)config->cost->jobs * 1e9 / (double)elapsed;
}

/* ---- a configuration in a child process --------------------------------- */

/* Runs every repeat of `config` and fills `report`; false on a bad run. */
static bool run_configuration(const bench_config *config, child_report *report) {
    sample_buffer samples = {.capacity = samples_per_run(config) * (size_t)config->repeats};
    samples.values = calloc(samples.capacity, sizeof samples.values[0]);
    if (samples.values == NULL) {
        fprintf(stderr, "error: out of memory for %zu latency samples\n", samples.capacity);
        return false;
    }
    cymade_pool_stats stats = {0};
    for (int r = 0; r < config->repeats; r++) {
        report->rates[r] = run_once(config, &samples, &stats);
        if (report->rates[r] < 0) {
            return false;
        }
    }
    qsort(samples.values, samples.count, sizeof samples.values[0], compare_u64);
    report->runs = config->repeats;
    report->submit_p50_ns = percentile(samples.values, samples.count, 0.50);
    report->submit_p99_ns = percentile(samples.values, samples.count, 0.99);
    report->ring_grows = stats.ring_grows;
    report->stolen = stats.stolen;
    free(samples.values);
    return true;
}

static double max_rss_mib(const struct rusage *usage) {
    return (double)usage->ru_maxrss / 1024.0; /* ru_maxrss is in KiB on Linux */
}

/* Forks a child that runs `config` (or nothing if NULL: the baseline RSS)
 * and writes a report to a pipe.  Fills `report` and the child's
 * peak RSS; false if the child failed. */
static bool in_child(const bench_config *config, child_report *report, double *peak_rss_mib) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) {
        perror("pipe");
        return false;
    }
    fflush(NULL); /* else the child would flush the parent's buffered output again */
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return false;
    }
    if (pid == 0) {
        close(pipe_fds[0]);
        child_report mine = {0};
        mine.ok = config == NULL || run_configuration(config, &mine);
        ssize_t written = write(pipe_fds[1], &mine, sizeof mine);
        _exit(mine.ok && written == (ssize_t)sizeof mine ? 0 : 1);
    }
    close(pipe_fds[1]);
    ssize_t got = read(pipe_fds[0], report, sizeof *report); /* < PIPE_BUF: one read */
    close(pipe_fds[0]);
    int status = 0;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) != pid) {
        perror("wait4");
        return false;
    }
    *peak_rss_mib = max_rss_mib(&usage);
    return got == (ssize_t)sizeof *report && report->ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static bool measure_row(const bench_config *config, bench_row *row) {
    child_report report;
    *row = (bench_row){.config = *config};
    if (!in_child(config, &report, &row->peak_rss_mib)) {
        return false;
    }
    qsort(report.rates, (size_t)report.runs, sizeof report.rates[0], compare_doubles);
    row->median_rate = report.rates[report.runs / 2];
    row->min_rate = report.rates[0];
    row->max_rate = report.rates[report.runs - 1];
    row->submit_p50_ns = report.submit_p50_ns;
    row->submit_p99_ns = report.submit_p99_ns;
    row->ring_grows = report.ring_grows;
    row->stolen = report.stolen;
    return true;
}

/* ---- output ------------------------------------------------------------- */

/* Prints to stdout and to the markdown file alike. */
static void emit(FILE *markdown, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    va_start(args, format);
    vfprintf(markdown, format, args);
    va_end(args);
    fflush(stdout);
}

static void load_average(char *text, size_t size) {
    FILE *file = fopen("/proc/loadavg", "r");
    double one, five, fifteen;
    if (file != NULL && fscanf(file, "%lf %lf %lf", &one, &five, &fifteen) == 3) {
        snprintf(text, size, "%.2f %.2f %.2f", one, five, fifteen);
    } else {
        snprintf(text, size, "unknown");
    }
    if (file != NULL) {
        fclose(file);
    }
}

static void emit_table_header(FILE *markdown) {
    emit(markdown, "| strategy | workers | producers | job | capacity | jobs/s median | min | max "
                   "| submit p50 ns | p99 ns | peak RSS MiB |\n");
    emit(markdown, "|---|---|---|---|---|---|---|---|---|---|---|\n");
}

static void emit_row(FILE *markdown, const bench_row *row) {
    const bench_config *c = &row->config;
    emit(markdown, "| %s | %zu | %zu | %s | %zu | %.3g | %.3g | %.3g | %.0f | %.0f | %.1f |\n", c->strategy->name,
         c->workers, c->producers, c->cost->name, c->ring_capacity, row->median_rate, row->min_rate, row->max_rate,
         row->submit_p50_ns, row->submit_p99_ns, row->peak_rss_mib);
}

static void write_csv(FILE *csv, const char *mode, const bench_row *rows, size_t count) {
    fprintf(csv, "mode,strategy,workers,producers,job,capacity,jobs_per_run,runs,jobs_per_s_median,"
                 "jobs_per_s_min,jobs_per_s_max,submit_p50_ns,submit_p99_ns,peak_rss_mib,"
                 "ring_grows_last_run,stolen_last_run\n");
    for (size_t i = 0; i < count; i++) {
        const bench_row *row = &rows[i];
        const bench_config *c = &row->config;
        fprintf(csv, "%s,%s,%zu,%zu,%s,%zu,%ld,%d,%.6g,%.6g,%.6g,%.0f,%.0f,%.2f,%llu,%llu\n", mode, c->strategy->name,
                c->workers, c->producers, c->cost->name, c->ring_capacity, c->cost->jobs, c->repeats, row->median_rate,
                row->min_rate, row->max_rate, row->submit_p50_ns, row->submit_p99_ns, row->peak_rss_mib,
                (unsigned long long)row->ring_grows, (unsigned long long)row->stolen);
    }
}

/* The median jobs/s of the no-op, 1-producer, default-capacity row of
 * `strategy` with `workers` workers, or 0 if that row was not run. */
static double baseline_rate(const bench_row *rows, size_t count, const strategy_info *strategy, size_t workers) {
    for (size_t i = 0; i < count; i++) {
        const bench_config *c = &rows[i].config;
        if (c->strategy == strategy && c->workers == workers && c->producers == 1 && c->cost->micros == 0 &&
            c->ring_capacity == CYMADE_POOL_DEFAULT_RING_CAPACITY) {
            return rows[i].median_rate;
        }
    }
    return 0.0;
}

/* The project's target for the rings strategy: at least 3x the mutex queue's
 * no-op throughput at every worker count from 1 to 8 (the ">= 3x" column). */
static void emit_summary(FILE *markdown, const bench_row *rows, size_t count) {
    emit(markdown, "\nSummary: no-op jobs, 1 producer, capacity %d (the project's target: rings/mutex >= 3x)\n\n",
         CYMADE_POOL_DEFAULT_RING_CAPACITY);
    emit(markdown,
         "| workers | rings jobs/s | mutex jobs/s | wfcqueue jobs/s | rings/mutex | rings/wfcqueue | >= 3x |\n");
    emit(markdown, "|---|---|---|---|---|---|---|\n");
    for (size_t w = 0; w < WORKER_COUNT_COUNT; w++) {
        size_t workers = WORKER_COUNTS[w];
        double rings = baseline_rate(rows, count, &STRATEGIES[0], workers);
        double mutex = baseline_rate(rows, count, &STRATEGIES[1], workers);
        double wfcq = baseline_rate(rows, count, &STRATEGIES[2], workers);
        if (rings == 0 || mutex == 0 || wfcq == 0) {
            continue;
        }
        emit(markdown, "| %zu | %.3g | %.3g | %.3g | %.2fx | %.2fx | %s |\n", workers, rings, mutex, wfcq,
             rings / mutex, rings / wfcq, rings / mutex >= 3.0 ? "yes" : "NO");
    }
}

/* ---- the matrix and main ------------------------------------------------ */

typedef struct bench_options {
    bool full;
    int repeats;
    const char *out_dir; /* NULL: the default */
} bench_options;

/* Fills `configs` (NULL: only counts) with the matrix of the mode. */
static size_t build_matrix(const bench_options *options, bench_config *configs) {
    size_t count = 0;
    size_t job_costs = options->full ? JOB_COST_COUNT : 1; /* quick: no-op only */
    size_t producer_counts = options->full ? 3 : 2;        /* quick: 1 and 2 */
    size_t first_capacity = options->full ? 0 : 1;         /* quick: default only */
    for (size_t j = 0; j < job_costs; j++) {
        for (size_t cap = first_capacity; cap < 2; cap++) {
            for (size_t p = 0; p < producer_counts; p++) {
                for (size_t w = 0; w < WORKER_COUNT_COUNT; w++) {
                    for (size_t s = 0; s < STRATEGY_COUNT; s++) {
                        if (configs != NULL) {
                            configs[count] = (bench_config){&STRATEGIES[s], WORKER_COUNTS[w],     PRODUCER_COUNTS[p],
                                                            &JOB_COSTS[j],  RING_CAPACITIES[cap], options->repeats};
                        }
                        count++;
                    }
                }
            }
        }
    }
    return count;
}

/* A rough duration: each job costs its spin plus ~0.1 us of queueing,
 * spread over min(workers, CPUs), plus ~5 ms to fork each child. */
static double estimated_seconds(const bench_config *configs, size_t count) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    double seconds = 0;
    for (size_t i = 0; i < count; i++) {
        const bench_config *c = &configs[i];
        double parallel = (double)(c->workers < (size_t)cpus ? c->workers : (size_t)cpus);
        double run_us = (double)c->cost->jobs * (c->cost->micros + 0.1) / parallel;
        seconds += run_us * 1e-6 * c->repeats + 0.005;
    }
    return seconds;
}

static void usage(const char *program) {
    fprintf(stderr, "usage: %s [--quick | --full] [--repeats N (1..%d, default %d)] [--out DIR]\n", program,
            MAX_REPEATS, DEFAULT_REPEATS);
}

static bool parse_options(int argc, char **argv, bench_options *options) {
    *options = (bench_options){.full = false, .repeats = DEFAULT_REPEATS};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            options->full = false;
        } else if (strcmp(argv[i], "--full") == 0) {
            options->full = true;
        } else if (strcmp(argv[i], "--repeats") == 0 && i + 1 < argc) {
            options->repeats = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            options->out_dir = argv[++i];
        } else {
            return false;
        }
    }
    return options->repeats >= 1 && options->repeats <= MAX_REPEATS;
}

/* mkdir -p */
static bool make_directories(const char *path) {
    char partial[4096];
    if (snprintf(partial, sizeof partial, "%s", path) >= (int)sizeof partial) {
        return false;
    }
    for (char *slash = partial + 1; *slash != '\0'; slash++) {
        if (*slash == '/') {
            *slash = '\0';
            if (mkdir(partial, 0777) != 0 && errno != EEXIST) {
                return false;
            }
            *slash = '/';
        }
    }
    return mkdir(partial, 0777) == 0 || errno == EEXIST;
}

static void resolve_out_dir(const bench_options *options, char *dir, size_t size) {
    const char *workspace = getenv("BUILD_WORKSPACE_DIRECTORY");
    if (options->out_dir != NULL) {
        snprintf(dir, size, "%s", options->out_dir);
    } else if (workspace != NULL && workspace[0] != '\0') {
        snprintf(dir, size, "%s/bench/out", workspace);
    } else {
        snprintf(dir, size, "bench/out");
    }
}

static FILE *open_output(const char *dir, const char *mode, const char *extension, char *path, size_t size) {
    snprintf(path, size, "%s/c_queue_%s.%s", dir, mode, extension);
    FILE *file = fopen(path, "w");
    if (file == NULL) {
        fprintf(stderr, "error: cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
    return file;
}

static void emit_preamble(FILE *markdown, const bench_options *options, size_t configs, double baseline_rss) {
    char load[64];
    load_average(load, sizeof load);
    emit(markdown, "# C engine queue strategies (%s mode)\n\n", options->full ? "full" : "quick");
    emit(markdown, "- load average at start (1/5/15 min): %s on %ld online CPUs\n", load,
         sysconf(_SC_NPROCESSORS_ONLN));
    emit(markdown, "- %zu configurations x %d runs; jobs/s = jobs / (first submit .. shutdown(wait) returned)\n",
         configs, options->repeats);
    emit(markdown, "- spin jobs (calibrated busy loops):");
    for (size_t j = 0; j < JOB_COST_COUNT; j++) {
        if (JOB_COSTS[j].micros > 0) {
            emit(markdown, " %s = %llu iterations, measured %.2f us;", JOB_COSTS[j].name,
                 (unsigned long long)spin_iterations[j], spin_us(spin_iterations[j]));
        }
    }
    emit(markdown, "\n");
    emit(markdown, "- submit latency: every %dth submit timed with clock_gettime (which adds ~20-40 ns)\n",
         SAMPLE_EVERY);
    emit(markdown, "- peak RSS: ru_maxrss of a fresh child per configuration; a child with no pool: %.1f MiB\n",
         baseline_rss);
    emit(markdown, "- capacity is the initial ring size; the mutex and wfcqueue strategies ignore it\n\n");
}

/* Runs every configuration, printing each row as it finishes.  Exits 1 on
 * the first invalid run. */
static void run_matrix(FILE *markdown, const bench_config *configs, bench_row *rows, size_t count) {
    emit_table_header(markdown);
    for (size_t i = 0; i < count; i++) {
        if (!measure_row(&configs[i], &rows[i])) {
            fprintf(stderr, "error: configuration %zu failed (see above); stopping\n", i);
            exit(1);
        }
        emit_row(markdown, &rows[i]);
    }
}

int main(int argc, char **argv) {
    bench_options options;
    if (!parse_options(argc, argv, &options)) {
        usage(argv[0]);
        return 2;
    }
    const char *mode = options.full ? "full" : "quick";
    size_t count = build_matrix(&options, NULL);
    bench_config *configs = calloc(count, sizeof *configs);
    bench_row *rows = calloc(count, sizeof *rows);
    if (configs == NULL || rows == NULL) {
        fprintf(stderr, "error: out of memory\n");
        return 1;
    }
    build_matrix(&options, configs);
    if (options.full) {
        double seconds = estimated_seconds(configs, count);
        printf("full mode: %zu configurations x %d runs: expect about %.0f s (%.1f min) on an idle machine, "
               "more under load\n\n",
               count, options.repeats, seconds, seconds / 60);
    }
    char dir[4096], md_path[4352], csv_path[4352];
    resolve_out_dir(&options, dir, sizeof dir);
    if (!make_directories(dir)) {
        fprintf(stderr, "error: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    FILE *markdown = open_output(dir, mode, "md", md_path, sizeof md_path);
    calibrate_job_costs();
    child_report unused;
    double baseline_rss = 0;
    in_child(NULL, &unused, &baseline_rss);
    uint64_t start = monotonic_clock_ns();
    emit_preamble(markdown, &options, count, baseline_rss);
    run_matrix(markdown, configs, rows, count);
    emit_summary(markdown, rows, count);
    char load[64];
    load_average(load, sizeof load);
    emit(markdown, "\nwall time %.1f s; load average at end: %s\n", (double)(monotonic_clock_ns() - start) * 1e-9,
         load);
    fclose(markdown);
    FILE *csv = open_output(dir, mode, "csv", csv_path, sizeof csv_path);
    write_csv(csv, mode, rows, count);
    fclose(csv);
    printf("wrote %s and %s\n", md_path, csv_path);
    free(configs);
    free(rows);
    return 0;
}
