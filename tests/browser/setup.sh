# setup.sh: what the browser checks (tests/report-screenshot.sh, inspect-screenshot.sh, dashboard-browser.sh) share.
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
