#!/usr/bin/env bash
# Must-show check for packaging: `dotnet pack -c Release` makes the Recurrent library package and the
# Recurrent.Cli dotnet-tool package; the tool is installed from that folder into a temporary tool path and runs
# `rnn --help` and a tiny train / sample / report; a temporary console project outside the repository references
# the library package from the folder (nuget.config: the pack folder plus the normal source), uses the fluent
# API, trains a few steps with callbacks, streams generated text, builds and runs.
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
step() { echo "packaging: $* ($(( $(date +%s) - start ))s)"; }
fail() { echo "packaging: FAILED — $*"; exit 1; }

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

step "dotnet pack -c Release (library and tool)"
# Build once (incremental; the tool project builds the library too), then pack both projects from that build.
dotnet build src/Recurrent.Cli -c Release --nologo -v quiet >"$work/pack.log" 2>&1 || { tail -20 "$work/pack.log"; fail "dotnet build"; }
for project in src/Recurrent src/Recurrent.Cli; do
  dotnet pack "$project" -c Release --no-build -o "$pack" --nologo -v quiet >>"$work/pack.log" 2>&1 || { tail -20 "$work/pack.log"; fail "dotnet pack $project"; }
done
# From here on NuGet extracts into a temporary global packages folder (the pack above used the usual one).
export NUGET_PACKAGES="$work/nuget-packages"
for p in "Recurrent.$version.nupkg" "Recurrent.Cli.$version.nupkg"; do [ -f "$pack/$p" ] || fail "no $p in $(ls "$pack")"; done
unzip -l "$pack/Recurrent.$version.nupkg" | grep -q 'lib/net10.0/Recurrent.xml' || fail "the library package has no XML docs"
unzip -l "$pack/Recurrent.$version.nupkg" | grep -q ' README.md' || fail "the library package has no readme"
unzip -p "$pack/Recurrent.$version.nupkg" Recurrent.nuspec | grep -q '<license type="expression">' || fail "the library package has no license expression"

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
CS
(cd "$work/consumer" && dotnet run -c Release > "$work/consumer.txt" 2>&1) || { tail -30 "$work/consumer.txt"; fail "the console project did not build or run"; }
grep -q "consumer ok: 30 steps" "$work/consumer.txt" || { cat "$work/consumer.txt"; fail "unexpected output of the console project"; }
grep "consumer ok" "$work/consumer.txt"
[ -d "$NUGET_PACKAGES/recurrent/$version" ] || fail "the console project did not restore Recurrent $version from the pack folder"

echo "packaging: ok — packed Recurrent and Recurrent.Cli $version, installed rnn, trained/sampled/reported, console project built and ran ($(( $(date +%s) - start ))s)"
