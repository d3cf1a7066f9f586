"""Stage 4, the evidence: each file turned into clean, sanitized US-Letter pages (policy in ``docs/evidence.md``),
photos in forked worker processes (`workers`)."""
