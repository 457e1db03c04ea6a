"""Audit permissions live in the foundation registry (``kefu.org.permissions.P``): audit.view, audit.verify."""

from kefu.org.permissions import P

AUDIT_VIEW = P.AUDIT_VIEW
AUDIT_VERIFY = P.AUDIT_VERIFY
