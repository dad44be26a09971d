"""The eval harness: gold labels (``evals/gold``), a deterministic scorer, baselines and a runner.

It reads briefs, never the pipeline's internals, and the core never imports it: ``summarizer
eval`` reaches :func:`summarizer.eval.run.run_cli` by name. See ``evals/GUIDE.md``.
"""
