"""Prompt templates, shipped as package data of ``summarizer.templates`` (see summarizer/prompts.py)."""
