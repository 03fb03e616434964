"""``mtcheck fix``: the fix loop (check, apply the allowed fixes, check again) and what it does with
the corrected articles (stdout, a diff, the files in place, a folder). The edits themselves — how a
finding's edit is made, applied, chosen, previewed and carried into a file — are :mod:`mtcheck.edits`.
"""
