"""Render (or list) the prompt audio: espeak-ng Mandarin, 8 kHz mono WAV under var/ivr/prompts/."""

from django.core.management.base import BaseCommand

from kefu.ivr import prompts


class Command(BaseCommand):
    help = "Generate IVR prompt audio for published flows and fixed phrases (or --list texts with hashes)."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="print hash and text (to record human prompts)")

    def handle(self, *args, list: bool, **options):  # noqa: A002
        texts = prompts.static_texts()
        if list:
            for text in texts:
                self.stdout.write(f"{prompts.text_hash(text)}  {text}")
            return
        if not prompts.espeak_available():
            self.stdout.write("espeak-ng not installed: prompts stay text-only")
            return
        made = sum(1 for t in texts if prompts.synthesize(t))
        self.stdout.write(f"ivr: {made}/{len(texts)} prompts rendered in {prompts.prompt_dir()}")
