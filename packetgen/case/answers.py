"""Start a new case: turn a paralegal's answers into a valid case file and an evidence folder.

``packetgen init`` (``cli_init.py``) asks the questions; this module holds
everything that is not a question: the answer types and their validation, the
case file built from the answers, the evidence the case needs (one folder per
expected exhibit, with a README saying what goes in it), and writing it all
safely.

What a paralegal cannot type at a prompt (the narrative, the payment plan,
the criminal history...) is written as ``TODO: ...`` text so the case file is
valid from the first minute; :func:`todo_paths` lists those places and
``packetgen init`` prints them.

Only the standard library is imported at module level (``packetgen --help``
stays fast); pydantic comes in with :mod:`packetgen.case.model` when a case is made.
"""

from packetgen.case.answers_input import *  # noqa: F401,F403
from packetgen.case.answers_input import _README_MARK, _STATE_BY_NAME  # noqa: F401
from packetgen.case.answers_evidence import EvidenceSlot, expected_evidence  # noqa: F401
from packetgen.case.answers_write import (InitResult, case_data, create_case, ensure_can_write, set_path,  # noqa: F401
                                          todo_paths, validate)
