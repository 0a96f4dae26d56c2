#!/usr/bin/python3
"""compare.py: runs the C# Sgemm benchmark (AVX-512 and AVX2 kernels) and the numpy/OpenBLAS peer (as this shell
sets OpenBLAS up, and with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed) interleaved, several rounds, and prints
a table of per-cell medians with our/numpy ratios. The machine is shared and noisy: interleaving rounds keeps a
slow minute from favouring one side.
    /usr/bin/python3 bench/gemm/compare.py [rounds]
"""
import os
import re
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "bench", "gemm")
LINE = re.compile(r"threads=(\d)\s+M=\s*(\d+) N=\s*(\d+) K=\s*(\d+) (A\^T|A  )\s+([\d.]+) GFLOP/s")

CONFIGS = {
    "ours AVX-512": (["dotnet", "run", "-c", "Release", os.path.join(HERE, "bench_sgemm.cs")], {}, []),
    "ours AVX2": (["dotnet", "run", "-c", "Release", os.path.join(HERE, "bench_sgemm.cs")], {"DOTNET_EnableAVX512": "0"}, []),
    "numpy (shell: Haswell)": (["/usr/bin/python3", os.path.join(HERE, "bench_numpy.py")], {}, []),
    "numpy (unset: auto)": (["/usr/bin/python3", os.path.join(HERE, "bench_numpy.py")], {}, ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]),
}


def run(name):
    cmd, extra, unset = CONFIGS[name]
    env = dict(os.environ)
    env.update(extra)
    for key in unset:
        env.pop(key, None)
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    header = out.splitlines()[0]
    cells = {}
    for m in LINE.finditer(out):
        cells[(int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4)), m.group(5).strip())] = float(m.group(6))
    return header, cells


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    samples = {name: {} for name in CONFIGS}
    headers = {}
    for r in range(rounds):
        for name in CONFIGS:
            header, cells = run(name)
            headers[name] = header
            for key, value in cells.items():
                samples[name].setdefault(key, []).append(value)
            print(f"round {r + 1}/{rounds}: {name} done", file=sys.stderr, flush=True)
    for name in CONFIGS:
        print(f"{name}: {headers[name]}")
    keys = sorted(samples["ours AVX-512"], key=lambda k: (k[0], list(samples["ours AVX-512"]).index(k)))
    med = {name: {k: statistics.median(v) for k, v in samples[name].items()} for name in CONFIGS}
    print()
    print("| threads | M×N×K | ours AVX-512 | ours AVX2 | numpy Haswell | numpy auto | AVX-512/auto | AVX-512/Haswell | AVX2/Haswell |")
    print("|---|---|---|---|---|---|---|---|---|")
    for k in keys:
        t, m, n, kk, ta = k
        a512, a2 = med["ours AVX-512"][k], med["ours AVX2"][k]
        hw, auto = med["numpy (shell: Haswell)"].get(k, float("nan")), med["numpy (unset: auto)"].get(k, float("nan"))
        shape = f"{m}×{n}×{kk}{' Aᵀ' if ta == 'A^T' else ''}"
        print(f"| {t} | {shape} | {a512:.1f} | {a2:.1f} | {hw:.1f} | {auto:.1f} | {a512 / auto:.2f} | {a512 / hw:.2f} | {a2 / hw:.2f} |")
    print()
    for name in ("ours AVX-512", "ours AVX2", "numpy (unset: auto)", "numpy (shell: Haswell)"):
        one, two = med[name].get((1, 1024, 1024, 1024, "A")), med[name].get((2, 1024, 1024, 1024, "A"))
        if one and two:
            print(f"{name}: 1024³ two threads / one thread = {two / one:.2f}")


if __name__ == "__main__":
    main()
