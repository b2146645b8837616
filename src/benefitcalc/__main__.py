"""The ``benefitcalc`` command (its console script) and ``python -m benefitcalc``.

The cyclic garbage collector is paused before anything else is imported: start-up
allocates many long-lived objects and almost no reference cycles, and collecting them
costs a single calculation about a twentieth of its time. Reference counting still frees
memory as usual; a command that runs long (a batch) turns the collector back on itself.
Importing ``benefitcalc`` or ``benefitcalc.cli`` as a library leaves the collector alone.
"""

import gc

gc.disable()

from .cli import main  # noqa: E402

if __name__ == "__main__":
    main()
