/* The scalar target: the one-lane instance of the block kernels, compiled for
 * the baseline of any CPU (fma and sqrt are the C library's or the
 * instruction's, exact either way).  It also fills the partial head and tail
 * blocks of every call, whatever target runs the body. */
#define WV_TARGET scalar
#include "simd/wv_scalar.h"
#include "winit_kernels_impl.h"
