"""Stage 1, the case: the case-file model and loader (`model`), the pre-flight checks (`checks`), and the
answers of `packetgen init` turned into a case file (`answers`)."""
