"""The ``benefitcalc`` command (its console script) and ``python -m benefitcalc``.

The cyclic garbage collector is paused before anything else is imported: start-up
allocates many long-lived objects and almost no reference cycles, and collecting them
costs a single calculation about a twentieth of its time. Reference counting still frees
memory as usual, and every command that may run long (``calc`` with several cases,
``rulesets check``, ``rulesets coverage``) freezes what start-up made and turns the
collector back on (``cli.long_running``). Importing ``benefitcalc`` or ``benefitcalc.cli``
as a library leaves the collector alone.
"""

import gc

gc.disable()

from .cli import main  # noqa: E402

if __name__ == "__main__":
    main()
