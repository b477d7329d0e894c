"""Accuracy of winit's truncated-normal values, as src/winit_math.h states it (run by hand).

    python tools/accuracy_truncated.py        # needs gcc, numpy, scipy, mpmath (the test extra)

float32: all 2^24 words for each bound pair, against the SPEC formula in float64 (scipy's
ndtri with the complement taken on the side where it keeps its precision). Deep tails and
float64: sampled words against mpmath (50 digits). Prints the worst error as a share of the
SPEC tolerance (4e-6 or 1e-12 times max(1, |z|)). Uses the scalar functions of
winit_math.h, which every kernel target matches bit for bit (benchmarks/c/kernel_profile.c --check).
"""
import os
import subprocess
import tempfile

import mpmath as mp
import numpy as np
from scipy.special import ndtri

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include "winit_math.h"
int main(int argc, char **argv) {
    double a = atof(argv[2]), b = atof(argv[3]);
    if (argv[1][0] == 'f') { /* float32: every word */
        winit_trunc_f32 t; winit_trunc_init_f32(&t, a, b);
        for (uint32_t k = 0; k < (1u << 24); k++) { float z = winit_trunc_z_f32(&t, k << 8); fwrite(&z, 4, 1, stdout); }
    } else { /* float64: the 53-bit k given on stdin */
        winit_trunc_f64 t; winit_trunc_init_f64(&t, a, b);
        unsigned long long k;
        while (scanf("%llu", &k) == 1) printf("%.17g\n", winit_trunc_z_f64(&t, (uint64_t)k << 11));
    }
    return 0;
}
"""


def build(tmp):
    src, exe = os.path.join(tmp, "tn.c"), os.path.join(tmp, "tn")
    with open(src, "w") as f:
        f.write(DRIVER)
    subprocess.run(["gcc", "-O2", "-mfma", "-ffp-contract=off", "-fno-math-errno",
                    "-I" + os.path.join(ROOT, "src"), src, "-lm", "-o", exe], check=True)
    return exe


def phi(x):
    return mp.ncdf(x) if mp.isfinite(x) else (mp.mpf(0) if x < 0 else mp.mpf(1))


def reference(a, b, u):
    """Phi^-1(Phi(a) + u (Phi(b) - Phi(a))) in mpmath, solved on the side away from 1."""
    fa, fb = phi(mp.mpf(a)), phi(mp.mpf(b))
    ca, cb = phi(-mp.mpf(a)), phi(-mp.mpf(b))  # 1 - Phi, without cancellation in the upper tail
    d = ca - cb if a >= 0 else fb - fa
    p, pc = fa + u * d, cb + (1 - u) * d
    if p < pc:
        x = mp.findroot(lambda x: mp.log(mp.ncdf(x)) - mp.log(p), mp.mpf(0) if p > 1e-3 else -mp.sqrt(-2 * mp.log(p)))
    else:
        x = mp.findroot(lambda x: mp.log(mp.ncdf(-x)) - mp.log(pc), mp.mpf(0) if pc > 1e-3 else mp.sqrt(-2 * mp.log(pc)))
    return min(max(float(x), a), b)


def main():
    mp.mp.dps = 50
    with tempfile.TemporaryDirectory() as tmp:
        exe = build(tmp)
        k = np.arange(2 ** 24, dtype=np.float64)
        u = (k + 0.5) * 2.0 ** -24
        for a, b in [(-2, 2), (-2.05, 2.05), (-3, 3), (-6, -5), (0.5, 6), (-1e-6, 1e-6), (-np.inf, 0),
                     (-10, 10), (1, 2), (-2.1, -1.9)]:
            out = subprocess.run([exe, "f", repr(float(a)), repr(float(b))], capture_output=True, check=True).stdout
            z = np.frombuffer(out, dtype=np.float32).astype(np.float64)
            fa, fb = float(phi(mp.mpf(a))), float(phi(mp.mpf(b)))
            d = float(phi(mp.mpf(b)) - phi(mp.mpf(a)))
            plo, phi_ = fa + u * d, (1.0 - fb) + (1.0 - u) * d
            ref = np.clip(np.where(plo < phi_, ndtri(plo), -ndtri(phi_)), a, b)
            err = np.abs(z - ref) / np.maximum(1.0, np.abs(ref)) / 4e-6
            print(f"float32 [{a}, {b}], all 2^24 words: worst {err.max():.4f} of the tolerance")
        rng = np.random.default_rng(0)
        for dtype, bounds, bits, tol in [("f", [(37, 37.5), (-37.5, -37), (3, np.inf), (5, 5.5)], 24, 4e-6),
                                         ("d", [(-2, 2), (-6, -5), (0.5, 6), (-10, 10), (-37.5, -36), (3, np.inf)],
                                          53, 1e-12)]:
            for a, b in bounds:
                ks = [int(v) for v in rng.integers(0, 2 ** bits, 300)] + list(range(20)) + [2 ** bits - 1 - i for i in range(20)]
                if dtype == "f":
                    out = subprocess.run([exe, "f", repr(float(a)), repr(float(b))], capture_output=True, check=True).stdout
                    allz = np.frombuffer(out, dtype=np.float32)
                    zs = [float(allz[k]) for k in ks]
                else:
                    out = subprocess.run([exe, "d", repr(float(a)), repr(float(b))], input="\n".join(map(str, ks)),
                                         capture_output=True, text=True, check=True).stdout
                    zs = [float(v) for v in out.split()]
                worst = 0.0
                for kk, z in zip(ks, zs):
                    ref = reference(a, b, (mp.mpf(kk) + mp.mpf(0.5)) * mp.mpf(2) ** -bits)
                    worst = max(worst, abs(z - ref) / max(1.0, abs(ref)) / tol)
                name = "float32" if dtype == "f" else "float64"
                print(f"{name} [{a}, {b}], {len(ks)} sampled words (mpmath): worst {worst:.4f} of the tolerance")


if __name__ == "__main__":
    main()
