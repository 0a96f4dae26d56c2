#!/usr/bin/env python3
"""Checks ONNX files written by `rnn export --format onnx` with onnx.checker (Debian's python3-onnx).

  /usr/bin/python3 tools/interop/check_onnx.py            # exports every PyTorch interop fixture model
                                                         # (tests/Recurrent.Tests/Fixtures/interop: LSTM 2-layer
                                                         # bidirectional, GRU, RNN tanh/relu, dense last-step
                                                         # heads) and every case of activation_cases.json (softsign,
                                                         # hard-sigmoid: the `activations` attribute) with the
                                                         # built rnn and checks each file; the layer-normalised
                                                         # and Mogrifier fixtures must be refused instead (exit
                                                         # code 2, no file, a message naming --format pytorch)
  /usr/bin/python3 tools/interop/check_onnx.py A.onnx ...  # checks the given files

Each file gets onnx.checker.check_model(full_check=True) (structure, operator schemas at the model's opset,
and strict shape inference), and its operators and graph inputs/outputs are printed. Exit code 1 if any fails.
Needs the .NET SDK and a Release build (src/Recurrent.Cli/bin/Release/net10.0/rnn.dll) for the first form.
"""

import glob
import json
import os
import subprocess
import sys
import tempfile

import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.join(ROOT, "tests", "Recurrent.Tests", "Fixtures", "interop")
RNN_DLL = os.path.join(ROOT, "src", "Recurrent.Cli", "bin", "Release", "net10.0", "rnn.dll")


def rnn(*args):
    r = subprocess.run(["dotnet", RNN_DLL, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"rnn {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")


def dims(value_info):
    return "(" + ", ".join(d.dim_param or str(d.dim_value) for d in value_info.type.tensor_type.shape.dim) + ")"


def check(path):
    model = onnx.load(path)
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as e:  # onnx raises ValidationError or InferenceError
        print(f"FAIL {os.path.basename(path)}: {e}")
        return False
    ops = sorted({n.op_type for n in model.graph.node})
    ins = ", ".join(f"{i.name}{dims(i)}" for i in model.graph.input)
    outs = ", ".join(f"{o.name}{dims(o)}" for o in model.graph.output)
    print(f"ok   {os.path.basename(path)}: ir {model.ir_version}, opset {model.opset_import[0].version}, "
          f"ops {'/'.join(ops)}; in {ins}; out {outs}")
    return True


def structured(arch):
    with open(arch) as f:
        config = json.load(f)
    return config.get("LayerNorm", False) or config.get("MogrifierRounds", 0) > 0


def refused(name, model, onnx_path):
    """A layer-normalised or Mogrifier model: ONNX's LSTM/GRU cannot express it, so the export must refuse it cleanly."""
    r = subprocess.run(["dotnet", RNN_DLL, "export", model, "--format", "onnx", "--out", onnx_path], capture_output=True, text=True)
    ok = r.returncode == 2 and "--format pytorch" in r.stderr and not os.path.exists(onnx_path)
    print(f"{'ok  ' if ok else 'FAIL'} {name}: refused ({r.returncode}): {r.stderr.strip()[:120]}...")
    return ok


def main(paths):
    print(f"onnx {onnx.__version__}")
    if paths:
        return 0 if all([check(p) for p in paths]) else 1
    if not os.path.exists(RNN_DLL):
        raise SystemExit(f"{RNN_DLL} not found; build first with `dotnet build -c Release`")
    results = []
    with open(os.path.join(FIXTURES, "activation_cases.json")) as f:
        activation_cases = json.load(f)
    with tempfile.TemporaryDirectory() as work:
        cases = [(os.path.basename(a)[:-len(".arch.json")], None, None) for a in sorted(glob.glob(os.path.join(FIXTURES, "*.arch.json")))]
        cases += [(name, c["base"], {k: c[k] for k in ("Activation", "GateActivation")}) for name, c in activation_cases.items()]
        for name, base, activations in cases:
            base = base or name
            arch = os.path.join(FIXTURES, base + ".arch.json")
            if activations:
                with open(arch) as f:
                    config = json.load(f)
                config.update(activations)
                arch = os.path.join(work, name + ".arch.json")
                with open(arch, "w") as f:
                    json.dump(config, f)
            model = os.path.join(work, name + ".safetensors")
            rnn("import", os.path.join(FIXTURES, base + ".state_dict.safetensors"), "--config", arch, "--out", model)
            onnx_path = os.path.join(work, name + ".onnx")
            if structured(arch):
                results.append(refused(name, model, onnx_path))
                continue
            rnn("export", model, "--format", "onnx", "--out", onnx_path)
            results.append(check(onnx_path))
    print(f"{sum(results)} of {len(results)} cases pass (onnx.checker, or refused as they should be)")
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
