# setup.sh: what the browser checks (tests/report-screenshot.sh, inspect-screenshot.sh, dashboard-browser.sh) share:
# the set-up below and browse() (a static page through chromium --dump-dom).
# Sourced from the repository root as `source tests/browser/setup.sh NAME COMMAND:PACKAGE...`: it sets root, start,
# rnn (the Release build of the tool, built when missing) and the .NET variables, and installs each Debian PACKAGE
# whose COMMAND is missing (e.g. chromium:chromium node:nodejs), saying so as NAME.
root=$PWD
start=$(date +%s)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
setup_name=$1; shift
for setup_need in "$@"; do
  command -v "${setup_need%%:*}" >/dev/null 2>&1 && continue
  echo "$setup_name: installing ${setup_need#*:}"
  setup_sudo=""; [ "$(id -u)" -ne 0 ] && setup_sudo="sudo"
  $setup_sudo apt-get install -y "${setup_need#*:}" >/dev/null 2>&1 \
    || { $setup_sudo apt-get update >/dev/null && $setup_sudo apt-get install -y "${setup_need#*:}" >/dev/null; }
done
rnn="$root/src/Recurrent.Cli/bin/Release/net10.0/rnn.dll"
[ -f "$rnn" ] || dotnet build src/Recurrent.Cli -c Release >/dev/null

# browse HTML OUT_DOM OUT_LOG [extra chromium args...]: a static page in headless Chromium (profile under $work, which
# the sourcing script sets), its DOM after scripts ran (with --dump-dom) and Chromium's console log.
browse() {
  local page=$1 dom=$2 log=$3; shift 3
  timeout 90 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$work/profile" --enable-logging=stderr --v=0 --virtual-time-budget=5000 "$@" \
    "file://$page" >"$dom" 2>"$log"
}
