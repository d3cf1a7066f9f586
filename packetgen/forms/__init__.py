"""Stage 2, the forms: field maps read from the top-level ``forms/`` data (`fieldmap`), filling (`fill`),
installed official PDFs (`library`) and the generated stand-ins used when none is installed (`standin`)."""
