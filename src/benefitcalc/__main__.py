"""The ``benefitcalc`` command (its console script) and ``python -m benefitcalc``.

Two things make a single calculation start and end quickly, and both apply only to this
entry point (importing ``benefitcalc`` or ``benefitcalc.cli`` as a library changes nothing):

- The cyclic garbage collector is paused before anything else is imported: start-up
  allocates many long-lived objects and almost no reference cycles. Reference counting
  still frees memory as usual, and every command that may run long (``calc`` with several
  cases, ``rulesets check``, ``rulesets coverage``) freezes what start-up made and turns the
  collector back on (``cli.long_running``).
- The process ends with ``os._exit`` once stdout and stderr are flushed: the interpreter's
  own finalisation (clearing every module and object one by one) would cost a short
  command a sixth of its time. Every file the program writes is closed before it returns.
"""

import gc

gc.disable()

import os  # noqa: E402
import sys  # noqa: E402

from .cli import main as run  # noqa: E402


def main() -> None:
    code = run()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None: started with the stream closed
                stream.flush()
    except (OSError, ValueError):  # a closed or broken stream: nothing more can be said
        code = code or 1
    os._exit(code)


if __name__ == "__main__":
    main()
