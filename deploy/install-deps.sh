#!/usr/bin/env bash
# Installs the Debian 12 packages Kalendarium needs, and only those that are missing.
# Idempotent; works as root or through sudo.   Usage: deploy/install-deps.sh build|test|bench
set -euo pipefail

profile=${1:-build}

build_packages=(
  cmake ninja-build g++ make pkg-config ccache
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-test1.81-dev
  libical-dev libsoci-dev libsqlite3-dev libpq-dev libsodium-dev libspdlog-dev libtomlplusplus-dev
  libcurl4-openssl-dev libctemplate-dev
  # the QR code of a check-in link in confirmation mails, written as PNG with zlib
  libqrencode-dev zlib1g-dev
  # make deb: CPack finds the ELF files with file(1) and reads their dependencies with
  # dpkg-shlibdeps (dpkg-dev); neither comes with the compiler.
  dpkg-dev file
)
# PostgreSQL 15 for the throwaway test cluster; calendar parsers nobody here wrote to read the
# feeds back (Python's from Debian; ical.js comes from npm, so Node.js and npm are needed) and
# an Atom reader (feedparser, beside Python's own ElementTree); a
# real SMTP server on loopback for the mail tests (aiosmtpd, run by tests/tools/smtp_sink.py);
# the browser the page tests drive (playwright-core from npm, never a browser it downloads) and
# a font, so that layout and screenshots do not depend on what else a machine has; debootstrap
# for the clean Debian 12 root the package is installed into (tests/deb/).
test_packages=(postgresql-15 curl python3 python3-icalendar python3-vobject python3-recurring-ical-events
  python3-feedparser python3-aiosmtpd openssl wrk chromium fonts-dejavu-core debootstrap)
node_packages=(nodejs npm)
bench_packages=(postgresql-15 postgresql-contrib wrk nginx curl python3 python3-aiosmtpd)

case "$profile" in
  build) wanted=("${build_packages[@]}") ;;
  test) wanted=("${build_packages[@]}" "${test_packages[@]}")
        # A Node.js that did not come from Debian (as on some images) is used as it is.
        command -v node >/dev/null && command -v npm >/dev/null || wanted+=("${node_packages[@]}") ;;
  bench) wanted=("${build_packages[@]}" "${bench_packages[@]}") ;;
  *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "install-deps: missing packages (${missing[*]}) and neither root nor sudo" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
# postgresql-15's package would start a cluster of its own; the tests start their own.
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
