// SHA-256 (FIPS 180-4) with the x86 SHA extensions, one or two streams at a
// time. The state lives in two registers as ABEF and CDGH, the layout the
// SHA256RNDS2 instruction wants; each step below runs four rounds.
#include "sha256_pair.h"

#include <cpuid.h>
#include <immintrin.h>
#include <string.h>

#define LODE_SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

static const uint32_t roundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t initialState[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

int lode_sha256_pair_supported(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
  int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
  int sha = (b >> 29) & 1;
  return ssse3 && sse41 && sha;
}

// state[0..7] = a..h  <->  ABEF, CDGH.
LODE_SHA_TARGET static inline void loadState(const uint32_t state[8], __m128i *abef, __m128i *cdgh) {
  __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xB1);
  __m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1B);
  *abef = _mm_alignr_epi8(dcba, efgh, 8);
  *cdgh = _mm_blend_epi16(efgh, dcba, 0xF0);
}

LODE_SHA_TARGET static inline void storeState(uint32_t state[8], __m128i abef, __m128i cdgh) {
  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

// Four rounds, step `s` of 16. Steps 4 and on first extend the message
// schedule: W[t..t+3] from W[t-16..t-13], W[t-12..], W[t-7..t-4], W[t-4..t-1],
// which `w` holds in turn (w[s % 4] is W[t-16..t-13] before it is replaced).
#define LODE_SHA_STEP(abef, cdgh, w, s)                                                          \
  do {                                                                                          \
    if ((s) >= 4) {                                                                             \
      __m128i next = _mm_sha256msg1_epu32(w[(s) & 3], w[((s) + 1) & 3]);                        \
      next = _mm_add_epi32(next, _mm_alignr_epi8(w[((s) + 3) & 3], w[((s) + 2) & 3], 4));      \
      w[(s) & 3] = _mm_sha256msg2_epu32(next, w[((s) + 3) & 3]);                                \
    }                                                                                           \
    __m128i keyed = _mm_add_epi32(w[(s) & 3], _mm_loadu_si128((const __m128i *)&roundConstants[4 * (s)])); \
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, keyed);                                            \
    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(keyed, 0x0E));                   \
  } while (0)

LODE_SHA_TARGET static inline void loadBlock(const uint8_t *block, __m128i w[4]) {
  const __m128i bigEndian = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  for (int i = 0; i < 4; i++) w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(block + 16 * i)), bigEndian);
}

LODE_SHA_TARGET static void hashBlocks(uint32_t state[8], const uint8_t *data, size_t blocks) {
  __m128i abef, cdgh;
  loadState(state, &abef, &cdgh);
  for (; blocks > 0; blocks--, data += 64) {
    __m128i savedABEF = abef, savedCDGH = cdgh, w[4];
    loadBlock(data, w);
#pragma clang loop unroll(full)
    for (int s = 0; s < 16; s++) LODE_SHA_STEP(abef, cdgh, w, s);
    abef = _mm_add_epi32(abef, savedABEF);
    cdgh = _mm_add_epi32(cdgh, savedCDGH);
  }
  storeState(state, abef, cdgh);
}

LODE_SHA_TARGET static void hashBlockPairs(
    uint32_t first[8], const uint8_t *a, uint32_t second[8], const uint8_t *b, size_t blocks) {
  __m128i abef1, cdgh1, abef2, cdgh2;
  loadState(first, &abef1, &cdgh1);
  loadState(second, &abef2, &cdgh2);
  for (; blocks > 0; blocks--, a += 64, b += 64) {
    __m128i saved1 = abef1, saved2 = cdgh1, saved3 = abef2, saved4 = cdgh2, w1[4], w2[4];
    loadBlock(a, w1);
    loadBlock(b, w2);
#pragma clang loop unroll(full)
    for (int s = 0; s < 16; s++) {
      LODE_SHA_STEP(abef1, cdgh1, w1, s);
      LODE_SHA_STEP(abef2, cdgh2, w2, s);
    }
    abef1 = _mm_add_epi32(abef1, saved1);
    cdgh1 = _mm_add_epi32(cdgh1, saved2);
    abef2 = _mm_add_epi32(abef2, saved3);
    cdgh2 = _mm_add_epi32(cdgh2, saved4);
  }
  storeState(first, abef1, cdgh1);
  storeState(second, abef2, cdgh2);
}

void lode_sha256_init(lode_sha256 *context) {
  memcpy(context->state, initialState, sizeof initialState);
  context->pendingCount = 0;
  context->total = 0;
}

// Tops up a partly filled block from the input and hashes it once full.
static void fillPending(lode_sha256 *context, const uint8_t **data, size_t *count) {
  if (context->pendingCount == 0 || *count == 0) return;
  size_t take = 64 - context->pendingCount;
  if (take > *count) take = *count;
  memcpy(context->pending + context->pendingCount, *data, take);
  context->pendingCount += (uint32_t)take;
  *data += take;
  *count -= take;
  if (context->pendingCount == 64) {
    hashBlocks(context->state, context->pending, 1);
    context->pendingCount = 0;
  }
}

// Hashes the whole blocks left in the input one stream at a time and keeps the rest.
static void finishUpdate(lode_sha256 *context, const uint8_t *data, size_t count) {
  hashBlocks(context->state, data, count / 64);
  data += count / 64 * 64;
  count %= 64;
  memcpy(context->pending + context->pendingCount, data, count);
  context->pendingCount += (uint32_t)count;
}

void lode_sha256_update_pair(
    lode_sha256 *first, const uint8_t *a, size_t countA, lode_sha256 *second, const uint8_t *b, size_t countB) {
  first->total += countA;
  second->total += countB;
  fillPending(first, &a, &countA);
  fillPending(second, &b, &countB);
  // Each stream now starts on a block boundary or has no input left.
  size_t pairs = countA / 64 < countB / 64 ? countA / 64 : countB / 64;
  hashBlockPairs(first->state, a, second->state, b, pairs);
  finishUpdate(first, a + pairs * 64, countA - pairs * 64);
  finishUpdate(second, b + pairs * 64, countB - pairs * 64);
}

void lode_sha256_final(lode_sha256 *context, uint8_t digest[32]) {
  uint64_t bits = context->total * 8;
  uint8_t tail[128] = {0};
  size_t used = context->pendingCount;
  memcpy(tail, context->pending, used);
  tail[used] = 0x80;
  size_t length = used + 1 + 8 <= 64 ? 64 : 128;
  for (int i = 0; i < 8; i++) tail[length - 1 - i] = (uint8_t)(bits >> (8 * i));
  hashBlocks(context->state, tail, length / 64);
  for (int i = 0; i < 8; i++) {
    digest[4 * i] = (uint8_t)(context->state[i] >> 24);
    digest[4 * i + 1] = (uint8_t)(context->state[i] >> 16);
    digest[4 * i + 2] = (uint8_t)(context->state[i] >> 8);
    digest[4 * i + 3] = (uint8_t)context->state[i];
  }
}
