"""Ledger events for other apps (SMS balance alerts, risk rules).

``posting_created`` is sent after the transaction commits, once per posting on a customer account, with
``account_no``, ``cif_no``, ``amount_fen`` (positive credit, negative debit), ``balance_after_fen``,
``txn_id``, ``posted_at`` (aware datetime) and ``channel``. Receivers must not raise: they run after the
money moved; queue their own work (e.g. ``kefu.notify.services.queue_notification``).
"""

from django.dispatch import Signal

posting_created = Signal()
