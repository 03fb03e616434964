"""Word-level quality estimation: which MT words an expert would mark, and the sentence quality from it.

The stages, each a small module:
- :mod:`mtcheck.qe.words` splits sentences into words (whitespace tokens, as the MQM benchmark
  counts them) with normalised forms;
- :mod:`mtcheck.qe.encode` gives every word a contextual vector from all-MiniLM-L6-v2 (the
  ``embeddings`` extra), one batched pass over all sentences of a run;
- :mod:`mtcheck.qe.features` turns a document, its re-translation(s), the alignment, the fluency
  pass and the rule findings into one feature row per MT word;
- :mod:`mtcheck.qe.model` loads the shipped logistic model (``mtcheck/data/qe-word-v2.json``,
  trained by ``benchmarks/qe_train.py``) and gives each word the chance an expert marks it;
- :mod:`mtcheck.qe.findings` turns runs of likely-bad words into MT610 findings with evidence, and
  word probabilities into calibrated sentence quality.
"""
