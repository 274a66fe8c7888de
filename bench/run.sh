#!/usr/bin/env bash
# Benchmark entry point (`npm run bench`): installs the tools it needs, builds the
# gateway when it is a target, then hands over to bench/run.mjs (bench/instructions.mjs
# when BENCH_COUNT=instructions).
# See bench/README.md for what it measures and the BENCH_* knobs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
COUNT="${BENCH_COUNT:-time}"
case $COUNT in
  time) RUNNER=bench/run.mjs DEFAULT_TARGETS=direct,nginx,reference,reference-dblog,gateway,gateway-nolog,gateway-logsink ;;
  instructions) RUNNER=bench/instructions.mjs DEFAULT_TARGETS=reference,gateway-nolog,gateway ;;
  *) echo "bench: BENCH_COUNT is time or instructions, not $COUNT" >&2; exit 1 ;;
esac
TARGETS="${BENCH_TARGETS:-$DEFAULT_TARGETS}"
wants() { [[ ",${TARGETS// /}," == *",$1,"* ]]; }
wants_gateway() {
  wants gateway || wants gateway-nolog || wants gateway-logsink || wants reference-dblog
}

# --- 1. tools (Debian packages) -------------------------------------------
APT_UPDATED=0
POLICY_RC=/usr/sbin/policy-rc.d
POLICY_RC_OURS=0
cleanup_policy() { if [[ $POLICY_RC_OURS == 1 ]]; then rm -f "$POLICY_RC"; fi; }
trap cleanup_policy EXIT

apt_install() {
  if [[ $(id -u) != 0 ]]; then
    echo "bench: missing $*; run as root or install it: apt-get install $*" >&2
    exit 1
  fi
  # Keep Debian's postinst from starting a system nginx on :80.
  if [[ ! -e $POLICY_RC ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$POLICY_RC" && chmod +x "$POLICY_RC" && POLICY_RC_OURS=1
  fi
  if [[ $APT_UPDATED == 0 ]]; then
    echo "bench: apt-get update" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    APT_UPDATED=1
  fi
  echo "bench: apt-get install $*" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

command -v taskset >/dev/null || apt_install util-linux
command -v wrk >/dev/null || apt_install wrk
if [[ $COUNT == instructions ]] && ! command -v callgrind_control >/dev/null; then
  apt_install valgrind
fi
if wants nginx && ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
  apt_install nginx || apt_install nginx-light
fi
cleanup_policy
POLICY_RC_OURS=0

# --- 2. gateway build and its database ------------------------------------
if wants_gateway; then
  MAIN=dist/src/main.js
  if [[ ! -f $MAIN ]] || [[ -n $(find src libs package.json tsconfig.json tsconfig.build.json nest-cli.json \
        -newer "$MAIN" -type f 2>/dev/null | head -n 1) ]]; then
    echo "bench: building the gateway (npm run build)" >&2
    npm run build >&2 || { echo "bench: npm run build failed, see above" >&2; exit 1; }
  fi
  if [[ -z ${MONGODB_URI:-} ]]; then
    FERRET_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/simple-load-balancer/bin"
    export BENCH_FERRETDB="${BENCH_FERRETDB:-$FERRET_DIR/ferretdb}"
    if [[ ! -x $BENCH_FERRETDB ]]; then
      echo "bench: building FerretDB into $BENCH_FERRETDB" >&2
      npx ts-node --transpile-only src/database/ensure-ferretdb.cli.ts "$BENCH_FERRETDB" >&2
    fi
  fi
fi

# --- 3. run ----------------------------------------------------------------
# exec: run.mjs owns every process it starts and kills them (by PID) on exit,
# error, Ctrl-C or SIGTERM.
exec taskset -c "${BENCH_LOAD_CPU:-0}" node "$RUNNER"
