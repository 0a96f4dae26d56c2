#!/usr/bin/env bash
# Must-show check for packaging: `dotnet pack -c Release` makes the Recurrent library package, the Recurrent.Chinese
# package (the jieba tokenizer, its dictionary inside the assembly), the Recurrent.ML package (ML.NET trainers) and
# the Recurrent.Cli dotnet-tool package; the
# tool is installed from that folder into a temporary tool path and runs `rnn --help`, a tiny train / sample /
# report, jieba's cut of a sentence and a tiny Chinese word-level run; a temporary console project outside the
# repository references the library packages from the folder (nuget.config: the pack folder plus the normal
# source), uses the fluent API, trains a few steps with callbacks, streams generated text, segments Chinese and
# samples the tool's jieba model; a second one with only the Recurrent package gets the error that names the
# package to add; a third references the Recurrent.ML package and fits Recurrent's trainer in an ML.NET pipeline
# (Microsoft.ML restored from the feed). The first two find jieba's data with no copying: XDG_DATA_HOME points at an empty folder, so the data
# is extracted anew from the installed assemblies.
# After packing, NuGet's global packages folder is a temporary one (the usual one is read as a local source), so a package
# cached by an earlier run can never stand in for the one just packed. Exit code 0 when everything passed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start=$(date +%s)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
version=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' src/Recurrent/Recurrent.csproj)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pack="$work/pack" tools="$work/tools"
usual_cache=${NUGET_PACKAGES:-$HOME/.nuget/packages}
# .NET's LocalApplicationData is $XDG_DATA_HOME on Linux: the Chinese runs below use an empty one, so jieba's data is
# extracted afresh from the installed assemblies.
fresh_data() { XDG_DATA_HOME="$work/xdg" "$@"; }
jieba_data="$work/xdg/Recurrent/jieba.NET-0.42.2"
step() { echo "packaging: $* ($(( $(date +%s) - start ))s)"; }
fail() { echo "packaging: FAILED — $*"; exit 1; }

# (Pipelines into grep read all of the input, not grep -q: an early exit would fail the writer under pipefail.)
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local-pack" value="$pack" />
$( [ -d "$usual_cache" ] && echo "    <add key=\"usual-cache\" value=\"$usual_cache\" />" )
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
  </packageSources>
</configuration>
XML

step "dotnet pack -c Release (library, Recurrent.Chinese, Recurrent.ML and tool)"
# Build once (incremental; the tool project builds the library too), then pack the projects from that build.
for project in src/Recurrent.Cli src/Recurrent.ML; do
  dotnet build "$project" -c Release --nologo -v quiet >>"$work/pack.log" 2>&1 || { tail -20 "$work/pack.log"; fail "dotnet build $project"; }
done
for project in src/Recurrent src/Recurrent.Chinese src/Recurrent.ML src/Recurrent.Cli; do
  dotnet pack "$project" -c Release --no-build -o "$pack" --nologo -v quiet >>"$work/pack.log" 2>&1 || { tail -20 "$work/pack.log"; fail "dotnet pack $project"; }
done
# From here on NuGet extracts into a temporary global packages folder (the pack above used the usual one).
export NUGET_PACKAGES="$work/nuget-packages"
for p in "Recurrent.$version.nupkg" "Recurrent.Chinese.$version.nupkg" "Recurrent.ML.$version.nupkg" "Recurrent.Cli.$version.nupkg"; do [ -f "$pack/$p" ] || fail "no $p in $(ls "$pack")"; done
unzip -p "$pack/Recurrent.Chinese.$version.nupkg" Recurrent.Chinese.nuspec | grep 'id="jieba.NET"' >/dev/null || fail "Recurrent.Chinese does not depend on jieba.NET"
unzip -p "$pack/Recurrent.Chinese.$version.nupkg" Recurrent.Chinese.nuspec | grep 'id="Recurrent"' >/dev/null || fail "Recurrent.Chinese does not depend on Recurrent"
unzip -p "$pack/Recurrent.$version.nupkg" Recurrent.nuspec | grep -i 'jieba' >/dev/null && fail "the core package depends on jieba"
unzip -p "$pack/Recurrent.ML.$version.nupkg" Recurrent.ML.nuspec | grep 'id="Microsoft.ML" version="6.0.0"' >/dev/null || fail "Recurrent.ML does not depend on Microsoft.ML 6.0.0"
unzip -p "$pack/Recurrent.ML.$version.nupkg" Recurrent.ML.nuspec | grep 'id="Recurrent"' >/dev/null || fail "Recurrent.ML does not depend on Recurrent"
unzip -p "$pack/Recurrent.$version.nupkg" Recurrent.nuspec | grep -i 'Microsoft.ML"' >/dev/null && fail "the core package depends on ML.NET"
[ "$(unzip -p "$pack/Recurrent.Chinese.$version.nupkg" lib/net10.0/Recurrent.Chinese.dll | wc -c)" -gt 6000000 ] || fail "Recurrent.Chinese.dll does not carry jieba's dictionary"
unzip -l "$pack/Recurrent.$version.nupkg" | grep 'lib/net10.0/Recurrent.xml' >/dev/null || fail "the library package has no XML docs"
unzip -l "$pack/Recurrent.$version.nupkg" | grep ' README.md' >/dev/null || fail "the library package has no readme"
unzip -p "$pack/Recurrent.$version.nupkg" Recurrent.nuspec | grep '<license type="expression">' >/dev/null || fail "the library package has no license expression"

step "dotnet tool install --tool-path (from the pack folder)"
dotnet tool install Recurrent.Cli --version "$version" --tool-path "$tools" --configfile "$work/nuget.config" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log"; fail "tool install"; }
rnn="$tools/rnn"
"$rnn" --help > "$work/help.txt" || fail "rnn --help exited $?"
for cmd in train sample eval plot report; do grep -q "^  $cmd" "$work/help.txt" || fail "rnn --help does not list '$cmd'"; done

step "installed rnn: tiny train, sample, report"
for i in $(seq 1 150); do echo "the cat sat on the mat and the dog ran to the red door number $((i % 7))"; done > "$work/text.txt"
"$rnn" train --data "$work/text.txt" --layers 1 --hidden 32 --embedding 16 --batch 4 --seq-length 16 --steps 40 \
  --eval-every 20 --sample-every 0 --run-dir "$work/run" --quiet > "$work/train.txt" || fail "rnn train exited $?"
[ -f "$work/run/last.safetensors" ] && [ -f "$work/run/metrics.jsonl" ] || fail "rnn train left no checkpoint or metrics"
"$rnn" sample "$work/run" --prime "the " --length 60 --seed 3 > "$work/sample.txt" || fail "rnn sample exited $?"
[ "$(wc -c < "$work/sample.txt")" -ge 60 ] || fail "rnn sample printed only: $(cat "$work/sample.txt")"
"$rnn" report "$work/run" >/dev/null || fail "rnn report exited $?"
grep -q 'svg id="chart-loss"' "$work/run/report.html" || fail "the report has no loss chart"

step "installed rnn: jieba segments a sentence; a tiny Chinese word-level run"
[ ! -e "$jieba_data" ] || fail "$jieba_data exists before the tool ran"
cut=$(fresh_data "$rnn" tokenize --tokenizer jieba "我来到北京清华大学") || fail "rnn tokenize exited $?"
[ "$cut" = "我/来到/北京/清华大学" ] || fail "rnn tokenize --tokenizer jieba cut the sentence as: $cut"
echo "rnn tokenize --tokenizer jieba 我来到北京清华大学 → $cut"
[ -s "$jieba_data/dict.txt" ] || fail "the tool did not extract jieba's dictionary to $jieba_data"
for i in $(seq 1 60); do echo "我们今天在图书馆阅读小说，老师和学生一起去公园散步。工程师在实验室研究问题$((i % 5))。"; done > "$work/chinese.txt"
fresh_data "$rnn" train --data "$work/chinese.txt" --tokenizer jieba --layers 1 --hidden 32 --embedding 16 --batch 4 --seq-length 16 --steps 2 \
  --eval-every 0 --sample-every 0 --run-dir "$work/run-zh" --quiet > "$work/train-zh.txt" || { cat "$work/train-zh.txt"; fail "rnn train --tokenizer jieba exited $?"; }
fresh_data "$rnn" tokenize --model "$work/run-zh" "老师在图书馆阅读小说" > "$work/tokens-zh.txt" || fail "rnn tokenize --model exited $?"
[ "$(cat "$work/tokens-zh.txt")" = "老师/在/图书馆/阅读/小说" ] || fail "the jieba model's tokens: $(cat "$work/tokens-zh.txt")"
fresh_data "$rnn" sample "$work/run-zh" --length 20 --seed 1 > "$work/sample-zh.txt" || fail "rnn sample of the jieba model exited $?"
grep -qP '\p{Han}' "$work/sample-zh.txt" || fail "the jieba model's sample has no Chinese: $(cat "$work/sample-zh.txt")"

step "installed rnn: the ResNet18 travels in the tool package (a tiny rnn demo captions)"
code=0
"$rnn" demo captions --scenes 20 --test 2 --epochs 1 --hidden 16 --out "$work/captions" > "$work/captions.txt" 2>&1 || code=$?
[ "$code" -le 1 ] || { cat "$work/captions.txt"; fail "rnn demo captions exited $code"; }
grep -q "captioner (greedy)" "$work/captions.txt" || { cat "$work/captions.txt"; fail "rnn demo captions printed no scores"; }
[ -f "$work/captions/run/image-features.safetensors" ] || fail "rnn demo captions left no feature cache"

step "console project referencing the library package"
mkdir -p "$work/consumer"
cp "$work/nuget.config" "$work/consumer/nuget.config"
cat > "$work/consumer/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Recurrent" Version="$version" />
    <PackageReference Include="Recurrent.Chinese" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$work/consumer/Program.cs" <<'CS'
using Recurrent.Api;
using Recurrent.Data;
using Recurrent.LanguageModels;
using Recurrent.Training.Callbacks;

string text = string.Concat(Enumerable.Repeat("hello world, hello recurrent nets. ", 40));
var tokenizer = new CharTokenizer(text.Select(c => (int)c).Distinct().Order());
int[] ids = tokenizer.Encode(text);
var model = Model.Sequence().Embedding(tokenizer.VocabularySize, 16).Gru(32).Dense(tokenizer.VocabularySize).Build(seed: 1);
int steps = 0;
var result = new SequenceTrainer(model, new SequenceTrainerOptions { Steps = 30, BatchSize = 4, SequenceLength = 16, LearningRate = 0.01 })
    .Add(new LambdaCallback { StepEnd = m => steps++ })
    .Fit(ids);
var pieces = new List<string>();
await foreach (string piece in new TextGenerator(model, tokenizer).GenerateAsync("hello", 40, temperature: 0.5, seed: 2)) pieces.Add(piece);
var session = model.CreateSession();
int outputs = session.Step(ids[0]).Length;
Console.WriteLine($"consumer ok: {steps} steps, loss {result.TrainLoss:F3}, {outputs} outputs, text: {string.Concat(pieces).ReplaceLineEndings(" ")}");

// Chinese words through the Recurrent.Chinese package: jieba's cut, and the model the installed tool trained.
var jieba = (Recurrent.Chinese.JiebaTokenizer)TokenizerFactory.BuildFromTexts(TokenizerKinds.Jieba, ["他来到了网易杭研大厦"]);
Console.WriteLine($"consumer jieba: {string.Join("/", jieba.Segment("他来到了网易杭研大厦"))}");
var zh = LanguageModelFile.Load(args[0]);
var zhText = new List<string>();
await foreach (string piece in new TextGenerator(zh.Model, zh.Tokenizer).GenerateAsync("老师", 12, temperature: 0.5, seed: 2)) zhText.Add(piece);
Console.WriteLine($"consumer jieba model: {zh.Tokenizer.Kind} ({zh.Tokenizer.VocabularySize} tokens): {string.Concat(zhText).ReplaceLineEndings(" ")}");
CS
rm -rf "$jieba_data"   # the console project extracts jieba's data again, from its own copy of the package
(cd "$work/consumer" && dotnet build -c Release > "$work/consumer.txt" 2>&1 && fresh_data dotnet run -c Release --no-build -- "$work/run-zh/last.safetensors" > "$work/consumer.txt" 2>&1) || { tail -30 "$work/consumer.txt"; fail "the console project did not build or run"; }
grep -q "consumer ok: 30 steps" "$work/consumer.txt" || { cat "$work/consumer.txt"; fail "unexpected output of the console project"; }
grep -q "consumer jieba: 他/来到/了/网易/杭研/大厦$" "$work/consumer.txt" || { cat "$work/consumer.txt"; fail "the console project did not segment with jieba"; }
grep -qP "consumer jieba model: jieba \(\d+ tokens\): 老师\p{Han}" "$work/consumer.txt" || { cat "$work/consumer.txt"; fail "the console project did not sample the jieba model"; }
grep "consumer" "$work/consumer.txt"
[ -s "$jieba_data/dict.txt" ] || fail "the console project did not extract jieba's dictionary to $jieba_data"
[ -d "$NUGET_PACKAGES/recurrent/$version" ] || fail "the console project did not restore Recurrent $version from the pack folder"
[ -d "$NUGET_PACKAGES/recurrent.chinese/$version" ] || fail "the console project did not restore Recurrent.Chinese $version from the pack folder"

step "console project with the Recurrent package only: a jieba model names the package to add"
mkdir -p "$work/consumer-core"
cp "$work/nuget.config" "$work/consumer-core/nuget.config"
sed '/Recurrent.Chinese/d' "$work/consumer/Consumer.csproj" > "$work/consumer-core/Consumer.csproj"
cat > "$work/consumer-core/Program.cs" <<'CS'
try
{
    Recurrent.LanguageModels.LanguageModelFile.Load(args[0]);
    Console.WriteLine("loaded without Recurrent.Chinese");
}
catch (NotSupportedException e)
{
    Console.WriteLine($"refused: {e.Message}");
}
CS
(cd "$work/consumer-core" && dotnet run -c Release -- "$work/run-zh/last.safetensors" > "$work/consumer-core.txt" 2>&1) || { tail -30 "$work/consumer-core.txt"; fail "the core-only console project did not build or run"; }
grep -q "refused: .*dotnet add package Recurrent.Chinese" "$work/consumer-core.txt" || { cat "$work/consumer-core.txt"; fail "loading a jieba model without Recurrent.Chinese did not name the package"; }
cat "$work/consumer-core.txt"

step "console project referencing the Recurrent.ML package: an ML.NET pipeline with Recurrent's trainer"
mkdir -p "$work/consumer-ml"
cp "$work/nuget.config" "$work/consumer-ml/nuget.config"
sed 's|<PackageReference Include="Recurrent" Version="\([^"]*\)" />|<PackageReference Include="Recurrent.ML" Version="\1" />|; /Recurrent.Chinese/d' \
  "$work/consumer/Consumer.csproj" > "$work/consumer-ml/Consumer.csproj"
cat > "$work/consumer-ml/Program.cs" <<'CS'
using Microsoft.ML;
using Recurrent.ML;

// Two classes decided by the first word; ML.NET's loader, MapValueToKey, Recurrent's trainer, ML.NET's Evaluate.
var rows = Enumerable.Range(0, 200).Select(i => new Row { Label = i % 2 == 0 ? "red" : "blue", Text = (i % 2 == 0 ? "red " : "blue ") + "thing " + i % 7 });
var ml = new MLContext(seed: 1);
var data = ml.Data.LoadFromEnumerable(rows);
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.RecurrentText(new RecurrentTextOptions { Tokens = "word", HiddenSize = 16, Epochs = 8, Seed = 1 }));
var model = pipeline.Fit(data);
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));
Console.WriteLine($"consumer-ml ok: micro-accuracy {metrics.MicroAccuracy:F3}");

public sealed class Row { public string Label { get; set; } = ""; public string Text { get; set; } = ""; }
CS
(cd "$work/consumer-ml" && dotnet run -c Release > "$work/consumer-ml.txt" 2>&1) || { tail -30 "$work/consumer-ml.txt"; fail "the Recurrent.ML console project did not build or run"; }
grep -q "consumer-ml ok: micro-accuracy 1.000" "$work/consumer-ml.txt" || { cat "$work/consumer-ml.txt"; fail "unexpected output of the Recurrent.ML console project"; }
[ -d "$NUGET_PACKAGES/recurrent.ml/$version" ] || fail "the Recurrent.ML console project did not restore Recurrent.ML $version from the pack folder"
grep "consumer-ml" "$work/consumer-ml.txt"

echo "packaging: ok — packed Recurrent, Recurrent.Chinese, Recurrent.ML and Recurrent.Cli $version, installed rnn, trained/sampled/reported, segmented Chinese with jieba, captioned pictures with the packaged ResNet18, console projects (library, jieba, ML.NET) built and ran ($(( $(date +%s) - start ))s)"
