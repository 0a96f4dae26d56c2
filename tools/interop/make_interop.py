#!/usr/bin/env python3
"""PyTorch interop fixtures and the check of `rnn export --format pytorch`.

What it does
------------
1. Fixtures (PyTorch -> Recurrent). For each case below it builds a torch module (nn.Embedding / one-hot /
   dense input -> nn.LSTM / nn.GRU / nn.RNN -> nn.Linear per step or on the last step) with torch's own
   initialisation from a fixed seed, runs it on a fixed input and initial state, and writes to
   tests/Recurrent.Tests/Fixtures/interop/:
     <case>.state_dict.safetensors   model.state_dict() in safetensors layout (written here with json+struct)
     <case>.arch.json                the architecture as `rnn import --config` reads it
     <case>.io.safetensors           input, initial_h, initial_c (LSTM), output, final_h, final_c (LSTM)
   The xunit test PyTorchImportTests loads each state_dict through Recurrent's import path and matches
   the outputs.
2. Export check (Recurrent -> PyTorch). For each case it runs the built CLI:
     rnn import <case>.state_dict.safetensors --config <case>.arch.json --out model.safetensors
     rnn export model.safetensors --format pytorch --out DIR
   then runs DIR/model.py (the snippet rnn wrote) with this python, which loads DIR/model.safetensors into
   torch.nn modules with load_state_dict(strict=True) and compares with Recurrent's outputs in
   DIR/example.safetensors. Every difference must be <= 1e-5.
   The result is recorded in Fixtures/interop/pytorch_export_record.json with the SHA-256 of each exported
   model.py / model.safetensors / config.json; the xunit test PyTorchExportRecordTests re-exports and fails
   when the files differ from the recorded ones (then rerun this script).
3. Activation check. torch.nn has no softsign or hard-sigmoid cells, so for each case of
   Fixtures/interop/activation_cases.json (a fixture's weights with other activations) it imports the fixture with
   its architecture plus "Activation"/"GateActivation", exports it for PyTorch — model.py then defines the
   step-by-step ActivatedRecurrent module — and runs that model.py against Recurrent's outputs in the same way.
   Recorded under "activation_cases" in the same record file.

How to run
----------
  dotnet build -c Release                          # builds src/Recurrent.Cli/bin/Release/net10.0/rnn.dll
  /usr/bin/python3 tools/interop/make_interop.py          # writes fixtures + record
  /usr/bin/python3 tools/interop/make_interop.py --check  # only step 2, into a temp dir; writes nothing
Exit code 1 when any difference exceeds 1e-5. Needs Debian's python3-torch (1.13) and the .NET SDK.
"""

import argparse
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.join(ROOT, "tests", "Recurrent.Tests", "Fixtures", "interop")
RECORD = os.path.join(FIXTURES, "pytorch_export_record.json")
ACTIVATION_CASES = os.path.join(FIXTURES, "activation_cases.json")
RNN_DLL = os.path.join(ROOT, "src", "Recurrent.Cli", "bin", "Release", "net10.0", "rnn.dll")
TOLERANCE = 1e-5
T, B = 6, 3

# name: (input kind, input size, embedding size, cell, hidden, layers, bidirectional, head, output size, seed)
CASES = {
    "lstm_2layer_bidir_embedding": ("Embedding", 11, 6, "Lstm", 7, 2, True, "PerStep", 11, 101),
    "gru_2layer_embedding": ("Embedding", 11, 6, "Gru", 7, 2, False, "PerStep", 11, 102),
    "rnn_tanh_embedding": ("Embedding", 11, 5, "RnnTanh", 8, 1, False, "PerStep", 11, 103),
    "rnn_relu_onehot": ("OneHot", 9, 0, "RnnRelu", 6, 1, False, "PerStep", 9, 104),
    "lstm_bidir_dense_laststep": ("Dense", 4, 0, "Lstm", 5, 1, True, "LastStep", 3, 105),
    "gru_2layer_bidir_dense_laststep": ("Dense", 4, 0, "Gru", 5, 2, True, "LastStep", 2, 106),
}


class Twin(nn.Module):
    """The torch model a Recurrent SequenceModel is meant to equal (written here independently of model.py)."""

    def __init__(self, kind, size, emb, cell, hidden, layers, bidir, head, out):
        super().__init__()
        self.kind, self.size, self.head_kind, self.hidden = kind, size, head, hidden
        features = size
        if kind == "Embedding":
            self.embedding = nn.Embedding(size, emb)
            features = emb
        module = {"Lstm": nn.LSTM, "Gru": nn.GRU}.get(cell)
        if module is not None:
            self.rnn = module(features, hidden, num_layers=layers, bidirectional=bidir)
        else:
            self.rnn = nn.RNN(features, hidden, num_layers=layers, bidirectional=bidir,
                              nonlinearity="relu" if cell == "RnnRelu" else "tanh")
        self.head = nn.Linear(hidden * (2 if bidir else 1), out)

    def forward(self, x, state):
        if self.kind == "Embedding":
            x = self.embedding(x)
        elif self.kind == "OneHot":
            x = torch.eye(self.size)[x]
        y, state = self.rnn(x, state)
        if self.head_kind == "LastStep":
            # h_n of the top layer: forward direction after step T-1, reverse direction after step 0.
            n = self.rnn.num_layers * (2 if self.rnn.bidirectional else 1)
            h_n = state[0] if isinstance(state, tuple) else state
            y = torch.cat([h_n[i] for i in range(n - (2 if self.rnn.bidirectional else 1), n)], dim=1)
        return self.head(y), state


def write_safetensors(path, tensors):
    """Writes float32 tensors in safetensors layout (8-byte LE header length, JSON header, raw LE data)."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def make_fixture(name, case):
    kind, size, emb, cell, hidden, layers, bidir, head, out, seed = case
    torch.manual_seed(seed)
    model = Twin(kind, size, emb, cell, hidden, layers, bidir, head, out).eval()
    if kind == "Dense":
        x = torch.randn(T, B, size)
    else:
        x = torch.randint(0, size, (T, B))
    n = layers * (2 if bidir else 1)
    h0 = 0.5 * torch.randn(n, B, hidden)
    c0 = 0.5 * torch.randn(n, B, hidden)
    with torch.no_grad():
        output, state = model(x, (h0, c0) if cell == "Lstm" else h0)
    io = {"input": x.float(), "initial_h": h0}
    if cell == "Lstm":
        io["initial_c"] = c0
    io["output"] = output
    io["final_h"] = state[0] if cell == "Lstm" else state
    if cell == "Lstm":
        io["final_c"] = state[1]
    write_safetensors(os.path.join(FIXTURES, f"{name}.state_dict.safetensors"), model.state_dict())
    write_safetensors(os.path.join(FIXTURES, f"{name}.io.safetensors"), io)
    arch = {"Input": kind, "InputSize": size, "EmbeddingSize": emb, "Cell": cell, "HiddenSize": hidden,
            "Layers": layers, "Bidirectional": bidir, "Head": head, "OutputSize": out}
    with open(os.path.join(FIXTURES, f"{name}.arch.json"), "w") as f:
        json.dump(arch, f, indent=2)
        f.write("\n")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def rnn(*args):
    r = subprocess.run(["dotnet", RNN_DLL, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"rnn {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")


def check_export(name, work, base=None, activations=None):
    """Imports the fixture (`base`, default `name`) with rnn — with `activations` added to its architecture when given —,
    exports it for PyTorch, runs the written model.py; returns its record."""
    base = base or name
    model = os.path.join(work, f"{name}.safetensors")
    out = os.path.join(work, name)
    arch = os.path.join(FIXTURES, f"{base}.arch.json")
    if activations:
        with open(arch) as f:
            config = json.load(f)
        config.update(activations)
        arch = os.path.join(work, f"{name}.arch.json")
        with open(arch, "w") as f:
            json.dump(config, f, indent=2)
    rnn("import", os.path.join(FIXTURES, f"{base}.state_dict.safetensors"), "--config", arch, "--out", model)
    rnn("export", model, "--format", "pytorch", "--out", out)
    r = subprocess.run([sys.executable, os.path.join(out, "model.py")], capture_output=True, text=True)
    line = next((l for l in r.stdout.splitlines() if l.startswith('{"max_abs_diff"')), None)
    if line is None:
        raise SystemExit(f"{name}: model.py printed no result (exit {r.returncode}):\n{r.stdout}\n{r.stderr}")
    diffs = json.loads(line)["max_abs_diff"]
    return {
        "max_abs_diff": diffs,
        "passed": r.returncode == 0 and max(diffs.values()) <= TOLERANCE,
        "sha256": {f: sha256(os.path.join(out, f)) for f in ("model.py", "model.safetensors", "config.json")},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only run the export check; write nothing in the repo")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if not args.check:
        os.makedirs(FIXTURES, exist_ok=True)
        for name, case in CASES.items():
            make_fixture(name, case)
        print(f"wrote {len(CASES)} fixtures to {os.path.relpath(FIXTURES, ROOT)}")
    if not os.path.exists(RNN_DLL):
        raise SystemExit(f"{RNN_DLL} not found; build first with `dotnet build -c Release`")
    results, activation_results = {}, {}
    with open(ACTIVATION_CASES) as f:
        activation_cases = json.load(f)
    with tempfile.TemporaryDirectory() as work:
        for name in CASES:
            results[name] = check_export(name, work)
            worst = max(results[name]["max_abs_diff"].values())
            print(f"{name:34s} torch vs Recurrent max abs diff {worst:.3e}  {'ok' if results[name]['passed'] else 'FAIL'}")
        for name, case in activation_cases.items():
            acts = {k: case[k] for k in ("Activation", "GateActivation")}
            activation_results[name] = dict(check_export(name, work, case["base"], acts), base=case["base"], **acts)
            worst = max(activation_results[name]["max_abs_diff"].values())
            print(f"{name:34s} torch vs Recurrent max abs diff {worst:.3e}  {'ok' if activation_results[name]['passed'] else 'FAIL'}")
    worst = max(max(r["max_abs_diff"].values()) for r in [*results.values(), *activation_results.values()])
    print(f"largest difference over all cases: {worst:.3e} (tolerance {TOLERANCE:g}); torch {torch.__version__}")
    if not args.check:
        record = {"tolerance": TOLERANCE, "torch": torch.__version__, "cases": results, "activation_cases": activation_results}
        with open(RECORD, "w") as f:
            json.dump(record, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"wrote {os.path.relpath(RECORD, ROOT)}")
    failed = [n for n, r in [*results.items(), *activation_results.items()] if not r["passed"]]
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
