"""Use cases behind the command line, one module each, importable from Python: no
printing, no typer, no rich. Each takes parsed arguments and returns typed results or
JSON-ready data (or raises a ``BenefitcalcError``); ``cli.py`` renders it.

- ``calculate``: cases in, results out (through an ``Engine``)
- ``rulesets``: list, show, check, write the MANIFEST
- ``coverage``: which periods each region's rules cover, and how surely
- ``schemas``: the JSON Schemas of cases, results and ruleset files
"""
