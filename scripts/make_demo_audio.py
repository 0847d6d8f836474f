"""Synthesise the bundled demo calls with espeak-ng: stereo, agent on the left, customer on the right.

Run once by maintainers (needs espeak-ng and sox); the outputs are committed under app/demo/calls/.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "app" / "demo" / "calls"
VOICES = {"fr": ("fr+m3", "fr+f2"), "en": ("en-gb+m3", "en-us+f2")}


def say(text: str, voice: str, out: Path) -> float:
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(out), text], check=True)
    info = subprocess.run(["soxi", "-D", str(out)], check=True, capture_output=True, text=True)
    return float(info.stdout)


def build(name: str, language: str, turns: list[tuple[str, str]], tmp: Path) -> None:
    agent_voice, customer_voice = VOICES[language]
    tracks = {"agent": [], "customer": []}
    clock = 0.5
    for i, (speaker, text) in enumerate(turns):
        clip = tmp / f"{name}-{i}.wav"
        length = say(text, agent_voice if speaker == "agent" else customer_voice, clip)
        tracks[speaker].append((clock, clip))
        clock += length + 0.6
    total = clock + 0.5
    channels = []
    for speaker in ("agent", "customer"):
        parts = []
        for j, (start, clip) in enumerate(tracks[speaker]):
            padded = tmp / f"{name}-{speaker}-{j}.wav"
            subprocess.run(["sox", str(clip), "-r", "16000", "-c", "1", str(padded), "pad", f"{start:.2f}"], check=True)
            parts.append(str(padded))
        mixed = tmp / f"{name}-{speaker}.wav"
        cmd = ["sox", "-m", *parts, str(mixed)] if len(parts) > 1 else ["sox", parts[0], str(mixed)]
        subprocess.run(cmd, check=True)
        fitted = tmp / f"{name}-{speaker}-fit.wav"
        subprocess.run(["sox", str(mixed), str(fitted), "pad", "0", "30", "trim", "0", f"{total:.2f}"], check=True)
        channels.append(str(fitted))
    stereo = tmp / f"{name}.wav"
    subprocess.run(["sox", "-M", *channels, str(stereo)], check=True)
    subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-i", str(stereo), "-c:a", "libopus", "-b:a", "24k",
                    str(HERE / f"{name}.ogg")], check=True)


def main() -> None:
    script = json.loads((HERE / "script.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        for call in script["calls"]:
            build(call["name"], call["language"], [tuple(t) for t in call["turns"]], Path(tmp))
            print("wrote", call["name"], file=sys.stderr)


if __name__ == "__main__":
    main()
