#!/usr/bin/env python3
"""Side-by-side speed comparison: Recurrent (`rnn bench --json`) vs PyTorch
(../shared/reference/pytorch_charrnn_speed.py) on the standard configurations, in one run, interleaved
per repetition so both see the same machine noise. Prints medians and our/PyTorch ratios.

usage: /usr/bin/python3 bench/compare_pytorch.py [--repetitions 3] [--configs L128 L512 G256 R128]
needs: dotnet (builds src/Recurrent.Cli in Release) and Debian's PyTorch
       (apt-get install -y python3-torch python3-numpy libopenblas0-pthread).
"""
import argparse, json, os, re, statistics, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = os.path.join(ROOT, "..", "shared", "reference", "pytorch_charrnn_speed.py")
CONFIGS = {  # name: (cell, hidden, layers, batch, seqlen), vocab 65, as in the issue
    "L128": ("lstm", 128, 2, 50, 50),
    "L512": ("lstm", 512, 2, 32, 64),
    "G256": ("gru", 256, 2, 32, 64),
    "R128": ("rnn", 128, 1, 50, 25),
}
TORCH_STEPS = {"L128": 10, "L512": 4, "G256": 6, "R128": 200}  # both sides time this many steps; R128 steps take ~5 ms, and 20 of them gave PyTorch an 8x spread


def ours(name, steps):
    out = subprocess.run(["dotnet", os.path.join(ROOT, "src/Recurrent.Cli/bin/Release/net10.0/rnn.dll"), "bench",
                          "--json", "--config", name, "--repetitions", "1", "--steps", str(steps)],
                         check=True, capture_output=True, text=True).stdout
    row = json.loads(out.strip().splitlines()[-1])[0]
    return row["train_tokens_per_s"], row["sample_tokens_per_s"]


def torch(name):
    cell, h, l, b, t = CONFIGS[name]
    out = subprocess.run(["/usr/bin/python3", REFERENCE, cell, str(h), str(l), str(b), str(t), "65", str(TORCH_STEPS[name])],
                         check=True, capture_output=True, text=True).stdout
    train = float(re.search(r"train .*: ([0-9.]+) tok/s", out).group(1))
    sample = float(re.search(r"sample .*: ([0-9.]+) tok/s", out).group(1))
    return train, sample


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repetitions", type=int, default=3)
    ap.add_argument("--configs", nargs="*", default=list(CONFIGS))
    args = ap.parse_args()
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "src/Recurrent.Cli"), "-c", "Release", "-v", "q", "-nologo"],
                   check=True, stdout=subprocess.DEVNULL)
    runs = {n: {"ours": [], "torch": []} for n in args.configs}
    for rep in range(args.repetitions):
        for n in args.configs:
            runs[n]["ours"].append(ours(n, max(2, TORCH_STEPS[n])))
            runs[n]["torch"].append(torch(n))
            print(f"rep {rep + 1}/{args.repetitions} {n}: ours {runs[n]['ours'][-1]}, torch {runs[n]['torch'][-1]}", file=sys.stderr)
    print(f"{'config':<6} {'train ours':>11} {'train torch':>12} {'ratio':>6}   {'sample ours':>12} {'sample torch':>13} {'ratio':>6}")
    for n in args.configs:
        to = statistics.median(r[0] for r in runs[n]["ours"]); tt = statistics.median(r[0] for r in runs[n]["torch"])
        so = statistics.median(r[1] for r in runs[n]["ours"]); st = statistics.median(r[1] for r in runs[n]["torch"])
        print(f"{n:<6} {to:>11.0f} {tt:>12.0f} {to / tt:>5.2f}x   {so:>12.0f} {st:>13.0f} {so / st:>5.2f}x")
    print(f"(medians of {args.repetitions} interleaved repetitions; tokens/s; PyTorch {torch_version()} with {os.cpu_count()} threads)")


def torch_version():
    return subprocess.run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
