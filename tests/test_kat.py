"""Random123 known-answer vectors (tests/data/philox_kat.txt, Random123's
``kat_vectors`` file).

Every ``philox4x32 10`` line must pass through winit.philox4x32 (SPEC 1.1) and through the
independent reference; the ``philox4x32 7`` lines check the reference's round structure.
"""
import os

import numpy as np
import pytest

import reference as R
from conftest import DATA


def _load(rounds):
    rows = []
    with open(os.path.join(DATA, "philox_kat.txt")) as f:
        for line in f:
            fields = line.split()
            if len(fields) != 12 or fields[0] != "philox4x32" or int(fields[1]) != rounds:
                continue
            v = [int(x, 16) for x in fields[2:]]
            rows.append((tuple(v[0:4]), tuple(v[4:6]), tuple(v[6:10])))
    return rows


KAT10 = _load(10)
KAT7 = _load(7)


def test_kat_file_complete():
    # 3 lines in the current Random123 set + 52 in the old set, for each round count
    assert len(KAT10) == 55
    assert len(KAT7) == 55


@pytest.mark.parametrize("counter,key,expected", KAT10)
def test_winit_kat10(counter, key, expected):
    import winit
    got = winit.philox4x32(counter, key)
    assert tuple(int(x) for x in got) == expected


@pytest.mark.parametrize("counter,key,expected", KAT10)
def test_reference_kat10(counter, key, expected):
    assert R.philox4x32(counter, key) == expected
    seed = key[0] | key[1] << 32
    block = counter[0] | counter[1] << 32
    stream = counter[2] | counter[3] << 32
    vec = R.philox_blocks(np.array([block], np.uint64), seed, stream)[0]
    assert tuple(int(x) for x in vec) == expected
    assert R.block_words(block, seed, stream) == expected


@pytest.mark.parametrize("counter,key,expected", KAT7)
def test_reference_kat7(counter, key, expected):
    assert R.philox4x32(counter, key, rounds=7) == expected
    seed = key[0] | key[1] << 32
    block = counter[0] | counter[1] << 32
    stream = counter[2] | counter[3] << 32
    vec = R.philox_blocks(np.array([block], np.uint64), seed, stream, rounds=7)[0]
    assert tuple(int(x) for x in vec) == expected


def test_winit_kat_via_random_raw():
    """A KAT block seen through random_raw: counter (b, stream), key from seed (SPEC 1.2)."""
    import winit
    for counter, key, expected in KAT10:
        seed = key[0] | key[1] << 32
        block = counter[0] | counter[1] << 32
        stream = counter[2] | counter[3] << 32
        if 4 * block + 4 > 2**64:   # word indices must stay below 2**64
            continue
        got = winit.random_raw(4, seed=seed, stream=stream, offset=4 * block)
        assert got.dtype == np.uint32
        assert tuple(int(x) for x in got) == expected, (counter, key)
