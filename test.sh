#!/usr/bin/env bash
# The one test command: installs what the tests need (as root, on Debian 12 with
# only the .NET SDK), builds the solution and runs every test project.
#
#   ./test.sh            install missing tools, build, run all tests
#
# Tools it installs:
#   - Node.js and npm (Debian packages), only when npm is missing
#   - Azurite, pinned in .tools/package.json and .tools/package-lock.json, into .tools/node_modules
#   - prometheus, promtool, prometheus-node-exporter, prometheus-alertmanager, and apache2-utils
#     (htpasswd, a second bcrypt implementation) (Debian packages), only when their binaries are missing
# The last line it prints is "Summary: N passed, N failed, N skipped".
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT="$(pwd)"
START_SECONDS=$SECONDS

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf 'test.sh: %s\n' "$*"; }

is_root() { [ "$(id -u)" -eq 0 ]; }

APT_UPDATED=0
POLICY_RC_D=/usr/sbin/policy-rc.d
POLICY_RC_D_OURS=0
RESULTS_DIR=""

cleanup() {
  if [ "$POLICY_RC_D_OURS" -eq 1 ]; then
    rm -f "$POLICY_RC_D"
    POLICY_RC_D_OURS=0
  fi
  if [ -n "$RESULTS_DIR" ]; then
    rm -rf "$RESULTS_DIR"
  fi
}
trap cleanup EXIT

# apt-get install without starting the packages' services: a policy-rc.d that denies
# every start (respected by invoke-rc.d and deb-systemd-invoke) while we install.
apt_install() {
  if [ ! -e "$POLICY_RC_D" ]; then
    printf '#!/bin/sh\n# written by test.sh while it installs packages; removed afterwards\nexit 101\n' >"$POLICY_RC_D"
    chmod 755 "$POLICY_RC_D"
    POLICY_RC_D_OURS=1
  fi
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    apt-get update -q
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
  if [ "$POLICY_RC_D_OURS" -eq 1 ]; then
    rm -f "$POLICY_RC_D"
    POLICY_RC_D_OURS=0
  fi
}

# (a) Node.js and npm, for Azurite.
if ! command -v npm >/dev/null 2>&1; then
  if is_root; then
    apt_install nodejs npm
  else
    log "npm is missing and we are not root: install nodejs and npm, then run ./test.sh again" >&2
    exit 1
  fi
fi

# (b) Azurite into .tools/node_modules, exactly as .tools/package-lock.json pins it.
AZURITE_BIN="$ROOT/.tools/node_modules/.bin/azurite"
LOCK_STAMP="$ROOT/.tools/node_modules/.test-sh-lock.sha256"
LOCK_SUM="$(sha256sum "$ROOT/.tools/package-lock.json" | cut -d' ' -f1)"
if [ -x "$AZURITE_BIN" ] && [ -f "$LOCK_STAMP" ] && [ "$(cat "$LOCK_STAMP")" = "$LOCK_SUM" ]; then
  log "azurite already installed as locked in .tools/package-lock.json"
else
  log "npm ci --prefix .tools"
  npm ci --prefix "$ROOT/.tools" --no-audit --no-fund --loglevel=error
  printf '%s\n' "$LOCK_SUM" >"$LOCK_STAMP"
fi
export AZURITE_BIN
log "azurite $("$AZURITE_BIN" --version 2>/dev/null || echo '(version unknown)') at $AZURITE_BIN"

# (c) Prometheus, promtool, node_exporter and Alertmanager from Debian's packages.
missing_packages=()
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || missing_packages+=(prometheus)
command -v prometheus-node-exporter >/dev/null 2>&1 || missing_packages+=(prometheus-node-exporter)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing_packages+=(prometheus-alertmanager)
command -v htpasswd >/dev/null 2>&1 || missing_packages+=(apache2-utils)
if [ "${#missing_packages[@]}" -gt 0 ]; then
  if is_root; then
    apt_install "${missing_packages[@]}"
    # Where systemd runs, the packages enable their services; make sure none of them
    # holds 9090/9093/9100 (our tests use free ports, but nothing should be left running).
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
      for unit in prometheus prometheus-node-exporter prometheus-alertmanager; do
        if systemctl is-active --quiet "$unit" 2>/dev/null; then
          log "stopping the $unit service the package started"
          systemctl stop "$unit" || true
        fi
      done
    fi
  else
    log "missing ${missing_packages[*]} and not root: the tests that need them will fail (apt-get install ${missing_packages[*]})" >&2
  fi
fi

# (d) Build once, then run every test project.
log "dotnet build Serverless.Monitoring.sln -c Release"
dotnet build Serverless.Monitoring.sln -c Release

mapfile -t test_projects < <(find tests -name '*.csproj' -print0 | sort -z |
  xargs -0 -r grep -l -E '<IsTestProject>true</IsTestProject>|Include="Microsoft.NET.Test.Sdk"')
if [ "${#test_projects[@]}" -eq 0 ]; then
  log "no test projects found under tests/" >&2
  exit 1
fi

RESULTS_DIR="$(mktemp -d)"

total_passed=0
total_failed=0
total_skipped=0
failed_projects=()
for project in "${test_projects[@]}"; do
  name="$(basename "$project" .csproj)"
  log "dotnet test $project"
  status=0
  # The console logger prints every test with the failures' messages; the TRX file gives
  # the counts. A test that hangs for 5 minutes is killed with the test host's children.
  dotnet test "$project" --no-build -c Release \
    --logger "console;verbosity=normal" \
    --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS_DIR" \
    --blame-hang --blame-hang-dump-type none --blame-hang-timeout 5m || status=$?
  counters="$(grep -o '<Counters [^>]*>' "$RESULTS_DIR/$name.trx" 2>/dev/null || true)"
  counter() { sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p" <<<"$counters"; }
  p=0 f=0 s=0
  if [ -n "$counters" ]; then
    p="$(counter passed)"
    f="$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) ))"
    # Skipped tests are in the total but not executed (TRX's notExecuted stays 0 for them).
    s="$(( $(counter total) - $(counter executed) ))"
  fi
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
    # The run failed without a failed test of its own (crash, hang, build output missing).
    f=1
  fi
  total_passed=$((total_passed + p))
  total_failed=$((total_failed + f))
  total_skipped=$((total_skipped + s))
  if [ "$status" -ne 0 ] || [ "$f" -ne 0 ]; then
    failed_projects+=("$project")
  fi
done

elapsed=$((SECONDS - START_SECONDS))
if [ "${#failed_projects[@]}" -gt 0 ]; then
  log "FAILED in ${elapsed}s: ${failed_projects[*]}"
else
  log "all ${#test_projects[@]} test project(s) passed in ${elapsed}s"
fi
echo "Summary: ${total_passed} passed, ${total_failed} failed, ${total_skipped} skipped"
[ "${#failed_projects[@]}" -eq 0 ]
