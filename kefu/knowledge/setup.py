"""Setup hooks: ``build`` checks the shipped dictionaries and warms jieba's cache; ``seed`` creates the
knowledge categories (reference data, idempotent)."""

from __future__ import annotations

import time


def build(stdout=None) -> None:
    from .text import dictionary_terms, get_tokenizer, synonym_map

    started = time.perf_counter()
    get_tokenizer()
    if stdout is not None:
        stdout.write(f"knowledge: jieba + {len(dictionary_terms())} banking terms + {len(synonym_map())} synonyms "
                     f"loaded in {time.perf_counter() - started:.2f} s\n")


def seed(stdout=None) -> None:
    from .demo_content import CATEGORIES
    from .models import Category

    created = 0
    for code, name, line, compliance, order in CATEGORIES:
        _, was_created = Category.objects.get_or_create(
            code=code, defaults={"name": name, "business_line": line, "requires_compliance": compliance,
                                 "order": order})
        created += was_created
    if stdout is not None:
        stdout.write(f"knowledge: {created} categories created\n")
