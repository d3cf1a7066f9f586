"""After the build: page renders, contact sheet and the HTML review page (`preview`)."""
