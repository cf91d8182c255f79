#!/usr/bin/env bash
# Checks for what cnnlab needs to build and installs what is missing with apt-get when it can
# (as root, or with sudo that needs no password); otherwise prints the exact command to run.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
  echo "cnnlab needs Swift 6 (swift.org/install). 'swift' was not found on PATH." >&2
  exit 1
fi

required=(pkg-config libncurses-dev libopenblas-dev libstb-dev zlib1g-dev)
optional=(dataset-fashion-mnist)   # real Fashion-MNIST for the training screens; not needed to build
optional+=(libc6-dev-arm64-cross)  # aarch64 C headers: scripts/check_arm64.sh compiles the C kernels for arm64

missing=()
for pkg in "${required[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
missing_optional=()
for pkg in "${optional[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing_optional+=("$pkg")
done

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian-like system: install pkg-config, ncursesw, OpenBLAS, stb (stb_image) and zlib development files yourself." >&2
  exit 0
fi

[ ${#missing[@]} -eq 0 ] && [ ${#missing_optional[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  apt=(apt-get); 
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  apt=(sudo apt-get)
else
  if [ ${#missing[@]} -gt 0 ]; then
    echo "cnnlab needs these packages: ${missing[*]}" >&2
    echo "Install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]} ${missing_optional[*]}" >&2
    exit 1
  fi
  echo "Optional: 'sudo apt-get install -y ${missing_optional[*]}' adds real Fashion-MNIST." >&2
  exit 0
fi

echo "Installing: ${missing[*]} ${missing_optional[*]}"
export DEBIAN_FRONTEND=noninteractive
"${apt[@]}" update -qq
"${apt[@]}" install -y -qq "${missing[@]}" >/dev/null
if [ ${#missing_optional[@]} -gt 0 ]; then
  "${apt[@]}" install -y -qq "${missing_optional[@]}" >/dev/null || echo "Could not install ${missing_optional[*]} (optional); continuing." >&2
fi
