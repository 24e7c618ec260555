/*
 * verify/litmus/tests_shapes.c - the classic ordering shapes.
 *
 * Shapes and names follow the herd7 / Linux-kernel memory model catalogue
 * (tools/memory-model/litmus-tests, "A Tutorial Introduction to the ARM and
 * POWER Relaxed Memory Models" by Maranget, Sarkar and Sewell): SB, MP, LB,
 * S, R, 2+2W, WRC, IRIW and the four coherence shapes CoRR/CoWR/CoRW/CoWW.
 * The annotations name the memory orders: rlx, acq, rel, sc, and fence.X for
 * a thread fence of order X.  A name ending in [type] says which cymade type
 * the test exercises where the shape is run on more than one.
 *
 * Locations are x and y of a litmus_record, initialised to zero with the
 * type's _init; thread i's registers are record->thread[i].r[...].  Every
 * witness is the herd7 `exists` clause of the shape.
 *
 * Verdicts: Never = forbidden by C11 (the witness count must be 0);
 * Sometimes = allowed and observable on x86-TSO (only store buffering);
 * Allowed = allowed by C11, not necessarily shown by the hardware.
 */

/* ThreadSanitizer does not model atomic_thread_fence, and GCC says so at
 * every fence (-Wtsan).  The fence tests here touch shared data through
 * atomic accesses only, so TSan has no race to misjudge; the fences still
 * compile to real fences and the witness counts still judge them.  The
 * pragma precedes the includes because the warning points into atomic.h. */
#if defined(__SANITIZE_THREAD__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wtsan"
#endif

#include "tests.h"

#include <stddef.h>

#include "cymade/atomic.h"

/* Distinct non-null pointers for the pointer-valued tests. */
static char token_a;
static char token_b;

static void init_u64(litmus_record *record) {
    cymade_atomic_u64_init(&record->x.u64, 0);
    cymade_atomic_u64_init(&record->y.u64, 0);
}

static void init_i64(litmus_record *record) {
    cymade_atomic_i64_init(&record->x.i64, 0);
    cymade_atomic_i64_init(&record->y.i64, 0);
}

static void init_f64(litmus_record *record) {
    cymade_atomic_f64_init(&record->x.f64, 0.0);
    cymade_atomic_f64_init(&record->y.f64, 0.0);
}

static void init_ptr(litmus_record *record) {
    cymade_atomic_ptr_init(&record->x.ptr, NULL);
    cymade_atomic_ptr_init(&record->y.ptr, NULL);
}

/* ---------------------------------------------------------------------------
 * SB (store buffering).  T0: x=1; r0=y   T1: y=1; r0=x   exists r0=0 /\ r0=0.
 * ------------------------------------------------------------------------- */

static void sb_rlx_t0(litmus_record *record) {
    /* rlx: nothing orders the store before the later load (the positive control). */
    cymade_atomic_u64_store(&record->x.u64, 1, memory_order_relaxed);
    record->thread[0].r[0].u64 = cymade_atomic_u64_load(&record->y.u64, memory_order_relaxed);
}

static void sb_rlx_t1(litmus_record *record) {
    /* rlx: as in T0. */
    cymade_atomic_u64_store(&record->y.u64, 1, memory_order_relaxed);
    record->thread[1].r[0].u64 = cymade_atomic_u64_load(&record->x.u64, memory_order_relaxed);
}

static bool sb_u64_witness(const litmus_record *record) {
    return record->thread[0].r[0].u64 == 0 && record->thread[1].r[0].u64 == 0;
}

static void sb_sc_t0(litmus_record *record) {
    /* sc: the single total order over seq_cst accesses forbids both loads
     * reading before both stores (on x86 the store becomes xchg/mfence). */
    cymade_atomic_i64_store(&record->x.i64, 1, memory_order_seq_cst);
    record->thread[0].r[0].i64 = cymade_atomic_i64_load(&record->y.i64, memory_order_seq_cst);
}

static void sb_sc_t1(litmus_record *record) {
    /* sc: as in T0. */
    cymade_atomic_i64_store(&record->y.i64, 1, memory_order_seq_cst);
    record->thread[1].r[0].i64 = cymade_atomic_i64_load(&record->x.i64, memory_order_seq_cst);
}

static bool sb_i64_witness(const litmus_record *record) {
    return record->thread[0].r[0].i64 == 0 && record->thread[1].r[0].i64 == 0;
}

static void sb_fence_sc_t0(litmus_record *record) {
    /* rlx accesses: the seq_cst fence alone must order store before load. */
    cymade_atomic_f64_store(&record->x.f64, 1.0, memory_order_relaxed);
    cymade_atomic_thread_fence(memory_order_seq_cst);
    record->thread[0].r[0].f64 = cymade_atomic_f64_load(&record->y.f64, memory_order_relaxed);
}

static void sb_fence_sc_t1(litmus_record *record) {
    /* rlx accesses + seq_cst fence: as in T0. */
    cymade_atomic_f64_store(&record->y.f64, 1.0, memory_order_relaxed);
    cymade_atomic_thread_fence(memory_order_seq_cst);
    record->thread[1].r[0].f64 = cymade_atomic_f64_load(&record->x.f64, memory_order_relaxed);
}

static bool sb_f64_witness(const litmus_record *record) {
    return record->thread[0].r[0].f64 == 0.0 && record->thread[1].r[0].f64 == 0.0;
}

/* ---------------------------------------------------------------------------
 * MP (message passing).  T0: x=1; y=1   T1: r0=y; r1=x   exists r0=1 /\ r1=0.
 * ------------------------------------------------------------------------- */

static void mp_rel_acq_t0(litmus_record *record) {
    /* rlx data: the release on the flag is what publishes it. */
    cymade_atomic_i64_store(&record->x.i64, 1, memory_order_relaxed);
    /* rel: the annotation under test, orders the data store before the flag. */
    cymade_atomic_i64_store(&record->y.i64, 1, memory_order_release);
}

static void mp_rel_acq_t1(litmus_record *record) {
    /* acq: the annotation under test, pairs with T0's release. */
    record->thread[1].r[0].i64 = cymade_atomic_i64_load(&record->y.i64, memory_order_acquire);
    /* rlx: the acquire above must already make the data visible. */
    record->thread[1].r[1].i64 = cymade_atomic_i64_load(&record->x.i64, memory_order_relaxed);
}

static bool mp_i64_witness(const litmus_record *record) {
    return record->thread[1].r[0].i64 == 1 && record->thread[1].r[1].i64 == 0;
}

static void mp_rlx_t0(litmus_record *record) {
    /* rlx: neither store is ordered, so C11 allows the flag to be seen first. */
    cymade_atomic_u64_store(&record->x.u64, 1, memory_order_relaxed);
    cymade_atomic_u64_store(&record->y.u64, 1, memory_order_relaxed);
}

static void mp_rlx_t1(litmus_record *record) {
    /* rlx: neither load is ordered either. */
    record->thread[1].r[0].u64 = cymade_atomic_u64_load(&record->y.u64, memory_order_relaxed);
    record->thread[1].r[1].u64 = cymade_atomic_u64_load(&record->x.u64, memory_order_relaxed);
}

static bool mp_u64_witness(const litmus_record *record) {
    return record->thread[1].r[0].u64 == 1 && record->thread[1].r[1].u64 == 0;
}

static void mp_fences_t0(litmus_record *record) {
    /* rlx accesses: the release fence is the annotation under test. */
    cymade_atomic_u64_store(&record->x.u64, 1, memory_order_relaxed);
    cymade_atomic_thread_fence(memory_order_release);
    cymade_atomic_u64_store(&record->y.u64, 1, memory_order_relaxed);
}

static void mp_fences_t1(litmus_record *record) {
    /* rlx accesses: the acquire fence pairs with T0's release fence (C11 7.17.4p2). */
    record->thread[1].r[0].u64 = cymade_atomic_u64_load(&record->y.u64, memory_order_relaxed);
    cymade_atomic_thread_fence(memory_order_acquire);
    record->thread[1].r[1].u64 = cymade_atomic_u64_load(&record->x.u64, memory_order_relaxed);
}

/* Pointer publication: T0 fills a plain payload and publishes its address;
 * T1 dereferences what it receives.  exists r0=&payload /\ r1!=42. */
enum { PUBLISHED_PAYLOAD = 42 };

static void mp_rel_acq_ptr_t0(litmus_record *record) {
    record->payload.value = PUBLISHED_PAYLOAD;
    /* rel: the annotation under test, makes the plain payload write visible
     * to whoever acquires the pointer (also keeps this race-free for TSan). */
    cymade_atomic_ptr_store(&record->x.ptr, &record->payload, memory_order_release);
}

static void mp_rel_acq_ptr_t1(litmus_record *record) {
    /* acq: the annotation under test, pairs with T0's release. */
    litmus_payload *received = cymade_atomic_ptr_load(&record->x.ptr, memory_order_acquire);
    record->thread[1].r[0].ptr = received;
    record->thread[1].r[1].u64 = received != NULL ? received->value : PUBLISHED_PAYLOAD;
}

static bool mp_ptr_witness(const litmus_record *record) {
    return record->thread[1].r[0].ptr != NULL && record->thread[1].r[1].u64 != PUBLISHED_PAYLOAD;
}

/* Signal fences are compiler barriers for a signal handler on the same
 * thread, not CPU fences: between threads they order nothing, so C11 allows
 * this MP outcome (x86-TSO happens not to show it).  The test documents that
 * a signal fence must never stand in for a thread fence. */
static void mp_signal_fences_t0(litmus_record *record) {
    /* rlx stores, separated by a seq_cst signal fence that gives no inter-thread order. */
    cymade_atomic_i64_store(&record->x.i64, 1, memory_order_relaxed);
    cymade_atomic_signal_fence(memory_order_seq_cst);
    cymade_atomic_i64_store(&record->y.i64, 1, memory_order_relaxed);
}

static void mp_signal_fences_t1(litmus_record *record) {
    /* rlx loads, separated by a seq_cst signal fence: still unordered between threads. */
    record->thread[1].r[0].i64 = cymade_atomic_i64_load(&record->y.i64, memory_order_relaxed);
    cymade_atomic_signal_fence(memory_order_seq_cst);
    record->thread[1].r[1].i64 = cymade_atomic_i64_load(&record->x.i64, memory_order_relaxed);
}

/* ---------------------------------------------------------------------------
 * LB (load buffering).  T0: r0=x; y=1   T1: r0=y; x=1   exists r0=1 /\ r0=1.
 * ------------------------------------------------------------------------- */

static void lb_rlx_t0(litmus_record *record) {
    /* rlx: C11 allows the store to become visible before the load reads. */
    record->thread[0].r[0].u64 = cymade_atomic_u64_load(&record->x.u64, memory_order_relaxed);
    cymade_atomic_u64_store(&record->y.u64, 1, memory_order_relaxed);
}

static void lb_rlx_t1(litmus_record *record) {
    /* rlx: as in T0. */
    record->thread[1].r[0].u64 = cymade_atomic_u64_load(&record->y.u64, memory_order_relaxed);
    cymade_atomic_u64_store(&record->x.u64, 1, memory_order_relaxed);
}

static bool lb_u64_witness(const litmus_record *record) {
    return record->thread[0].r[0].u64 == 1 && record->thread[1].r[0].u64 == 1;
}

static void lb_acq_rel_t0(litmus_record *record) {
    /* acq then rel: the annotations under test; either read of 1 would make
     * a happens-before cycle. */
    record->thread[0].r[0].f64 = cymade_atomic_f64_load(&record->x.f64, memory_order_acquire);
    cymade_atomic_f64_store(&record->y.f64, 1.0, memory_order_release);
}

static void lb_acq_rel_t1(litmus_record *record) {
    /* acq then rel: as in T0. */
    record->thread[1].r[0].f64 = cymade_atomic_f64_load(&record->y.f64, memory_order_acquire);
    cymade_atomic_f64_store(&record->x.f64, 1.0, memory_order_release);
}

static bool lb_f64_witness(const litmus_record *record) {
    return record->thread[0].r[0].f64 == 1.0 && record->thread[1].r[0].f64 == 1.0;
}

/* ---------------------------------------------------------------------------
 * S.  T0: x=2; y=1   T1: r0=y; x=1   exists r0=1 /\ x=2.
 * ------------------------------------------------------------------------- */

static void s_rel_acq_t0(litmus_record *record) {
    /* rlx: ordered before the release below by program order alone. */
    cymade_atomic_i64_store(&record->x.i64, 2, memory_order_relaxed);
    /* rel: the annotation under test. */
    cymade_atomic_i64_store(&record->y.i64, 1, memory_order_release);
}

static void s_rel_acq_t1(litmus_record *record) {
    /* acq: the annotation under test; with it, x=2 happens before x=1, so
     * coherence puts x=1 last. */
    record->thread[1].r[0].i64 = cymade_atomic_i64_load(&record->y.i64, memory_order_acquire);
    /* rlx: ordered after the acquire by program order alone. */
    cymade_atomic_i64_store(&record->x.i64, 1, memory_order_relaxed);
}

static bool s_witness(const litmus_record *record) {
    return record->thread[1].r[0].i64 == 1 && cymade_atomic_i64_load(&record->x.i64, memory_order_relaxed) == 2;
}

/* ---------------------------------------------------------------------------
 * R.  T0: x=1; y=1   T1: y=2; r0=x   exists y=2 /\ r0=0.
 * ------------------------------------------------------------------------- */

static void r_sc_t0(litmus_record *record) {
    /* sc: every access in the test is seq_cst, the annotation under test. */
    cymade_atomic_u64_store(&record->x.u64, 1, memory_order_seq_cst);
    cymade_atomic_u64_store(&record->y.u64, 1, memory_order_seq_cst);
}

static void r_sc_t1(litmus_record *record) {
    /* sc: a store then a load, as in SB+sc; release/acquire would allow it. */
    cymade_atomic_u64_store(&record->y.u64, 2, memory_order_seq_cst);
    record->thread[1].r[0].u64 = cymade_atomic_u64_load(&record->x.u64, memory_order_seq_cst);
}

static bool r_witness(const litmus_record *record) {
    return cymade_atomic_u64_load(&record->y.u64, memory_order_relaxed) == 2 && record->thread[1].r[0].u64 == 0;
}

/* ---------------------------------------------------------------------------
 * 2+2W.  T0: x=1; y=2   T1: y=1; x=2   exists x=1 /\ y=1.
 *
 * Only the seq_cst version is forbidden.  With release stores there is no
 * reads-from edge, hence no happens-before between the threads, and C11's
 * release/acquire allows the outcome (Lahav et al., "Taming release-acquire
 * consistency", POPL 2016, which names 2+2W as the difference between RA and
 * SRA); x86-TSO forbids it, so it is reported as Allowed.
 * ------------------------------------------------------------------------- */

static void w22_rel_t0(litmus_record *record) {
    /* rel: the annotation under test, on both stores. */
    cymade_atomic_i64_store(&record->x.i64, 1, memory_order_release);
    cymade_atomic_i64_store(&record->y.i64, 2, memory_order_release);
}

static void w22_rel_t1(litmus_record *record) {
    /* rel: as in T0. */
    cymade_atomic_i64_store(&record->y.i64, 1, memory_order_release);
    cymade_atomic_i64_store(&record->x.i64, 2, memory_order_release);
}

static bool w22_i64_witness(const litmus_record *record) {
    return cymade_atomic_i64_load(&record->x.i64, memory_order_relaxed) == 1 &&
           cymade_atomic_i64_load(&record->y.i64, memory_order_relaxed) == 1;
}

static void w22_sc_t0(litmus_record *record) {
    /* sc: the total order over seq_cst stores must agree with both locations' coherence. */
    cymade_atomic_f64_store(&record->x.f64, 1.0, memory_order_seq_cst);
    cymade_atomic_f64_store(&record->y.f64, 2.0, memory_order_seq_cst);
}

static void w22_sc_t1(litmus_record *record) {
    /* sc: as in T0. */
    cymade_atomic_f64_store(&record->y.f64, 1.0, memory_order_seq_cst);
    cymade_atomic_f64_store(&record->x.f64, 2.0, memory_order_seq_cst);
}

static bool w22_f64_witness(const litmus_record *record) {
    return cymade_atomic_f64_load(&record->x.f64, memory_order_relaxed) == 1.0 &&
           cymade_atomic_f64_load(&record->y.f64, memory_order_relaxed) == 1.0;
}

/* ---------------------------------------------------------------------------
 * WRC (write-to-read causality).  T0: x=a   T1: r0=x; y=a   T2: r0=y; r1=x
 * exists T1:r0=a /\ T2:r0=a /\ T2:r1=NULL.
 * ------------------------------------------------------------------------- */

static void wrc_t0(litmus_record *record) {
    /* rlx: T1's read of it happens before T2's read of x, and read-read
     * coherence alone then forbids T2 reading the older NULL. */
    cymade_atomic_ptr_store(&record->x.ptr, &token_a, memory_order_relaxed);
}

static void wrc_t1(litmus_record *record) {
    /* acq: the annotation under test (sequenced before the release anyway). */
    record->thread[1].r[0].ptr = cymade_atomic_ptr_load(&record->x.ptr, memory_order_acquire);
    /* rel: the annotation under test, carries T1's read to T2. */
    cymade_atomic_ptr_store(&record->y.ptr, &token_a, memory_order_release);
}

static void wrc_t2(litmus_record *record) {
    /* acq: the annotation under test, pairs with T1's release. */
    record->thread[2].r[0].ptr = cymade_atomic_ptr_load(&record->y.ptr, memory_order_acquire);
    /* rlx: ordered after the acquire by program order alone. */
    record->thread[2].r[1].ptr = cymade_atomic_ptr_load(&record->x.ptr, memory_order_relaxed);
}

static bool wrc_witness(const litmus_record *record) {
    return record->thread[1].r[0].ptr == &token_a && record->thread[2].r[0].ptr == &token_a &&
           record->thread[2].r[1].ptr == NULL;
}

/* ---------------------------------------------------------------------------
 * IRIW (independent reads of independent writes).  T0: x=1   T1: y=1
 * T2: r0=x; r1=y   T3: r0=y; r1=x   exists T2:r0=1 /\ T2:r1=0 /\ T3:r0=1 /\ T3:r1=0.
 * The two readers must agree on the order of the two writes.  Run only with a
 * CPU per thread: sharing CPUs would serialise the readers.
 * ------------------------------------------------------------------------- */

static void iriw_t0(litmus_record *record) {
    /* sc: all accesses seq_cst, the annotation under test (acquire would allow it). */
    cymade_atomic_u64_store(&record->x.u64, 1, memory_order_seq_cst);
}

static void iriw_t1(litmus_record *record) {
    /* sc: as in T0. */
    cymade_atomic_u64_store(&record->y.u64, 1, memory_order_seq_cst);
}

static void iriw_t2(litmus_record *record) {
    /* sc: both reads take part in the single total order. */
    record->thread[2].r[0].u64 = cymade_atomic_u64_load(&record->x.u64, memory_order_seq_cst);
    record->thread[2].r[1].u64 = cymade_atomic_u64_load(&record->y.u64, memory_order_seq_cst);
}

static void iriw_t3(litmus_record *record) {
    /* sc: as in T2, in the other order. */
    record->thread[3].r[0].u64 = cymade_atomic_u64_load(&record->y.u64, memory_order_seq_cst);
    record->thread[3].r[1].u64 = cymade_atomic_u64_load(&record->x.u64, memory_order_seq_cst);
}

static bool iriw_witness(const litmus_record *record) {
    return record->thread[2].r[0].u64 == 1 && record->thread[2].r[1].u64 == 0 && record->thread[3].r[0].u64 == 1 &&
           record->thread[3].r[1].u64 == 0;
}

/* ---------------------------------------------------------------------------
 * Coherence: every atomic location has one modification order that all
 * threads respect, whatever the memory order, so all four use rlx (the
 * weakest order is the one under test).
 * ------------------------------------------------------------------------- */

/* CoRR.  T0: x=1   T1: r0=x; r1=x   exists r0=1 /\ r1=0. */
static void corr_t0(litmus_record *record) {
    /* rlx: coherence needs no ordering annotation. */
    cymade_atomic_u64_store(&record->x.u64, 1, memory_order_relaxed);
}

static void corr_t1(litmus_record *record) {
    /* rlx: two reads of one location may not go back in its modification order. */
    record->thread[1].r[0].u64 = cymade_atomic_u64_load(&record->x.u64, memory_order_relaxed);
    record->thread[1].r[1].u64 = cymade_atomic_u64_load(&record->x.u64, memory_order_relaxed);
}

static bool corr_witness(const litmus_record *record) {
    return record->thread[1].r[0].u64 == 1 && record->thread[1].r[1].u64 == 0;
}

/* CoWR.  T0: x=1; r0=x   T1: x=2   exists r0=0 \/ (r0=2 /\ x=1):
 * a thread reads its own store or a later one. */
static void cowr_t0(litmus_record *record) {
    /* rlx: write-read coherence needs no ordering annotation. */
    cymade_atomic_f64_store(&record->x.f64, 1.0, memory_order_relaxed);
    record->thread[0].r[0].f64 = cymade_atomic_f64_load(&record->x.f64, memory_order_relaxed);
}

static void cowr_t1(litmus_record *record) {
    /* rlx: the competing store. */
    cymade_atomic_f64_store(&record->x.f64, 2.0, memory_order_relaxed);
}

static bool cowr_witness(const litmus_record *record) {
    double observed = record->thread[0].r[0].f64;
    return observed == 0.0 || (observed == 2.0 && cymade_atomic_f64_load(&record->x.f64, memory_order_relaxed) == 1.0);
}

/* CoRW.  T0: r0=x; x=a   T1: x=b   exists r0=a \/ (r0=b /\ x=b):
 * a store lands after every value its thread read before it. */
static void corw_t0(litmus_record *record) {
    /* rlx: read-write coherence needs no ordering annotation. */
    record->thread[0].r[0].ptr = cymade_atomic_ptr_load(&record->x.ptr, memory_order_relaxed);
    cymade_atomic_ptr_store(&record->x.ptr, &token_a, memory_order_relaxed);
}

static void corw_t1(litmus_record *record) {
    /* rlx: the competing store. */
    cymade_atomic_ptr_store(&record->x.ptr, &token_b, memory_order_relaxed);
}

static bool corw_witness(const litmus_record *record) {
    void *observed = record->thread[0].r[0].ptr;
    return observed == &token_a ||
           (observed == &token_b && cymade_atomic_ptr_load(&record->x.ptr, memory_order_relaxed) == &token_b);
}

/* CoWW.  T0: x=1; x=2   T1: r0=x; r1=x   exists x=1 \/ (r0=2 /\ r1=1):
 * two stores of one thread keep their order, for memory and for an observer. */
static void coww_t0(litmus_record *record) {
    /* rlx: write-write coherence needs no ordering annotation. */
    cymade_atomic_i64_store(&record->x.i64, 1, memory_order_relaxed);
    cymade_atomic_i64_store(&record->x.i64, 2, memory_order_relaxed);
}

static void coww_t1(litmus_record *record) {
    /* rlx: the observer needs no ordering annotation either. */
    record->thread[1].r[0].i64 = cymade_atomic_i64_load(&record->x.i64, memory_order_relaxed);
    record->thread[1].r[1].i64 = cymade_atomic_i64_load(&record->x.i64, memory_order_relaxed);
}

static bool coww_witness(const litmus_record *record) {
    return cymade_atomic_i64_load(&record->x.i64, memory_order_relaxed) == 1 ||
           (record->thread[1].r[0].i64 == 2 && record->thread[1].r[1].i64 == 1);
}

const litmus_test litmus_shape_tests[] = {
    {"SB+rlx", LITMUS_SOMETIMES, 2, 0, init_u64, {sb_rlx_t0, sb_rlx_t1}, sb_u64_witness},
    {"SB+sc", LITMUS_NEVER, 2, 0, init_i64, {sb_sc_t0, sb_sc_t1}, sb_i64_witness},
    {"SB+fence.sc", LITMUS_NEVER, 2, 0, init_f64, {sb_fence_sc_t0, sb_fence_sc_t1}, sb_f64_witness},
    {"MP+rel+acq", LITMUS_NEVER, 2, 0, init_i64, {mp_rel_acq_t0, mp_rel_acq_t1}, mp_i64_witness},
    {"MP+rel+acq[ptr]", LITMUS_NEVER, 2, 0, init_ptr, {mp_rel_acq_ptr_t0, mp_rel_acq_ptr_t1}, mp_ptr_witness},
    {"MP+fence.rel+fence.acq", LITMUS_NEVER, 2, 0, init_u64, {mp_fences_t0, mp_fences_t1}, mp_u64_witness},
    {"MP+rlx", LITMUS_ALLOWED, 2, 0, init_u64, {mp_rlx_t0, mp_rlx_t1}, mp_u64_witness},
    {"MP+signalfences", LITMUS_ALLOWED, 2, 0, init_i64, {mp_signal_fences_t0, mp_signal_fences_t1}, mp_i64_witness},
    {"LB+rlx", LITMUS_ALLOWED, 2, 0, init_u64, {lb_rlx_t0, lb_rlx_t1}, lb_u64_witness},
    {"LB+acq+rel", LITMUS_NEVER, 2, 0, init_f64, {lb_acq_rel_t0, lb_acq_rel_t1}, lb_f64_witness},
    {"S+rel+acq", LITMUS_NEVER, 2, 0, init_i64, {s_rel_acq_t0, s_rel_acq_t1}, s_witness},
    {"R+sc", LITMUS_NEVER, 2, 0, init_u64, {r_sc_t0, r_sc_t1}, r_witness},
    {"2+2W+rel", LITMUS_ALLOWED, 2, 0, init_i64, {w22_rel_t0, w22_rel_t1}, w22_i64_witness},
    {"2+2W+sc", LITMUS_NEVER, 2, 0, init_f64, {w22_sc_t0, w22_sc_t1}, w22_f64_witness},
    {"WRC+rel+acq", LITMUS_NEVER, 3, 0, init_ptr, {wrc_t0, wrc_t1, wrc_t2}, wrc_witness},
    {"IRIW+sc", LITMUS_NEVER, 4, 4, init_u64, {iriw_t0, iriw_t1, iriw_t2, iriw_t3}, iriw_witness},
    {"CoRR+rlx", LITMUS_NEVER, 2, 0, init_u64, {corr_t0, corr_t1}, corr_witness},
    {"CoWR+rlx", LITMUS_NEVER, 2, 0, init_f64, {cowr_t0, cowr_t1}, cowr_witness},
    {"CoRW+rlx", LITMUS_NEVER, 2, 0, init_ptr, {corw_t0, corw_t1}, corw_witness},
    {"CoWW+rlx", LITMUS_NEVER, 2, 0, init_i64, {coww_t0, coww_t1}, coww_witness},
};

const size_t litmus_shape_test_count = sizeof litmus_shape_tests / sizeof litmus_shape_tests[0];
