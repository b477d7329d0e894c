/* Philox4x32-10 (Salmon et al., SC11; Random123), header-only.
 *
 * SPEC 1.1/1.2: block b of (seed, stream) is Philox4x32-10 of the counter
 * (b mod 2^32, b >> 32, stream mod 2^32, stream >> 32) under the key
 * (seed mod 2^32, seed >> 32).  No Python in this file: it is shared by the
 * scalar and SIMD fill loops and by the known-answer test entry point.
 */
#ifndef WINIT_PHILOX_H
#define WINIT_PHILOX_H

#include <stdint.h>

#define WINIT_PHILOX_M0 0xD2511F53u /* multiplies counter word 0 */
#define WINIT_PHILOX_M1 0xCD9E8D57u /* multiplies counter word 2 */
#define WINIT_PHILOX_W0 0x9E3779B9u /* key increment, word 0 (golden ratio) */
#define WINIT_PHILOX_W1 0xBB67AE85u /* key increment, word 1 (sqrt(3) - 1) */
#define WINIT_PHILOX_ROUNDS 10

typedef struct {
    uint32_t v[4];
} winit_u32x4;

static inline void winit_philox_round(uint32_t c[4], uint32_t k0, uint32_t k1)
{
    uint64_t p0 = (uint64_t)WINIT_PHILOX_M0 * c[0];
    uint64_t p1 = (uint64_t)WINIT_PHILOX_M1 * c[2];
    uint32_t n0 = (uint32_t)(p1 >> 32) ^ c[1] ^ k0;
    uint32_t n1 = (uint32_t)p1;
    uint32_t n2 = (uint32_t)(p0 >> 32) ^ c[3] ^ k1;
    uint32_t n3 = (uint32_t)p0;
    c[0] = n0; c[1] = n1; c[2] = n2; c[3] = n3;
}

/* One Philox4x32-R block for an explicit counter and key (KAT entry point). */
static inline winit_u32x4 winit_philox4x32_rounds(const uint32_t ctr[4], const uint32_t key[2], int rounds)
{
    uint32_t c[4] = {ctr[0], ctr[1], ctr[2], ctr[3]};
    uint32_t k0 = key[0], k1 = key[1];
    winit_u32x4 r;
    for (int i = 0; i < rounds; i++) {
        if (i > 0) { k0 += WINIT_PHILOX_W0; k1 += WINIT_PHILOX_W1; }
        winit_philox_round(c, k0, k1);
    }
    r.v[0] = c[0]; r.v[1] = c[1]; r.v[2] = c[2]; r.v[3] = c[3];
    return r;
}

/* Block b of the stream (seed, stream): SPEC 1.2. */
static inline winit_u32x4 winit_philox_block(uint64_t seed, uint64_t stream, uint64_t b)
{
    uint32_t ctr[4] = {(uint32_t)b, (uint32_t)(b >> 32), (uint32_t)stream, (uint32_t)(stream >> 32)};
    uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    return winit_philox4x32_rounds(ctr, key, WINIT_PHILOX_ROUNDS);
}

#endif /* WINIT_PHILOX_H */
