"""Run by tests/test_jax.py in a subprocess with 8 host devices
(``XLA_FLAGS=--xla_force_host_platform_device_count=8``): every winit.jax initializer with
``out_sharding`` on meshes (8,), (2, 4) and (4, 2) under several PartitionSpecs, eagerly and
under jit, compared with the unsharded array.  Prints one JSON line: {case: equal}."""
import json

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import NamedSharding, PartitionSpec as P

import winit.jax as wj

assert jax.device_count() == 8, jax.devices()
INITS = {
    "he_normal": wj.he_normal(), "glorot_uniform": wj.glorot_uniform(), "lecun_normal": wj.lecun_normal(),
    "normal": wj.normal(0.5), "uniform": wj.uniform(2.0), "truncated_normal": wj.truncated_normal(1.0),
    "variance_scaling_fan_geo_avg": wj.variance_scaling(1.5, "fan_geo_avg", "normal"),
    "orthogonal": wj.orthogonal(), "bfloat16_he_normal": wj.he_normal(dtype=jnp.bfloat16),
}
SHAPE = (24, 40)  # 24 rows: 8, 4 and 2 shards; 40 columns: 8, 4 and 2
results = {}
AUTO = jax.sharding.AxisType.Auto
for mesh_shape, auto in [((8,), False), ((2, 4), False), ((4, 2), False), ((2, 4), True)]:
    names = ("a",) if len(mesh_shape) == 1 else ("a", "b")
    mesh = jax.make_mesh(mesh_shape, names, axis_types=(AUTO,) * len(names) if auto else None)
    mesh_shape = mesh_shape + (("auto",) if auto else ())
    specs = [P("a"), P(None, "a")] + ([P("a", "b"), P("b", "a"), P(("a", "b"))] if len(names) == 2 else [])
    for spec in specs:
        sharding = NamedSharding(mesh, spec)
        for name, init in INITS.items():
            want = np.asarray(init(7, SHAPE)).view(np.uint8)
            got = init(jax.random.key(7) if name == "normal" else 7, SHAPE, out_sharding=sharding)
            ok = got.sharding == sharding and np.array_equal(np.asarray(got).view(np.uint8), want)
            # each device holds its own block, equal to the slice of the whole
            for shard in got.addressable_shards:
                ok &= np.array_equal(np.asarray(shard.data).view(np.uint8),
                                     np.ascontiguousarray(np.asarray(init(7, SHAPE))[shard.index]).view(np.uint8))
            results[f"{name} {mesh_shape} {spec}"] = bool(ok)
        with jax.set_mesh(mesh):  # a PartitionSpec with the mesh in context, and under jit
            got = wj.he_normal()(7, SHAPE, out_sharding=spec)
            jitted = jax.jit(lambda k: wj.he_normal()(k, SHAPE, out_sharding=spec))(jax.random.PRNGKey(7))
            want = np.asarray(wj.he_normal()(7, SHAPE))
            results[f"PartitionSpec {mesh_shape} {spec}"] = bool(np.array_equal(np.asarray(got), want))
            results[f"jit {mesh_shape} {spec}"] = bool(np.array_equal(np.asarray(jitted), want))
print(json.dumps(results))
