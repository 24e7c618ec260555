/* cpu_relax.h - the spin-wait hint (PAUSE on x86, YIELD on AArch64). */
#ifndef CYMADE_CPU_RELAX_H
#define CYMADE_CPU_RELAX_H

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif /* CYMADE_CPU_RELAX_H */
