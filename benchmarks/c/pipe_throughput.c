/* Vector-pipe throughput on this CPU, for reading kernel profiles.
 *
 *   gcc -O2 -mavx2 -mfma benchmarks/c/pipe_throughput.c -o /tmp/pipes && /tmp/pipes
 *
 * Part 1: core cycles per ymm instruction of kind A alone, and per pair (one A and one B)
 * with 6 independent chains each, assuming the core clock given by CLOCK_GHZ (2.9 on the
 * project's CI machine; check with the FMA line: 1.0 means one ymm FMA per cycle).  Two
 * kinds that share a pipe take the sum of their times together; kinds on different pipes
 * take the larger.  Part 2: ns per ymm divide and square root (not pipelined on Zen 1).
 * Measured on the CI machine (Zen 1): vpmuludq 2 cycles (one pipe), FMA/mul 1 (two pipes),
 * shuffles 1 (two pipes), shifts and int->float conversion 2 (one pipe each), FMA with
 * addps 2 per pair; vdivps/vdivpd 3.1 ns, vsqrtps 3.6 ns, vsqrtpd 5.6 ns.
 */
#ifndef CLOCK_GHZ
#define CLOCK_GHZ 2.9
#endif
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
#define ITERS 50000000L
/* 6 independent chains per op kind; registers: up to 12 chains + 2 consts */
#define BAR(v) __asm__ volatile("" : "+x"(v))
#define OPMUL(v) v=_mm256_mul_epu32(v,mi)
#define OPFMA(v) v=_mm256_castps_si256(_mm256_fmadd_ps(_mm256_castsi256_ps(v),_mm256_castsi256_ps(mi),_mm256_castsi256_ps(ci)))
#define OPSHUF(v) v=_mm256_shuffle_epi32(v,0xB1)
#define OPSHPS(v) v=_mm256_castps_si256(_mm256_shuffle_ps(_mm256_castsi256_ps(v),_mm256_castsi256_ps(v),0xB1))
#define OPSRL(v) v=_mm256_srli_epi64(v,1)
#define OPXOR(v) v=_mm256_xor_si256(v,mi)
#define OPADDPS(v) v=_mm256_castps_si256(_mm256_add_ps(_mm256_castsi256_ps(v),_mm256_castsi256_ps(ci)))
#define OPCVT(v) v=_mm256_castps_si256(_mm256_cvtepi32_ps(v))
#define OPMULPS(v) v=_mm256_castps_si256(_mm256_mul_ps(_mm256_castsi256_ps(v),_mm256_castsi256_ps(ci)))
#define OPADDD(v) v=_mm256_add_epi32(v,mi)
#define OPUNPK(v) v=_mm256_unpacklo_epi32(v,mi)
#define OPSQRT(v) v=_mm256_castps_si256(_mm256_sqrt_ps(_mm256_castsi256_ps(v)))
#define T(name, A, B) __attribute__((noinline)) double name(void){ \
 __m256i mi=_mm256_set1_epi32(0x3f7ff000), ci=_mm256_set1_epi32(0x3a000000); \
 __m256i a0=mi,a1=mi,a2=mi,a3=mi,a4=mi,a5=mi,b0=ci,b1=ci,b2=ci,b3=ci,b4=ci,b5=ci; \
 double t0=now(); for(long i=0;i<ITERS;i++){ A(a0);A(a1);A(a2);A(a3);A(a4);A(a5); B(b0);B(b1);B(b2);B(b3);B(b4);B(b5); \
 BAR(a0);BAR(a1);BAR(a2);BAR(a3);BAR(a4);BAR(a5);BAR(b0);BAR(b1);BAR(b2);BAR(b3);BAR(b4);BAR(b5);} \
 double t=now()-t0; return t/ITERS*CLOCK_GHZ*1e9; }
#define NOP(v)
T(t_mul,OPMUL,NOP) T(t_fma,OPFMA,NOP) T(t_mulps,OPMULPS,NOP) T(t_shuf,OPSHUF,NOP) T(t_shps,OPSHPS,NOP) T(t_srl,OPSRL,NOP) T(t_xor,OPXOR,NOP)
T(t_addd,OPADDD,NOP) T(t_addps,OPADDPS,NOP) T(t_cvt,OPCVT,NOP) T(t_unpk,OPUNPK,NOP) T(t_sqrt,OPSQRT,NOP) T(mul_fma,OPMUL,OPFMA) T(mul_mulps,OPMUL,OPMULPS) T(mul_shuf,OPMUL,OPSHUF) T(mul_shps,OPMUL,OPSHPS) T(mul_srl,OPMUL,OPSRL) T(mul_xor,OPMUL,OPXOR)
T(mul_addd,OPMUL,OPADDD) T(mul_addps,OPMUL,OPADDPS) T(mul_cvt,OPMUL,OPCVT) T(mul_unpk,OPMUL,OPUNPK)
T(fma_shuf,OPFMA,OPSHUF) T(fma_shps,OPFMA,OPSHPS) T(fma_srl,OPFMA,OPSRL) T(fma_xor,OPFMA,OPXOR) T(fma_addps,OPFMA,OPADDPS) T(fma_cvt,OPFMA,OPCVT) T(fma_unpk,OPFMA,OPUNPK)
T(shuf_srl,OPSHUF,OPSRL) T(shuf_xor,OPSHUF,OPXOR) T(shuf_addps,OPSHUF,OPADDPS) T(shuf_unpk,OPSHUF,OPUNPK) T(xor_addps,OPXOR,OPADDPS) T(xor_cvt, OPXOR, OPCVT) T(shuf_cvt,OPSHUF,OPCVT) T(srl_addps,OPSRL,OPADDPS) T(srl_xor,OPSRL,OPXOR)
static void part1(void){
#define P(fn) printf("%-12s %.2f\n", #fn, fn()/6.0);
printf("core cycles per (one ymm op of A [+ one of B]); 6 chains each\n");
P(t_mul)P(t_fma)P(t_mulps)P(t_shuf)P(t_shps)P(t_srl)P(t_xor)P(t_addd)P(t_addps)P(t_cvt)P(t_unpk)P(t_sqrt)
P(mul_fma)P(mul_mulps)P(mul_shuf)P(mul_shps)P(mul_srl)P(mul_xor)P(mul_addd)P(mul_addps)P(mul_cvt)P(mul_unpk)
P(fma_shuf)P(fma_shps)P(fma_srl)P(fma_xor)P(fma_addps)P(fma_cvt)P(fma_unpk)
P(shuf_srl)P(shuf_xor)P(shuf_addps)P(shuf_unpk)P(xor_addps)P(xor_cvt)P(shuf_cvt)P(srl_addps)P(srl_xor)
}

#define ITERS2 20000000L
static void part2(void){
  __m256 d=_mm256_set1_ps(1.0000001f); BAR(d);
  __m256d dd=_mm256_set1_pd(1.0000001); BAR(dd);
  __m256 a0=_mm256_set1_ps(1.5f),a1=a0,a2=a0,a3=a0,a4=a0,a5=a0;
  double t0=now(); for(long i=0;i<ITERS2;i++){ a0=_mm256_div_ps(a0,d);a1=_mm256_div_ps(a1,d);a2=_mm256_div_ps(a2,d);a3=_mm256_div_ps(a3,d);a4=_mm256_div_ps(a4,d);a5=_mm256_div_ps(a5,d);BAR(a0);BAR(a1);BAR(a2);BAR(a3);BAR(a4);BAR(a5);BAR(d);}
  double t=now()-t0; printf("vdivps ymm: %.2f ns each\n", t/ITERS2/6*1e9);
  t0=now(); for(long i=0;i<ITERS2;i++){ a0=_mm256_sqrt_ps(a0);a1=_mm256_sqrt_ps(a1);a2=_mm256_sqrt_ps(a2);a3=_mm256_sqrt_ps(a3);a4=_mm256_sqrt_ps(a4);a5=_mm256_sqrt_ps(a5);BAR(a0);BAR(a1);BAR(a2);BAR(a3);BAR(a4);BAR(a5);}
  t=now()-t0; printf("vsqrtps ymm: %.2f ns each\n", t/ITERS2/6*1e9);
  __m256d b0=_mm256_set1_pd(1.5),b1=b0,b2=b0,b3=b0,b4=b0,b5=b0;
  t0=now(); for(long i=0;i<ITERS2;i++){ b0=_mm256_div_pd(b0,dd);b1=_mm256_div_pd(b1,dd);b2=_mm256_div_pd(b2,dd);b3=_mm256_div_pd(b3,dd);b4=_mm256_div_pd(b4,dd);b5=_mm256_div_pd(b5,dd);BAR(b0);BAR(b1);BAR(b2);BAR(b3);BAR(b4);BAR(b5);BAR(dd);}
  t=now()-t0; printf("vdivpd ymm: %.2f ns each\n", t/ITERS2/6*1e9);
  t0=now(); for(long i=0;i<ITERS2;i++){ b0=_mm256_sqrt_pd(b0);b1=_mm256_sqrt_pd(b1);b2=_mm256_sqrt_pd(b2);b3=_mm256_sqrt_pd(b3);b4=_mm256_sqrt_pd(b4);b5=_mm256_sqrt_pd(b5);BAR(b0);BAR(b1);BAR(b2);BAR(b3);BAR(b4);BAR(b5);}
  t=now()-t0; printf("vsqrtpd ymm: %.2f ns each\n", t/ITERS2/6*1e9);
  __m256 f0=a0,f1=a1,f2=a2,f3=a3,f4=a4,f5=a5;
  t0=now(); for(long i=0;i<ITERS2;i++){ f0=_mm256_fmadd_ps(f0,d,d);f1=_mm256_fmadd_ps(f1,d,d);f2=_mm256_fmadd_ps(f2,d,d);f3=_mm256_fmadd_ps(f3,d,d);f4=_mm256_fmadd_ps(f4,d,d);f5=_mm256_fmadd_ps(f5,d,d);BAR(f0);BAR(f1);BAR(f2);BAR(f3);BAR(f4);BAR(f5);BAR(d);}
  t=now()-t0; printf("vfmadd ymm: %.2f ns each\n", t/ITERS2/6*1e9);
}

int main(void){ part1(); part2(); return 0; }
