"""Source-aware scoring: how likely the MT is as a translation of the source, under Gemma 3 270M.

An editor who has only the source and the MT (no re-translation engine for the language, or
``--engine none``) still gets a source-aware quality score. Layout, one job per module:

- :mod:`mtcheck.source.prompt`: language names, the one-shot examples, source/MT pieces and prompts;
- :mod:`mtcheck.backends.source_lm`: the scorer (torch; the ``source`` extra);
- :mod:`mtcheck.source.scores`: token log-probs mapped onto MT words and sentences, and the calibrated
  sentence quality (a small fitted file, ``mtcheck/data/source-quality-v1.json``);
- :mod:`mtcheck.source.stage`: whether the stage runs, and the pipeline glue.
"""
