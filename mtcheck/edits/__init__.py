"""Edits over the analysed text, as pure functions of findings and text; no checking, no models.

``derive`` makes a finding's edits (rules call it), ``ops`` checks, applies and composes them,
``choice`` picks the ones a pass applies, ``preview`` shows them before -> after in reports and
``source`` carries them into the file the article was read from. The fix loop that runs checks
(``mtcheck.fix``) sits far above; this package sits just above the value types, so rules and
renderers can use it.
"""
