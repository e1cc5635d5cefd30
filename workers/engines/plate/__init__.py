"""Plate models: where plates are in a photo (text lines grouped into plates) and the area
around one, enlarged for a second look. Reading them is the text engines' work."""
