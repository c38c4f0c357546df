#!/usr/bin/env python3
"""The container image is the Debian package: deploy/Containerfile read statically (no container
engine runs here), against the files the package is made of.

Pins that the build stage makes the package with `make deb` and the runtime stage copies exactly
that file and installs it with apt and nothing else by name, so the image's libraries are the
package's Depends, computed from the binary; that the runtime stage neither copies the binary nor
makes the user or the state directory itself (the package does); and that USER and CMD are the
unit's User and ExecStart. It also checks that the build context leaves host build directories
out, whose CMake caches would break `make deb` inside the image.

Usage: containerfile_test.py SOURCE_DIR
"""
import fnmatch
import json
import re
import shlex
import sys
from pathlib import Path

source = Path(sys.argv[1])
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def instructions(path):
    """(keyword, arguments) per instruction, continuation lines joined, comments dropped."""
    result, pending = [], ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        result.append((keyword.upper(), arguments.strip()))
        pending = ""
    return result


def stages(steps):
    """The instructions of each stage, keyed by its FROM line."""
    result = []
    for keyword, arguments in steps:
        if keyword == "FROM":
            result.append((arguments, []))
        elif result:
            result[-1][1].append((keyword, arguments))
    return result


def shell_commands(run_arguments):
    """The simple commands of a RUN line, split at && ; and |."""
    return [shlex.split(part) for part in re.split(r"&&|;|\|\|?", run_arguments) if part.strip()]


def unit_value(key):
    for line in (source / "deploy/kalendarium.service").read_text().splitlines():
        if line.startswith(key + "="):
            return line[len(key) + 1:]
    return None


containerfile = source / "deploy/Containerfile"
all_stages = stages(instructions(containerfile))
check(len(all_stages) == 2, f"expected a build and a runtime stage, found {len(all_stages)}")
(build_from, build), (runtime_from, runtime) = all_stages[0], all_stages[-1]
check(build_from.split()[0] == "debian:12", f"the build stage is {build_from}, not Debian 12")
check(runtime_from.split()[0].startswith("debian:12"), f"the runtime stage is {runtime_from}, not Debian 12")
build_name = build_from.split()[-1] if " AS " in build_from.upper() else None

# The build stage makes the package where the Makefile's deb target puts it.
makefile = (source / "Makefile").read_text()
deb_recipe = re.search(r"^deb:.*\n((?:\t.*\n)+)", makefile, re.M)
check(deb_recipe is not None, "the Makefile has no deb target")
package_dir = re.search(r"cd (\S+) && cpack -G DEB", deb_recipe.group(1)).group(1) if deb_recipe else "?"
build_runs = [arguments for keyword, arguments in build if keyword == "RUN"]
check(any(["make", "deb"] in shell_commands(run) for run in build_runs),
      "the build stage does not run `make deb`")
workdir = next((arguments for keyword, arguments in build if keyword == "WORKDIR"), "/")

# The runtime stage copies that package and nothing else from the build.
copies = [shlex.split(arguments) for keyword, arguments in runtime if keyword in ("COPY", "ADD")]
copied_debs = []
for words in copies:
    sources = [w for w in words[:-1] if not w.startswith("--")]
    from_build = any(w == f"--from={build_name}" for w in words)
    for source_path in sources:
        is_package = fnmatch.fnmatch(Path(source_path).name, "kalendarium_*.deb")
        check(from_build and is_package, f"the runtime stage copies {source_path}, not the package")
        if from_build and is_package:
            copied_debs.append((source_path, words[-1]))
check(len(copied_debs) == 1, "the runtime stage does not copy the package from the build stage")
expected_source = f"{workdir.rstrip('/')}/{package_dir}/kalendarium_*.deb"
for source_path, _ in copied_debs:
    check(source_path == expected_source, f"the runtime stage copies {source_path}; make deb writes {expected_source}")

# apt installs that file and nothing named by hand; nothing else makes what the package makes.
installed = []
for keyword, arguments in runtime:
    if keyword != "RUN":
        continue
    for words in shell_commands(arguments):
        while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
            words = words[1:]  # VAR=value before the command
        check(not any(w in ("useradd", "adduser", "groupadd", "addgroup", "chown") for w in words[:1]),
              f"the runtime stage runs `{' '.join(words)}`; the package's postinst does that")
        if words[:1] == ["mkdir"] or words[:1] == ["install"]:
            failures.append(f"the runtime stage runs `{' '.join(words)}`; the package makes its directories")
        if words[:2] in (["apt-get", "install"], ["apt", "install"]) or words[:1] == ["dpkg"]:
            for word in words[2:]:
                if word.startswith("-"):
                    continue
                installed.append(word)
                check(word.endswith(".deb"), f"the runtime stage installs {word} by name, beside the package")
copied_to = [Path(destination) / Path(source_path).name for source_path, destination in copied_debs]
check(installed != [], "the runtime stage installs no package")
for word in (w for w in installed if w.endswith(".deb")):
    check(any(str(path) == word for path in copied_to), f"the runtime stage installs {word}, not the copied package")

# It runs what the unit runs, as the unit's user.
user = next((arguments for keyword, arguments in runtime if keyword == "USER"), None)
check(user == unit_value("User"), f"USER is {user}, the unit's User is {unit_value('User')}")
cmd = next((arguments for keyword, arguments in runtime if keyword == "CMD"), None)
try:
    cmd_argv = json.loads(cmd) if cmd else None
except json.JSONDecodeError:
    cmd_argv = None
check(isinstance(cmd_argv, list), "CMD is not in exec form (SIGTERM must reach the service as PID 1)")
exec_start = shlex.split(unit_value("ExecStart") or "")
check(cmd_argv == exec_start, f"CMD {cmd_argv} is not the unit's ExecStart {exec_start}")
conffiles = (source / "deploy/deb/conffiles").read_text().split()
config_arguments = [exec_start[i + 1] for i, w in enumerate(exec_start[:-1]) if w == "--config"]
check(config_arguments and config_arguments[0] in conffiles,
      f"ExecStart's --config {config_arguments} is not the package's conffile {conffiles}")

# COPY . . must not bring the host's build directories.
ignore_file = source / ".dockerignore"
ignored = ignore_file.read_text().split() if ignore_file.exists() else []
for directory in ("build", "build-release"):
    check(any(fnmatch.fnmatch(directory, pattern.strip("/")) for pattern in ignored),
          f".dockerignore does not leave {directory}/ out of the build context")

for message in failures:
    print(f"containerfile: {message}", file=sys.stderr)
sys.exit(1 if failures else 0)
