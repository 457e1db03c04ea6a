"""FastAGI: Asterisk's ``AGI(agi://host:4573/ivr)`` drives the IVR engine over TCP."""
