/* The emulated 16-lane target: the wide kernels' logic in plain C arrays, so
 * the tests compare it with every other target on any machine (never chosen
 * automatically). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O1", "fp-contract=off", "no-math-errno")
#endif
#define WV_TARGET emu16
#define WV_EMU_N 16
#include "simd/wv_emu.h"
#include "winit_kernels_impl.h"
