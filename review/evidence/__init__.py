"""Evidence packets: case data, signed deterministic ZIPs, screenshots, verification.

Public API:
- ``load_case(session, case_id, settings)`` → ``CaseData`` (everything a packet/report shows)
- ``build_packet(session, case_id, out_dir, actor=...)`` → path of the signed ZIP
- ``verify_packet(path, public_key=None)`` → list of ``Problem`` (empty: intact)
- ``init_keys(settings)`` / ``load_private_key`` / ``load_public_key`` (``signing``)
"""
