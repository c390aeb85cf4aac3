#!/usr/bin/env bash
# Regenerates the built-in hold audio in this folder: 8 kHz, mono, 16-bit PCM WAV files,
# the only format HoldAudio accepts. The WAVs are committed, so a build never runs this;
# run it after changing a prompt's words or the music, then commit the WAVs.
#
# Needs Debian's sox and espeak-ng:  apt-get install -y sox espeak-ng
# Usage:                            ./generate.sh   (writes next to itself)
#
# What makes each file:
#   hold-music.wav   20 s loop (exactly 1000 frames of 20 ms), synthesized with sox: the
#                    progression C - Am - F - G - C - Am - Dm - G, 2.5 s a chord; each chord
#                    a soft sine pad (fading in and out) under four plucked arpeggio notes,
#                    a light reverb, peak normalized to -12 dBFS. The last chord leads back
#                    to the first, and both ends fade briefly, so the loop has no click.
#   <prompt>.wav     espeak-ng, voice en-us at 150 words a minute, resampled by sox to 8 kHz,
#                    leading and trailing silence trimmed, 50 ms of silence before and
#                    150 ms after (so that prompts played back to back do not run together),
#                    peak normalized to -6 dBFS. The words of each prompt are in PROMPTS
#                    below; n1.wav .. n20.wav say the numbers one to twenty.
# sox runs in repeatable mode (-R) without dither (-D): the same input gives the same bytes.
set -euo pipefail

cd "$(dirname "$0")"
SOX=(sox -R -D -V1)
OUT=(-r 8000 -c 1 -b 16 -e signed-integer)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ---- hold music -------------------------------------------------------------------------
CHORD_SECONDS=2.5
NOTE_SECONDS=0.625

# name: pad notes (3) | arpeggio notes (4), in sox note names (A4 = 440 Hz)
CHORDS=(
  "C4 E4 G4|C5 G4 E5 G4"
  "A3 C4 E4|A4 E4 C5 E4"
  "F3 A3 C4|F4 C5 A4 C5"
  "G3 B3 D4|G4 D5 B4 D5"
  "C4 E4 G4|E5 C5 G4 C5"
  "A3 C4 E4|C5 A4 E4 A4"
  "D4 F4 A4|D5 A4 F4 A4"
  "G3 B3 D4|B4 G4 D4 F4"
)

segments=()
for i in "${!CHORDS[@]}"; do
  IFS='|' read -r pad arpeggio <<<"${CHORDS[$i]}"
  read -r -a padNotes <<<"$pad"
  read -r -a arpNotes <<<"$arpeggio"
  # The pad: three sines mixed to one channel, swelling in and dying away over the chord.
  "${SOX[@]}" -n -c 3 "${OUT[@]}" "$work/pad$i.wav" \
    synth "$CHORD_SECONDS" sine "${padNotes[0]}" sine "${padNotes[1]}" sine "${padNotes[2]}" \
    remix - fade h 0.6 "$CHORD_SECONDS" 0.9 vol 0.5
  parts=("$work/pad$i.wav")
  for j in "${!arpNotes[@]}"; do
    start=$(awk "BEGIN { print $j * $NOTE_SECONDS }")
    "${SOX[@]}" -n "${OUT[@]}" "$work/pluck$i-$j.wav" \
      synth 1.2 pluck "${arpNotes[$j]}" fade 0.01 1.2 0.8 pad "$start"
    parts+=("$work/pluck$i-$j.wav")
  done
  "${SOX[@]}" -m "${parts[@]}" "${OUT[@]}" "$work/chord$i.wav" trim 0 "$CHORD_SECONDS"
  segments+=("$work/chord$i.wav")
done
"${SOX[@]}" "${segments[@]}" "${OUT[@]}" "$work/progression.wav"
"${SOX[@]}" "$work/progression.wav" "${OUT[@]}" hold-music.wav \
  lowpass 2500 reverb 25 50 40 trim 0 20 fade t 0.05 20 0.4 gain -n -12

# ---- spoken prompts ---------------------------------------------------------------------
declare -A PROMPTS=(
  [you-are-caller-number]="You are caller number"
  [your-expected-wait-is-about]="Your expected wait is about"
  [minute]="minute"
  [minutes]="minutes"
  [less-than-a-minute]="less than a minute"
  [please-hold]="Please hold."
  [thank-you-for-holding]="Thank you for holding."
  [please-choose]="Please choose an option."
  [invalid-choice]="Sorry, that is not a valid choice."
  [this-call-may-be-recorded]="This call may be recorded."
  [callback-offer]="To be called back, keeping your place, press"
  [callback-confirm]="We will call this number. Press pound to confirm."
  [callback-other-number]="Or enter another number, then pound."
  [callback-goodbye]="Thank you. We will call you back."
)
for n in $(seq 1 20); do
  PROMPTS[n$n]="$n"
done

for name in "${!PROMPTS[@]}"; do
  espeak-ng -v en-us -s 150 -w "$work/$name.wav" "${PROMPTS[$name]}"
  "${SOX[@]}" "$work/$name.wav" "${OUT[@]}" "$name.wav" \
    silence 1 0.01 0.1% reverse silence 1 0.01 0.1% reverse \
    pad 0.05 0.15 gain -n -6
done

echo "generated: $(ls -1 ./*.wav | wc -l) files, $(du -ch ./*.wav | tail -1 | cut -f1) in all"
