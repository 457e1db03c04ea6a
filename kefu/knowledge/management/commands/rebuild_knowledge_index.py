"""Re-segment every published article with the current dictionary and synonyms.

Run after changing ``data/bank_dict.txt`` or ``data/synonyms.txt`` (a deploy with new terms): stored
tokens carry the analyzer fingerprint, and indexes fall back to segmenting stale articles themselves,
which is correct but slow at process start. Bumps the shared change counter so every process reloads.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from kefu.audit.choices import AuditKind
from kefu.audit.services import record
from kefu.knowledge.index import analyze
from kefu.knowledge.models import Article
from kefu.knowledge.search import bump_index_seq
from kefu.knowledge.text import analyzer_fingerprint


class Command(BaseCommand):
    help = "Re-segment published knowledge articles after a dictionary or synonym change."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="also articles whose tokens are current")

    def handle(self, *args, **options):
        fingerprint = analyzer_fingerprint()
        started = time.perf_counter()
        done = 0
        for article in Article.objects.filter(is_live=True).prefetch_related("tags").iterator(chunk_size=200):
            if not options["all"] and (article.search_tokens or {}).get("v") == fingerprint:
                continue
            tokens = analyze(title=article.title, tags=[t.name for t in article.tags.all()], body=article.body,
                             questions=[q for q in [article.question, *(article.paraphrases or [])] if q])
            with transaction.atomic():
                Article.objects.filter(pk=article.pk).update(search_tokens=tokens, index_seq=bump_index_seq())
            done += 1
        with transaction.atomic():
            record(actor=None, action="knowledge.index_rebuilt", object_type="knowledge.article",
                   changes={"articles": done, "fingerprint": fingerprint}, kind=AuditKind.SYSTEM)
        self.stdout.write(f"{done} articles re-segmented in {time.perf_counter() - started:.1f} s "
                          f"(analyzer {fingerprint})")
