"""Stage 3, the cover letter: Jinja templates (top-level ``templates/``) rendered in a sandbox and laid out with
reportlab, citations resolved from the page map."""
