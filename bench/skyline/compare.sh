#!/usr/bin/env bash
# SkyLine against GStreamer fed directly (Python, Debian's python3-gst-1.0), side by side in one run,
# for the targets of the SkyLine issue, at 1280x720, 30 fps, 300 frames (data/bench/FRAMES.md):
#   1. the original's encoder settings: backpack bench skyline vs gstreamer_direct.py, same elements
#      (BGR frames through videoconvert), and vs the encoder alone (frames converted to I420 before timing);
#   2. SkyLine's defaults vs the original's settings: CPU per frame, encoder delay, bitrate, SSIM
#      of the file against the generated frames (ffmpeg's ssim filter), frames out;
#   3. --pace max with the defaults: Put latency, drops, peak memory; at 30 fps (the stream stays in real
#      time, so most frames are skipped before the encoder) and at --fps 1000, where the encoder is
#      saturated and the queue drops the oldest frames.
# Each measurement is repeated (rounds, interleaved) and printed; the summary gives the mean, minimum
# and maximum of each figure and the ratios of the means.
# Usage: bench/skyline/compare.sh [rounds, default 3]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="${1:-3}"
original="x264enc bframes=0 key-int-max=45 bitrate=500"
# SkyLine's default encoder on this machine (no hardware encoder): the description it logs.
default="x264enc tune=zerolatency speed-preset=ultrafast bitrate=1000 key-int-max=60 bframes=0 option-string=cabac=1:deblock=0,0"
work="$(mktemp -d "${TMPDIR:-/tmp}/skyline-compare-XXXXXX")"
trap 'rm -rf "$work"' EXIT
"$root/eng/prerequisites.sh" runtime test
"$root/backpack" --version >/dev/null

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
/usr/bin/python3 "$root/bench/skyline/frames.py" --frames 300 --width 1280 --height 720 --out "$work/frames.bgr"

field() { { grep -oE "(^| )$1=[^ ]+" <<<"$2" || true; } | tail -1 | cut -d= -f2; }
ssim() {
  ffmpeg -v error -nostats -i "$1" -f rawvideo -pix_fmt bgr24 -s 1280x720 -r 30 -i "$work/frames.bgr" \
    -lavfi "[0:v][1:v]ssim=stats_file=-" -f null - 2>/dev/null \
    | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^All:/) { split($i, a, ":"); s += a[2]; n++ } } END { if (n) printf "%.4f", s / n; else print "nan" }'
}
declare -A values
record() { values["$1"]+="$2 "; }
run() { # name, command...
  local name="$1"; shift
  local output; output="$("$@" 2>&1)" || { echo "$name failed:"; echo "$output" | tail -5; exit 1; }
  local last; last="$(tail -1 <<<"$output")"
  for key in cpu_ms_per_frame p99_put_ms max_put_ms frames_out dropped encoder_delay_frames; do
    record "$name.$key" "$(field "$key" "$last")"
  done
  record "$name.bitrate_kbps" "$(field bitrate_kbps "$output")"
  local rss; rss="$(field rss_growth_mb "$output")"; [ -n "$rss" ] && record "$name.rss_growth_mb" "$rss"
  local pool; pool="$(field pool_mb "$output")"; [ -n "$pool" ] && record "$name.pool_mb" "$pool"
  printf '  %-22s %s\n' "$name" "$last"
}

for round in $(seq 1 "$rounds"); do
  echo "round $round (load $(cut -d' ' -f1 /proc/loadavg))"
  run direct_original /usr/bin/python3 "$root/bench/skyline/gstreamer_direct.py" --encoder "$original" --out "$work/direct.mkv"
  run floor_original /usr/bin/python3 "$root/bench/skyline/gstreamer_direct.py" --input i420 --encoder "$original"
  run floor_default /usr/bin/python3 "$root/bench/skyline/gstreamer_direct.py" --input i420 --encoder "$default"
  run skyline_original "$root/backpack" bench skyline --encoder "$original" --out "$work/original.mkv"
  run skyline_default "$root/backpack" bench skyline --out "$work/default.mkv"
  run skyline_max "$root/backpack" bench skyline --pace max --out "$work/max.mkv"
  run skyline_saturated "$root/backpack" bench skyline --pace max --fps 1000 --out "$work/saturated.mkv"
  record direct_original.ssim "$(ssim "$work/direct.mkv")"
  record skyline_original.ssim "$(ssim "$work/original.mkv")"
  record skyline_default.ssim "$(ssim "$work/default.mkv")"
done

stats() { awk '{ s = 0; mn = $1; mx = $1; for (i = 1; i <= NF; i++) { s += $i; if ($i < mn) mn = $i; if ($i > mx) mx = $i } printf "%.3f (min %.3f, max %.3f)", s / NF, mn, mx }' <<<"${values[$1]}"; }
mean() { awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.4f", s / NF }' <<<"${values[$1]}"; }
ratio() { awk -v a="$(mean "$1")" -v b="$(mean "$2")" 'BEGIN { printf "%.3f", a / b }'; }

echo
echo "summary over $rounds rounds (mean, min, max); load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
for name in direct_original floor_original skyline_original floor_default skyline_default skyline_max skyline_saturated; do
  echo "$name:"
  for key in cpu_ms_per_frame encoder_delay_frames frames_out dropped bitrate_kbps ssim p99_put_ms max_put_ms pool_mb rss_growth_mb; do
    [ -n "${values[$name.$key]:-}" ] && printf '  %-22s %s\n' "$key" "$(stats "$name.$key")"
  done
done
echo
echo "1. original settings, SkyLine / GStreamer direct, CPU per frame: $(ratio skyline_original.cpu_ms_per_frame direct_original.cpu_ms_per_frame) (target <= 1.03)"
echo "   SkyLine / the encoder alone (I420 fed before timing): original settings $(ratio skyline_original.cpu_ms_per_frame floor_original.cpu_ms_per_frame), defaults $(ratio skyline_default.cpu_ms_per_frame floor_default.cpu_ms_per_frame)"
echo "2. defaults / original settings, CPU per frame:                 $(ratio skyline_default.cpu_ms_per_frame skyline_original.cpu_ms_per_frame) (target <= 0.4, aim 0.3)"
echo "   defaults: encoder delay $(mean skyline_default.encoder_delay_frames) frames (target <= 1), bitrate $(mean skyline_default.bitrate_kbps) kbps (target <= 1000)"
echo "   SSIM defaults $(mean skyline_default.ssim) vs original settings $(mean skyline_original.ssim) (target >= original - 0.005); frames out $(mean skyline_default.frames_out) of 300"
echo "3. pace max, defaults: p99 Put $(mean skyline_max.p99_put_ms) ms (target <= 1), max Put $(mean skyline_max.max_put_ms) ms (target <= 5), dropped $(mean skyline_max.dropped), frame buffers $(mean skyline_max.pool_mb) MB, resident memory grew $(mean skyline_max.rss_growth_mb) MB while streaming"
echo "   pace max, defaults, --fps 1000 (encoder saturated): p99 Put $(mean skyline_saturated.p99_put_ms) ms (target <= 1), max Put $(mean skyline_saturated.max_put_ms) ms (target <= 5), dropped $(mean skyline_saturated.dropped), frames out $(mean skyline_saturated.frames_out)"
