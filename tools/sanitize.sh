#!/usr/bin/env bash
# Build winit's C core and Cython module with AddressSanitizer + UndefinedBehaviorSanitizer
# and run the stream tests against that build.  Any sanitizer report fails the script.
#
#   bash tools/sanitize.sh [PYTHON]      # PYTHON defaults to python3; it needs the test extra
#                                        # (pytest, numpy, Cython, setuptools, scipy, mpmath, ...)
#   SANITIZE_KEEP=1 bash tools/sanitize.sh ...   # keep the temporary build directory
#
# How:
#  * The sources (setup.py, pyproject.toml, src/, winit/, tests/, README.md, SPEC.md,
#    MANIFEST.in) are copied, uncommitted changes included, into a temporary directory
#    (without any compiled _core*.so or generated src/_core.c) and built there with
#    `setup.py build_ext --inplace`; the checkout itself is not touched.
#  * Flags: -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
#    -g -O1, plus setup.py's -ffp-contract=off -fno-math-errno -pthread.  They are exported
#    as CFLAGS/LDFLAGS, but setuptools puts CFLAGS *before* setup.py's extra_compile_args,
#    whose -O3 would then win; so CC is also a two-line wrapper that appends them to every
#    gcc call (compile and link), last.  Checked after the build from what gcc recorded
#    (the DW_AT_producer string of each compilation unit: every flag above present, -O1
#    the last -O), and the module must link libasan and carry UBSan handlers.
#  * The tests run with the given python, PYTHONPATH=<tempdir> and cwd <tempdir>, so they
#    import the sanitized winit (checked: winit.__file__ and winit._core.__file__ must lie
#    in <tempdir>), with LD_PRELOAD=libasan.so:libubsan.so (the ASan runtime must be the
#    first library loaded, since python itself is not instrumented).
#
# Why a report fails the script:
#  * -fno-sanitize-recover=all makes every UBSan check call its *_abort handler, and
#    UBSAN_OPTIONS=halt_on_error=1 stops at the first report; ASan always stops at the
#    first error, and ASAN_OPTIONS=abort_on_error=1 makes that an abort().  The python
#    process (pytest, or a forked/spawned child, which inherits the environment) then dies
#    with SIGABRT: pytest exits non-zero (or a child's test fails).
#  * Reports are also looked for after the tests: ASan's in files (log_path=<tempdir>/
#    reports/asan.<pid>, so even a child whose stderr and exit status a test swallowed is
#    seen), UBSan's (GCC 12's libubsan ignores log_path) in the tee'd stderr of the run,
#    which pytest does not capture (--capture=sys).  Any report found is printed and fails
#    the script whatever pytest's exit status was.
#  * That chain is checked on every run before the tests: a canary shared object built
#    with the same flags, with a heap-buffer-overflow and a signed-integer overflow, is
#    loaded through ctypes in the same environment; each must write its report and make
#    python exit non-zero, else the script fails ("canary ... did not fail").  It was also
#    checked once by hand with a deliberate one-element overflow in src/winit_fill.c's
#    fill_run tail memcpy: the first random_raw test aborted with an ASan
#    heap-buffer-overflow report and the script exited non-zero.
#  * Leak detection is off (detect_leaks=0): CPython's interned objects "leak" by design.
#
# Test files: tests/test_reference.py test_golden.py test_invariance.py test_bad_input.py
# test_kat.py test_generator.py test_processes.py: about 1800 tests, ~15 s under ASan; the
# build takes about a minute and a half on 2 cores.
set -euo pipefail

py=${1:-python3}
py=$(command -v "$py")
# the build runs in $py itself (no build isolation): it needs pyproject's build requirements
"$py" - <<'PY' || { echo "sanitize: $py lacks the build requirements: $py -m pip install 'setuptools>=77' 'Cython>=3.0' numpy pytest"; exit 1; }
import setuptools, Cython, numpy, pytest
assert int(setuptools.__version__.split(".")[0]) >= 77, "setuptools %s < 77" % setuptools.__version__
assert int(Cython.__version__.split(".")[0]) >= 3, "Cython %s < 3" % Cython.__version__
PY
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/winit-sanitize.XXXXXX")
if [[ -n "${SANITIZE_KEEP:-}" ]]; then
  echo "sanitize: keeping $work"
else
  trap 'rm -rf "$work"' EXIT
fi
start=$SECONDS

san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -g -O1"
keep="-ffp-contract=off -fno-math-errno -pthread"
cc=${CC:-gcc}

# --- a copy of the sources, uncommitted changes included, nothing compiled ------------
cp "$repo"/{setup.py,pyproject.toml,README.md,SPEC.md,MANIFEST.in} "$work/"
cp -r "$repo/src" "$repo/winit" "$repo/tests" "$work/"
rm -f "$work"/winit/_core*.so "$work"/winit/_core*.pyd "$work/src/_core.c"
find "$work" -name __pycache__ -type d -prune -exec rm -rf {} +

# --- the sanitized build ------------------------------------------------------------
cat > "$work/cc-san" <<EOF
#!/bin/sh
exec $cc "\$@" $keep $san
EOF
chmod +x "$work/cc-san"
echo "sanitize: building in $work with: $san $keep"
(
  cd "$work"
  CC="$work/cc-san" CFLAGS="$san $keep" LDFLAGS="-fsanitize=address,undefined" \
    "$py" setup.py build_ext --inplace --force > build.log 2>&1
) || { tail -50 "$work/build.log"; echo "sanitize: build failed"; exit 1; }

# what gcc really ran with, from the DWARF producer string of each compilation unit
so=$(ls "$work"/winit/_core*.so)
readelf --debug-dump=info "$so" > "$work/dwarf.txt"
{ grep 'DW_AT_producer' "$work/dwarf.txt" || true; } | sed 's/.*: GNU/GNU/' > "$work/producers.txt"
# shellcheck disable=SC2086  # one argument per flag
"$py" - "$work/producers.txt" $san $keep <<'PY'
import re, sys
units = [l.strip() for l in open(sys.argv[1]) if l.strip()]
need = [f for f in sys.argv[2:] if not f.startswith("-O") and f != "-pthread"]  # -pthread is a driver flag
bad = [u for u in units if any(f not in u.split() for f in need) or re.findall(r"\s(-O\w*)", u)[-1:] != ["-O1"]]
if len(units) < 5 or bad:
    sys.exit("sanitize: flags did not reach gcc (%d units): %s" % (len(units), bad[:1] or "too few units"))
print("sanitize: %d compilation units, each built with %s, -O1 last" % (len(units), " ".join(need)))
PY
dyn=$(readelf -d "$so"); syms=$(nm -D "$so")
grep -q 'NEEDED.*libasan' <<<"$dyn" || { echo "sanitize: $so does not link libasan"; exit 1; }
grep -q '__ubsan_handle' <<<"$syms" || { echo "sanitize: $so has no UBSan instrumentation"; exit 1; }
echo "sanitize: built $(basename "$so"), needs: $(grep -o 'lib[a-z]*san[^]]*' <<<"$dyn" | tr '\n' ' ')"

# --- the run-time environment -------------------------------------------------------
preload=$("$cc" -print-file-name=libasan.so)
ubsan_so=$("$cc" -print-file-name=libubsan.so)
[[ -f "$preload" ]] || { echo "sanitize: no libasan.so for $cc"; exit 1; }
[[ -f "$ubsan_so" ]] && preload="$preload:$ubsan_so"
mkdir -p "$work/reports"
# ASan writes its reports to files (log_path); GCC 12's UBSan runtime ignores log_path and
# writes to stderr, so stderr is also kept (tee) and searched.
run_san() {
  env LD_PRELOAD="$preload" \
    ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:print_summary=1:log_path=$work/reports/asan" \
    UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:print_summary=1" \
    PYTHONPATH="$work" PYTHONDONTWRITEBYTECODE=1 "$@" 2>&1 1>&3 3>&- | tee -a "$work/reports/stderr" >&2
} 3>&1
reports() {
  cat "$work"/reports/asan.* 2>/dev/null || true
  grep -E -A40 'runtime error:|ERROR: AddressSanitizer|Sanitizer:' "$work/reports/stderr" 2>/dev/null || true
}

# --- canaries: a report in an instrumented object must kill python -----------------
cat > "$work/canary.c" <<'EOF'
#include <stdlib.h>
int heap_overflow(int n) { volatile char *p = malloc(n); int v = p[n]; free((void *)p); return v; }
int int_overflow(int a) { return a + 1; }
EOF
# shellcheck disable=SC2086
"$cc" -shared -fPIC $san $keep "$work/canary.c" -o "$work/canary.so"
for probe in "heap_overflow(16)" "int_overflow(2**31 - 1)"; do
  rm -f "$work"/reports/*
  if (cd "$work" && run_san "$py" -c "import ctypes; print(ctypes.CDLL('./canary.so').$probe)") \
      > "$work/canary.log" 2>&1; then
    cat "$work/canary.log"; reports; echo "sanitize: canary $probe did not fail"; exit 1
  fi
  rep=$(reports)
  grep -qE "ERROR: AddressSanitizer|runtime error:" <<<"$rep" \
    || { cat "$work/canary.log"; echo "sanitize: canary $probe failed without a sanitizer report"; exit 1; }
  echo "sanitize: canary $probe -> $(grep -oE 'AddressSanitizer: [a-z-]+|runtime error: [^,]*' <<<"$rep" | head -1), exit non-zero: ok"
done
rm -f "$work"/reports/*

# --- the tests against the sanitized build -------------------------------------------
cd "$work"
run_san "$py" - "$work" <<'PY'
import os, sys
import winit, winit._core
work = os.path.realpath(sys.argv[1])
for m in (winit, winit._core):
    print("sanitize: imports", m.__file__)
    if not os.path.realpath(m.__file__).startswith(work + os.sep):
        sys.exit("sanitize: %s comes from outside %s" % (m.__name__, work))
PY
rc=0
# --capture=sys: pytest must not hold fd 2, or a report written there dies with the process
run_san "$py" -m pytest -q -p no:cacheprovider --capture=sys \
  tests/test_reference.py tests/test_golden.py tests/test_invariance.py tests/test_bad_input.py \
  tests/test_kat.py tests/test_generator.py tests/test_processes.py || rc=$?
rep=$(reports)
if [[ -n "$rep" ]]; then
  printf '%s\n' "$rep"
  echo "sanitize: FAILED: the sanitizer report(s) above (pytest exit status $rc)"
  exit 1
fi
[[ $rc -eq 0 ]] || { echo "sanitize: FAILED: pytest exit status $rc"; exit "$rc"; }
echo "sanitize: ok, no ASan/UBSan report ($((SECONDS - start)) s)"
