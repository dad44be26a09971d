"""Eval harness: gold labels, a deterministic scorer and a gold-built reference brief.

See ``evals/GUIDE.md``. Public API: :func:`evals.score.score`, :class:`evals.score.ScoreReport`,
:func:`evals.score.format_report_markdown`, :class:`evals.score.BriefSchemaError`,
:func:`evals.score.load_gold`, :func:`evals.score.load_corpus`, :func:`evals.score.check_gold`
and :func:`evals.goldbrief.brief_from_gold`.
"""
