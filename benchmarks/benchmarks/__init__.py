"""asv benchmarks of winit against its peers (numpy PCG64 always, torch when importable).

Every class has the peer as its first parameter, so one ``asv run`` table puts winit, numpy
and torch side by side; a peer that lacks a case (numpy has no bfloat16, numpy and torch
have no thread count of their own) raises NotImplementedError in setup and asv shows "n/a".

* fills.Fill:            in-place fills into pre-faulted buffers (1M and 64M elements)
* calls.SchemeAlloc:     the allocating he_normal 4096x4096 call
* calls.SmallCall:       1,000-element calls (the per-call overhead)
* calls.ModelBuild:      a 168M-parameter Llama built by deferred_init + materialize vs its own construction

The README's section "Benchmarks" says how to run them and read the numbers.
"""
