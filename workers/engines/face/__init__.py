"""Face models: a pack of a detector (box, score, five landmarks) and an embedder, loaded from
one folder of the model directory through InsightFace, and an optional liveness model."""
