"""Build winit._core: one Cython module over the C sources in src/.

Flags: -O3 for speed; -ffp-contract=off so the compiler adds no FMA of its own
(every target must give the same bits); -fno-math-errno so sqrt is the IEEE
instruction.  No -march=native and no -ffast-math: each target's kernels are
compiled in their own file under #pragma GCC target and chosen at run time.
"""
import platform
import sys
from pathlib import Path

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

SOURCES = [
    "src/_core.pyx",
    "src/winit_fill.c",
    # one kernel source (src/winit_kernels_impl.h) instantiated per target; the
    # machine's own SIMD targets are added below
    "src/winit_kernels_scalar.c",
    "src/winit_kernels_emu8.c",
    "src/winit_kernels_emu16.c",
    "src/winit_pool.c",
]

# The SIMD targets of the machine built for (each file is empty elsewhere; leaving it out keeps
# empty objects out of the build).  src/winit_fill.c's dispatch table lists the same ones.
MACHINE_TARGETS = {"x86_64": ["sse2", "avx2", "avx512"], "amd64": ["sse2", "avx2", "avx512"],
                   "aarch64": ["neon"], "arm64": ["neon"]}
SOURCES += ["src/winit_kernels_%s.c" % t for t in MACHINE_TARGETS.get(platform.machine().lower(), [])]

# Supported: Linux and macOS, x86-64 and aarch64, with GCC or Clang.  The C core uses
# unsigned __int128 and GCC target pragmas, which MSVC lacks.
if sys.platform == "win32" and "sdist" not in sys.argv:
    sys.exit("winit builds with GCC or Clang on Linux and macOS; Windows is not supported "
             "(the C core needs unsigned __int128 and GCC target pragmas)")
compile_args = ["-O3", "-ffp-contract=off", "-fno-math-errno", "-pthread"]
link_args = ["-pthread"]
# Scalar code compiled without -mfma calls fma()/fmaf() from libm (exact either way).
libraries = ["m"]

extensions = [
    Extension(
        "winit._core",
        sources=SOURCES,
        include_dirs=["src", numpy.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        extra_compile_args=compile_args,
        extra_link_args=link_args,
        libraries=libraries,
        depends=["src/winit_philox.h", "src/winit_math.h", "src/winit_kernels.h", "src/winit_kernels_impl.h",
                 "src/winit_fill.h", "src/winit_pool.h", "src/winit_fill.pxd"]
        + sorted(str(p) for p in Path("src/simd").glob("*.h")),
    )
]

setup(ext_modules=cythonize(extensions, include_path=["src"], compiler_directives={"language_level": 3}))
