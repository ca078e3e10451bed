#!/usr/bin/env bash
# Installs the Debian packages Backpack needs, quietly and only when something is missing.
#   eng/prerequisites.sh runtime        what the library and the backpack command need
#   eng/prerequisites.sh runtime test   ... and what the tests and benchmarks use as real clients
set -euo pipefail

runtime_packages=(
  libgstreamer1.0-0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly
  libgstrtspserver-1.0-0 gstreamer1.0-rtsp
  gstreamer1.0-nice
)
# gstreamer1.0-nice: libnice's elements, which webrtcbin (the live view's WebRTC) needs.
# Real counterparts for tests: ffmpeg/ffprobe and GStreamer's tools as RTSP clients and file checkers,
# mkvtoolnix for mkvinfo, Debian's Python with GStreamer, OpenCV and botocore for reference measurements,
# gst-rtsp-server through python3-gi as an RTSP camera independent of our own server,
# mosquitto: a real MQTT broker (TLS, client certificates) for the device shadow tests,
# and chromium: the real browser the live view's tests drive through Playwright (never a browser download).
test_packages=(
  gstreamer1.0-tools gstreamer1.0-libav ffmpeg mkvtoolnix
  python3 python3-gst-1.0 python3-opencv python3-botocore procps
  python3-gi gir1.2-gst-rtsp-server-1.0 mosquitto chromium
)

wanted=()
for set in "$@"; do
  case "$set" in
    runtime) wanted+=("${runtime_packages[@]}") ;;
    test) wanted+=("${test_packages[@]}") ;;
    *) echo "prerequisites.sh: unknown set '$set' (expected runtime or test)" >&2; exit 2 ;;
  esac
done

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required: https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "prerequisites.sh: not a Debian system; install these packages (or their equivalents) yourself: ${wanted[*]}" >&2
  exit 0
fi

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "Missing Debian packages: ${missing[*]}; run as root or install them with apt-get." >&2
  exit 1
fi

log="${TMPDIR:-/tmp}/backpack-apt.log"
echo "Installing Debian packages: ${missing[*]} (log: $log)" >&2
if ! { "${sudo[@]}" apt-get update -qq && \
       DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  echo "apt-get failed; the last lines of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
