#!/usr/bin/env python3
"""Scaling of data-parallel training: the measured table (from bench/scaling.sh's JSON lines) and the cost model of
docs/distributed.md. Usage: bench/scaling_model.py results.jsonl [more.jsonl ...]

Model (no overlap of the allreduce with compute):
  step time      = compute(tokens per node) + allreduce
  allreduce      = 2(N-1)/N * 4P bytes / bandwidth + 2(N-1) * latency        (ring: reduce-scatter + all-gather)
  compute        = tokens per node per step / (one node's tokens/s)
  efficiency     = compute / (compute + allreduce)
A node is one of the measured single-thread ranks (the 1-thread tokens/s of L512 below); the 2x1024 LSTM's
tokens/s is L512's divided by the ratio of their training FLOPs per token.
"""
import json, statistics, sys

V = 65
LATENCY_S = 25e-6            # per message, TCP over Ethernet (assumed; the term is small next to the bandwidth one)
BANDWIDTHS = (10, 25, 100)   # Gb/s, taken as achievable (optimistic: TCP often reaches 80-90 % of the link)
NODES = (2, 4, 8, 16, 32, 64)

def lstm_params(E, H, L, V=V):
    p = V * E                                   # embedding
    for l in range(L):
        i = E if l == 0 else H
        p += 4 * H * (i + H) + 2 * 4 * H        # W_ih, W_hh, b_ih, b_hh
    return p + H * V + V                        # output layer

def lstm_flops_per_token(E, H, L, V=V):
    f = sum(2 * 4 * H * ((E if l == 0 else H) + H) for l in range(L)) + 2 * H * V
    return 3 * f                                # forward + backward (2x)

def allreduce_s(P, N, gbps, latency=LATENCY_S):
    return 2 * (N - 1) / N * 4 * P / (gbps * 1e9 / 8) + 2 * (N - 1) * latency

rows = [json.loads(l) for f in sys.argv[1:] for l in open(f) if l.strip()]
def med(xs): return statistics.median(xs) if xs else float("nan")
print("## Measured\n")
print("| config | P | 1 process, 2 threads | mpirun -np 2, 1 thread each | 1 process, 1 thread | np2 / 1p2t | np2 / 1p1t | allreduce ms/update (median of runs' medians; min) | load1 at runs |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
summary = {}
for c in ("L128", "L512", "G256", "R128"):
    rs = [r for r in rows if r["config"] == c and r.get("tokens_per_s")]
    if not rs: continue
    cell = {}
    for m in ("1p2t", "np2", "1p1t"):
        xs = [r["tokens_per_s"] for r in rs if r["mode"] == m]
        cell[m] = xs
    np2 = [r for r in rs if r["mode"] == "np2"]
    P = np2[0].get("params") if np2 else None
    ar_med = med([r["allreduce_median_ms"] for r in np2 if "allreduce_median_ms" in r])
    ar_min = min([r["allreduce_min_ms"] for r in np2 if "allreduce_min_ms" in r], default=float("nan"))
    loads = [r["load1"] for r in rs]
    fmt = lambda xs: f"{med(xs):,.0f} ({min(xs):,.0f}–{max(xs):,.0f}, n={len(xs)})" if xs else "–"
    summary[c] = dict(P=P, m={k: med(v) for k, v in cell.items()}, ar_med=ar_med, ar_min=ar_min)
    print(f"| {c} | {P:,} | {fmt(cell['1p2t'])} | {fmt(cell['np2'])} | {fmt(cell['1p1t'])} | "
          f"{med(cell['np2'])/med(cell['1p2t']):.2f} | {med(cell['np2'])/med(cell['1p1t']):.2f} | {ar_med:.2f}; {ar_min:.2f} | "
          f"{min(loads):.1f}–{max(loads):.1f} |")

shapes = {"L128": (50, 50), "L512": (32, 64), "G256": (32, 64), "R128": (50, 25)}
print("\n## Check of the model at N = 2 on this machine (shared memory)\n")
print("| config | tokens/step | 1-thread tok/s | compute per rank (B/2) ms | allreduce ms (median; min) | predicted np2 tok/s (median; min) | measured np2 | measured/predicted (median) | predicted if the ranks share one core | measured/that | effective bandwidth from min, GB/s |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for c, s in summary.items():
    B, T = shapes[c]
    tok = B * T
    comp = tok / 2 / s["m"]["1p1t"]
    pm = tok / (comp + s["ar_med"] / 1e3)
    pn = tok / (comp + s["ar_min"] / 1e3)
    p1 = tok / (tok / s["m"]["1p1t"] + s["ar_med"] / 1e3)
    bw = 2 * (1 / 2) * 4 * s["P"] / (s["ar_min"] / 1e3) / 1e9
    print(f"| {c} | {tok:,} | {s['m']['1p1t']:,.0f} | {comp*1e3:.1f} | {s['ar_med']:.2f}; {s['ar_min']:.2f} | {pm:,.0f}; {pn:,.0f} | "
          f"{s['m']['np2']:,.0f} | {s['m']['np2']/pm:.2f} | {p1:,.0f} | {s['m']['np2']/p1:.2f} | {bw:.1f} |")

if "L512" not in summary: sys.exit()
P512 = lstm_params(512, 512, 2); P1024 = lstm_params(1024, 1024, 2)
assert summary["L512"]["P"] in (None, P512), (summary["L512"]["P"], P512)
ratio = lstm_flops_per_token(1024, 1024, 2) / lstm_flops_per_token(512, 512, 2)
tps512 = summary["L512"]["m"]["1p1t"]
models = {"L512": (P512, tps512), "2×1024 LSTM": (P1024, tps512 / ratio)}
print(f"\n## Model\n\nP(L512) = {P512:,} ({4*P512/1e6:.1f} MB of gradient); P(2×1024 LSTM, embedding 1024) = {P1024:,} "
      f"({4*P1024/1e6:.1f} MB); training FLOPs per token {lstm_flops_per_token(512,512,2)/1e6:.1f} M and "
      f"{lstm_flops_per_token(1024,1024,2)/1e6:.1f} M (ratio {ratio:.2f}); node throughput {tps512:,.0f} and {tps512/ratio:,.0f} tokens/s.\n")
T = 64
print("Allreduce time per update, ms (ring; 2(N−1)/N·4P/bandwidth + 2(N−1)·25 µs):\n")
print("| N | " + " | ".join(f"{m} {g} Gb/s" for m in models for g in BANDWIDTHS) + " |\n| --- |" + " --- |" * 6)
for N in NODES:
    print(f"| {N} | " + " | ".join(f"{allreduce_s(P, N, g)*1e3:.1f}" for m, (P, _) in models.items() for g in BANDWIDTHS) + " |")
QUIET_2CORE_L512 = 13745.0   # docs/performance.md: L512 training, 2 threads, on the AVX-512 host of 2026-11-27, quiet
for node, scale in ((f"the measured 1-thread throughput ({tps512:,.0f} tok/s for L512)", 1.0),
                    (f"a node as fast as the 2-core AVX-512 host of docs/performance.md ({QUIET_2CORE_L512:,.0f} tok/s for L512)", QUIET_2CORE_L512 / tps512)):
    for title, per_node in (("strong scaling, a fixed global batch of 256 streams × 64 steps (16,384 tokens per update, 256/N streams per node)", None),
                            ("weak scaling, every node keeps 32 streams × 64 steps (2,048 tokens per node per update; the global batch grows with N)", 32 * T)):
        print(f"\n#### Node = {node}; {title}\n")
        print("| N | " + " | ".join(f"{m} {g} Gb/s" for m in models for g in BANDWIDTHS) + " | compute ms/update (L512; 2×1024) |\n| --- |" + " --- |" * 7)
        for N in NODES:
            cells, comps = [], []
            for m, (P, tps) in models.items():
                tokens = per_node if per_node else 256 * T / N
                comp = tokens / (tps * scale)
                comps.append(f"{comp*1e3:.0f}")
                for g in BANDWIDTHS:
                    a = allreduce_s(P, N, g)
                    cells.append(f"{comp/(comp+a):.0%}")
            print(f"| {N} | " + " | ".join(cells) + f" | {'; '.join(comps)} |")
