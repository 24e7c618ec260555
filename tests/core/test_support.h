// Helpers shared by the engine's GoogleTest suites: a gate that parks a job
// until the test opens it, an allocator that fails on demand, a monotonic
// clock, and a fork helper that never hangs the test.
#ifndef CYMADE_TESTS_CORE_TEST_SUPPORT_H
#define CYMADE_TESTS_CORE_TEST_SUPPORT_H

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "cymade/alloc.h"
#include "cymade/internal/monotonic_clock.h"

#if defined(__SANITIZE_THREAD__)
#define CYMADE_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CYMADE_TEST_TSAN 1
#endif
#endif
#ifndef CYMADE_TEST_TSAN
#define CYMADE_TEST_TSAN 0
#endif

namespace cymade_test {

constexpr uint64_t kMs = 1000000u;
constexpr int64_t kWaitLong = 10 * 1000 * (int64_t)kMs; // a generous "forever" for waits in tests

// Jobs call Enter(): it counts them in and blocks them until Open().
class Gate {
  public:
    void Enter() {
        std::unique_lock<std::mutex> lock(mutex_);
        entered_++;
        changed_.notify_all();
        changed_.wait(lock, [this] { return open_; });
    }
    // Waits until `n` threads have entered; false after `timeout`.
    bool WaitEntered(int n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return entered_ >= n; });
    }
    void Open() {
        std::lock_guard<std::mutex> lock(mutex_);
        open_ = true;
        changed_.notify_all();
    }
    int entered() {
        std::lock_guard<std::mutex> lock(mutex_);
        return entered_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int entered_ = 0;
    bool open_ = false;
};

// An allocator that delegates to posix_memalign/free and fails once its
// budget of successful allocations is spent.  Install it while no pool
// exists (alloc.h); memory it hands out is freed by the same free() the C
// library allocator uses, so swapping the two is harmless.
struct TestAllocator {
    static inline std::atomic<long> budget{-1}; // < 0: unlimited
    static inline std::atomic<long> allocations{0};
    static inline std::atomic<long> failures{0};

    static void *Allocate(size_t alignment, size_t size, void *) {
        allocations.fetch_add(1);
        long left = budget.load();
        while (left >= 0) {
            if (left == 0) {
                failures.fetch_add(1);
                return nullptr;
            }
            if (budget.compare_exchange_weak(left, left - 1)) {
                break;
            }
        }
        void *memory = nullptr;
        return posix_memalign(&memory, alignment, size) == 0 ? memory : nullptr;
    }
    static void Release(void *memory, void *) {
        free(memory);
    }

    // Lets `n` more allocations succeed, then fails every one.
    static void FailAfter(long n) {
        budget.store(n);
    }
    static void Succeed() {
        budget.store(-1);
    }
};

class ScopedTestAllocator {
  public:
    ScopedTestAllocator() {
        TestAllocator::Succeed();
        TestAllocator::allocations.store(0);
        TestAllocator::failures.store(0);
        cymade_allocator allocator = {TestAllocator::Allocate, TestAllocator::Release, nullptr};
        cymade_set_allocator(&allocator);
    }
    ~ScopedTestAllocator() {
        TestAllocator::Succeed();
        cymade_set_allocator(nullptr);
    }
};

// Runs `body` in a fork()ed child, which exits with body's return value.
// Returns the child's exit code, 128 + signal if it died of one, or -1 if it
// did not finish within `timeout` (it is then killed).
inline int RunInChild(const std::function<int()> &body, std::chrono::milliseconds timeout) {
    pid_t pid = fork();
    if (pid < 0) {
        return -2;
    }
    if (pid == 0) {
        _exit(body());
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            if (WIFEXITED(status)) {
                return WEXITSTATUS(status);
            }
            return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -3;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

} // namespace cymade_test

#endif // CYMADE_TESTS_CORE_TEST_SUPPORT_H
