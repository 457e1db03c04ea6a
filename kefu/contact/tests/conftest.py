from kefu.contact.testing import contact_setup  # noqa: F401
