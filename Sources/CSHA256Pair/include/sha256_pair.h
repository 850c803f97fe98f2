// SHA-256 of two byte streams at once with the x86 SHA extensions. One
// stream's rounds wait on the previous round's result; interleaving two
// streams fills those waits, so two hashes cost about 0.7 of two single ones
// (docs/benchmarks.md). Used where lode hashes a file and its chunks.
#ifndef LODE_SHA256_PAIR_H
#define LODE_SHA256_PAIR_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint32_t state[8];
  uint8_t pending[64];
  uint32_t pendingCount;
  uint64_t total;
} lode_sha256;

// Whether this CPU has the instructions (SHA, SSSE3, SSE4.1); nothing else
// here may be called when it returns 0.
int lode_sha256_pair_supported(void);

void lode_sha256_init(lode_sha256 *context);

// Feeds `countA` bytes at `a` to `first` and `countB` bytes at `b` to
// `second`, hashing blocks of the two side by side.
void lode_sha256_update_pair(
    lode_sha256 *first, const uint8_t *a, size_t countA, lode_sha256 *second, const uint8_t *b, size_t countB);

// Writes the 32-byte digest of everything fed to `context`.
void lode_sha256_final(lode_sha256 *context, uint8_t digest[32]);

#endif
