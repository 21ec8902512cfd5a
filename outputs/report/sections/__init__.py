"""One builder per kind of section, each a function of the Page that returns the section's HTML; render.py calls
them in page order."""
