#!/bin/sh
# Builds the Debian package of a build directory into an empty OUT_DIR, as `make deb` does for
# build-release. Usage: package.sh CPACK BUILD_DIR OUT_DIR
set -eu
cpack=$1 build_dir=$2 out_dir=$3
rm -rf "$out_dir"
"$cpack" -G DEB --config "$build_dir/CPackConfig.cmake" -B "$out_dir"
