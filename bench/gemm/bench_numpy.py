#!/usr/bin/python3
"""bench_numpy.py: numpy/OpenBLAS sgemm GFLOP/s, the peer the C# Sgemm is measured against.

Prints median GFLOP/s over repeated runs for 256^3, 1024^3 and the RNN shapes, with 1 and 2 threads, and the
OpenBLAS core type it ran (threadpoolctl). Run it as the shell has it and with the OpenBLAS overrides removed:
    /usr/bin/python3 bench/gemm/bench_numpy.py
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/gemm/bench_numpy.py
Shapes are (M, N, K, transposed-A); the transposed-A case multiplies a stored (K, M) array's transpose.
"""
import json
import os
import sys
import time

import numpy as np

try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:  # apt-get install python3-threadpoolctl
    threadpool_info = threadpool_limits = None

SHAPES = [
    (256, 256, 256, False),
    (1024, 1024, 1024, False),
    (32, 2048, 512, False),      # recurrent forward step: h (B,H) . W_hh^T, H=512
    (32, 512, 2048, False),      # recurrent backward step: dG (B,4H) . W_hh
    (2048, 2048, 512, False),    # input projection over T*B = 2048 rows
    (2048, 512, 32 * 64, True),  # weight gradient: dG^T (over T*B rows) . X
]


def median_gflops(m, n, k, trans_a, seconds=1.0, min_reps=7):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((k, m) if trans_a else (m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    c = np.empty((m, n), dtype=np.float32)
    op_a = a.T if trans_a else a
    np.matmul(op_a, b, out=c)  # warm-up
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or time.perf_counter() - start < seconds:
        t0 = time.perf_counter()
        np.matmul(op_a, b, out=c)
        times.append(time.perf_counter() - t0)
        if len(times) > 2000:
            break
    times.sort()
    return 2.0 * m * n * k / times[len(times) // 2] / 1e9


def main():
    core = "unknown (threadpoolctl missing)"
    if threadpool_info is not None:
        info = [i for i in threadpool_info() if i.get("internal_api") == "openblas"]
        core = info[0].get("architecture", "?") if info else "no OpenBLAS found"
    print(f"numpy {np.__version__}; OpenBLAS core: {core}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')} "
          f"OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE')}")
    results = []
    for threads in (1, 2):
        for m, n, k, ta in SHAPES:
            if threadpool_limits is not None:
                with threadpool_limits(limits=threads, user_api="blas"):
                    g = median_gflops(m, n, k, ta)
            else:
                os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
                g = median_gflops(m, n, k, ta)
            results.append({"m": m, "n": n, "k": k, "transA": ta, "threads": threads, "gflops": round(g, 1)})
            print(f"threads={threads}  M={m:5d} N={n:5d} K={k:5d} {'A^T' if ta else 'A  '}  {g:8.1f} GFLOP/s", flush=True)
    if "--json" in sys.argv:
        print(json.dumps({"core": core, "results": results}))


if __name__ == "__main__":
    main()
