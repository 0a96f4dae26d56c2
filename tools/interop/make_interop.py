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
   step-by-step StepRecurrent module (structures off) — and runs that model.py against Recurrent's outputs in the same way.
   Recorded under "activation_cases" in the same record file.
4. Cell structures. The cases of STRUCTURED_CASES are layer-normalised LSTM/GRU and Mogrifier LSTM (full rank and
   rank K) models: their fixtures come from StructuredTwin below (the math of the layer-normalised and Mogrifier cells,
   written here independently of model.py), their arch.json carries "LayerNorm" / "MogrifierRounds" /
   "MogrifierRank", and their export check runs the same StepRecurrent module of model.py, structure on. They are
   recorded under "cases" like the others (activation_cases.json has structured bases too).

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

# Layer-normalised and Mogrifier cells: the same tuple plus the architecture's structure settings.
STRUCTURED_CASES = {
    "layernorm_lstm_2layer_bidir_embedding": ("Embedding", 11, 6, "Lstm", 7, 2, True, "PerStep", 11, 201, {"LayerNorm": True}),
    "layernorm_gru_onehot": ("OneHot", 9, 0, "Gru", 6, 1, False, "PerStep", 9, 202, {"LayerNorm": True}),
    "layernorm_gru_2layer_bidir_dense_laststep": ("Dense", 4, 0, "Gru", 5, 2, True, "LastStep", 2, 203, {"LayerNorm": True}),
    "mogrifier_lstm_2layer_embedding": ("Embedding", 11, 6, "Lstm", 7, 2, False, "PerStep", 11, 204, {"MogrifierRounds": 5}),
    "mogrifier_rank2_lstm_bidir_dense_laststep": ("Dense", 4, 0, "Lstm", 5, 1, True, "LastStep", 3, 205,
                                                  {"MogrifierRounds": 4, "MogrifierRank": 2}),
}


class StructuredCore(nn.Module):
    """Layer-normalised LSTM/GRU (Ba et al. 2016) or Mogrifier LSTM (Melis et al. 2019) over (T, B, I), with the
    parameters of Recurrent's state_dict (weight_ih_l0, ..., ln_ih_weight_l0, ln_cell_bias_l0, mogrifier_1_l0,
    mogrifier_1_a_l0, ..._reverse) and nn.LSTM's state layout. LN(v) = (v - mean) / sqrt(biased var + 1e-5)."""

    def __init__(self, cell, features, hidden, layers, bidir, layer_norm, rounds, rank):
        super().__init__()
        self.lstm, self.hidden, self.layers, self.dirs = cell == "Lstm", hidden, layers, 2 if bidir else 1
        self.layer_norm, self.rounds, self.rank = layer_norm, rounds, rank
        gh, k = (4 if self.lstm else 3) * hidden, hidden ** -0.5

        def add(name, shape, low, high):
            self.register_parameter(name, nn.Parameter(torch.empty(shape).uniform_(low, high)))

        for layer in range(layers):
            size = features if layer == 0 else self.dirs * hidden
            for d in range(self.dirs):
                sfx = self.sfx(layer, d)
                add("weight_ih" + sfx, (gh, size), -k, k)
                add("weight_hh" + sfx, (gh, hidden), -k, k)
                add("bias_ih" + sfx, (gh,), -k, k)
                add("bias_hh" + sfx, (gh,), -k, k)
                if layer_norm:
                    add("ln_ih_weight" + sfx, (gh,), 0.5, 1.5)
                    add("ln_hh_weight" + sfx, (gh,), 0.5, 1.5)
                    if self.lstm:
                        add("ln_cell_weight" + sfx, (hidden,), 0.5, 1.5)
                        add("ln_cell_bias" + sfx, (hidden,), -0.5, 0.5)
                for j in range(1, rounds + 1):
                    rows, cols = (size, hidden) if j % 2 else (hidden, size)
                    if rank:
                        add(f"mogrifier_{j}_a" + sfx, (rows, rank), -0.5, 0.5)
                        add(f"mogrifier_{j}_b" + sfx, (rank, cols), -0.5, 0.5)
                    else:
                        add(f"mogrifier_{j}" + sfx, (rows, cols), -0.5, 0.5)

    @staticmethod
    def sfx(layer, d):
        return f"_l{layer}" + ("_reverse" if d else "")

    @staticmethod
    def ln(v):
        mean = v.mean(dim=-1, keepdim=True)
        var = ((v - mean) ** 2).mean(dim=-1, keepdim=True)
        return (v - mean) / torch.sqrt(var + 1e-5)

    def cell(self, p, x, h, c):
        F = nn.functional
        for j in range(1, self.rounds + 1):
            q = p[f"mogrifier_{j}_a"] @ p[f"mogrifier_{j}_b"] if self.rank else p[f"mogrifier_{j}"]
            if j % 2:
                x = 2 * torch.sigmoid(F.linear(h, q)) * x
            else:
                h = 2 * torch.sigmoid(F.linear(x, q)) * h
        a, b = F.linear(x, p["weight_ih"]), F.linear(h, p["weight_hh"])
        if self.layer_norm:
            a, b = p["ln_ih_weight"] * self.ln(a), p["ln_hh_weight"] * self.ln(b)
        a, b = a + p["bias_ih"], b + p["bias_hh"]
        H = self.hidden
        if not self.lstm:
            r = torch.sigmoid(a[:, :H] + b[:, :H])
            z = torch.sigmoid(a[:, H:2 * H] + b[:, H:2 * H])
            n = torch.tanh(a[:, 2 * H:] + r * b[:, 2 * H:])
            return (1 - z) * n + z * h, None
        pre = a + b
        i, f = torch.sigmoid(pre[:, :H]), torch.sigmoid(pre[:, H:2 * H])
        g, o = torch.tanh(pre[:, 2 * H:3 * H]), torch.sigmoid(pre[:, 3 * H:])
        c = f * c + i * g
        u = p["ln_cell_weight"] * self.ln(c) + p["ln_cell_bias"] if self.layer_norm else c
        return o * torch.tanh(u), c

    def forward(self, x, state):
        h0, c0 = state if self.lstm else (state, None)
        hs, cs = [], []
        for layer in range(self.layers):
            outs = []
            for d in range(self.dirs):
                sfx = self.sfx(layer, d)
                p = {n[:-len(sfx)]: v for n, v in self.named_parameters() if n.endswith(sfx) and (d or not n.endswith("_reverse"))}
                i = layer * self.dirs + d
                h, c = h0[i], c0[i] if self.lstm else None
                ys = {}
                for t in (reversed(range(x.shape[0])) if d else range(x.shape[0])):
                    h, c = self.cell(p, x[t], h, c)
                    ys[t] = h
                outs.append(torch.stack([ys[t] for t in range(x.shape[0])]))
                hs.append(h)
                cs.append(c)
            x = torch.cat(outs, dim=2)
        h_n = torch.stack(hs)
        return x, ((h_n, torch.stack(cs)) if self.lstm else h_n)


class Twin(nn.Module):
    """The torch model a Recurrent SequenceModel is meant to equal (written here independently of model.py)."""

    def __init__(self, kind, size, emb, cell, hidden, layers, bidir, head, out, structure=None):
        super().__init__()
        self.kind, self.size, self.head_kind, self.hidden, self.layers = kind, size, head, hidden, layers
        features = size
        if kind == "Embedding":
            self.embedding = nn.Embedding(size, emb)
            features = emb
        module = {"Lstm": nn.LSTM, "Gru": nn.GRU}.get(cell)
        if structure:
            self.rnn = StructuredCore(cell, features, hidden, layers, bidir, structure.get("LayerNorm", False),
                                      structure.get("MogrifierRounds", 0), structure.get("MogrifierRank", 0))
        elif module is not None:
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
            h_n = state[0] if isinstance(state, tuple) else state
            dirs = h_n.shape[0] // self.layers
            y = torch.cat([h_n[i] for i in range(h_n.shape[0] - dirs, h_n.shape[0])], dim=1)
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
    kind, size, emb, cell, hidden, layers, bidir, head, out, seed, *structure = case
    structure = structure[0] if structure else {}
    torch.manual_seed(seed)
    model = Twin(kind, size, emb, cell, hidden, layers, bidir, head, out, structure).eval()
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
            "Layers": layers, "Bidirectional": bidir, "Head": head, "OutputSize": out, **structure}
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
        for name, case in {**CASES, **STRUCTURED_CASES}.items():
            make_fixture(name, case)
        print(f"wrote {len(CASES) + len(STRUCTURED_CASES)} fixtures to {os.path.relpath(FIXTURES, ROOT)}")
    if not os.path.exists(RNN_DLL):
        raise SystemExit(f"{RNN_DLL} not found; build first with `dotnet build -c Release`")
    results, activation_results = {}, {}
    with open(ACTIVATION_CASES) as f:
        activation_cases = json.load(f)
    with tempfile.TemporaryDirectory() as work:
        for name in [*CASES, *STRUCTURED_CASES]:
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
