#!/usr/bin/env bash
# Draws the standard scene (1280x720) with the managed raster driver (backpack annotate) and with OpenCV's own
# functions (opencv_scene.py, Debian's python3-opencv), one after the other in one run, and prints both figures
# and their ratios. Usage: bench/annotation/compare.sh [repeat, default 1000] [rounds, default 3]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scene="${BACKPACK_SCENE:-$root/data/scenes/standard.json}"
repeat="${1:-1000}"
rounds="${2:-3}"
"$root/eng/prerequisites.sh" runtime test

value() { grep -E "^$1=" <<<"$2" | cut -d= -f2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

for round in $(seq 1 "$rounds"); do
  managed="$("$root/backpack" annotate --scene "$scene" --width 1280 --height 720 --repeat "$repeat")"
  opencv="$(/usr/bin/python3 "$root/bench/annotation/opencv_scene.py" --scene "$scene" --repeat "$repeat")"
  m_wall="$(value ms_per_frame "$managed")"; m_cpu="$(value cpu_ms_per_frame "$managed")"
  o8_wall="$(value opencv_LINE_8_ms_per_frame "$opencv")"; o8_cpu="$(value opencv_LINE_8_cpu_ms_per_frame "$opencv")"
  oaa_wall="$(value opencv_LINE_AA_ms_per_frame "$opencv")"; oaa_cpu="$(value opencv_LINE_AA_cpu_ms_per_frame "$opencv")"
  echo "round $round: managed (anti-aliased) ${m_wall} ms wall, ${m_cpu} ms cpu | OpenCV LINE_8 ${o8_wall} ms wall, ${o8_cpu} ms cpu | OpenCV LINE_AA ${oaa_wall} ms wall, ${oaa_cpu} ms cpu"
  echo "round $round: OpenCV/managed cpu time: LINE_8 $(ratio "$o8_cpu" "$m_cpu")x, LINE_AA $(ratio "$oaa_cpu" "$m_cpu")x (above 1: the managed driver is faster)"
done
