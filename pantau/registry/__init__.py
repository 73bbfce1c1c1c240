"""The ASN registry: who is watched, and their accounts on each platform."""
